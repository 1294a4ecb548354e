//! Telegram Business records that are not messages: a deletion Telegram reports
//! (`deleted_business_messages`), which becomes a record item saying what was deleted and when Docket
//! learned it (nothing archived is removed), and a business connection turned on or off. It fetches nothing.

use serde_json::Value;

use super::records::{
    at, chat_name, export_chat_id, int, participant, stamp, text, usernames, wall, Pending,
};
use crate::model::{Item, ItemKind, SourceKind};
use crate::sources::item_key;

/// `deleted_business_messages`: a record that these messages were deleted, and when Docket learned it.
pub(super) fn deletion_item(body: &Value, update_id: i64, received_at: i64) -> Pending {
    let empty = Value::Null;
    let chat = body.get("chat").unwrap_or(&empty);
    let chat_id = int(chat, "id").unwrap_or_default();
    let export_chat = export_chat_id(chat_id).to_string();
    let ids: Vec<String> = body
        .get("message_ids")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).map(|i| i.to_string()).collect())
        .unwrap_or_default();
    let connection = text(body, "business_connection_id").unwrap_or_default();
    // Telegram gives no time for a deletion: the key carries the update's id (unique per bot) and the time
    // Docket received it.
    let key = item_key(
        SourceKind::Telegram,
        wall(received_at),
        &[&export_chat, "deleted", &ids.join(","), &format!("update {update_id}")],
    );
    let text = format!(
        "Telegram reported that messages {} of this business chat were deleted (reported at or before {}). \
         The archived copies of those messages are kept.",
        ids.join(", "),
        stamp(received_at)
    );
    Pending {
        item: Item {
            key,
            source: SourceKind::Telegram,
            kind: ItemKind::System,
            chat: chat_name(chat),
            source_id: format!("{export_chat}:deleted:{}", ids.join(",")),
            timestamp: at(received_at),
            sender: participant(chat),
            recipients: Vec::new(),
            text,
            reply_to: None,
            references: Vec::new(),
            attachments: Vec::new(),
            notes: vec![format!("deletion record for messages {}", ids.join(", "))],
            extra_headers: [
                ("X-Docket-Telegram-Chat-Id".to_string(), chat_id.to_string()),
                ("X-Docket-Telegram-Business-Connection".to_string(), connection.to_string()),
                ("X-Docket-Telegram-Deleted".to_string(), ids.join(", ")),
            ]
            .into_iter()
            // The private chat is the customer: their username lets the mapping route the record.
            .chain(usernames(&[chat]).map(|list| ("X-Docket-Telegram-Users".to_string(), list)))
            .collect(),
            record_digest: String::new(),
        },
        media: Vec::new(),
    }
}

/// `business_connection`: the account connected (or disconnected) the bot.
pub(super) fn connection_item(body: &Value, update_id: i64) -> Pending {
    let empty = Value::Null;
    let user = body.get("user").unwrap_or(&empty);
    let date = int(body, "date").unwrap_or_default();
    let enabled = body.get("is_enabled").and_then(Value::as_bool).unwrap_or(true);
    let id = text(body, "id").unwrap_or_default();
    let sender = participant(user);
    let what = if enabled { "connected this bot to" } else { "disconnected this bot from" };
    Pending {
        item: Item {
            key: item_key(
                SourceKind::Telegram,
                wall(date),
                &["business_connection", id, &format!("update {update_id}")],
            ),
            source: SourceKind::Telegram,
            kind: ItemKind::System,
            chat: format!("Telegram Business: {}", sender.display_name),
            source_id: format!("business_connection:{id}"),
            timestamp: at(date),
            text: format!("{} {what} their Telegram Business account.", sender.display_name),
            sender,
            recipients: Vec::new(),
            reply_to: None,
            references: Vec::new(),
            attachments: Vec::new(),
            notes: Vec::new(),
            extra_headers: vec![("X-Docket-Telegram-Business-Connection".into(), id.to_string())],
            record_digest: String::new(),
        },
        media: Vec::new(),
    }
}
