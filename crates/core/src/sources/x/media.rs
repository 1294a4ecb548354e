//! X media to attachments: photos, and the highest-bit-rate mp4 variant of a video or GIF that fits the item's
//! media budget. Media too large for a message stays at its URL (`AttachmentContent::Remote` with its size,
//! which conversion holds as oversize); media X no longer has is noted as missing; a download that fails for
//! now leaves a `Remote` without size, so the item fails and a later run fetches it again.

use super::client::{Download, XClient};
use super::error::XError;
use super::records::Pending;
use super::schema::Media;
use crate::model::{Attachment, AttachmentContent, Item};
use crate::sources::ExportError;

/// Downloads the pending item's media and attaches it; what cannot be attached is noted.
pub(super) async fn with_media(
    client: &XClient,
    media_budget: u64,
    pending: Pending,
) -> Result<Item, ExportError> {
    let Pending { mut item, media, .. } = pending;
    let mut budget = media_budget;
    for m in &media {
        let (attachment, note) = fetch_media(client, m, budget).await?;
        if let AttachmentContent::Inline { bytes } = &attachment.content {
            budget = budget.saturating_sub(bytes.len() as u64);
        }
        if let Some(note) = note {
            item.notes.push(note);
        }
        item.attachments.push(attachment);
    }
    Ok(item)
}

async fn fetch_media(
    client: &XClient,
    media: &Media,
    budget: u64,
) -> Result<(Attachment, Option<String>), ExportError> {
    let kind = media.kind.as_deref().unwrap_or("photo");
    let mut candidates: Vec<(String, &'static str)> = Vec::new();
    if kind == "photo" {
        candidates.extend(media.url.clone().map(|u| (u, "jpg")));
    } else {
        let mut variants: Vec<_> = media
            .variants
            .iter()
            .flatten()
            .filter(|v| v.content_type.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("video/mp4")))
            .collect();
        variants.sort_by_key(|v| std::cmp::Reverse(v.bit_rate.unwrap_or(0)));
        candidates.extend(variants.into_iter().map(|v| (v.url.clone(), "mp4")));
    }
    let key = &media.media_key;
    let Some((best_url, _)) = candidates.first().cloned() else {
        let reason = format!("X gave no downloadable file for {kind} {key}");
        let attachment = Attachment {
            name: format!("{key}.bin"),
            content_type: "application/octet-stream".into(),
            content: AttachmentContent::Missing { reason: reason.clone() },
        };
        return Ok((attachment, Some(reason)));
    };
    let mut largest = 0u64;
    for (url, default_ext) in &candidates {
        let name = media_name(key, url, default_ext);
        let content_type = mime_guess::from_path(&name).first_or_octet_stream().essence_str().to_string();
        match client.download(url, budget).await {
            Ok(Download::Bytes(bytes)) => {
                let attachment =
                    Attachment { name, content_type, content: AttachmentContent::Inline { bytes } };
                return Ok((attachment, None));
            }
            Ok(Download::TooLarge { size }) => largest = largest.max(size),
            Err(e @ XError::Auth { .. }) => return Err(ExportError::X(e)),
            Err(XError::Rejected { status, .. }) if matches!(status, 404 | 410) => {
                let reason = format!("{kind} {key} is no longer available from X ({url} answered {status})");
                let attachment = Attachment {
                    name,
                    content_type,
                    content: AttachmentContent::Missing { reason: reason.clone() },
                };
                return Ok((attachment, Some(reason)));
            }
            Err(e) => {
                let reason = format!("{kind} {key} could not be downloaded from {url}: {e}");
                let attachment = Attachment {
                    name,
                    content_type,
                    content: AttachmentContent::Remote { url: url.clone(), size: None, reason },
                };
                return Ok((attachment, None));
            }
        }
    }
    let name = media_name(key, &best_url, if kind == "photo" { "jpg" } else { "mp4" });
    let content_type = mime_guess::from_path(&name).first_or_octet_stream().essence_str().to_string();
    let reason = format!(
        "{kind} {key} is {largest} bytes even in its smallest form, too large for a 10 MB message; it stays at \
         {best_url}"
    );
    let attachment = Attachment {
        name,
        content_type,
        content: AttachmentContent::Remote { url: best_url, size: Some(largest), reason: reason.clone() },
    };
    Ok((attachment, Some(reason)))
}

/// `3_1234.jpg` from the media key and the URL's extension (query and fragment ignored).
fn media_name(key: &str, url: &str, default_ext: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|file| file.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()))
        .filter(|ext| (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| default_ext.to_string());
    let safe_key: String = key.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    format!("{safe_key}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_names_take_the_extension_from_the_url() {
        assert_eq!(media_name("3_1", "https://pbs.twimg.com/media/AbC.png", "jpg"), "3_1.png");
        assert_eq!(media_name("7_2", "https://video.twimg.com/v/x.mp4?tag=12", "mp4"), "7_2.mp4");
        assert_eq!(media_name("7_../2", "https://video.twimg.com/v/noext", "mp4"), "7_2.mp4");
    }
}
