//! One chat turned into `Item`s, lazily and in order, from compact `Message`s whichever format they were
//! read from: the chat's identity (which fixes every key), its name, its roster (for recipients) and the
//! index from message id to date that lets a reply name its parent's key. This is the one item builder
//! both readers share. It does not parse files and does not read media bytes.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDateTime, SecondsFormat};
use chrono_tz::Tz;

use crate::model::{Item, ItemKind, Participant, SourceKind};
use crate::sources::{item_key, ExportError};

use super::clock::instant;
use super::media::ExportFolder;
use super::message::{Message, Reading};
use super::people::{identity, Directory, Roster};
use super::service::describe;

/// The first part of a key's identity for a chat known only by its name, so that such keys can never
/// equal a key built from a Telegram chat id.
const NAMED_CHAT: &str = "telegram html export chat";

/// What every chat of one export shares.
#[derive(Debug)]
pub(super) struct ExportContext {
    pub folder: ExportFolder,
    pub timezone: Tz,
    pub directory: Directory,
    pub known: KnownChats,
}

/// How the archive already keys chats, by chat name: the format a chat was first imported in decides its
/// keys, so the same chat exported later in the other format (JSON after HTML, or HTML after JSON) gets the
/// same keys and is not archived twice. Filled from the ledger by the connector (`Ledger::telegram_chats`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownChats {
    by_name: HashMap<String, KnownChat>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum KnownChat {
    /// Keyed by Telegram's chat id (imported from result.json).
    Id(String),
    /// Keyed by the name the HTML export's pages show (imported from the HTML export).
    Named(String),
}

impl KnownChats {
    /// From the ledger's (chat name, a source id of that chat) pairs: `12345:67` is result.json's chat
    /// 12345, `html:Sales team:67` the HTML export's chat "Sales team". A chat known both ways keeps its id.
    pub fn from_source_ids<'a>(chats: impl IntoIterator<Item = (&'a str, &'a str)>) -> KnownChats {
        let mut by_name = HashMap::new();
        for (chat, source_id) in chats {
            let known = match source_id.strip_prefix("html:") {
                Some(rest) => match rest.rsplit_once(':') {
                    Some((page_name, _)) => KnownChat::Named(page_name.to_string()),
                    None => continue,
                },
                None => match source_id.split_once(':') {
                    Some((id, _)) if !id.is_empty() => KnownChat::Id(id.to_string()),
                    _ => continue,
                },
            };
            let entry = by_name.entry(chat.to_string()).or_insert(known.clone());
            if matches!(known, KnownChat::Id(_)) {
                *entry = known;
            }
        }
        KnownChats { by_name }
    }

    /// The identity a chat named `name` is keyed by: the archive's, where it already has this chat in the
    /// other format, else `own`.
    fn adopt(&self, own: ChatIdentity, name: &str) -> ChatIdentity {
        match (self.by_name.get(name), own) {
            (Some(KnownChat::Id(id)), ChatIdentity::Named(_)) => ChatIdentity::Id(id.clone()),
            (Some(KnownChat::Named(page_name)), ChatIdentity::Id(_)) => {
                ChatIdentity::Named(page_name.clone())
            }
            (_, own) => own,
        }
    }
}

/// What a chat's keys are built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ChatIdentity {
    /// Telegram's chat id (result.json): keys are (chat id, message id).
    Id(String),
    /// The chat's name as its pages show it, for exports that carry no chat id (the HTML export): keys are
    /// (name, message id), and never equal a key of the same message read from result.json.
    Named(String),
}

impl ChatIdentity {
    fn key(&self, wall_clock: NaiveDateTime, message_id: &str, occurrence: u32) -> String {
        let repeat = (occurrence > 1).then(|| format!("occurrence {occurrence}"));
        let mut parts: Vec<&str> = match self {
            ChatIdentity::Id(id) => vec![id, message_id],
            ChatIdentity::Named(name) => vec![NAMED_CHAT, name, message_id],
        };
        parts.extend(repeat.as_deref());
        item_key(SourceKind::Telegram, wall_clock, &parts)
    }

    /// `1500:7` for chat 1500, or `html:Project Falcon:7` for a chat known only by its name.
    fn source_id(&self, message_id: &str) -> String {
        match self {
            ChatIdentity::Id(id) => format!("{id}:{message_id}"),
            ChatIdentity::Named(name) => format!("html:{name}:{message_id}"),
        }
    }

    /// Whether a `reply_to_peer_id` such as `channel123` or `123` names this chat.
    fn is_named_by(&self, peer: &str) -> bool {
        let digits = |s: &str| s.trim_start_matches(|c: char| !c.is_ascii_digit()).to_string();
        match self {
            ChatIdentity::Id(id) => digits(peer) == digits(id),
            ChatIdentity::Named(_) => false,
        }
    }
}

/// Everything a reader learns about a chat before its first item: who takes part and when each message
/// id was first sent. Built one message at a time, so a reader need not keep the messages themselves.
#[derive(Debug, Default)]
pub(super) struct ChatIndex {
    /// The first date seen for each message id: replies find their parent's key through it.
    sent_by_id: HashMap<i64, NaiveDateTime>,
    /// Each author, the first seen for each identity.
    authors: BTreeMap<String, Participant>,
}

impl ChatIndex {
    pub(super) fn add(&mut self, message: &Message, directory: &Directory, chat_name: &str) {
        self.sent_by_id.entry(message.id).or_insert(message.sent.wall_clock);
        let author = directory.author(message, chat_name);
        self.authors.entry(identity(&author)).or_insert(author);
    }
}

/// A chat's name and identity, and the person on the other side of a personal chat.
#[derive(Debug)]
pub(super) struct ChatHeader {
    pub identity: ChatIdentity,
    pub name: String,
    pub counterpart: Option<Participant>,
}

pub(super) type Messages = Box<dyn Iterator<Item = Result<Message, ExportError>> + Send>;

/// A chat whose messages are being turned into items.
pub(super) struct ChatCursor {
    identity: ChatIdentity,
    name: String,
    roster: Roster,
    sent_by_id: HashMap<i64, NaiveDateTime>,
    /// How often each id has come so far; a repeated id gets a key of its own.
    occurrences: HashMap<i64, u32>,
    messages: Messages,
}

impl std::fmt::Debug for ChatCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatCursor").field("identity", &self.identity).field("name", &self.name).finish()
    }
}

impl ChatCursor {
    pub(super) fn new(
        header: ChatHeader,
        index: ChatIndex,
        messages: Messages,
        context: &ExportContext,
    ) -> ChatCursor {
        let roster = Roster::new(&context.directory, header.counterpart, index.authors.into_values());
        ChatCursor {
            identity: context.known.adopt(header.identity, &header.name),
            name: header.name,
            roster,
            sent_by_id: index.sent_by_id,
            occurrences: HashMap::new(),
            messages,
        }
    }

    pub(super) fn next_item(&mut self, context: &ExportContext) -> Option<Result<Item, ExportError>> {
        let message = self.messages.next()?;
        Some(message.map(|message| self.item(message, context)))
    }

    fn item(&mut self, message: Message, context: &ExportContext) -> Item {
        let message_id = message.id.to_string();
        let occurrence = self.occurrences.entry(message.id).or_insert(0);
        *occurrence += 1;
        let key = self.identity.key(message.sent.wall_clock, &message_id, *occurrence);
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
        if let Some(first_sent) = details.and_then(|d| d.forwarded_at) {
            let (at, _) = instant(first_sent, context.timezone);
            notes.push(format!("first sent at {}", at.to_rfc3339_opts(SecondsFormat::Secs, false)));
        }
        let reply_peer = details.and_then(|d| d.reply_to_peer.as_deref());
        let reply_to = message.reply_to.and_then(|parent| {
            let parent_date = match reply_peer {
                Some(peer) if !self.identity.is_named_by(peer) => None,
                _ => self.sent_by_id.get(&parent),
            };
            let key = parent_date.map(|date| self.identity.key(*date, &parent.to_string(), 1));
            if key.is_none() {
                notes.push(format!("in reply to message {parent}, which is not in this export"));
            }
            key
        });
        if details.is_some_and(|d| d.reply_elsewhere) {
            notes.push("in reply to a message in another chat, which is not in this export".to_string());
        }
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
        if details.is_some_and(|d| d.day_only) {
            notes.push(
                "Telegram's HTML export gives the day of a service message but not its time, so it is \
                 dated at the start of that day"
                    .to_string(),
            );
        }
        if message.sent.reading == Reading::Unstated {
            notes.push(format!(
                "the export gives no UTC offset for this time, so it was read in the time zone {}",
                context.timezone
            ));
        }

        Item {
            key,
            source: SourceKind::Telegram,
            kind: if message.is_service { ItemKind::System } else { ItemKind::Message },
            chat: self.name.clone(),
            source_id: self.identity.source_id(&message_id),
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
