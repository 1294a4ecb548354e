//! Header values: the one-line sanitiser that keeps control characters from ever starting a header, the
//! Date and Subject lines, and Docket's `X-Docket-*` source headers. Addresses live in `address`, bodies in
//! `body`; folding and RFC 2047 encoding are left to `mail-builder`.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, TimeDelta, Timelike};
use mail_builder::headers::text::Text;
use mail_builder::MessageBuilder;

use crate::model::{Item, ItemKind, SourceKind};

/// Header names Docket writes itself; an item's `extra_headers` may not reuse them.
const OWN_HEADERS: [&str; 8] = [
    "X-Docket-Source",
    "X-Docket-Sender-Identity",
    "X-Docket-Recipient-Identity",
    "X-Docket-Chat",
    "X-Docket-Source-Id",
    "X-Docket-Record-SHA256",
    "X-Docket-Item-Kind",
    "X-Docket-Note",
];

/// Longest chat name and message snippet shown in a Subject, in characters.
const SUBJECT_CHAT_CHARS: usize = 60;
const SUBJECT_SENDER_CHARS: usize = 60;
const SUBJECT_TEXT_CHARS: usize = 60;

/// True for characters that must never reach a header: C0/C1 controls (CR, LF, NUL, TAB, ESC...), DEL
/// and the Unicode line and paragraph separators.
fn breaks_a_header(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `value` as one safe header line: every control character becomes a space and the ends are trimmed.
/// Borrows when nothing needs changing, which is the common case.
pub(crate) fn header_text(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim();
    if !trimmed.chars().any(breaks_a_header) {
        return Cow::Borrowed(trimmed);
    }
    let replaced: String = trimmed.chars().map(|c| if breaks_a_header(c) { ' ' } else { c }).collect();
    match replaced.trim() {
        t if t.len() == replaced.len() => Cow::Owned(replaced),
        t => Cow::Owned(t.to_owned()),
    }
}

/// Appends `value` to `out` on one line with runs of whitespace and control characters collapsed to one
/// space, keeping at most `max_chars` characters and marking a cut with `…`.
fn push_snippet(out: &mut String, value: &str, max_chars: usize) {
    let mut taken = 0;
    let mut pending_space = false;
    for c in value.trim().chars() {
        if c.is_whitespace() || breaks_a_header(c) {
            pending_space = true;
            continue;
        }
        if taken == max_chars {
            out.push('…');
            return;
        }
        if pending_space {
            if taken + 1 >= max_chars {
                out.push('…');
                return;
            }
            out.push(' ');
            taken += 1;
            pending_space = false;
        }
        out.push(c);
        taken += 1;
    }
}

/// The item's time as an RFC 5322 date in the item's own offset: `Tue, 02 Jan 2024 10:05:00 +0100`.
/// `None` for years before 0, which the format cannot express. Offsets with seconds are cut to minutes
/// and the shown wall-clock time follows, so the instant stays exact to the second.
pub(super) fn rfc5322_date(timestamp: &DateTime<FixedOffset>) -> Option<String> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let offset_minutes = i64::from(timestamp.offset().local_minus_utc()) / 60;
    let local = timestamp.naive_utc().checked_add_signed(TimeDelta::try_minutes(offset_minutes)?)?;
    if local.year() < 0 {
        return None;
    }
    let day = DAYS.get(local.weekday().num_days_from_monday() as usize)?;
    let month = MONTHS.get(local.month0() as usize)?;
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    let mut out = String::with_capacity(32);
    write!(
        out,
        "{day}, {:02} {month} {:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        local.day(),
        local.year(),
        local.hour(),
        local.minute(),
        local.second(),
        offset / 60,
        offset % 60
    )
    .ok()?;
    Some(out)
}

/// The name people know the source by.
pub(super) fn source_label(source: SourceKind) -> &'static str {
    match source {
        SourceKind::WhatsApp => "WhatsApp",
        SourceKind::Telegram => "Telegram",
        SourceKind::X => "X",
    }
}

fn item_kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Message => "message",
        ItemKind::System => "system",
        ItemKind::Post => "post",
        ItemKind::Mention => "mention",
        ItemKind::DirectMessage => "direct_message",
    }
}

/// A readable one-line subject: `WhatsApp: Project Falcon — Alice: first 60 characters…`. Without text
/// it ends in `placeholder` (`(attachment IMG-1.jpg)`, `(no text)`).
pub(super) fn subject(item: &Item, placeholder: Option<&str>) -> String {
    let mut out = String::with_capacity(160);
    out.push_str(source_label(item.source));
    let chat_start = out.len();
    out.push_str(": ");
    let before_chat = out.len();
    push_snippet(&mut out, &item.chat, SUBJECT_CHAT_CHARS);
    if out.len() == before_chat {
        out.truncate(chat_start);
    }
    out.push_str(" — ");
    if let Some(sender) = super::address::sender_label(&item.sender) {
        let before_sender = out.len();
        push_snippet(&mut out, sender, SUBJECT_SENDER_CHARS);
        if out.len() > before_sender {
            out.push_str(": ");
        }
    }
    match placeholder {
        Some(placeholder) => push_snippet(&mut out, placeholder, usize::MAX),
        None => push_snippet(&mut out, &item.text, SUBJECT_TEXT_CHARS),
    }
    out
}

/// A source header name Docket may pass through: `X-` then letters, digits and hyphens, at most 76
/// characters, and none of Docket's own names.
fn is_passable_header_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("X-").or_else(|| name.strip_prefix("x-")) else {
        return false;
    };
    !rest.is_empty()
        && name.len() <= 76
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !OWN_HEADERS.iter().any(|own| own.eq_ignore_ascii_case(name))
}

/// Adds the `X-Docket-*` headers that trace the email to its source record, then the item's own extra
/// headers whose names pass `is_passable_header_name` (others are left out).
pub(super) fn source_headers<'a>(item: &'a Item, message: MessageBuilder<'a>) -> MessageBuilder<'a> {
    let mut message = message
        .header("X-Docket-Source", Text::new(item.source.as_str()))
        .header("X-Docket-Chat", Text::new(header_text(&item.chat)))
        .header("X-Docket-Source-Id", Text::new(header_text(&item.source_id)))
        .header("X-Docket-Record-SHA256", Text::new(header_text(&item.record_digest)))
        .header("X-Docket-Item-Kind", Text::new(item_kind_name(item.kind)));
    if let Some(identity) = super::address::replaced_identity(&item.sender, item.source) {
        message = message.header("X-Docket-Sender-Identity", Text::new(header_text(&identity).into_owned()));
    }
    for recipient in &item.recipients {
        if let Some(identity) = super::address::replaced_identity(recipient, item.source) {
            message =
                message.header("X-Docket-Recipient-Identity", Text::new(header_text(&identity).into_owned()));
        }
    }
    for note in &item.notes {
        message = message.header("X-Docket-Note", Text::new(header_text(note)));
    }
    for (name, value) in &item.extra_headers {
        if is_passable_header_name(name) {
            message = message.header(name.as_str(), Text::new(header_text(value)));
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_turns_every_control_character_into_a_space() {
        assert_eq!(header_text("a\r\nBcc: x\0y\u{85}z\u{2028}"), "a  Bcc: x y z");
        assert!(matches!(header_text("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn snippets_collapse_whitespace_and_mark_the_cut() {
        let mut out = String::new();
        push_snippet(&mut out, "  one\n\n two\tthree ", 9);
        assert_eq!(out, "one two t…");
        let mut at_space = String::new();
        push_snippet(&mut at_space, "one two", 4);
        assert_eq!(at_space, "one…");
        let mut exact = String::new();
        push_snippet(&mut exact, "abc", 3);
        assert_eq!(exact, "abc");
    }

    #[test]
    fn passable_header_names_are_x_names_that_are_not_dockets_own() {
        assert!(is_passable_header_name("X-Docket-X-Metrics"));
        assert!(!is_passable_header_name("X-Docket-Source"));
        assert!(!is_passable_header_name("x-docket-note"));
        assert!(!is_passable_header_name("Bcc"));
        assert!(!is_passable_header_name("X-"));
        assert!(!is_passable_header_name("X-Bad Name"));
        assert!(!is_passable_header_name("X-Bad:Name"));
    }

    #[test]
    fn dates_keep_their_offset_and_cut_seconds_from_odd_offsets() {
        let at = DateTime::parse_from_rfc3339("2024-03-05T09:07:03+05:30").ok();
        assert_eq!(at.and_then(|t| rfc5322_date(&t)).as_deref(), Some("Tue, 05 Mar 2024 09:07:03 +0530"));
        let odd = FixedOffset::east_opt(-(3600 + 30)).and_then(|o| {
            DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").ok().map(|t| t.with_timezone(&o))
        });
        assert_eq!(odd.and_then(|t| rfc5322_date(&t)).as_deref(), Some("Sun, 31 Dec 2023 23:00:00 -0100"));
    }
}
