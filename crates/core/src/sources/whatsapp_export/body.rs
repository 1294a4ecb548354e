//! What follows a header: who sent it (or that WhatsApp itself wrote it), and the markers WhatsApp writes
//! in place of media (`<Media omitted>`, `<attached: NAME>`, `NAME (file attached)` and their
//! translations). It does not find the media files (see `media`) or build items (see `chat`).

use super::header::{strip_marks, Layout};
use crate::model::Participant;

/// The sender name used for lines WhatsApp itself wrote.
pub(super) const SYSTEM_SENDER: &str = "WhatsApp";

/// The first line of a message after its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Body<'a> {
    Message {
        sender: String,
        text: &'a str,
    },
    /// Written by WhatsApp: encryption notices, members added or leaving, subject changes, calls.
    System {
        text: &'a str,
    },
}

/// Splits `Name: text` at the first `: `. A line with none, or whose "name" holds quotation marks (a
/// subject change such as `Alice changed the subject to "Q3: plan"`), is a system line. iOS also writes
/// system texts under a name (the group's), marked with a leading U+200E; marked texts that are
/// attachments, omitted media or deletions stay messages. Android has no such mark, so a text there that
/// starts with a direction mark (right-to-left writing) stays a message.
pub(super) fn classify(body: &str, layout: Layout) -> Body<'_> {
    let split = match body.find(": ") {
        Some(at) => Some((at, at + 2)),
        None => body.strip_suffix(':').map(|name| (name.len(), body.len())),
    };
    let Some((name_end, text_start)) = split else {
        return Body::System { text: body };
    };
    let (Some(name), Some(text)) = (body.get(..name_end), body.get(text_start..)) else {
        return Body::System { text: body };
    };
    let sender = strip_marks(name).trim().to_string();
    let quoted =
        sender.chars().any(|c| matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{AB}' | '\u{BB}'));
    if sender.is_empty() || quoted {
        return Body::System { text: body };
    }
    if layout == Layout::Ios && text.starts_with('\u{200E}') && !is_marked_message_text(text) {
        return Body::System { text };
    }
    Body::Message { sender, text }
}

/// iOS texts that carry the U+200E mark yet come from the sender.
fn is_marked_message_text(text: &str) -> bool {
    let clean = strip_marks(text);
    let clean = clean.trim();
    let lower = clean.to_lowercase();
    ios_attachment(clean).is_some()
        || is_media_omitted(clean)
        || lower.starts_with("this message was deleted")
        || lower.starts_with("you deleted this message")
        || lower.starts_with("location: ")
}

/// `<Media omitted>` in the languages WhatsApp writes it, and iOS's `image omitted` and the like.
pub(super) fn is_media_omitted(line: &str) -> bool {
    const MARKERS: [&str; 9] = [
        "<media omitted>",
        "<medien ausgeschlossen>",
        "<médias omis>",
        "<multimedia omitido>",
        "<mídia oculta>",
        "<arquivo de mídia oculto>",
        "<media weggelaten>",
        "<media omessi>",
        "<multimédia omitido>",
    ];
    const IOS_KINDS: [&str; 8] =
        ["image", "video", "audio", "sticker", "gif", "document", "contact card", "voice message"];
    let lower = line.trim().to_lowercase();
    MARKERS.contains(&lower.as_str())
        || lower.strip_suffix(" omitted").is_some_and(|kind| IOS_KINDS.contains(&kind))
}

/// iOS `<attached: NAME>` (German `<Anhang: NAME>`) anywhere in the line: the name, and the line without
/// the marker.
pub(super) fn ios_attachment(line: &str) -> Option<(String, String)> {
    const OPENERS: [&str; 2] = ["<attached: ", "<Anhang: "];
    let (start, opener) =
        OPENERS.iter().find_map(|opener| line.find(opener).map(|start| (start, *opener)))?;
    let name_start = start + opener.len();
    let name_len = line.get(name_start..)?.find('>')?;
    let name = line.get(name_start..name_start + name_len)?.trim().to_string();
    if name.is_empty() {
        return None;
    }
    let rest = format!("{}{}", line.get(..start)?, line.get(name_start + name_len + 1..)?);
    Some((name, rest.trim().to_string()))
}

/// Android `NAME (file attached)` and its translations: the name.
pub(super) fn android_attachment(line: &str) -> Option<String> {
    const SUFFIXES: [&str; 7] = [
        " (file attached)",
        " (Datei angehängt)",
        " (fichier joint)",
        " (archivo adjunto)",
        " (arquivo anexado)",
        " (file allegato)",
        " (bestand bijgevoegd)",
    ];
    let line = line.trim();
    let name = SUFFIXES.iter().find_map(|suffix| line.strip_suffix(suffix))?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// A message's text with its media markers taken out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct MessageParts {
    pub text: String,
    pub attachment_names: Vec<String>,
    pub media_omitted: bool,
}

/// Reads a message's lines (the first is the text after `Name: `). Marker lines are removed; the rest of
/// a line holding an iOS marker (a document's title, a caption) and all other lines stay, without the
/// leading U+200E iOS adds (other direction marks are the writer's and stay).
pub(super) fn message_parts(lines: &[&str]) -> MessageParts {
    let mut parts = MessageParts::default();
    let mut kept: Vec<String> = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let clean = strip_marks(line);
        if is_media_omitted(&clean) {
            parts.media_omitted = true;
            continue;
        }
        if index == 0 {
            if let Some(name) = android_attachment(&clean) {
                parts.attachment_names.push(name);
                continue;
            }
        }
        if let Some((name, rest)) = ios_attachment(&clean) {
            parts.attachment_names.push(name);
            if !rest.is_empty() {
                kept.push(rest);
            }
            continue;
        }
        kept.push(line.trim_start_matches('\u{200E}').to_string());
    }
    parts.text = kept.join("\n").trim_end().to_string();
    parts
}

/// A sender as a participant; names that look like phone numbers also fill `phone`.
pub(super) fn participant(name: &str) -> Participant {
    let mut participant = Participant::named(name);
    if looks_like_phone(name) {
        let spaced = name.replace(['\u{00A0}', '\u{202F}'], " ");
        participant.phone = Some(spaced);
    }
    participant
}

/// Starts with `+` or a digit and holds only digits, spaces, dashes, parentheses and dots.
fn looks_like_phone(name: &str) -> bool {
    let mut chars = name.chars();
    let starts = chars.next().is_some_and(|c| c == '+' || c.is_ascii_digit());
    let rest_fits = chars
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '-' | '(' | ')' | '.'));
    starts && rest_fits && name.chars().filter(char::is_ascii_digit).count() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_colon_space_ends_the_sender() {
        assert_eq!(
            classify("Alice: re: budget", Layout::Android),
            Body::Message { sender: "Alice".into(), text: "re: budget" }
        );
        assert_eq!(classify("Alice added Bob", Layout::Ios), Body::System { text: "Alice added Bob" });
        let subject = "Alice changed the subject to \"Q3: plan\"";
        assert_eq!(classify(subject, Layout::Ios), Body::System { text: subject });
        assert_eq!(classify("Bob:", Layout::Ios), Body::Message { sender: "Bob".into(), text: "" });
    }

    #[test]
    fn ios_marked_texts_are_system_unless_they_are_media() {
        assert!(matches!(classify("Team: \u{200E}Alice added Bob", Layout::Ios), Body::System { .. }));
        assert!(matches!(
            classify("Bob: \u{200E}<attached: 00000003-PHOTO.jpg>", Layout::Ios),
            Body::Message { .. }
        ));
        assert!(matches!(classify("Bob: \u{200E}image omitted", Layout::Ios), Body::Message { .. }));
        assert!(matches!(
            classify("Dana: \u{200F}\u{5E9}\u{5DC}\u{5D5}\u{5DD}", Layout::Ios),
            Body::Message { .. }
        ));
        assert!(matches!(classify("Dana: \u{200E}marked", Layout::Android), Body::Message { .. }));
    }

    #[test]
    fn markers_are_removed_and_captions_kept() {
        let android = message_parts(&["IMG-1.jpg (file attached)", "the site"]);
        assert_eq!(
            (android.text.as_str(), android.attachment_names),
            ("the site", vec!["IMG-1.jpg".to_string()])
        );
        let ios =
            message_parts(&["\u{200E}Report.pdf \u{2022} \u{200E}3 pages \u{200E}<attached: 07-Report.pdf>"]);
        assert_eq!(ios.text, "Report.pdf \u{2022} 3 pages");
        assert_eq!(ios.attachment_names, vec!["07-Report.pdf".to_string()]);
        let omitted = message_parts(&["<Medien ausgeschlossen>"]);
        assert!(omitted.media_omitted && omitted.text.is_empty());
    }

    #[test]
    fn phone_like_names_fill_phone() {
        assert_eq!(participant("+44 7700 900123").phone.as_deref(), Some("+44 7700 900123"));
        assert_eq!(participant("0170-123.45 (6)").phone.as_deref(), Some("0170-123.45 (6)"));
        assert_eq!(participant("Alice 2").phone, None);
        assert_eq!(participant("2nd shift").phone, None);
    }
}
