//! Conversion: one `Item` becomes one deterministic RFC 5322 / MIME message (via `mail-builder`), with its
//! SHA-256. It owns the header set, the text/HTML body, attachment parts and the 10 MB checks; it deliberately
//! knows nothing about mailboxes, mapping, sinks or the ledger, and reads no clock and no randomness: the
//! same item always renders to the same bytes.

mod address;
mod body;
mod headers;

use std::borrow::Cow;

use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use mail_builder::MessageBuilder;
use sha2::{Digest, Sha256};

use crate::attachments::AttachmentBytes;
use crate::model::{Item, MAX_MESSAGE_BYTES};

pub(crate) use body::attachment_file_name;
pub(crate) use headers::header_text;

/// A rendered message: the exact `.eml` bytes and their SHA-256 (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Why an item could not be rendered. Every message is a sentence for the compliance admin.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    Oversize { what: crate::Text, size: u64 },
    Attachment { name: String, source: std::io::Error },
    Date { key: String, when: String },
}

impl ConvertError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            ConvertError::Oversize { what, size } => text!(
                "convert.oversize",
                "{what} is {size} bytes, over Microsoft 365's 10 MB import limit ({limit} bytes). Docket does not \
         import it, keeps the original in the export and lists it under oversize items; if it must be held, \
         archive it by another route.",
                what = what,
                size = size,
                limit = MAX_MESSAGE_BYTES
            ),
            ConvertError::Attachment { name, source } => text!(
                "convert.attachment",
                "cannot read the attachment {name}: {source}. Check that the export folder or archive is complete and \
         readable (export the chat again with media if the file is gone), then run again.",
                name = name,
                source = source.to_string()
            ),
            ConvertError::Date { key, when } => text!(
                "convert.date",
                "item {key} is dated {when}, which an email Date header cannot express (the year is before 0). \
         The export's timestamp is probably damaged: check that record in the export.",
                key = key,
                when = when
            ),
        }
    }
}

crate::display_as_text!(ConvertError);

impl ConvertError {
    /// True when running again cannot help without a change to the input. Only an attachment read that
    /// was interrupted or timed out (a busy network drive, say) is worth retrying.
    pub fn is_permanent(&self) -> bool {
        match self {
            ConvertError::Oversize { .. } | ConvertError::Date { .. } => true,
            ConvertError::Attachment { source, .. } => !matches!(
                source.kind(),
                std::io::ErrorKind::Interrupted
                    | std::io::ErrorKind::TimedOut
                    | std::io::ErrorKind::WouldBlock
            ),
        }
    }

    /// The stable reason recorded in the ledger and the run summary.
    pub fn reason(&self) -> &'static str {
        match self {
            ConvertError::Oversize { .. } => "oversize",
            ConvertError::Attachment { .. } => "attachment_unreadable",
            ConvertError::Date { .. } => "invalid_date",
        }
    }
}

/// The Message-ID of the item with this key, without angle brackets: `<key>@docket.invalid`.
///
/// Keys are `[a-z0-9T-]`; anything else (a damaged reply key, say) is written as `=XX` hex per byte so the
/// result is always a valid, injective `dot-atom`.
pub fn message_id(key: &str) -> String {
    const DOMAIN: &str = "@docket.invalid";
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+');
    if !key.is_empty() && key.bytes().all(plain) {
        let mut id = String::with_capacity(key.len() + DOMAIN.len());
        id.push_str(key);
        id.push_str(DOMAIN);
        return id;
    }
    let mut id = String::with_capacity(key.len() * 3 + DOMAIN.len() + 1);
    if key.is_empty() {
        id.push('=');
    }
    for b in key.bytes() {
        if plain(b) {
            id.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            id.push('=');
            id.push(char::from(HEX[usize::from(b >> 4)]));
            id.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    id.push_str(DOMAIN);
    id
}

/// Renders one item as one email, with its attachments' bytes already loaded (`attachments::load`; or use
/// `attachments::load_and_render`). No I/O: the output depends on nothing but the item and those bytes, so a
/// re-run writes byte-identical messages.
pub fn render(item: &Item, attachments: Vec<AttachmentBytes>) -> Result<Rendered, ConvertError> {
    let date = headers::rfc5322_date(&item.timestamp).ok_or_else(|| ConvertError::Date {
        key: headers::header_text(&item.key).into_owned(),
        when: item.timestamp.to_rfc3339(),
    })?;
    let attachments = body::prepare_attachments(attachments);
    let placeholder = body::empty_text_placeholder(item);
    let subject = headers::subject(item, placeholder.as_deref());
    let plain = body::plain_text(item, placeholder.as_deref());
    let html = body::html_text(item, placeholder.as_deref());
    let body = body::mime_tree(&item.key, plain, html, attachments);

    let mut message = MessageBuilder::new()
        .from(address::sender_mailbox(item))
        .to(address::recipient_mailboxes(item))
        .subject(Text::new(subject))
        .header("Date", Raw::new(date))
        .message_id(message_id(&item.key));
    if let Some(parent) = &item.reply_to {
        message = message.in_reply_to(message_id(parent));
    }
    if let Some(references) = references(item) {
        message = message.references(references);
    }
    message = headers::source_headers(item, message).body(body);

    let mut bytes = Vec::new();
    message.serialize(&mut bytes);
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(ConvertError::Oversize {
            what: crate::text!(
                "convert.what_email",
                "the email for item {item}",
                item = headers::header_text(&item.key)
            ),
            size: bytes.len() as u64,
        });
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Rendered { bytes, sha256 })
}

/// The thread this item belongs to, oldest first, ending with the item it replies to.
fn references(item: &Item) -> Option<MessageId<'static>> {
    let mut ids: Vec<Cow<'static, str>> =
        item.references.iter().map(|key| Cow::Owned(message_id(key))).collect();
    if let Some(parent) = &item.reply_to {
        if !item.references.iter().any(|key| key == parent) {
            ids.push(Cow::Owned(message_id(parent)));
        }
    }
    (!ids.is_empty()).then_some(MessageId { id: ids })
}
