//! Producing one chat text's items lazily, one message at a time: a header line plus the lines that
//! continue it become one `Item` with its key, sender, recipients, text, attachments, notes and headers:
//! `X-Docket-Timezone` (the zone its wall-clock time was read in) on every item, and `X-Docket-Flags`
//! (`deleted`, `edited`, `view-once`, `dst-ambiguous`, `dst-nonexistent`, in that order) with a note for
//! each flag when there are any. The whole text has passed `survey` first, so this reads it without
//! re-checking it; it does not list files.

use chrono_tz::Tz;

use super::body::{classify, message_parts, participant, Body, MessageParts, SYSTEM_SENDER};
use super::dates::wall_clock;
use super::header::{parse_header, strip_marks, Header};
use super::locations::ChatText;
use super::markers::{DeletedBy, MediaKind};
use super::media::attachment;
use super::survey::ChatFacts;
use super::text_lines::{TextLine, TextLines};
use super::zone::{dst_flag_and_note, in_zone};
use crate::model::{Item, ItemKind, Participant, SourceKind};
use crate::sources::{sha256_hex, DateOrder, ExportError, ExportKeyer};

/// A surveyed chat text and how far its items have been read. It holds one message's lines at a time.
pub(super) struct ChatReader {
    chat: ChatText,
    /// The walk over the text; `None` once it has ended (or failed to open).
    lines: Option<TextLines>,
    /// The next message's header line, read while finding where the current message ends.
    next_header: Option<(TextLine, Header)>,
    order: DateOrder,
    zone: Tz,
    /// The chat's senders as participants, sorted by name.
    participants: Vec<Participant>,
    /// One keyer per chat text, so occurrence indexes depend on this text alone.
    keyer: ExportKeyer,
}

/// One message's lines as read.
struct RawMessage {
    line: usize,
    header: Header,
    /// The text after the header on the first line, then each continuation line.
    lines: Vec<String>,
    /// All its lines as they stand in the file (endings between them included), for the record digest.
    raw: String,
}

impl ChatReader {
    /// A reader of `chat`'s items; the text is opened again (survey walked it already).
    pub fn new(chat: ChatText, facts: ChatFacts, zone: Tz) -> Result<ChatReader, ExportError> {
        let participants = facts.senders.iter().map(|name| participant(name)).collect();
        let lines = Some(chat.lines()?);
        Ok(ChatReader {
            chat,
            lines,
            next_header: None,
            order: facts.order,
            zone,
            participants,
            keyer: if facts.time_ordered { ExportKeyer::time_ordered() } else { ExportKeyer::default() },
        })
    }

    /// The next line, or `None` at the end; an error (the file changed or vanished since the survey) ends
    /// the walk.
    fn next_line(&mut self) -> Result<Option<TextLine>, ExportError> {
        let Some(lines) = self.lines.as_mut() else {
            return Ok(None);
        };
        match lines.next().transpose() {
            Ok(Some(line)) => Ok(Some(line)),
            other => {
                self.lines = None;
                other
            }
        }
    }

    /// The next message, or `None` when the text is used up.
    pub fn next_item(&mut self) -> Option<Result<Item, ExportError>> {
        match self.next_message() {
            Ok(Some(message)) => Some(build_item(
                &self.chat,
                self.order,
                self.zone,
                &self.participants,
                &mut self.keyer,
                &message,
            )),
            Ok(None) => None,
            Err(error) => Some(Err(error)),
        }
    }

    /// A header line plus the lines up to the next header line (or the end).
    fn next_message(&mut self) -> Result<Option<RawMessage>, ExportError> {
        let (first, header) = match self.next_header.take() {
            Some(found) => found,
            None => loop {
                let Some(line) = self.next_line()? else {
                    return Ok(None);
                };
                if let Some(header) = parse_header(&line.content) {
                    break (line, header);
                }
            },
        };
        let mut raw = first.content.clone();
        let mut ending = first.ending;
        let mut lines = vec![first.content.get(header.body_start..).unwrap_or("").to_string()];
        while let Some(line) = self.next_line()? {
            if let Some(next) = parse_header(&line.content) {
                self.next_header = Some((line, next));
                break;
            }
            raw.push_str(ending);
            raw.push_str(&line.content);
            ending = line.ending;
            lines.push(line.content);
        }
        Ok(Some(RawMessage { line: first.number, header, lines, raw }))
    }
}

fn build_item(
    chat: &ChatText,
    order: DateOrder,
    zone: Tz,
    participants: &[Participant],
    keyer: &mut ExportKeyer,
    message: &RawMessage,
) -> Result<Item, ExportError> {
    let wall =
        wall_clock(&message.header.date, &message.header.time, order).map_err(|_| ExportError::Parse {
            path: chat.error_path.clone(),
            line: message.line,
            message: crate::text!(
                "export.whatsapp.date_or_time_not_real",
                "the date or time in this line is not real; check this line"
            ),
        })?;
    let message_lines: Vec<&str> = message.lines.iter().map(String::as_str).collect();
    let first = message_lines.first().copied().unwrap_or("");
    let continuation = message_lines.get(1..).unwrap_or_default();
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
    let mut flags = Vec::new();
    let mut attachments = Vec::new();
    let text = if kind == ItemKind::Message {
        let parts = message_parts(&text_lines);
        marker_notes(&parts, &mut flags, &mut notes);
        for name in &parts.attachment_names {
            let (found, note) = attachment(name, &chat.media);
            attachments.push(found);
            notes.extend(note);
        }
        parts.text
    } else {
        written.join("\n").trim().to_string()
    };
    let reading = in_zone(wall, zone);
    if let Some((flag, note)) = dst_flag_and_note(wall, zone, &reading) {
        flags.push(flag);
        notes.push(note);
    }
    let mut extra_headers = Vec::with_capacity(2);
    if !flags.is_empty() {
        extra_headers.push(("X-Docket-Flags".to_string(), flags.join(", ")));
    }
    extra_headers.push(("X-Docket-Timezone".to_string(), zone.name().to_string()));
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
        timestamp: reading.instant,
        sender: participant(&sender),
        recipients,
        text,
        reply_to: None,
        references: Vec::new(),
        attachments,
        notes,
        extra_headers,
        record_digest: sha256_hex(message.raw.as_bytes()),
    })
}

/// The flags and notes a message's markers call for: a deletion, an edit, media the export left out.
fn marker_notes(parts: &MessageParts, flags: &mut Vec<&'static str>, notes: &mut Vec<String>) {
    if let Some((deletion, written)) = &parts.deleted {
        flags.push("deleted");
        let who = match deletion {
            DeletedBy::Sender => "its sender deleted this message before the export",
            DeletedBy::Exporter => "the person who exported this chat deleted this message",
            DeletedBy::Admin => "a group admin deleted this message",
        };
        notes.push(format!("deleted: {who} (WhatsApp wrote \"{written}\")"));
    }
    if let Some(written) = &parts.edited {
        flags.push("edited");
        notes.push(format!(
            "edited: the sender edited this message; the export holds only its last version (WhatsApp wrote \
             \"{written}\")"
        ));
    }
    if parts.omitted.iter().any(|omitted| omitted.omission.view_once) {
        flags.push("view-once");
    }
    for omitted in &parts.omitted {
        let written = &omitted.written;
        notes.push(match (omitted.omission.kind, omitted.omission.view_once) {
            (MediaKind::Unspecified, false) => format!(
                "media omitted by the export (WhatsApp wrote \"{written}\", which does not say what kind)"
            ),
            (MediaKind::Unspecified, true) => format!(
                "view-once media: WhatsApp never exports view-once media (WhatsApp wrote \"{written}\")"
            ),
            (kind, false) => format!("{} omitted by the export (WhatsApp wrote \"{written}\")", kind.noun()),
            (kind, true) => format!(
                "view-once {}: WhatsApp never exports view-once media (WhatsApp wrote \"{written}\")",
                kind.noun()
            ),
        });
    }
}

fn with_first<'a>(first: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut lines = Vec::with_capacity(rest.len() + 1);
    lines.push(first);
    lines.extend_from_slice(rest);
    lines
}
