//! One chat turned into `Item`s, lazily and in file order: its name, its roster (for recipients) and
//! the index from message id to date that lets a reply name its parent's key. It does not parse JSON
//! and does not read media bytes.

use std::collections::HashMap;

use chrono::{NaiveDateTime, SecondsFormat};
use chrono_tz::Tz;

use crate::model::{Item, ItemKind, SourceKind};
use crate::sources::item_key;

use super::clock::instant;
use super::media::ExportFolder;
use super::message::Message;
use super::people::{user_handle, Directory, Roster};
use super::schema::ChatRecord;
use super::service::describe;

/// What every chat of one export shares.
#[derive(Debug)]
pub(super) struct ExportContext {
    pub folder: ExportFolder,
    pub timezone: Tz,
    pub directory: Directory,
}

/// A chat whose messages are being turned into items.
#[derive(Debug)]
pub(super) struct ChatCursor {
    id: String,
    name: String,
    roster: Roster,
    /// The first date seen for each message id: replies find their parent's key through it.
    sent_by_id: HashMap<i64, NaiveDateTime>,
    /// How often each id has come so far; a repeated id gets a key of its own.
    occurrences: HashMap<i64, u32>,
    messages: std::vec::IntoIter<Message>,
}

impl ChatCursor {
    pub(super) fn new(chat: ChatRecord, context: &ExportContext) -> ChatCursor {
        let id = chat.id.map(|id| id.into_text()).unwrap_or_default();
        let kind = chat.kind.as_deref().unwrap_or_default();
        let name = match chat.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_string(),
            _ if kind == "saved_messages" => "Saved Messages".to_string(),
            _ => format!("Chat {id}"),
        };
        let messages = chat.messages.unwrap_or_default();
        let counterpart = (kind == "personal_chat").then(|| {
            let handle = user_handle(id.parse().ok());
            context.directory.participant(name.clone(), handle.as_deref())
        });
        let roster = Roster::new(&context.directory, &name, counterpart, &messages);
        let mut sent_by_id = HashMap::with_capacity(messages.len());
        for message in &messages {
            sent_by_id.entry(message.id).or_insert(message.sent.wall_clock);
        }
        ChatCursor {
            id,
            name,
            roster,
            sent_by_id,
            occurrences: HashMap::new(),
            messages: messages.into_iter(),
        }
    }

    pub(super) fn next_item(&mut self, context: &ExportContext) -> Option<Item> {
        let message = self.messages.next()?;
        Some(self.item(message, context))
    }

    fn item(&mut self, message: Message, context: &ExportContext) -> Item {
        let message_id = message.id.to_string();
        let occurrence = self.occurrences.entry(message.id).or_insert(0);
        *occurrence += 1;
        let key = match *occurrence {
            1 => item_key(SourceKind::Telegram, message.sent.wall_clock, &[&self.id, &message_id]),
            n => item_key(
                SourceKind::Telegram,
                message.sent.wall_clock,
                &[&self.id, &message_id, &format!("occurrence {n}")],
            ),
        };
        let (timestamp, clock_note) = instant(message.sent, context.timezone);
        let sender = context.directory.author(&message, &self.name);
        let details = message.details.as_deref();
        let mut notes = Vec::new();

        if let Some(forwarded) = details.and_then(|d| d.forwarded_from.as_ref()) {
            notes.push(match forwarded {
                Some(name) => format!("forwarded from {name}"),
                None => "forwarded from a sender the export does not name".to_string(),
            });
        }
        let reply_peer = details.and_then(|d| d.reply_to_peer.as_deref());
        let reply_to = message.reply_to.and_then(|parent| {
            let parent_date = match reply_peer {
                Some(peer) if !names_chat(peer, &self.id) => None,
                _ => self.sent_by_id.get(&parent),
            };
            let key = parent_date
                .map(|date| item_key(SourceKind::Telegram, *date, &[&self.id, &parent.to_string()]));
            if key.is_none() {
                notes.push(format!("in reply to message {parent}, which is not in this export"));
            }
            key
        });
        if let Some(edited) = details.and_then(|d| d.edited) {
            let (at, _) = instant(edited, context.timezone);
            notes.push(format!("edited at {}", at.to_rfc3339_opts(SecondsFormat::Secs, false)));
        }
        if let Some(event) = details.and_then(|d| d.service.as_ref()) {
            notes.push(match &message.author {
                Some(actor) if !actor.trim().is_empty() => {
                    format!("service: {} by {actor}", describe(event))
                }
                _ => format!("service: {}", describe(event)),
            });
        }
        if let Some(details) = details {
            notes.extend(details.content_notes.iter().cloned());
            if let Some(emoji) = &details.media.sticker_emoji {
                notes.push(format!("sticker {emoji}"));
            }
        }
        let attachments =
            details.map(|d| context.folder.attachments(&d.media, &mut notes)).unwrap_or_default();
        notes.extend(clock_note);

        Item {
            key,
            source: SourceKind::Telegram,
            kind: if message.is_service { ItemKind::System } else { ItemKind::Message },
            chat: self.name.clone(),
            source_id: format!("{}:{message_id}", self.id),
            timestamp,
            recipients: self.roster.others(&sender),
            sender,
            text: message.text,
            references: reply_to.iter().cloned().collect(),
            reply_to,
            attachments,
            notes,
            extra_headers: Vec::new(),
            record_digest: hex::encode(message.digest),
        }
    }
}

/// Whether a `reply_to_peer_id` such as `channel123` or `123` names the chat with id `chat_id`.
fn names_chat(peer: &str, chat_id: &str) -> bool {
    let digits = |s: &str| s.trim_start_matches(|c: char| !c.is_ascii_digit()).to_string();
    digits(peer) == digits(chat_id)
}
