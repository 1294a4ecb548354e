//! Producing one chat text's items lazily, one message at a time: a header line plus the lines that
//! continue it become one `Item` with its key, sender, recipients, text, attachments and notes. The whole
//! text has passed `survey` first, so this reads it without re-checking it; it does not list files.

use chrono_tz::Tz;

use super::body::{classify, message_parts, participant, Body, SYSTEM_SENDER};
use super::dates::{in_zone, wall_clock};
use super::header::{parse_header, strip_marks, Header};
use super::locations::ChatText;
use super::media::{attachment, MEDIA_OMITTED_NOTE};
use super::survey::ChatFacts;
use super::text_lines::TextLines;
use crate::model::{Item, ItemKind, Participant, SourceKind};
use crate::sources::{sha256_hex, DateOrder, ExportError, ExportKeyer};

/// A surveyed chat text and how far its items have been read.
pub(super) struct ChatReader {
    chat: ChatText,
    order: DateOrder,
    zone: Tz,
    /// The chat's senders as participants, sorted by name.
    participants: Vec<Participant>,
    /// One keyer per chat text, so occurrence indexes depend on this text alone.
    keyer: ExportKeyer,
    /// Where the next message's header line starts, and its line number.
    resume_at: (usize, usize),
}

/// One message's lines as read.
struct RawMessage<'a> {
    line: usize,
    header: Header,
    /// The text after the header on the first line, then each continuation line.
    lines: Vec<&'a str>,
    /// All its lines as they stand in the file, for the record digest.
    raw: &'a str,
}

impl ChatReader {
    pub fn new(chat: ChatText, facts: ChatFacts, zone: Tz) -> ChatReader {
        let participants = facts.senders.iter().map(|name| participant(name)).collect();
        ChatReader {
            chat,
            order: facts.order,
            zone,
            participants,
            keyer: ExportKeyer::default(),
            resume_at: (0, 1),
        }
    }

    /// The next message, or `None` when the text is used up.
    pub fn next_item(&mut self) -> Option<Result<Item, ExportError>> {
        let text = self.chat.text.as_str();
        let mut lines = TextLines::resume(text, self.resume_at);
        let (first, header) = lines.by_ref().find_map(|line| Some((line, parse_header(line.content)?)))?;
        let mut message_lines = vec![first.content.get(header.body_start..).unwrap_or("")];
        let mut end = first.end;
        loop {
            let before = lines.clone();
            match lines.next() {
                Some(line) if parse_header(line.content).is_none() => {
                    message_lines.push(line.content);
                    end = line.end;
                }
                _ => {
                    lines = before;
                    break;
                }
            }
        }
        self.resume_at = lines.position();
        let message = RawMessage {
            line: first.number,
            header,
            lines: message_lines,
            raw: text.get(first.start..end).unwrap_or(""),
        };
        Some(build_item(&self.chat, self.order, self.zone, &self.participants, &mut self.keyer, &message))
    }
}

fn build_item(
    chat: &ChatText,
    order: DateOrder,
    zone: Tz,
    participants: &[Participant],
    keyer: &mut ExportKeyer,
    message: &RawMessage<'_>,
) -> Result<Item, ExportError> {
    let wall =
        wall_clock(&message.header.date, &message.header.time, order).map_err(|_| ExportError::Parse {
            path: chat.error_path.clone(),
            line: message.line,
            message: "the date or time in this line is not real; check this line".into(),
        })?;
    let first = message.lines.first().copied().unwrap_or("");
    let continuation = message.lines.get(1..).unwrap_or_default();
    let (kind, sender, text_lines) = match classify(first, message.header.layout) {
        Body::Message { sender, text } => (ItemKind::Message, sender, with_first(text, continuation)),
        Body::System { text } => {
            (ItemKind::System, SYSTEM_SENDER.to_string(), with_first(text, continuation))
        }
    };
    // The key reads the text as written (markers included), so it does not move if marker reading improves.
    let written: Vec<String> = text_lines.iter().map(|line| strip_marks(line)).collect();
    let key = keyer.key(SourceKind::WhatsApp, &chat.chat, wall, &sender, &written.join("\n"));
    let mut notes = Vec::new();
    let mut attachments = Vec::new();
    let text = if kind == ItemKind::Message {
        let parts = message_parts(&text_lines);
        if parts.media_omitted {
            notes.push(MEDIA_OMITTED_NOTE.to_string());
        }
        for name in &parts.attachment_names {
            let (found, note) = attachment(name, &chat.media);
            attachments.push(found);
            notes.extend(note);
        }
        parts.text
    } else {
        written.join("\n").trim().to_string()
    };
    let recipients = participants
        .iter()
        .filter(|p| p.display_name != sender && p.display_name != SYSTEM_SENDER)
        .cloned()
        .collect();
    Ok(Item {
        key,
        source: SourceKind::WhatsApp,
        kind,
        chat: chat.chat.clone(),
        source_id: format!("{}:{}", chat.shown, message.line),
        timestamp: in_zone(wall, zone),
        sender: participant(&sender),
        recipients,
        text,
        reply_to: None,
        references: Vec::new(),
        attachments,
        notes,
        extra_headers: Vec::new(),
        record_digest: sha256_hex(message.raw.as_bytes()),
    })
}

fn with_first<'a>(first: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut lines = Vec::with_capacity(rest.len() + 1);
    lines.push(first);
    lines.extend_from_slice(rest);
    lines
}
