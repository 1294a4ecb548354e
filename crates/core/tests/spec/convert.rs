//! Spec: convert. An item becomes exactly one deterministic RFC 5322 email; hostile text never becomes a
//! header; oversize content is refused with a reason. Every message is re-read with the independent
//! `mail-parser` crate. This file holds the test items and the reading aids; the spec is in the submodules.

mod addressing;
mod content;
mod determinism;
mod safety;

use std::path::PathBuf;

use chrono::DateTime;
use docket_core::convert::Rendered;
use docket_core::model::{Attachment, AttachmentContent, Item, ItemKind, Participant, SourceKind};
use mail_parser::{HeaderValue, Message, MessageParser};

fn at(rfc3339: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).expect("test timestamp")
}

fn inline(name: &str, content_type: &str, bytes: &[u8]) -> Attachment {
    Attachment {
        name: name.into(),
        content_type: content_type.into(),
        content: AttachmentContent::Inline { bytes: bytes.to_vec() },
    }
}

/// A WhatsApp group message from Alice (phone only) to Bob (email) and Carol (phone).
fn group_message() -> Item {
    Item {
        key: "whatsapp-20240305T090703-0123456789abcdef01234567".into(),
        source: SourceKind::WhatsApp,
        kind: ItemKind::Message,
        chat: "Project Falcon".into(),
        source_id: "Project Falcon.txt line 12".into(),
        timestamp: at("2024-03-05T09:07:03+01:00"),
        sender: Participant {
            display_name: "Alice Smith".into(),
            phone: Some("+1 555-0100".into()),
            ..Participant::default()
        },
        recipients: vec![
            Participant {
                display_name: "Bob Jones".into(),
                email: Some("bob@contoso.example".into()),
                ..Participant::default()
            },
            Participant {
                display_name: "Carol".into(),
                phone: Some("+44 7700 900123".into()),
                ..Participant::default()
            },
        ],
        text: "Status update for the board.\nSee the attached plan & budget <draft>.".into(),
        reply_to: None,
        references: vec![],
        attachments: vec![],
        notes: vec![],
        extra_headers: vec![],
        record_digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    }
}

fn parse(rendered: &Rendered) -> Message<'_> {
    MessageParser::new()
        .with_minimal_headers()
        .with_message_ids()
        .default_header_text()
        .parse(&rendered.bytes)
        .expect("mail-parser reads the message")
}

fn header_names(message: &Message<'_>) -> Vec<String> {
    message.headers().iter().map(|h| h.name().to_string()).collect()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|id| id.to_string()).collect(),
        _ => vec![],
    }
}

fn addresses(value: Option<&mail_parser::Address<'_>>) -> Vec<(String, String)> {
    value
        .map(|a| a.clone().into_list())
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.name.unwrap_or_default().into_owned(), a.address.unwrap_or_default().into_owned()))
        .collect()
}

/// A header's value, RFC 2047 decoded.
fn x_header<'m>(message: &'m Message<'m>, name: &'m str) -> Option<&'m str> {
    message.header(name).and_then(HeaderValue::as_text)
}

fn text_body(message: &Message<'_>) -> String {
    message.body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default()
}
