//! One message of result.json: the tolerant serde view of it (`RawMessage`), checked and turned into the
//! compact, format-neutral `Message` (with the digest of the record as read). It does not decide what the
//! message becomes in an `Item`; `chat` does.

use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::record_digest::record_digest;
use super::schema::NumberOrText;
use super::text::{flatten, RawText};
use crate::sources::telegram_export::message::{Details, Media, Message, Moment, Reading, ServiceEvent};
use crate::{text, Text};

/// How Telegram Desktop writes wall-clock times: `2024-01-02T10:11:12`.
const WALL_CLOCK_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Every field Docket reads, all optional so that a field Telegram leaves out is never an error.
/// Unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawMessage {
    id: Option<NumberOrText>,
    #[serde(rename = "type")]
    kind: Option<String>,
    date: Option<String>,
    date_unixtime: Option<NumberOrText>,
    edited: Option<String>,
    edited_unixtime: Option<NumberOrText>,
    from: Option<String>,
    from_id: Option<NumberOrText>,
    forwarded_from: Option<String>,
    reply_to_message_id: Option<NumberOrText>,
    reply_to_peer_id: Option<NumberOrText>,
    text: Option<RawText>,
    photo: Option<String>,
    file: Option<String>,
    mime_type: Option<String>,
    media_type: Option<String>,
    file_name: Option<String>,
    sticker_emoji: Option<String>,
    actor: Option<String>,
    actor_id: Option<NumberOrText>,
    action: Option<String>,
    title: Option<String>,
    members: Option<Vec<Option<String>>>,
    duration_seconds: Option<i64>,
    discard_reason: Option<String>,
    message_id: Option<i64>,
    inviter: Option<String>,
    period_seconds: Option<i64>,
    poll: Option<RawPoll>,
    contact_information: Option<RawContactCard>,
    location_information: Option<RawLocation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawPoll {
    question: Option<String>,
    answers: Vec<RawPollAnswer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawPollAnswer {
    text: Option<String>,
    voters: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawContactCard {
    first_name: Option<String>,
    last_name: Option<String>,
    phone_number: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawLocation {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// Checks one message (`schema` reads it as a JSON value); the error names the field at fault.
pub(super) fn message_from_value(value: &Value) -> Result<Message, Text> {
    let Value::Object(object) = value else {
        return Err(text!(
            "export.telegram.json.not_a_message",
            "expected a message object, found {found}",
            found = kind_of(value)
        ));
    };
    let raw = RawMessage::deserialize(value).map_err(|e| match field_at_fault(object) {
        Some(field) => text!(
            "export.telegram.json.bad_field",
            "field \"{field}\": {detail}",
            field = field,
            detail = strip_position(&e)
        ),
        None => Text::verbatim(strip_position(&e)),
    })?;
    let id = match &raw.id {
        Some(id) => id.as_number().ok_or_else(|| {
            text!(
                "export.telegram.json.id_not_a_number",
                "field \"id\" is {value}, not a number",
                value = id.to_string()
            )
        })?,
        None => {
            return Err(text!("export.telegram.json.message_without_id", "this message has no \"id\" field"))
        }
    };
    let sent = moment(&raw.date, &raw.date_unixtime, "date", id)?.ok_or_else(|| {
        text!(
            "export.telegram.json.message_without_date",
            "message id {id} has no \"date\" field",
            id = id.to_string()
        )
    })?;
    let edited = moment(&raw.edited, &raw.edited_unixtime, "edited", id)?;
    let reply_to = match &raw.reply_to_message_id {
        Some(r) => Some(r.as_number().ok_or_else(|| {
            text!(
                "export.telegram.json.reply_to_not_a_number",
                "field \"reply_to_message_id\" of message id {id} is {value}, not a number",
                id = id.to_string(),
                value = r.to_string()
            )
        })?),
        None => None,
    };
    let is_service = raw.kind.as_deref() == Some("service");
    let (author, author_id) = if is_service {
        (raw.actor.clone().or_else(|| raw.from.clone()), raw.actor_id.clone().or_else(|| raw.from_id.clone()))
    } else {
        (raw.from.clone(), raw.from_id.clone())
    };
    let details = Details {
        edited,
        forwarded_from: object.contains_key("forwarded_from").then(|| raw.forwarded_from.clone()),
        forwarded_at: None,
        reply_to_peer: raw.reply_to_peer_id.clone().map(NumberOrText::into_text),
        content_notes: content_notes(&raw),
        service: if is_service { Some(service_event(&raw)) } else { None },
        media: Media {
            photo: raw.photo,
            file: raw.file,
            mime_type: raw.mime_type,
            media_type: raw.media_type,
            file_name: raw.file_name,
            sticker_emoji: raw.sticker_emoji,
        },
        ..Details::default()
    };
    Ok(Message {
        id,
        is_service,
        sent,
        author,
        author_id: author_id.map(participant_id),
        reply_to,
        text: raw.text.as_ref().map(flatten).unwrap_or_default(),
        details: details.boxed(),
        digest: record_digest(value),
    })
}

/// `user123` stays; a bare number (older exports) becomes `user123`.
fn participant_id(id: NumberOrText) -> String {
    match id {
        NumberOrText::Number(n) => format!("user{n}"),
        NumberOrText::Text(s) => s,
    }
}

fn moment(
    wall: &Option<String>,
    unixtime: &Option<NumberOrText>,
    field: &str,
    id: i64,
) -> Result<Option<Moment>, Text> {
    let Some(wall) = wall else { return Ok(None) };
    let wall_clock = NaiveDateTime::parse_from_str(wall.trim(), WALL_CLOCK_FORMAT).map_err(|_| {
        text!(
            "export.telegram.json.date_not_a_date",
            "field \"{field}\" of message id {id} is \"{value}\", not a date like 2024-01-02T10:11:12",
            field = field,
            id = id.to_string(),
            value = wall
        )
    })?;
    let unixtime = match unixtime {
        Some(t) => Some(t.as_number().ok_or_else(|| {
            text!(
                "export.telegram.json.unixtime_not_a_number",
                "field \"{field}_unixtime\" of message id {id} is {value}, not a number of seconds",
                field = field,
                id = id.to_string(),
                value = t.to_string()
            )
        })?),
        None => None,
    };
    Ok(Some(Moment::new(wall_clock, unixtime.map_or(Reading::Zone, Reading::Exact))))
}

fn service_event(raw: &RawMessage) -> ServiceEvent {
    ServiceEvent {
        action: raw.action.clone().unwrap_or_else(|| "unknown".into()),
        title: raw.title.clone(),
        members: raw
            .members
            .iter()
            .flatten()
            .map(|m| m.clone().unwrap_or_else(|| "Deleted Account".into()))
            .collect(),
        duration_seconds: raw.duration_seconds,
        discard_reason: raw.discard_reason.clone(),
        pinned_message_id: raw.message_id,
        inviter: raw.inviter.clone(),
        period_seconds: raw.period_seconds,
        sentence: None,
    }
}

fn content_notes(raw: &RawMessage) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(poll) = &raw.poll {
        let answers: Vec<String> = poll
            .answers
            .iter()
            .map(|a| format!("{} ({} votes)", a.text.as_deref().unwrap_or(""), a.voters.unwrap_or(0)))
            .collect();
        notes.push(format!(
            "poll: {}: {}",
            poll.question.as_deref().unwrap_or("(no question)"),
            answers.join("; ")
        ));
    }
    if let Some(card) = &raw.contact_information {
        let name = [card.first_name.as_deref(), card.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        notes.push(
            format!("shared contact: {name} {}", card.phone_number.as_deref().unwrap_or(""))
                .trim_end()
                .into(),
        );
    }
    if let Some(RawLocation { latitude: Some(lat), longitude: Some(lon) }) = &raw.location_information {
        notes.push(format!("location: {lat}, {lon}"));
    }
    notes
}

/// The first field whose value alone fails to decode: the one to name in the error.
fn field_at_fault(object: &Map<String, Value>) -> Option<&str> {
    object.iter().find_map(|(key, value)| {
        let mut alone = Map::new();
        alone.insert(key.clone(), value.clone());
        RawMessage::deserialize(&Value::Object(alone)).is_err().then_some(key.as_str())
    })
}

fn kind_of(value: &Value) -> Text {
    match value {
        Value::Null => text!("export.telegram.json.kind_null", "null"),
        Value::Bool(_) => text!("export.telegram.json.kind_bool", "true or false"),
        Value::Number(_) => text!("export.telegram.json.kind_number", "a number"),
        Value::String(_) => text!("export.telegram.json.kind_string", "a string"),
        Value::Array(_) => text!("export.telegram.json.kind_list", "a list"),
        Value::Object(_) => text!("export.telegram.json.kind_object", "an object"),
    }
}

/// serde_json's message without its " at line N column M" tail (the caller reports the position).
pub(super) fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let tail = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&tail).map(str::to_string).unwrap_or(text)
}
