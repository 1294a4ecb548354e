//! The JSON route: a rendered message (RFC 5322 bytes) turned into Microsoft Graph's `message` resource for
//! `POST /users/{id}/mailFolders/{id}/messages`, created as a normal received message rather than a draft.
//!
//! What Microsoft documents, and what Docket relies on:
//! - Creating a message from JSON stores a draft unless `PidTagMessageFlags` (`Integer 0x0E07`) is set at
//!   creation without `mfUnsent` (0x8); [MS-OXCMSG] 2.2.1.6 says the flags are read-only after the first
//!   save, so they cannot be fixed afterwards. Docket sets `mfRead` (0x1) only.
//! - `PidTagMessageDeliveryTime` (`SystemTime 0x0E06`) is what Graph shows as `receivedDateTime`, and
//!   `PidTagClientSubmitTime` (`SystemTime 0x0039`) as `sentDateTime` ([MS-OXOMSG]); both are set to the
//!   item's own time. Extended properties can be created with the message in the same request (Graph's
//!   "Create single-value extended property": "use the same REST request as creating the instance").
//! - `internetMessageHeaders` can be set only when creating a message, and only custom `x-` headers
//!   (Graph's `message` resource). Docket's `X-Docket-*` headers go there.
//! - Docket's identity (`X-Docket-Item-Key`) and digest (`X-Docket-Message-SHA256`) are written as named
//!   properties in the PS_INTERNET_HEADERS set (`{00020386-0000-0000-C000-000000000046}`), where [MS-OXCMAIL]
//!   puts the `X-` headers of a MIME message. So a message made by `importMime` (whose MIME carries the same
//!   two headers) and one made here are found by the same mailbox-wide filter. That Exchange's `importMime`
//!   maps `X-` headers exactly as [MS-OXCMAIL] describes is inferred, not stated on the action's page.
//! - Attachments under 3 MB travel inline as `fileAttachment`s; larger ones, and any that would push the
//!   request past Graph's 4 MB limit, go through attachment upload sessions afterwards (`upload`).
//!
//! What is not kept on this route: the exact MIME structure and headers other than `X-` ones; `References`
//! and `In-Reply-To` are not settable through the message resource. `importMime` keeps them where it exists.

use base64::Engine as _;
use mail_parser::{Address, MessageParser, MimeHeaders};
use serde_json::{json, Value};

/// Exchange's named-property set for internet headers ([MS-OXPROPS] PS_INTERNET_HEADERS).
pub const PS_INTERNET_HEADERS: &str = "{00020386-0000-0000-C000-000000000046}";
/// The header (and named property) carrying Docket's item key.
pub const KEY_HEADER: &str = "X-Docket-Item-Key";
/// The header (and named property) carrying the SHA-256 of the rendered message, as in the ledger.
pub const DIGEST_HEADER: &str = "X-Docket-Message-SHA256";
/// The header carrying the digest of the item's source record (written by `convert`).
pub const RECORD_HEADER: &str = "X-Docket-Record-SHA256";
/// Attachments at or over this size go through an upload session (Graph: "between 3 MB and 150 MB").
pub const INLINE_ATTACHMENT_LIMIT: usize = 3 * 1024 * 1024;
/// Graph's documented request size limit.
pub const REQUEST_LIMIT: usize = 4 * 1024 * 1024;
/// Room left under `REQUEST_LIMIT` for JSON quoting and headers.
const REQUEST_MARGIN: usize = 64 * 1024;

/// `String {PS_INTERNET_HEADERS} Name <header>`: the id of a named property for an internet header.
pub fn header_property_id(header: &str) -> String {
    format!("String {PS_INTERNET_HEADERS} Name {header}")
}

/// An attachment to add after the message exists.
#[derive(Debug, Clone)]
pub struct LargeAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The request body, and the attachments that must follow through upload sessions.
#[derive(Debug)]
pub struct JsonMessage {
    pub body: Value,
    pub large: Vec<LargeAttachment>,
}

/// Why the rendered bytes could not become a Graph message (never expected for Docket's own output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMime {
    NoHeaderBlock,
    NoDate,
    DateOutOfRange,
}

impl NotMime {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        let reason = match self {
            NotMime::NoHeaderBlock => text!("sink.graph.mime_no_headers", "no header block"),
            NotMime::NoDate => text!("sink.graph.mime_no_date", "no Date header"),
            NotMime::DateOutOfRange => text!("sink.graph.mime_date_out_of_range", "a Date out of range"),
        };
        text!(
            "sink.graph.not_mime",
            "the rendered message cannot be read back as MIME ({reason})",
            reason = reason
        )
    }
}

crate::display_as_text!(NotMime);

impl std::error::Error for NotMime {}

/// Builds the message resource for `bytes`, timed at the message's `Date`, with Docket's key and digest.
pub fn build(bytes: &[u8], key: &str, sha256: &str) -> Result<JsonMessage, NotMime> {
    let message = MessageParser::default().parse(bytes).ok_or(NotMime::NoHeaderBlock)?;
    let date = message.date().ok_or(NotMime::NoDate)?;
    let when = utc_timestamp(date.to_timestamp()).ok_or(NotMime::DateOutOfRange)?;

    // mail-parser offers HTML made from a plain-text body too; only a real text/html part counts as HTML.
    let html = message.html_part(0).filter(|part| part.is_text_html()).and_then(|part| part.text_contents());
    let (content_type, content) = match html {
        Some(html) => ("html", html.to_string()),
        None => ("text", message.body_text(0).map(|t| t.into_owned()).unwrap_or_default()),
    };
    let mut headers = Vec::new();
    for header in message.headers() {
        let name = header.name();
        if name.len() > 2 && name[..2].eq_ignore_ascii_case("x-") {
            let value = header.value().as_text().map(str::to_string).unwrap_or_default();
            headers.push(json!({ "name": name, "value": value }));
        }
    }
    let properties = vec![
        json!({ "id": "Integer 0x0E07", "value": "1" }),
        json!({ "id": "SystemTime 0x0E06", "value": when }),
        json!({ "id": "SystemTime 0x0039", "value": when }),
        json!({ "id": header_property_id(KEY_HEADER), "value": key }),
        json!({ "id": header_property_id(DIGEST_HEADER), "value": sha256 }),
    ];

    let mut body = json!({
        "subject": message.subject().unwrap_or_default(),
        "body": { "contentType": content_type, "content": content },
        "toRecipients": recipients(message.to()),
        "ccRecipients": recipients(message.cc()),
        "internetMessageHeaders": headers,
        "singleValueExtendedProperties": properties,
    });
    if let Some(from) = message.from().and_then(|a| a.first()).and_then(recipient) {
        body["from"] = from.clone();
        body["sender"] = from;
    }
    if let Some(id) = message.message_id() {
        body["internetMessageId"] = Value::from(format!("<{id}>"));
    }

    let mut inline = Vec::new();
    let mut large = Vec::new();
    let mut size = serde_json::to_vec(&body).map(|b| b.len()).unwrap_or(0);
    for part in message.attachments() {
        let name = part.attachment_name().unwrap_or("attachment").to_string();
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{sub}", ct.ctype()),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let bytes = part.contents();
        let encoded_len = bytes.len().div_ceil(3) * 4 + name.len() + 128;
        if bytes.len() >= INLINE_ATTACHMENT_LIMIT || size + encoded_len > REQUEST_LIMIT - REQUEST_MARGIN {
            large.push(LargeAttachment { name, content_type, bytes: bytes.to_vec() });
            continue;
        }
        size += encoded_len;
        inline.push(json!({
            "@odata.type": "#microsoft.graph.fileAttachment",
            "name": name,
            "contentType": content_type,
            "contentBytes": base64::engine::general_purpose::STANDARD.encode(bytes),
        }));
    }
    if !inline.is_empty() {
        body["attachments"] = Value::Array(inline);
    }
    Ok(JsonMessage { body, large })
}

/// The MIME for `importMime`: Docket's key and digest headers, then the rendered message unchanged.
pub fn mime_with_identity(bytes: &[u8], key: &str, sha256: &str) -> Vec<u8> {
    let mut mime = Vec::with_capacity(bytes.len() + 160);
    mime.extend_from_slice(format!("{KEY_HEADER}: {key}\r\n{DIGEST_HEADER}: {sha256}\r\n").as_bytes());
    mime.extend_from_slice(bytes);
    mime
}

fn recipients(address: Option<&Address<'_>>) -> Vec<Value> {
    address.map(|a| a.iter().filter_map(recipient).collect()).unwrap_or_default()
}

fn recipient(addr: &mail_parser::Addr<'_>) -> Option<Value> {
    let address = addr.address()?;
    let name = addr.name().unwrap_or(address);
    Some(json!({ "emailAddress": { "name": name, "address": address } }))
}

/// `2024-01-15T10:02:00Z` for a Unix timestamp.
fn utc_timestamp(seconds: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIME: &[u8] = b"From: \"Alice\" <alice@contoso.com>\r\nTo: bob@contoso.com\r\n\
Date: Mon, 15 Jan 2024 11:02:00 +0100\r\nSubject: Hello\r\nMessage-ID: <k1@docket.invalid>\r\n\
X-Docket-Source: whatsapp\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi Bob\r\n";

    #[test]
    fn the_message_is_created_received_at_its_own_time_and_never_as_a_draft() {
        let built = build(MIME, "k1", "abc").expect("a message");
        let props = built.body["singleValueExtendedProperties"].as_array().expect("properties");
        let value = |id: &str| props.iter().find(|p| p["id"] == id).map(|p| p["value"].clone());
        assert_eq!(value("Integer 0x0E07"), Some(json!("1")));
        assert_eq!(value("SystemTime 0x0E06"), Some(json!("2024-01-15T10:02:00Z")));
        assert_eq!(value("SystemTime 0x0039"), Some(json!("2024-01-15T10:02:00Z")));
        assert_eq!(value(&header_property_id(KEY_HEADER)), Some(json!("k1")));
        assert_eq!(value(&header_property_id(DIGEST_HEADER)), Some(json!("abc")));
        assert_eq!(built.body["internetMessageId"], "<k1@docket.invalid>");
        assert_eq!(built.body["from"]["emailAddress"]["address"], "alice@contoso.com");
        assert_eq!(built.body["toRecipients"][0]["emailAddress"]["address"], "bob@contoso.com");
        assert_eq!(
            built.body["internetMessageHeaders"][0],
            json!({"name": "X-Docket-Source", "value": "whatsapp"})
        );
        assert_eq!(built.body["body"]["content"].as_str().map(str::trim), Some("Hi Bob"));
        assert!(built.large.is_empty());
    }

    #[test]
    fn the_identity_headers_come_first_in_the_imported_mime() {
        let mime = mime_with_identity(MIME, "k1", "abc");
        assert!(mime.starts_with(b"X-Docket-Item-Key: k1\r\nX-Docket-Message-SHA256: abc\r\nFrom:"));
    }
}
