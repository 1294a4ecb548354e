//! Fuzz target: an `Item` whose names, text, notes, keys, attachment name and extra header come from
//! arbitrary bytes (lossy UTF-8, so CR, LF, NUL, U+2028 and the like all appear) is rendered, and the email
//! is read back twice: line by line and with `mail-parser`. The top-level header names must be exactly the
//! set Docket writes for that item, every header line must end in CRLF, and none may hold a NUL: hostile
//! input can never inject a header. Rendering errors (oversize, dates) are allowed; panics are not.
#![no_main]

use std::collections::BTreeMap;

use chrono::{FixedOffset, TimeZone};
use docket_core::attachments::load_and_render as render;
use docket_core::model::{Attachment, AttachmentContent, Item, ItemKind, Participant, SourceKind};
use libfuzzer_sys::fuzz_target;

/// Docket's own header names (`X-Docket-*`) that an extra header may not reuse.
const OWN_HEADERS: [&str; 8] = [
    "X-Docket-Source",
    "X-Docket-Sender-Identity",
    "X-Docket-Recipient-Identity",
    "X-Docket-Chat",
    "X-Docket-Source-Id",
    "X-Docket-Record-SHA256",
    "X-Docket-Item-Kind",
    "X-Docket-Note",
];

/// Fields of the input, split at 0x1F; missing fields are empty.
struct Fields<'a> {
    parts: std::iter::Fuse<std::slice::Split<'a, u8, fn(&u8) -> bool>>,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Fields<'a> {
        let separator: fn(&u8) -> bool = |b| *b == 0x1F;
        Fields { parts: data.split(separator).fuse() }
    }

    fn text(&mut self) -> String {
        self.parts.next().map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default()
    }

    /// A field holding a list, split at `|`.
    fn list(&mut self) -> Vec<String> {
        let text = self.text();
        if text.is_empty() {
            Vec::new()
        } else {
            text.split('|').map(str::to_string).collect()
        }
    }

    fn optional(&mut self) -> Option<String> {
        Some(self.text()).filter(|t| !t.is_empty())
    }
}

fn participant(name: String, fields: &mut Fields<'_>) -> Participant {
    Participant {
        display_name: name,
        phone: fields.optional(),
        email: fields.optional(),
        handle: fields.optional(),
        // Set by the pipeline from the mapping CSV's normalised address, never from source data.
        mailbox: None,
    }
}

fn build_item(data: &[u8]) -> Option<Item> {
    let (head, rest) = data.split_first_chunk::<4>().map(|(h, r)| (*h, r)).unwrap_or(([0; 4], data));
    let source = match head[0] % 3 {
        0 => SourceKind::WhatsApp,
        1 => SourceKind::Telegram,
        _ => SourceKind::X,
    };
    let kind = match head[1] % 5 {
        0 => ItemKind::Message,
        1 => ItemKind::System,
        2 => ItemKind::Post,
        3 => ItemKind::Mention,
        _ => ItemKind::DirectMessage,
    };
    let offset_seconds = (i32::from(head[2]) - 128) * 15 * 60 / 10;
    let minutes = i64::from(u16::from_le_bytes([head[3], head[0]])) * 37;
    let timestamp = FixedOffset::east_opt(offset_seconds)?.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single()?
        + chrono::Duration::minutes(minutes);

    let mut fields = Fields::new(rest);
    let key = fields.text();
    let chat = fields.text();
    let source_id = fields.text();
    let sender_name = fields.text();
    let sender = participant(sender_name, &mut fields);
    let recipients = fields.list().into_iter().map(|name| participant(name, &mut fields)).collect();
    let text = fields.text();
    let reply_to = fields.optional();
    let references = fields.list();
    let notes = fields.list();
    let extra_name = fields.text();
    let extra_value = fields.text();
    let attachment_name = fields.optional();
    let attachment_type = fields.text();
    let record_digest = fields.text();
    let attachments = attachment_name
        .map(|name| Attachment {
            name,
            content_type: attachment_type,
            content: AttachmentContent::Inline { bytes: text.as_bytes().to_vec() },
        })
        .into_iter()
        .collect();
    Some(Item {
        key,
        source,
        kind,
        chat,
        source_id,
        timestamp,
        sender,
        recipients,
        text,
        reply_to,
        references,
        attachments,
        notes,
        extra_headers: vec![(extra_name, extra_value), ("X-Docket-Fuzz".into(), "fixed name".into())],
        record_digest,
    })
}

/// Docket's rule for passing an extra header through, restated independently.
fn passes(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("X-").or_else(|| name.strip_prefix("x-")) else {
        return false;
    };
    !rest.is_empty()
        && name.len() <= 76
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !OWN_HEADERS.iter().any(|own| own.eq_ignore_ascii_case(name))
}

/// Lowercase header name → how many times it must appear at the top level of the email.
fn expected_headers(item: &Item) -> BTreeMap<String, usize> {
    let mut expected = BTreeMap::new();
    let mut add = |name: &str| *expected.entry(name.to_ascii_lowercase()).or_insert(0) += 1;
    for name in ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"] {
        add(name);
    }
    // The identity headers appear only for participants the mapping names by a mailbox; these have none.
    for name in OWN_HEADERS.iter().filter(|n| {
        !matches!(**n, "X-Docket-Note" | "X-Docket-Sender-Identity" | "X-Docket-Recipient-Identity")
    }) {
        add(name);
    }
    for _ in &item.notes {
        add("X-Docket-Note");
    }
    if item.reply_to.is_some() {
        add("In-Reply-To");
    }
    if item.reply_to.is_some() || !item.references.is_empty() {
        add("References");
    }
    for (name, _) in &item.extra_headers {
        if passes(name) {
            add(name);
        }
    }
    expected
}

/// The header block read line by line: every line ends in CRLF, holds no NUL and no bare CR, and is
/// either a folded continuation or `Name: value`. Returns the lowercase names in order.
fn raw_header_names(bytes: &[u8]) -> Vec<String> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("the email has a header/body separator");
    let block = &bytes[..end + 2];
    assert!(!block.contains(&0), "a NUL reached the header block");
    let mut names = Vec::new();
    for line in block.split_inclusive(|b| *b == b'\n') {
        let body = line.strip_suffix(b"\r\n").expect("every header line ends in CRLF");
        assert!(!body.contains(&b'\r') && !body.contains(&b'\n'), "a bare CR or LF in a header line");
        if body.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            assert!(!names.is_empty(), "the header block starts with a continuation line");
            continue;
        }
        let colon = body.iter().position(|b| *b == b':').expect("a header line has a colon");
        let name = std::str::from_utf8(&body[..colon]).expect("header names are ASCII");
        assert!(
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()),
            "malformed header name {name:?}"
        );
        names.push(name.to_ascii_lowercase());
    }
    names
}

fn counted(names: impl IntoIterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for name in names {
        *counts.entry(name).or_insert(0) += 1;
    }
    counts
}

fuzz_target!(|data: &[u8]| {
    let Some(item) = build_item(data) else {
        return;
    };
    let Ok(rendered) = render(&item) else {
        return;
    };
    let expected = expected_headers(&item);
    let raw = counted(raw_header_names(&rendered.bytes));
    assert_eq!(raw, expected, "header lines differ from the expected set");

    let message = mail_parser::MessageParser::default().parse(&rendered.bytes).expect("mail-parser reads it");
    let parsed = counted(message.headers().iter().map(|h| h.name().to_ascii_lowercase()));
    assert_eq!(parsed, expected, "mail-parser sees other headers than expected");
});
