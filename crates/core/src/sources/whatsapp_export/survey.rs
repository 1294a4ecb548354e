//! The checks a whole chat text must pass before any of its items is produced: it holds message lines,
//! nothing precedes the first one, its dates fit one day/month/year order in WhatsApp's years (proved by
//! the file, or given with `--date-order`; see `dates` for the rule), and every date and time is real. It
//! also collects the chat's senders. Building items is `chat`'s job.

use std::collections::BTreeSet;
use std::path::Path;

use super::body::{classify, Body};
use chrono::Datelike;

use super::dates::{
    in_whatsapp_years, latest_year, order_flag, order_words, wall_clock, OrderEvidence, WallClockProblem,
    FIRST_YEAR,
};
use super::header::{is_invisible_mark, parse_header};
use super::locations::ChatText;
use super::renames::former_name;
use crate::sources::{DateOrder, ExportError, ExportOptions};
use crate::{text, Text};

/// What a whole chat text settles.
#[derive(Debug)]
pub(super) struct ChatFacts {
    pub order: DateOrder,
    /// No message's wall-clock time is earlier than the one before it (see `ExportKeyer::time_ordered`).
    pub time_ordered: bool,
    /// Everyone who sent a message (not WhatsApp's own lines), sorted.
    pub senders: BTreeSet<String>,
    /// The group's earlier names its own lines record, oldest first (see `renames`).
    pub former_names: Vec<String>,
}

pub(super) fn survey(chat: &ChatText, options: &ExportOptions) -> Result<ChatFacts, ExportError> {
    let path = chat.error_path.as_path();
    let mut evidence = OrderEvidence::new(latest_year(chrono::Utc::now()));
    let mut senders = BTreeSet::new();
    let mut former_names = Vec::new();
    let mut headers = 0usize;
    let mut orphan = None;
    for line in chat.lines()? {
        let line = line?;
        let Some(header) = parse_header(&line.content) else {
            let blank =
                line.content.trim_matches(|c: char| c.is_whitespace() || is_invisible_mark(c)).is_empty();
            if headers == 0 && orphan.is_none() && !blank {
                orphan = Some(line.number);
            }
            continue;
        };
        if let Some(orphan) = orphan {
            return Err(parse(
                path,
                orphan,
                text!(
                    "export.whatsapp.orphan_line",
                    "this line does not start with a date and time, and no message comes before it for it to \
                     continue. Check that the file is a complete WhatsApp 'Export chat' text with nothing \
                     added at its top"
                ),
            ));
        }
        headers += 1;
        let written = &header.date.written;
        match evidence.observe(line.number, &header.date) {
            Ok(found) if found.is_empty() => {
                let message = text!(
                    "export.whatsapp.date_not_real_in_any_order",
                    "the date {written} is not a real date from {first_year} (when WhatsApp began) to \
                     {latest_year} in any day/month/year order. Check this line and the phone's clock when \
                     the message was sent; if the file was edited by hand, export the chat again from \
                     WhatsApp",
                    written = written,
                    first_year = FIRST_YEAR.to_string(),
                    latest_year = evidence.latest_year().to_string()
                );
                return Err(parse(path, line.number, message));
            }
            Err(earlier) if options.date_order.is_none() => {
                let message = text!(
                    "export.whatsapp.date_contradicts_order",
                    "the date {written} cannot be read as {orders}, but the date {earlier} on line \
                     {earlier_line} can only be read as {orders}. One export uses one date order: check that \
                     this file holds a single WhatsApp export and was not joined from phones with different \
                     date settings",
                    written = written,
                    orders = earlier.orders.words(),
                    earlier = earlier.written,
                    earlier_line = earlier.line
                );
                return Err(parse(path, line.number, message));
            }
            _ => {}
        }
        match classify(line.content.get(header.body_start..).unwrap_or(""), header.layout) {
            Body::Message { sender, .. } => {
                senders.insert(sender);
            }
            Body::System { text } => {
                if let Some(name) = former_name(text).filter(|name| !former_names.contains(name)) {
                    former_names.push(name);
                }
            }
        }
    }
    if headers == 0 {
        return Err(ExportError::Invalid {
            path: path.to_path_buf(),
            message: text!(
                "export.whatsapp.no_message_lines",
                "no WhatsApp message lines found; check that this is a chat exported with WhatsApp's 'Export \
                 chat'"
            ),
        });
    }
    let order = match (options.date_order, evidence.decided()) {
        (Some(order), _) => order,
        (None, Some(decided)) => decided,
        (None, None) => {
            return Err(ExportError::AmbiguousDateOrder {
                path: path.to_path_buf(),
                sample: evidence.ambiguous_sample.clone().unwrap_or_default(),
            })
        }
    };
    let time_ordered = check_every_date(chat, order, options.date_order.is_some(), &evidence)?;
    Ok(ChatFacts { order, time_ordered, senders, former_names })
}

/// Every header must be a real date and time under `order`. Also answers whether the times never go back.
fn check_every_date(
    chat: &ChatText,
    order: DateOrder,
    order_given: bool,
    evidence: &OrderEvidence,
) -> Result<bool, ExportError> {
    let mut time_ordered = true;
    let mut previous = None;
    for line in chat.lines()? {
        let line = line?;
        let Some(header) = parse_header(&line.content) else {
            continue;
        };
        let problem = match wall_clock(&header.date, &header.time, order) {
            Ok(time) if in_whatsapp_years(time.year(), evidence.latest_year()) => {
                time_ordered &= previous.is_none_or(|previous| previous <= time);
                previous = Some(time);
                continue;
            }
            Ok(_) => WallClockProblem::Date,
            Err(problem) => problem,
        };
        let written = &header.date.written;
        let first_year = FIRST_YEAR.to_string();
        let latest_year = evidence.latest_year().to_string();
        let message = match problem {
            WallClockProblem::Time => text!(
                "export.whatsapp.time_not_real",
                "the time in this line is not a valid time of day. Check this line; if the file was edited \
                 by hand, export the chat again from WhatsApp"
            ),
            WallClockProblem::Date if order_given => match (evidence.decided(), evidence.narrowed()) {
                (Some(decided), Some(narrowed)) if decided != order => text!(
                    "export.whatsapp.date_not_in_given_order_shown",
                    "the date {written} cannot be read as {order}, the order given with --date-order {flag}, \
                     as a real date from {first_year} (when WhatsApp began) to {latest_year}. Line \
                     {shown_line} ({shown_date}) shows this export uses {shown_order} (--date-order \
                     {shown_flag}). Run again with the --date-order this export uses, or check this line if \
                     the file was edited by hand",
                    written = written,
                    order = order_words(order),
                    flag = order_flag(order),
                    first_year = first_year,
                    latest_year = latest_year,
                    shown_line = narrowed.line,
                    shown_date = narrowed.written,
                    shown_order = order_words(decided),
                    shown_flag = order_flag(decided)
                ),
                _ => text!(
                    "export.whatsapp.date_not_in_given_order",
                    "the date {written} cannot be read as {order}, the order given with --date-order {flag}, \
                     as a real date from {first_year} (when WhatsApp began) to {latest_year}. Run again with \
                     the --date-order this export uses, or check this line if the file was edited by hand",
                    written = written,
                    order = order_words(order),
                    flag = order_flag(order),
                    first_year = first_year,
                    latest_year = latest_year
                ),
            },
            WallClockProblem::Date => text!(
                "export.whatsapp.date_not_real_in_order",
                "the date {written} is not a real date from {first_year} to {latest_year} when read as \
                 {order}, the order the rest of this file uses. Check this line; if the file was edited by \
                 hand, export the chat again from WhatsApp",
                written = written,
                first_year = first_year,
                latest_year = latest_year,
                order = order_words(order)
            ),
        };
        return Err(parse(&chat.error_path, line.number, message));
    }
    Ok(time_ordered)
}

fn parse(path: &Path, line: usize, message: Text) -> ExportError {
    ExportError::Parse { path: path.to_path_buf(), line, message }
}
