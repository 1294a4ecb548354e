//! The HTML export's dates: a message's `title="21.09.2016 16:35:02 UTC+03:00"` (the offset since Telegram
//! Desktop 3.7.6, none before), the old forwarded-date text, and the day lines (`21 September 2016`)
//! between messages. It reads the text only; which instant a reading gives is `clock`'s business and
//! which reading a chat gets is `html`'s.
//!
//! Telegram Desktop writes the offset of the exporting computer's *standard* time (Qt's
//! `QTimeZone::displayName(StandardTime, OffsetName)`), also for dates when that computer was on daylight
//! saving time, so the offset alone can be an hour off in summer; see `html::ZonePolicy`.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime};

/// A title's reading: the wall clock and, when the title has one, the UTC offset it states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub wall_clock: NaiveDateTime,
    pub offset: Option<FixedOffset>,
}

/// `21.09.2016 16:35:02`, optionally followed by `UTC+03:00` (or `UTC`, `UTC-5`, `GMT+0330`, `+03:00`).
/// `None` when it is not a date like that; an offset that cannot be read counts as none.
pub(super) fn parse_stamp(text: &str) -> Option<Stamp> {
    let mut parts = text.split_ascii_whitespace();
    let date = parts.next()?;
    let time = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let mut day = date.split('.').map(number);
    let (d, m, y) = (day.next()??, day.next()??, day.next()??);
    if day.next().is_some() {
        return None;
    }
    let mut clock = time.split(':').map(number);
    let (h, mi, s) = (clock.next()??, clock.next()??, clock.next()??);
    if clock.next().is_some() {
        return None;
    }
    let wall_clock = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?.and_hms_opt(h, mi, s)?;
    let offset = match rest.as_slice() {
        [zone] => parse_offset(zone),
        _ => None,
    };
    Some(Stamp { wall_clock, offset })
}

fn number(part: &str) -> Option<u32> {
    (!part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit()))
        .then(|| part.parse().ok())
        .flatten()
}

/// `UTC`, `UTC+03:00`, `UTC-5`, `GMT+0330`, `+03:00` as an offset.
fn parse_offset(zone: &str) -> Option<FixedOffset> {
    let signed = zone.strip_prefix("UTC").or_else(|| zone.strip_prefix("GMT")).unwrap_or(zone);
    if signed.is_empty() {
        return FixedOffset::east_opt(0);
    }
    let (sign, digits) = if let Some(digits) = signed.strip_prefix('+') {
        (1, digits)
    } else if let Some(digits) = signed.strip_prefix(['-', '\u{2212}']) {
        (-1, digits)
    } else {
        return None;
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (number(h)?, number(m)?),
        None if digits.len() == 4 => (number(digits.get(..2)?)?, number(digits.get(2..)?)?),
        None => (number(digits)?, 0),
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
}

/// A day line: `21 September 2016`.
pub(super) fn parse_day(text: &str) -> Option<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = text.split_ascii_whitespace();
    let day = number(parts.next()?)?;
    let month = parts.next()?;
    let year = number(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, u32::try_from(month + 1).ok()?, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset_of(text: &str) -> Option<i32> {
        parse_stamp(text).and_then(|s| s.offset).map(|o| o.local_minus_utc())
    }

    #[test]
    fn titles_with_and_without_an_offset() {
        let stamp = parse_stamp("21.09.2016 16:35:02 UTC+03:00").expect("a stamp");
        assert_eq!(stamp.wall_clock.to_string(), "2016-09-21 16:35:02");
        assert_eq!(offset_of("21.09.2016 16:35:02 UTC+03:00"), Some(10_800));
        assert_eq!(offset_of("21.09.2016 16:35:02 UTC-05:30"), Some(-19_800));
        assert_eq!(offset_of("21.09.2016 16:35:02 UTC"), Some(0));
        assert_eq!(offset_of("21.09.2016 16:35:02 GMT+0330"), Some(12_600));
        assert_eq!(offset_of("21.09.2016 16:35:02 UTC+3"), Some(10_800));
        let old = parse_stamp(" 21.09.2016 16:35:02 ").expect("an old stamp");
        assert_eq!(old.offset, None);
        assert_eq!(offset_of("21.09.2016 16:35:02 Europe/Berlin"), None);
        assert_eq!(parse_stamp("yesterday"), None);
        assert_eq!(parse_stamp("31.02.2016 16:35:02"), None);
        assert_eq!(parse_stamp("21.09.2016 16:35"), None);
    }

    #[test]
    fn day_lines() {
        assert_eq!(parse_day("2 January 2024"), NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(parse_day("No exported messages"), None);
        assert_eq!(parse_day("31 February 2024"), None);
    }
}
