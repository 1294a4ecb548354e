//! Bot API updates to `Item`s: messages, channel posts and business messages (text, captions, replies,
//! forwards, polls, contacts, locations, media listed for `source` to fetch, service events) and edits (a new
//! item threaded to the original, with `X-Docket-Edit-Of`); business deletions and connections are in
//! `business`. It fetches nothing.
//!
//! Keys are built as the Desktop export reader builds them, `item_key(Telegram, date, [chat id, message
//! id])`, with the chat id as the export writes it: the export writes the bare peer id, while the Bot API
//! marks basic groups with a minus (`-123` is export `123`) and supergroups and channels with `-100`
//! (`-1001234567890` is export `1234567890`); `export_chat_id` undoes that. The key's time is the message's
//! UTC wall clock: the Bot API gives Unix time only, while an export's `date` is the exporting computer's
//! local time. So the same message captured live and exported later has the same key when the export was
//! made with the computer's clock on UTC; otherwise the keys differ in their time part and both are kept.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde_json::Value;

use crate::model::{Item, ItemKind, Participant, SourceKind};
use crate::sources::{item_key, sha256_hex};

/// The update kinds Docket asks for (`allowed_updates`) and archives.
pub const ARCHIVED_UPDATES: [&str; 8] = [
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
];

/// A file to fetch with `getFile` for an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub file_id: String,
    pub size: Option<u64>,
    pub name: String,
    pub content_type: String,
}

/// An item whose media are not fetched yet.
#[derive(Debug, Clone)]
pub struct Pending {
    pub item: Item,
    pub media: Vec<Media>,
}

/// The chat id as a Telegram Desktop export writes it (the bare peer id), from the Bot API's.
pub fn export_chat_id(bot_chat_id: i64) -> i64 {
    const CHANNEL_SHIFT: i64 = 1_000_000_000_000;
    if bot_chat_id <= -CHANNEL_SHIFT {
        -(bot_chat_id + CHANNEL_SHIFT)
    } else {
        bot_chat_id.abs()
    }
}

pub(super) fn utc(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap_or_default()
}

pub(super) fn wall(unix: i64) -> NaiveDateTime {
    utc(unix).naive_utc()
}

/// The key of message `message_id` sent at `date` in the chat with Bot API id `chat_id`.
pub fn message_key(chat_id: i64, message_id: i64, date: i64) -> String {
    item_key(
        SourceKind::Telegram,
        wall(date),
        &[&export_chat_id(chat_id).to_string(), &message_id.to_string()],
    )
}

pub(super) fn int(value: &Value, field: &str) -> Option<i64> {
    value.get(field).and_then(Value::as_i64)
}

pub(super) fn text<'a>(value: &'a Value, field: &str) -> Option<&'a str> {
    value.get(field).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
}

/// A Bot API `User` (or a `Chat` standing for the sender of a channel post).
pub fn participant(user: &Value) -> Participant {
    let id = int(user, "id").unwrap_or_default();
    let name = match (text(user, "first_name"), text(user, "last_name"), text(user, "title")) {
        (Some(first), Some(last), _) => format!("{first} {last}"),
        (Some(first), None, _) => first.to_string(),
        (None, _, Some(title)) => title.to_string(),
        _ => text(user, "username").map_or_else(|| format!("user{id}"), |u| format!("@{u}")),
    };
    let handle = if id > 0 { format!("user{id}") } else { format!("chat{}", export_chat_id(id)) };
    Participant { display_name: name, handle: Some(handle), ..Participant::default() }
}

/// `user123 @alice` pairs for every participant with a username, for the `X-Docket-Telegram-Users`
/// header the mapping reads (`TelegramUsername`).
pub(super) fn usernames(people: &[&Value]) -> Option<String> {
    let mut pairs: Vec<String> = people
        .iter()
        .filter_map(|p| Some(format!("user{} @{}", int(p, "id").filter(|&id| id > 0)?, text(p, "username")?)))
        .collect();
    pairs.sort();
    pairs.dedup();
    (!pairs.is_empty()).then(|| pairs.join("; "))
}

pub(super) fn chat_name(chat: &Value) -> String {
    if let Some(title) = text(chat, "title") {
        return title.to_string();
    }
    let first = text(chat, "first_name").unwrap_or_default();
    match text(chat, "last_name") {
        Some(last) => format!("{first} {last}"),
        None if !first.is_empty() => first.to_string(),
        None => format!("Chat {}", int(chat, "id").unwrap_or_default()),
    }
}

pub(super) fn at(unix: i64) -> DateTime<FixedOffset> {
    utc(unix).fixed_offset()
}

pub(super) fn stamp(unix: i64) -> String {
    utc(unix).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The update's items (most updates give one; an unknown kind gives none).
pub fn update_items(update: &Value, received_at: i64) -> Vec<Pending> {
    let update_id = int(update, "update_id").unwrap_or_default();
    let digest = sha256_hex(update.to_string().as_bytes());
    let mut out = Vec::new();
    for kind in ARCHIVED_UPDATES {
        let Some(body) = update.get(kind) else { continue };
        let pending = match kind {
            "message" | "channel_post" | "business_message" => Some(message_item(body, None)),
            "edited_message" | "edited_channel_post" | "edited_business_message" => {
                let edited = int(body, "edit_date").unwrap_or(received_at);
                Some(message_item(body, Some(edited)))
            }
            "deleted_business_messages" => Some(super::business::deletion_item(body, update_id, received_at)),
            "business_connection" => Some(super::business::connection_item(body, update_id)),
            _ => None,
        };
        if let Some(mut pending) = pending {
            pending.item.record_digest = digest.clone();
            out.push(pending);
        }
    }
    out
}

fn message_item(message: &Value, edited_at: Option<i64>) -> Pending {
    let empty = Value::Null;
    let chat = message.get("chat").unwrap_or(&empty);
    let chat_id = int(chat, "id").unwrap_or_default();
    let message_id = int(message, "message_id").unwrap_or_default();
    let date = int(message, "date").unwrap_or_default();
    let original = message_key(chat_id, message_id, date);
    let export_chat = export_chat_id(chat_id).to_string();
    let (key, timestamp) = match edited_at {
        None => (original.clone(), date),
        Some(edited) => (
            item_key(
                SourceKind::Telegram,
                wall(edited),
                &[&export_chat, &message_id.to_string(), &format!("edit {edited}")],
            ),
            edited,
        ),
    };
    let sender_value = message.get("from").or_else(|| message.get("sender_chat")).unwrap_or(chat);
    let sender = participant(sender_value);
    let mut people = vec![sender_value];
    let mut notes = Vec::new();
    let mut headers = vec![("X-Docket-Telegram-Chat-Id".to_string(), chat_id.to_string())];
    if let Some(connection) = text(message, "business_connection_id") {
        headers.push(("X-Docket-Telegram-Business-Connection".into(), connection.to_string()));
    }
    let mut recipients = Vec::new();
    if text(chat, "type") == Some("private") && int(chat, "id") != int(sender_value, "id") {
        recipients.push(participant(chat));
        people.push(chat);
    }

    let mut reply_to = None;
    if let Some(parent) = message.get("reply_to_message") {
        let parent_chat = parent.get("chat").and_then(|c| int(c, "id")).unwrap_or(chat_id);
        if let (Some(id), Some(date)) = (int(parent, "message_id"), int(parent, "date")) {
            reply_to = Some(message_key(parent_chat, id, date));
        }
        if let Some(author) = parent.get("from") {
            let author_p = participant(author);
            if author_p.handle != sender.handle && !recipients.contains(&author_p) {
                recipients.push(author_p);
                people.push(author);
            }
        }
    }
    if let Some(external) = message.get("external_reply") {
        notes
            .push(format!("in reply to a message in another chat ({})", origin_name(external.get("origin"))));
    }
    if let Some(origin) = message.get("forward_origin") {
        let when = int(origin, "date").map(|d| format!(", sent {}", stamp(d))).unwrap_or_default();
        notes.push(format!("forwarded from {}{when}", origin_name(Some(origin))));
    }
    if let Some(edited) = edited_at {
        notes.push(format!("edited at {}: this is the new version of message {message_id}", stamp(edited)));
        headers.push(("X-Docket-Edit-Of".into(), format!("<{original}>")));
    }

    let mut body = text(message, "text").or_else(|| text(message, "caption")).unwrap_or_default().to_string();
    let media = media_of(message, &mut notes);
    describe_content(message, &mut body, &mut notes);
    let is_service = service_notes(message, &mut notes);
    if let Some(list) = usernames(&people) {
        headers.push(("X-Docket-Telegram-Users".into(), list));
    }

    let mut references: Vec<String> = reply_to.iter().cloned().collect();
    let reply_to = match edited_at {
        Some(_) => {
            references.retain(|r| r != &original);
            references.push(original.clone());
            Some(original)
        }
        None => reply_to,
    };
    Pending {
        item: Item {
            key,
            source: SourceKind::Telegram,
            kind: if is_service { ItemKind::System } else { ItemKind::Message },
            chat: chat_name(chat),
            source_id: match edited_at {
                Some(edited) => format!("{export_chat}:{message_id}:edit {edited}"),
                None => format!("{export_chat}:{message_id}"),
            },
            timestamp: at(timestamp),
            sender,
            recipients,
            text: body,
            reply_to,
            references,
            attachments: Vec::new(),
            notes,
            extra_headers: headers,
            record_digest: String::new(),
        },
        media,
    }
}

fn origin_name(origin: Option<&Value>) -> String {
    let Some(origin) = origin else { return "an unnamed sender".into() };
    if let Some(user) = origin.get("sender_user") {
        return participant(user).display_name;
    }
    if let Some(name) = text(origin, "sender_user_name") {
        return name.to_string();
    }
    if let Some(chat) = origin.get("sender_chat").or_else(|| origin.get("chat")) {
        return chat_name(chat);
    }
    "an unnamed sender".into()
}

/// The files a message carries (the largest photo size; documents, audio, video, voice, stickers...).
fn media_of(message: &Value, notes: &mut Vec<String>) -> Vec<Media> {
    let mut media = Vec::new();
    if let Some(sizes) = message.get("photo").and_then(Value::as_array) {
        if let Some(best) = sizes.iter().max_by_key(|s| int(s, "file_size").unwrap_or(0)) {
            if let Some(file) = file(best, "photo.jpg", "image/jpeg") {
                media.push(file);
            }
        }
    }
    for (field, default_name, default_type) in [
        ("document", "document.bin", "application/octet-stream"),
        ("video", "video.mp4", "video/mp4"),
        ("animation", "animation.mp4", "video/mp4"),
        ("audio", "audio.mp3", "audio/mpeg"),
        ("voice", "voice.ogg", "audio/ogg"),
        ("video_note", "video_note.mp4", "video/mp4"),
        ("sticker", "sticker.webp", "image/webp"),
    ] {
        if let Some(value) = message.get(field) {
            if let Some(file) = file(value, default_name, default_type) {
                media.push(file);
            }
            if field == "sticker" {
                if let Some(emoji) = text(value, "emoji") {
                    notes.push(format!("sticker {emoji}"));
                }
            }
        }
    }
    media
}

fn file(value: &Value, default_name: &str, default_type: &str) -> Option<Media> {
    let file_id = text(value, "file_id")?.to_string();
    let unique = text(value, "file_unique_id").unwrap_or(&file_id);
    let name = text(value, "file_name").map_or_else(|| format!("{unique}-{default_name}"), str::to_string);
    let content_type = text(value, "mime_type").unwrap_or(default_type).to_string();
    Some(Media {
        file_id,
        size: int(value, "file_size").and_then(|s| u64::try_from(s).ok()),
        name,
        content_type,
    })
}

/// Polls, contacts, locations and venues, written out in the body.
fn describe_content(message: &Value, body: &mut String, notes: &mut Vec<String>) {
    let mut add = |line: String| {
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(&line);
    };
    if let Some(poll) = message.get("poll") {
        let options: Vec<String> = poll
            .get("options")
            .and_then(Value::as_array)
            .map(|o| {
                o.iter()
                    .map(|o| {
                        format!(
                            "- {} ({} votes)",
                            text(o, "text").unwrap_or_default(),
                            int(o, "voter_count").unwrap_or(0)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        add(format!("Poll: {}\n{}", text(poll, "question").unwrap_or_default(), options.join("\n")));
    }
    if let Some(contact) = message.get("contact") {
        let name = [text(contact, "first_name"), text(contact, "last_name")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        add(format!("Contact: {} {}", name.join(" "), text(contact, "phone_number").unwrap_or_default()));
    }
    if let Some(venue) = message.get("venue") {
        add(format!(
            "Venue: {}, {}",
            text(venue, "title").unwrap_or_default(),
            text(venue, "address").unwrap_or_default()
        ));
    } else if let Some(location) = message.get("location") {
        let coordinate = |f: &str| location.get(f).and_then(Value::as_f64).unwrap_or_default();
        add(format!("Location: {:.6}, {:.6}", coordinate("latitude"), coordinate("longitude")));
    }
    if message.get("entities").is_some() || message.get("caption_entities").is_some() {
        notes.push("formatting (entities) is kept in the original update, not in this text".into());
    }
}

/// Service events as notes; whether the message is one.
fn service_notes(message: &Value, notes: &mut Vec<String>) -> bool {
    let mut service = false;
    if let Some(members) = message.get("new_chat_members").and_then(Value::as_array) {
        let names: Vec<String> = members.iter().map(|m| participant(m).display_name).collect();
        notes.push(format!("service: {} joined", names.join(", ")));
        service = true;
    }
    if let Some(member) = message.get("left_chat_member") {
        notes.push(format!("service: {} left", participant(member).display_name));
        service = true;
    }
    if let Some(title) = text(message, "new_chat_title") {
        notes.push(format!("service: the title was changed to {title:?}"));
        service = true;
    }
    if let Some(pinned) = message.get("pinned_message") {
        notes.push(format!("service: message {} was pinned", int(pinned, "message_id").unwrap_or_default()));
        service = true;
    }
    for (field, what) in [
        ("new_chat_photo", "the chat photo was changed"),
        ("delete_chat_photo", "the chat photo was removed"),
        ("group_chat_created", "the group was created"),
        ("supergroup_chat_created", "the supergroup was created"),
        ("channel_chat_created", "the channel was created"),
    ] {
        if message.get(field).is_some() {
            notes.push(format!("service: {what}"));
            service = true;
        }
    }
    service
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(update: Value) -> Item {
        update_items(&update, 1_800_000_000).remove(0).item
    }

    #[test]
    fn forwards_polls_contacts_locations_and_service_events_are_written_out() {
        let chat = serde_json::json!({ "id": -4012345, "type": "group", "title": "Ops" });
        let from =
            serde_json::json!({ "id": 7, "is_bot": false, "first_name": "Ana", "username": "ana_ops" });
        let base = |extra: Value| {
            let mut message =
                serde_json::json!({ "message_id": 3, "chat": chat, "from": from, "date": 1_700_000_000 });
            if let (Some(m), Value::Object(extra)) = (message.as_object_mut(), extra) {
                m.extend(extra);
            }
            serde_json::json!({ "update_id": 9, "message": message })
        };
        let forwarded = one(base(serde_json::json!({ "text": "fyi", "forward_origin":
            { "type": "hidden_user", "sender_user_name": "Zed", "date": 1_699_000_000 } })));
        assert!(forwarded.notes[0].starts_with("forwarded from Zed, sent 2023-"), "{:?}", forwarded.notes);
        let poll = one(base(serde_json::json!({ "poll": { "question": "Lunch?", "options":
            [{ "text": "yes", "voter_count": 2 }, { "text": "no", "voter_count": 0 }] } })));
        assert_eq!(poll.text, "Poll: Lunch?\n- yes (2 votes)\n- no (0 votes)");
        let contact = one(base(
            serde_json::json!({ "contact": { "first_name": "Bo", "phone_number": "+447700900123" } }),
        ));
        assert_eq!(contact.text, "Contact: Bo +447700900123");
        let location = one(base(serde_json::json!({ "location": { "latitude": 51.5, "longitude": -0.12 } })));
        assert_eq!(location.text, "Location: 51.500000, -0.120000");
        let joined = one(base(serde_json::json!({ "new_chat_members": [from] })));
        assert_eq!((joined.kind, joined.notes[0].as_str()), (ItemKind::System, "service: Ana joined"));
        let pinned = one(base(serde_json::json!({ "pinned_message": { "message_id": 2 } })));
        assert_eq!(pinned.notes[0], "service: message 2 was pinned");
        let titled = one(base(serde_json::json!({ "new_chat_title": "Ops 2" })));
        assert_eq!(titled.notes[0], "service: the title was changed to \"Ops 2\"");
        assert_eq!(titled.sender.handle.as_deref(), Some("user7"));
        let users = titled.extra_headers.iter().find(|(n, _)| n == "X-Docket-Telegram-Users");
        assert_eq!(users.map(|(_, v)| v.as_str()), Some("user7 @ana_ops"));
        assert_eq!(titled.key, message_key(-4012345, 3, 1_700_000_000));
    }

    #[test]
    fn bot_chat_ids_become_export_ids() {
        assert_eq!(export_chat_id(-1_001_234_567_890), 1_234_567_890);
        assert_eq!(export_chat_id(-4_012_345), 4_012_345);
        assert_eq!(export_chat_id(123_456), 123_456);
    }
}
