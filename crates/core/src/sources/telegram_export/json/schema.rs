//! The shape of result.json as serde reads it: the single-chat and full-export containers, chats,
//! contacts and the owner's details, plus the `Trail` that says where in the file a shape error sits.
//! Messages are decoded in `record`; nothing here builds `Item`s or touches the disk.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::record::message_from_value;
use crate::sources::telegram_export::message::Message;
use crate::{text, Text};

/// Where the reader is in the file, as phrases an admin can follow ("chats", "chat 2 \"Falcon\"",
/// "message 17"), and the problem the reader's own checks found there. Visitors push on the way in and
/// pop only on success, so after an error the trail still names the place that failed.
///
/// serde carries an error as words only, so a check of Docket's own records its problem here too
/// (`fail`); the reader takes it back when the error reaches it and the words match.
#[derive(Debug, Default)]
pub(in crate::sources::telegram_export) struct Trail {
    steps: RefCell<Vec<Step>>,
    problem: RefCell<Option<Text>>,
}

/// One step into the file.
#[derive(Debug)]
enum Step {
    /// A field, by its name in the file.
    Field(String),
    /// The `number`th chat of a list, named once its name is read.
    Chat { number: usize, name: Option<String> },
    /// The `number`th message of a list.
    Message(usize),
}

impl Step {
    fn text(&self) -> Text {
        match self {
            Step::Field(name) => Text::verbatim(name.clone()),
            Step::Chat { number, name: None } => {
                text!("export.telegram.json.trail_chat", "chat {number}", number = number)
            }
            Step::Chat { number, name: Some(name) } => text!(
                "export.telegram.json.trail_named_chat",
                "chat {number} \"{name}\"",
                number = number,
                name = name
            ),
            Step::Message(number) => {
                text!("export.telegram.json.trail_message", "message {number}", number = number)
            }
        }
    }
}

impl Trail {
    fn enter(&self, step: Step) {
        self.steps.borrow_mut().push(step);
    }

    fn leave(&self) {
        self.steps.borrow_mut().pop();
    }

    /// Names the chat the trail is in (a full export's `chat N`).
    fn name_chat(&self, chat_name: &str) {
        if let Some(Step::Chat { name, .. }) = self.steps.borrow_mut().last_mut() {
            *name = Some(chat_name.to_string());
        }
    }

    /// A serde error for `problem`, which is kept for the reader (see `take_problem`).
    fn fail<E: serde::de::Error>(&self, problem: Text) -> E {
        let error = E::custom(&problem.message);
        *self.problem.borrow_mut() = Some(problem);
        error
    }

    /// The last problem a check of Docket's own found, if any.
    pub(in crate::sources::telegram_export) fn take_problem(&self) -> Option<Text> {
        self.problem.borrow_mut().take()
    }

    /// "chats > chat 2 \"Falcon\" > message 17", or `None` at the top of the file.
    pub(in crate::sources::telegram_export) fn describe(&self) -> Option<Text> {
        self.steps.borrow().iter().map(Step::text).reduce(|outer, inner| {
            text!("export.telegram.json.trail_step", "{outer} > {inner}", outer = outer, inner = inner)
        })
    }
}

/// A number or a string holding one. Telegram writes ids as numbers, older exports wrote some as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::sources::telegram_export) enum NumberOrText {
    Number(i64),
    Text(String),
}

impl<'de> Deserialize<'de> for NumberOrText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberOrTextVisitor)
    }
}

struct NumberOrTextVisitor;

impl Visitor<'_> for NumberOrTextVisitor {
    type Value = NumberOrText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number, or a string holding one")
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<NumberOrText, E> {
        Ok(NumberOrText::Number(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<NumberOrText, E> {
        i64::try_from(n)
            .map(NumberOrText::Number)
            .map_err(|_| E::custom(format!("the number {n} is too large for an id")))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NumberOrText, E> {
        Ok(NumberOrText::Text(s.to_string()))
    }
}

impl fmt::Display for NumberOrText {
    /// As the file shows it: `17`, or `"abc"` for text.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            NumberOrText::Number(n) => write!(f, "{n}"),
            NumberOrText::Text(s) => write!(f, "{s:?}"),
        }
    }
}

impl NumberOrText {
    pub(in crate::sources::telegram_export) fn into_text(self) -> String {
        match self {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(s) => s,
        }
    }

    pub(in crate::sources::telegram_export) fn as_number(&self) -> Option<i64> {
        match self {
            NumberOrText::Number(n) => Some(*n),
            NumberOrText::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// The account owner, present in full exports only.
#[derive(Debug, Default, Deserialize)]
pub(in crate::sources::telegram_export) struct PersonalInformation {
    #[serde(default)]
    pub user_id: Option<NumberOrText>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
}

/// One entry of `contacts.list`. Older exports carry no `user_id`, so their phones cannot be matched.
#[derive(Debug, Default, Deserialize)]
pub(in crate::sources::telegram_export) struct Contact {
    #[serde(default)]
    pub user_id: Option<NumberOrText>,
    #[serde(default)]
    pub phone_number: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ContactListing {
    #[serde(default)]
    list: Vec<Contact>,
}

/// One chat: the whole file in a single-chat export, one entry of `chats.list` in a full export.
#[derive(Debug, Default)]
pub(in crate::sources::telegram_export) struct ChatRecord {
    pub name: Option<String>,
    /// Telegram's chat type: `personal_chat`, `private_group`, `saved_messages`, ...
    pub kind: Option<String>,
    pub id: Option<NumberOrText>,
    pub messages: Option<Vec<Message>>,
}

impl ChatRecord {
    /// Reads one chat field; returns false when `key` is not a chat field.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        trail: &Trail,
    ) -> Result<bool, A::Error> {
        if !matches!(key, "name" | "type" | "id" | "messages") {
            return Ok(false);
        }
        trail.enter(Step::Field(key.to_string()));
        match key {
            "name" => self.name = map.next_value()?,
            "type" => self.kind = map.next_value()?,
            "id" => self.id = map.next_value()?,
            _ => self.messages = Some(map.next_value_seed(MessagesSeed { trail })?),
        }
        trail.leave();
        if let (Some(name), "name") = (&self.name, key) {
            trail.name_chat(name);
        }
        Ok(true)
    }
}

/// The whole file, in either shape. `open` decides which shape it is.
#[derive(Debug, Default)]
pub(in crate::sources::telegram_export) struct ExportFile {
    /// The top-level chat fields (a single-chat export).
    pub chat: ChatRecord,
    pub personal_information: Option<PersonalInformation>,
    pub contacts: Vec<Contact>,
    pub chats: Option<Vec<ChatRecord>>,
    pub left_chats: Option<Vec<ChatRecord>>,
}

/// Reads result.json, recording its position in `trail` as it goes.
pub(in crate::sources::telegram_export) struct ExportFileSeed<'t> {
    pub trail: &'t Trail,
}

impl<'de> DeserializeSeed<'de> for ExportFileSeed<'_> {
    type Value = ExportFile;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ExportFile, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ExportFileSeed<'_> {
    type Value = ExportFile;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Telegram Desktop export: an object with a \"messages\" or a \"chats\" list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ExportFile, A::Error> {
        let trail = self.trail;
        let mut file = ExportFile::default();
        while let Some(key) = map.next_key::<String>()? {
            if file.chat.read_field(&key, &mut map, trail)? {
                continue;
            }
            trail.enter(Step::Field(key.clone()));
            match key.as_str() {
                "personal_information" => file.personal_information = map.next_value()?,
                "contacts" => {
                    let listing: Option<ContactListing> = map.next_value()?;
                    file.contacts = listing.map(|l| l.list).unwrap_or_default();
                }
                "chats" => file.chats = Some(map.next_value_seed(ChatListingSeed { trail })?),
                "left_chats" => file.left_chats = Some(map.next_value_seed(ChatListingSeed { trail })?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            trail.leave();
        }
        Ok(file)
    }
}

/// `{"about": "...", "list": [chat, ...]}`
struct ChatListingSeed<'t> {
    trail: &'t Trail,
}

impl<'de> DeserializeSeed<'de> for ChatListingSeed<'_> {
    type Value = Vec<ChatRecord>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<ChatRecord>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChatListingSeed<'_> {
    type Value = Vec<ChatRecord>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a \"list\" of chats")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<ChatRecord>, A::Error> {
        let mut chats = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "list" {
                self.trail.enter(Step::Field("list".into()));
                chats = map.next_value_seed(ChatListSeed { trail: self.trail })?;
                self.trail.leave();
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(chats)
    }
}

struct ChatListSeed<'t> {
    trail: &'t Trail,
}

impl<'de> DeserializeSeed<'de> for ChatListSeed<'_> {
    type Value = Vec<ChatRecord>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<ChatRecord>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ChatListSeed<'_> {
    type Value = Vec<ChatRecord>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of chats")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<ChatRecord>, S::Error> {
        let mut chats = Vec::new();
        loop {
            self.trail.enter(Step::Chat { number: chats.len() + 1, name: None });
            match seq.next_element_seed(ChatSeed { trail: self.trail })? {
                Some(chat) => chats.push(chat),
                None => {
                    self.trail.leave();
                    return Ok(chats);
                }
            }
            self.trail.leave();
        }
    }
}

struct ChatSeed<'t> {
    trail: &'t Trail,
}

impl<'de> DeserializeSeed<'de> for ChatSeed<'_> {
    type Value = ChatRecord;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ChatRecord, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChatSeed<'_> {
    type Value = ChatRecord;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a chat object with \"name\", \"type\", \"id\" and \"messages\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ChatRecord, A::Error> {
        let mut chat = ChatRecord::default();
        while let Some(key) = map.next_key::<String>()? {
            if !chat.read_field(&key, &mut map, self.trail)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if chat.id.is_none() {
            return Err(self.trail.fail(text!(
                "export.telegram.json.listed_chat_without_id",
                "this chat has no \"id\" field"
            )));
        }
        Ok(chat)
    }
}

struct MessagesSeed<'t> {
    trail: &'t Trail,
}

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_> {
    type Value = Vec<Message>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Message>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_> {
    type Value = Vec<Message>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of messages")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<Message>, S::Error> {
        let mut messages = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        loop {
            self.trail.enter(Step::Message(messages.len() + 1));
            match seq.next_element_seed(MessageSeed { trail: self.trail })? {
                Some(message) => messages.push(message),
                None => {
                    self.trail.leave();
                    messages.shrink_to_fit();
                    return Ok(messages);
                }
            }
            self.trail.leave();
        }
    }
}

/// One message, checked by `record`; a problem it finds is kept in the trail.
struct MessageSeed<'t> {
    trail: &'t Trail,
}

impl<'de> DeserializeSeed<'de> for MessageSeed<'_> {
    type Value = Message;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Message, D::Error> {
        let value = Value::deserialize(deserializer)?;
        message_from_value(&value).map_err(|problem| self.trail.fail(problem))
    }
}
