//! A message's `<div class="media_wrap">` read into the same `Media` and content notes result.json gives:
//! photos, files, videos, voice and round video messages, stickers and animations as paths relative to
//! the export folder (or Telegram's placeholder when it did not save the file), and shared contacts,
//! locations, venues and polls as notes; a phone call's block becomes the call's service event. Paths
//! are only joined here, never opened: `media` (beside `chat`) confines them to the export folder and a
//! path that leaves it becomes a note there.

use crate::sources::telegram_export::message::{Media, ServiceEvent};

use super::text::{flatten, Links};
use super::tree::{Document, NodeId};

/// What a media block holds.
#[derive(Debug, Default)]
pub(super) struct MediaReading {
    pub media: Media,
    pub notes: Vec<String>,
    /// A phone call: the message is a service message.
    pub call: Option<ServiceEvent>,
}

/// Reads the media block `wrap` of a page whose folder is `base` (relative to the export folder).
pub(super) fn read(doc: &Document<'_>, wrap: NodeId, base: &[String]) -> MediaReading {
    let mut reading = MediaReading::default();
    let Some(block) = doc.children(wrap).find(|&c| doc.tag(c).is_some()) else { return reading };
    let Some(tag) = doc.tag(block) else { return reading };
    let link = tag.attr("href").map(|href| href.into_owned()).filter(|href| !href.trim().is_empty());
    let path = |href: &Option<String>| {
        href.as_deref().map(|href| export_path(base, href).unwrap_or_else(|| href.to_string()))
    };
    let media = &mut reading.media;
    let typed = |media: &mut Media, kind: &str| media.media_type = Some(kind.to_string());
    if tag.has_class("photo_wrap") {
        media.photo = path(&link);
    } else if tag.has_class("sticker_wrap") {
        media.file = path(&link);
        typed(media, "sticker");
    } else if tag.has_class("animated_wrap") {
        media.file = path(&link);
        typed(media, "animation");
    } else if tag.has_class("video_file_wrap") {
        media.file = path(&link);
        typed(media, "video_file");
    } else if tag.has_class("media_poll") {
        reading.notes.extend(poll(doc, block));
    } else if tag.has_class("media") {
        generic(doc, block, path(&link), &mut reading);
    }
    reading
}

/// The parts of a generic media block: `div.title`, `div.description`, `div.status`.
fn part(doc: &Document<'_>, block: NodeId, class: &str) -> String {
    doc.find(block, &[class]).map(|n| doc.text(n).trim().to_string()).unwrap_or_default()
}

fn generic(doc: &Document<'_>, block: NodeId, path: Option<String>, reading: &mut MediaReading) {
    let Some(tag) = doc.tag(block) else { return };
    let title = part(doc, block, "title");
    let description = part(doc, block, "description");
    let status = part(doc, block, "status");
    let has_link = path.is_some();
    // The file, or Telegram's reason for not saving it, in result.json's words.
    let saved = path.or_else(|| placeholder(&description));
    let media = &mut reading.media;
    let file = |media: &mut Media, kind: &str| {
        media.file = saved.clone();
        media.media_type = Some(kind.to_string());
    };
    if tag.has_class("media_photo") {
        match title.as_str() {
            "Photo" => media.photo = saved.clone(),
            "Sticker" => {
                file(media, "sticker");
                let emoji =
                    if has_link { Some(status.as_str()) } else { status.rsplit_once(", ").map(|(e, _)| e) };
                media.sticker_emoji = emoji.filter(|e| !e.is_empty()).map(str::to_string);
            }
            _ => {}
        }
    } else if tag.has_class("media_video") {
        match title.as_str() {
            "Animation" => file(media, "animation"),
            "Video file" => file(media, "video_file"),
            "Video message" => file(media, "video_message"),
            _ => {}
        }
    } else if tag.has_class("media_voice_message") {
        file(media, "voice_message");
    } else if tag.has_class("media_audio_file") {
        file(media, "audio_file");
    } else if tag.has_class("media_file") {
        media.file = saved.clone();
        media.file_name = (!title.is_empty() && title != "File").then_some(title);
    } else if tag.has_class("media_contact") {
        let phone = status.strip_suffix(" - vCard").unwrap_or(&status);
        reading.notes.push(format!("shared contact: {title} {phone}").trim_end().to_string());
    } else if tag.has_class("media_location") || tag.has_class("media_live_location") {
        reading.notes.extend(location(&status));
    } else if tag.has_class("media_venue") {
        let query = tag.attr("href").and_then(|href| {
            let (_, query) = href.split_once("?q=")?;
            Some(query.split('&').next().unwrap_or_default().replace(',', ", "))
        });
        reading.notes.extend(query.as_deref().and_then(location));
    } else if tag.has_class("media_call") {
        reading.call = Some(call(&status));
    }
}

/// result.json's placeholder for a file Telegram did not save, from the HTML export's description.
fn placeholder(description: &str) -> Option<String> {
    Some(match description {
        "" => return None,
        "Unavailable, please try again later." => "(File unavailable, please try again later)".to_string(),
        "Exceeds maximum size, change data exporting settings to download." => {
            "(File exceeds maximum size. Change data exporting settings to download.)".to_string()
        }
        "Not included, change data exporting settings to download." => {
            "(File not included. Change data exporting settings to download.)".to_string()
        }
        other => format!("({other})"),
    })
}

/// "location: 55.7558, 37.6173" from "55.7558, 37.6173".
fn location(coordinates: &str) -> Option<String> {
    let (lat, lon) = coordinates.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    Some(format!("location: {lat}, {lon}"))
}

/// A call's status: "Outgoing (65 seconds)", "Missed", "Cancelled", "Declined", "Incoming".
fn call(status: &str) -> ServiceEvent {
    let duration = status
        .split_once(" (")
        .and_then(|(_, rest)| rest.strip_suffix(" seconds)"))
        .and_then(|n| n.parse().ok());
    let reason = match status.split(" (").next().unwrap_or_default() {
        "Missed" | "Cancelled" => Some("missed"),
        "Declined" => Some("busy"),
        _ => None,
    };
    ServiceEvent {
        action: "phone_call".to_string(),
        duration_seconds: duration,
        discard_reason: reason.filter(|_| duration.is_none()).map(str::to_string),
        ..ServiceEvent::default()
    }
}

/// "poll: Lunch?: Pizza (2 votes); Salad (0 votes)".
fn poll(doc: &Document<'_>, block: NodeId) -> Option<String> {
    let question =
        doc.find(block, &["question"]).map(|q| flatten(doc, q, Links::Dropped)).unwrap_or_default();
    let answers: Vec<String> = doc
        .children_with(block, &["answer"])
        .map(|answer| {
            let details = doc.find(answer, &["details"]).map(|d| doc.text(d)).unwrap_or_default();
            let text = flatten(doc, answer, Links::Dropped);
            let text = text.strip_suffix(details.as_str()).unwrap_or(&text).trim_end();
            let text = text.strip_prefix("- ").unwrap_or(text);
            let votes: i64 =
                details.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).unwrap_or(0);
            format!("{text} ({votes} votes)")
        })
        .collect();
    Some(format!("poll: {}: {}", question.trim(), answers.join("; ")))
}

/// `href` (as written in a page in the folder `base`, relative to the export folder) as a path relative to
/// the export folder, when it is a relative path that stays inside it; `None` otherwise (absolute paths,
/// URLs, drives, or `..` that climbs out), and then the caller passes `href` on as written so that it is
/// refused with a note naming it.
pub(super) fn export_path(base: &[String], href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with(['/', '\\']) {
        return None;
    }
    let mut segments: Vec<&str> = base.iter().map(String::as_str).collect();
    for segment in href.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s if s.contains(':') || s.contains('\0') => return None,
            s => segments.push(s),
        }
    }
    (!segments.is_empty()).then(|| segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Vec<String> {
        vec!["chats".to_string(), "chat_001".to_string()]
    }

    #[test]
    fn paths_are_joined_to_the_page_folder_and_may_not_climb_out() {
        assert_eq!(
            export_path(&base(), "../../chats/chat_001/photos/p.jpg").as_deref(),
            Some("chats/chat_001/photos/p.jpg")
        );
        assert_eq!(export_path(&[], "photos/p.jpg").as_deref(), Some("photos/p.jpg"));
        assert_eq!(export_path(&base(), "../../../etc/passwd"), None);
        assert_eq!(export_path(&[], "../outside.txt"), None);
        assert_eq!(export_path(&[], "/etc/passwd"), None);
        assert_eq!(export_path(&[], "https://example.com/x.jpg"), None);
        assert_eq!(export_path(&[], "C:\\Windows\\win.ini"), None);
    }

    #[test]
    fn calls_and_placeholders_read_as_result_json_writes_them() {
        let answered = call("Outgoing (65 seconds)");
        assert_eq!((answered.duration_seconds, answered.discard_reason), (Some(65), None));
        assert_eq!(call("Cancelled").discard_reason.as_deref(), Some("missed"));
        assert_eq!(call("Incoming").discard_reason, None);
        assert_eq!(
            placeholder("Not included, change data exporting settings to download.").as_deref(),
            Some("(File not included. Change data exporting settings to download.)")
        );
        assert_eq!(location("55.7558, 37.6173").as_deref(), Some("location: 55.7558, 37.6173"));
    }
}
