//! The message body: the text/plain and text/html alternatives (notes shown in both), the attachment
//! parts (from bytes loaded before conversion), and MIME boundaries fixed by the item's key. Headers live in `headers`;
//! transfer encoding is left to `mail-builder`.

use std::borrow::Cow;

use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::{BodyPart, MimePart};
use sha2::{Digest, Sha256};

use super::headers::header_text;
use crate::attachments::AttachmentBytes;
use crate::model::Item;

/// An attachment read and checked, ready to become a MIME part.
pub(super) struct LoadedAttachment {
    name: String,
    content_type: Cow<'static, str>,
    bytes: Vec<u8>,
}

/// What stands in for an empty text: `(attachment IMG-1.jpg)`, `(attachments a.jpg and 2 more)` or
/// `(no text)`. `None` when the item has text.
pub(super) fn empty_text_placeholder(item: &Item) -> Option<String> {
    if !item.text.trim().is_empty() {
        return None;
    }
    Some(match item.attachments.split_first() {
        None => "(no text)".to_owned(),
        Some((first, [])) => format!("(attachment {})", attachment_file_name(&first.name)),
        Some((first, rest)) => {
            format!("(attachments {} and {} more)", attachment_file_name(&first.name), rest.len())
        }
    })
}

/// Body text with line breaks normalised to `\n`, tabs kept, and every other control character shown
/// as U+FFFD so that no stray byte reaches the wire.
fn push_body_text(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// The text/plain alternative: the text (or its placeholder), then one `Note:` line per note.
pub(super) fn plain_text(item: &Item, placeholder: Option<&str>) -> String {
    let notes_len: usize = item.notes.iter().map(|n| n.len() + 8).sum();
    let mut out = String::with_capacity(item.text.len() + notes_len + 4);
    match placeholder {
        Some(placeholder) => out.push_str(placeholder),
        None => push_body_text(&mut out, item.text.trim_end()),
    }
    out.push('\n');
    if !item.notes.is_empty() {
        out.push('\n');
        for note in &item.notes {
            out.push_str("Note: ");
            push_body_text(&mut out, note.trim());
            out.push('\n');
        }
    }
    out
}

/// Appends `text` HTML-escaped, with line breaks as `<br>`.
fn push_html_text(out: &mut String, text: &str) {
    let mut clean = String::new();
    let text = if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        push_body_text(&mut clean, text);
        clean.as_str()
    } else {
        text
    };
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>\n"),
            c => out.push(c),
        }
    }
}

/// The text/html alternative: the same content as `plain_text`, escaped, notes as a list.
pub(super) fn html_text(item: &Item, placeholder: Option<&str>) -> String {
    let notes_len: usize = item.notes.iter().map(|n| n.len() + 24).sum();
    let mut out = String::with_capacity(item.text.len() * 11 / 10 + notes_len + 160);
    out.push_str("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n<p>");
    match placeholder {
        Some(placeholder) => push_html_text(&mut out, placeholder),
        None => push_html_text(&mut out, item.text.trim_end()),
    }
    out.push_str("</p>\n");
    if !item.notes.is_empty() {
        out.push_str("<ul class=\"docket-notes\">\n");
        for note in &item.notes {
            out.push_str("<li>Note: ");
            push_html_text(&mut out, note.trim());
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// The file name as shown and sent: one line, never empty.
pub(crate) fn attachment_file_name(name: &str) -> Cow<'_, str> {
    match header_text(name) {
        name if name.is_empty() => Cow::Borrowed("attachment"),
        name => name,
    }
}

/// `type/subtype` in lowercase when `value` is one (parameters dropped); `application/octet-stream`
/// otherwise, and for `multipart/*` and `message/*`, whose bytes Docket does not re-parse.
fn attachment_content_type(value: &str) -> Cow<'static, str> {
    const FALLBACK: &str = "application/octet-stream";
    let essence = value.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 127
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match essence.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => {
            let kind = kind.to_ascii_lowercase();
            if kind == "multipart" || kind == "message" {
                Cow::Borrowed(FALLBACK)
            } else {
                Cow::Owned(format!("{kind}/{}", sub.to_ascii_lowercase()))
            }
        }
        _ => Cow::Borrowed(FALLBACK),
    }
}

/// The attachments' bytes (loaded by `attachments::load` before conversion) as MIME-ready parts: names and
/// types made safe for headers.
pub(super) fn prepare_attachments(loaded: Vec<AttachmentBytes>) -> Vec<LoadedAttachment> {
    loaded
        .into_iter()
        .map(|a| LoadedAttachment {
            name: attachment_file_name(&a.name).into_owned(),
            content_type: attachment_content_type(&a.content_type),
            bytes: a.bytes,
        })
        .collect()
}

/// A boundary fixed by the key. It contains `=_`, which quoted-printable and base64 output never do; the
/// only content that could hold it is text written as-is, so it is checked against that and lengthened
/// until it is absent.
fn boundary(key_digest: &str, role: &str, verbatim: &[&[u8]]) -> String {
    let base = format!("=_docket_{role}_{key_digest}");
    let mut boundary = base.clone();
    let mut round = 0u32;
    while verbatim.iter().any(|part| contains(part, boundary.as_bytes())) {
        round += 1;
        boundary = format!("{base}_{round}");
    }
    boundary
}

/// The first 24 hex digits of the key's SHA-256: the part of every boundary that the key fixes.
fn key_digest(key: &str) -> String {
    let mut digest = hex::encode(Sha256::digest(key.as_bytes()));
    digest.truncate(24);
    digest
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

/// The MIME tree: `multipart/alternative` (plain, html), wrapped in `multipart/mixed` with the attachments
/// when there are any.
pub(super) fn mime_tree(
    key: &str,
    plain: String,
    html: String,
    attachments: Vec<LoadedAttachment>,
) -> MimePart<'static> {
    let mut verbatim: Vec<&[u8]> = vec![plain.as_bytes(), html.as_bytes()];
    verbatim.extend(
        attachments.iter().filter(|a| a.content_type.starts_with("text/")).map(|a| a.bytes.as_slice()),
    );
    let key_digest = key_digest(key);
    let alternative_boundary = boundary(&key_digest, "alt", &verbatim);
    let mixed_boundary = (!attachments.is_empty()).then(|| boundary(&key_digest, "mix", &verbatim));
    let alternative = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", alternative_boundary),
        vec![MimePart::new("text/plain", plain), MimePart::new("text/html", html)],
    );
    let Some(mixed_boundary) = mixed_boundary else {
        return alternative;
    };
    let mut parts = Vec::with_capacity(attachments.len() + 1);
    parts.push(alternative);
    for attachment in attachments {
        let content_type =
            ContentType::new(attachment.content_type).attribute("name", attachment.name.clone());
        parts.push(
            MimePart::new(content_type, BodyPart::Binary(attachment.bytes.into()))
                .attachment(attachment.name),
        );
    }
    MimePart::new(ContentType::new("multipart/mixed").attribute("boundary", mixed_boundary), parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_bare_lowercase_tokens_or_octet_stream() {
        assert_eq!(attachment_content_type("Image/JPEG; name=x"), "image/jpeg");
        assert_eq!(attachment_content_type("text/plain\r\nBcc: x"), "application/octet-stream");
        assert_eq!(attachment_content_type("multipart/mixed"), "application/octet-stream");
        assert_eq!(attachment_content_type(""), "application/octet-stream");
    }

    #[test]
    fn a_boundary_found_in_the_text_is_replaced() {
        let digest = key_digest("k");
        let first = boundary(&digest, "alt", &[]);
        let text = format!("x\n--{first}\ny");
        let second = boundary(&digest, "alt", &[text.as_bytes()]);
        assert_ne!(first, second);
        assert!(!text.contains(&second));
        assert_eq!(second, boundary(&digest, "alt", &[text.as_bytes()]));
    }

    #[test]
    fn html_is_escaped_and_keeps_line_breaks() {
        let mut out = String::new();
        push_html_text(&mut out, "<b>\"Tom\" & 'Jerry'</b>\r\nnext\0");
        assert_eq!(out, "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;<br>\nnext\u{FFFD}");
    }
}
