//! One message block of the HTML export (`<div class="message default clearfix" id="message123">` or
//! `<div class="message service" id="message124">`) read into the compact `Message`: its id, its date
//! from the title, its sender (a `joined` block names none and takes the previous block's), a forward's
//! original sender and date, the message it replies to, its text, media and service event, and the
//! digest of the block as written. The day lines between messages (`message-1`, `message-2`, ...) only
//! set the day service messages are dated by. It does not decide how a wall clock becomes an instant
//! (`html`'s zone policy) nor read files.

use std::path::Path;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::sources::telegram_export::message::{Details, Message, Moment, Reading};
use crate::sources::ExportError;
use crate::{text, Text};

use super::date::{parse_day, parse_stamp, Stamp};
use super::text::{flatten, Links};
use super::tree::{Document, NodeId};
use super::{again, media, service};

/// Ids of the day lines Telegram Desktop writes between messages count down from -1; ids of messages
/// from before a group became a supergroup are shifted down by 1,000,000,000, below this.
const LOWEST_DAY_LINE_ID: i64 = -500_000_000;

/// The page being read: its file (for errors) and its folder relative to the export folder (for media).
pub(super) struct Page<'p> {
    pub file: &'p Path,
    pub base: &'p [String],
}

/// What one block leaves for the next: Telegram writes a sender (and a forward's sender) only when it
/// changes, and a service message only under its day line.
#[derive(Debug, Default)]
pub(super) struct ChatState {
    last_sender: Option<String>,
    last_forward: Option<Option<String>>,
    day: Option<NaiveDate>,
}

fn problem(page: &Page<'_>, doc: &Document<'_>, node: NodeId, what: Text) -> ExportError {
    ExportError::Parse {
        path: page.file.to_path_buf(),
        line: doc.line(node),
        message: text!(
            "export.telegram.html.block_unlike_telegram",
            "{problem}. Telegram Desktop does not write pages like this. {again}",
            again = again(),
            problem = what
        ),
    }
}

/// The message id in `id="message123"`.
pub(super) fn message_id(id: &str) -> Option<i64> {
    let digits = id.strip_prefix("message")?;
    let unsigned = digits.strip_prefix('-').unwrap_or(digits);
    if unsigned.is_empty() || unsigned.len() > 18 || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The message `node` (a block with classes `message` and `default` or `service`) holds; `None` for a
/// day line.
pub(super) fn read(
    doc: &Document<'_>,
    node: NodeId,
    page: &Page<'_>,
    state: &mut ChatState,
) -> Result<Option<Message>, ExportError> {
    let tag = doc.tag(node).ok_or_else(|| {
        problem(
            page,
            doc,
            node,
            text!("export.telegram.html.block_not_an_element", "a message block is not an element"),
        )
    })?;
    let raw_id = tag.attr("id").unwrap_or_default();
    let id = message_id(&raw_id).ok_or_else(|| {
        problem(
            page,
            doc,
            node,
            text!(
                "export.telegram.html.block_bad_id",
                "a message block has the id \"{id}\", not \"message\" and a number",
                id = raw_id.as_ref()
            ),
        )
    })?;
    let digest: [u8; 32] = Sha256::digest(doc.source(node).as_bytes()).into();
    if tag.has_class("service") {
        return service_message(doc, node, page, state, id, digest);
    }
    let body = doc.child_with(node, &["body"]).ok_or_else(|| {
        problem(
            page,
            doc,
            node,
            text!(
                "export.telegram.html.message_without_body",
                "message {id} has no body",
                id = id.to_string()
            ),
        )
    })?;
    let stamp = stamp(doc, body, page, id)?;
    state.day = Some(stamp.wall_clock.date());

    let author = match doc.child_with(body, &["from_name"]) {
        Some(from) => {
            let name = without_via(doc.own_text(from).trim()).to_string();
            state.last_sender = Some(name.clone());
            Some(name)
        }
        None => state.last_sender.clone(),
    };
    let mut details = Details::default();
    let container = match doc.child_with(body, &["forwarded", "body"]) {
        Some(forwarded) => {
            let from = doc.child_with(forwarded, &["from_name"]);
            let original = match from {
                Some(from) => {
                    let name = without_via(doc.own_text(from).trim()).to_string();
                    details.forwarded_at = doc
                        .find(from, &["details"])
                        .and_then(|span| {
                            let title = doc.tag(span).and_then(|t| t.attr("title")).map(|t| t.into_owned());
                            title.and_then(|t| parse_stamp(&t)).or_else(|| parse_stamp(&doc.text(span)))
                        })
                        .map(moment);
                    (name != "Deleted Account" && !name.is_empty()).then_some(name)
                }
                None => state.last_forward.clone().flatten(),
            };
            state.last_forward = Some(original.clone());
            details.forwarded_from = Some(original);
            forwarded
        }
        None => body,
    };
    let reply_to = match doc.child_with(container, &["reply_to"]) {
        Some(reply) => {
            let target = linked_in(doc, reply);
            if target.is_none() && doc.text(reply).contains("another chat") {
                details.reply_elsewhere = true;
            }
            target
        }
        None => None,
    };
    let mut is_service = false;
    if let Some(wrap) = doc.child_with(container, &["media_wrap"]) {
        let reading = media::read(doc, wrap, page.base);
        details.media = reading.media;
        details.content_notes = reading.notes;
        if let Some(call) = reading.call {
            is_service = true;
            details.service = Some(call);
        }
    }
    let text = doc.child_with(container, &["text"]).map(|t| flatten(doc, t, Links::Kept)).unwrap_or_default();
    Ok(Some(Message {
        id,
        is_service,
        sent: moment(stamp),
        author,
        author_id: None,
        reply_to,
        text,
        details: details.boxed(),
        digest,
    }))
}

fn service_message(
    doc: &Document<'_>,
    node: NodeId,
    page: &Page<'_>,
    state: &mut ChatState,
    id: i64,
    digest: [u8; 32],
) -> Result<Option<Message>, ExportError> {
    let body = doc.child_with(node, &["body"]).unwrap_or(node);
    if (LOWEST_DAY_LINE_ID..0).contains(&id) {
        if let Some(day) = parse_day(doc.text(body).trim()) {
            state.day = Some(day);
        }
        return Ok(None);
    }
    let day = state.day.ok_or_else(|| {
        problem(
            page,
            doc,
            node,
            text!(
                "export.telegram.html.service_before_day",
                "service message {id} comes before any day line, so its day is unknown",
                id = id.to_string()
            ),
        )
    })?;
    let linked = linked_in(doc, body);
    let reading = service::read(&doc.text(body), linked);
    let details = Details { service: Some(reading.event), day_only: true, ..Details::default() };
    Ok(Some(Message {
        id,
        is_service: true,
        sent: Moment::new(day.and_time(chrono::NaiveTime::MIN), Reading::Unstated),
        author: reading.actor,
        author_id: None,
        reply_to: None,
        text: String::new(),
        details: details.boxed(),
        digest,
    }))
}

/// The date in the block's `div.pull_right.date.details` title.
fn stamp(doc: &Document<'_>, body: NodeId, page: &Page<'_>, id: i64) -> Result<Stamp, ExportError> {
    let date = doc.child_with(body, &["date", "details"]).ok_or_else(|| {
        problem(
            page,
            doc,
            body,
            text!(
                "export.telegram.html.message_without_date",
                "message {id} has no date",
                id = id.to_string()
            ),
        )
    })?;
    let title = doc.tag(date).and_then(|t| t.attr("title")).unwrap_or_default();
    parse_stamp(&title).ok_or_else(|| {
        problem(
            page,
            doc,
            date,
            text!(
                "export.telegram.html.message_bad_date",
                "message {id} is dated \"{title}\", not a date like 21.09.2016 16:35:02 UTC+03:00",
                id = id.to_string(),
                title = title.as_ref()
            ),
        )
    })
}

/// The reading a title gives: its stated offset, or none (`html`'s zone policy may read it in a zone).
fn moment(stamp: Stamp) -> Moment {
    Moment::new(stamp.wall_clock, stamp.offset.map_or(Reading::Unstated, Reading::Stated))
}

/// The message the first link below `node` points at.
fn linked_in(doc: &Document<'_>, node: NodeId) -> Option<i64> {
    doc.descendants(node).find_map(|d| {
        let tag = doc.tag(d).filter(|t| t.is("a"))?;
        linked_message(&tag.attr("href").unwrap_or_default())
    })
}

/// The message a link such as `#go_to_message123` or `messages2.html#go_to_message123` points at.
fn linked_message(href: &str) -> Option<i64> {
    let (_, rest) = href.split_once("go_to_message")?;
    let end = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(rest.len(), |(i, _)| i);
    message_id(&format!("message{}", rest.get(..end)?))
}

/// A sender's name without the " via @bot" Telegram adds after it.
fn without_via(name: &str) -> &str {
    match name.rsplit_once(" via @") {
        Some((who, bot))
            if !bot.is_empty() && bot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            who.trim_end()
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_links_and_via_bots() {
        assert_eq!(message_id("message123"), Some(123));
        assert_eq!(message_id("message-999999877"), Some(-999_999_877));
        assert_eq!(message_id("message12x"), None);
        assert_eq!(message_id("message"), None);
        assert_eq!(linked_message("#go_to_message7"), Some(7));
        assert_eq!(linked_message("messages2.html#go_to_message-5"), Some(-5));
        assert_eq!(linked_message("#go_to_message"), None);
        assert_eq!(without_via("Alice via @helper_bot"), "Alice");
        assert_eq!(without_via("Alice via @"), "Alice via @");
    }
}
