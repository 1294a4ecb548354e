//! Turning header dates and times into wall-clock readings: which field is the day, the month and the
//! year (decided from the evidence of a whole file, never line by line), two-digit years, and the 12h/24h
//! clock. It does not scan files (see `survey`), parse header text (see `header`) or apply the time zone
//! (see `zone`).
//!
//! The order and year rule, fixed so that no date is read by a guess:
//! - A date has up to three readings: day/month/year, month/day/year and year/month/day. Year-first needs
//!   a 4-digit first field, or a 2-digit one in the Korean shape `24. 1. 2.` (the only shape in which
//!   WhatsApp writes a 2-digit year first); the others need a 2- or 4-digit last field.
//! - A two-digit year `YY` is `20YY`. A reading counts only if it is a real calendar date in a year from
//!   2009 (when WhatsApp began) to next year by the clock of the machine reading the export (`latest_year`,
//!   so a phone clock a little ahead still fits); so `01/02/03` has no reading at all, and `24. 01. 15.`
//!   has two (2024-01-15 and 2015-01-24).
//! - The file's order is the one reading that every date in it allows. A date with no reading is an
//!   error naming its line; dates that together allow no order are an error naming both lines; a file that
//!   leaves more than one order open stops with the "ambiguous date order" error unless `--date-order`
//!   says which (a given order is then checked against every date, years included).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use super::header::{Meridiem, RawDate, RawTime};
use crate::sources::DateOrder;
use crate::{text, Text};

/// The year WhatsApp was released: no export holds an earlier date.
pub(super) const FIRST_YEAR: i32 = 2009;

/// The latest year an export's dates may be in when read at `now`: next year.
pub(super) fn latest_year(now: DateTime<Utc>) -> i32 {
    now.year() + 1
}

/// The order's name as the `--date-order` flag writes it.
pub(super) fn order_flag(order: DateOrder) -> &'static str {
    match order {
        DateOrder::Dmy => "dmy",
        DateOrder::Mdy => "mdy",
        DateOrder::Ymd => "ymd",
    }
}

/// The order in words, for messages.
pub(super) fn order_words(order: DateOrder) -> Text {
    match order {
        DateOrder::Dmy => text!("export.whatsapp.order_dmy", "day/month/year"),
        DateOrder::Mdy => text!("export.whatsapp.order_mdy", "month/day/year"),
        DateOrder::Ymd => text!("export.whatsapp.order_ymd", "year/month/day"),
    }
}

const ALL_ORDERS: [DateOrder; 3] = [DateOrder::Dmy, DateOrder::Mdy, DateOrder::Ymd];

/// A set of day/month/year orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Orders(u8);

impl Orders {
    pub const ALL: Orders = Orders(0b111);
    pub const NONE: Orders = Orders(0);

    fn bit(order: DateOrder) -> u8 {
        match order {
            DateOrder::Dmy => 0b001,
            DateOrder::Mdy => 0b010,
            DateOrder::Ymd => 0b100,
        }
    }

    pub fn contains(self, order: DateOrder) -> bool {
        self.0 & Orders::bit(order) != 0
    }

    fn with(self, order: DateOrder) -> Orders {
        Orders(self.0 | Orders::bit(order))
    }

    pub fn and(self, other: Orders) -> Orders {
        Orders(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The one order in the set, if it holds exactly one.
    pub fn single(self) -> Option<DateOrder> {
        let mut orders = ALL_ORDERS.into_iter().filter(|order| self.contains(*order));
        let first = orders.next()?;
        orders.next().is_none().then_some(first)
    }

    /// The orders in words, for messages: `day/month/year or year/month/day`.
    /// The orders in words, "day/month/year or month/day/year".
    pub fn words(self) -> Text {
        ALL_ORDERS
            .into_iter()
            .rev()
            .filter(|order| self.contains(*order))
            .map(order_words)
            .reduce(|later, first| {
                text!("export.whatsapp.order_either", "{first} or {later}", first = first, later = later)
            })
            .unwrap_or_else(|| Text::verbatim(String::new()))
    }
}

/// The calendar date `date` stands for when read in `order`, if it is one (before the year check).
pub(super) fn calendar_date(date: &RawDate, order: DateOrder) -> Option<NaiveDate> {
    let (year, month, day, year_digits) = match order {
        DateOrder::Dmy => (date.third, date.second, date.first, date.third_digits),
        DateOrder::Mdy => (date.third, date.first, date.second, date.third_digits),
        DateOrder::Ymd => (date.first, date.second, date.third, date.first_digits),
    };
    let year_fits = match order {
        DateOrder::Ymd => year_digits == 4 || (year_digits == 2 && date.spaced_dots),
        DateOrder::Dmy | DateOrder::Mdy => year_digits == 2 || year_digits == 4,
    };
    if !year_fits {
        return None;
    }
    let year = if year_digits == 2 { 2000 + year } else { year };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Whether `year` is one a WhatsApp export can hold (see the module notes).
pub(super) fn in_whatsapp_years(year: i32, latest_year: i32) -> bool {
    (FIRST_YEAR..=latest_year).contains(&year)
}

/// The orders in which `date` is a real date in WhatsApp's years.
pub(super) fn readings(date: &RawDate, latest_year: i32) -> Orders {
    ALL_ORDERS.into_iter().fold(Orders::NONE, |found, order| match calendar_date(date, order) {
        Some(day) if in_whatsapp_years(day.year(), latest_year) => found.with(order),
        _ => found,
    })
}

/// The last date that narrowed the orders a file may use, with the orders left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Narrowing {
    pub orders: Orders,
    pub line: usize,
    pub written: String,
}

/// Collects the readings of every date in a file and reports the first date no order fits together with
/// the dates before it.
#[derive(Debug)]
pub(super) struct OrderEvidence {
    latest_year: i32,
    candidates: Orders,
    narrowed: Option<Narrowing>,
    /// The first date with more than one reading, to show when the order stays ambiguous.
    pub ambiguous_sample: Option<String>,
}

impl OrderEvidence {
    pub fn new(latest_year: i32) -> OrderEvidence {
        OrderEvidence { latest_year, candidates: Orders::ALL, narrowed: None, ambiguous_sample: None }
    }

    pub fn latest_year(&self) -> i32 {
        self.latest_year
    }

    /// Adds one date and returns its readings (none: the date is not real in WhatsApp's years). `Err`
    /// carries the earlier narrowing this date contradicts.
    pub fn observe(&mut self, line: usize, date: &RawDate) -> Result<Orders, Narrowing> {
        let found = readings(date, self.latest_year);
        if found.is_empty() {
            return Ok(found);
        }
        if found.single().is_none() && self.ambiguous_sample.is_none() {
            self.ambiguous_sample = Some(date.written.clone());
        }
        let left = self.candidates.and(found);
        if left.is_empty() {
            if let Some(earlier) = &self.narrowed {
                return Err(earlier.clone());
            }
        } else if left != self.candidates {
            self.candidates = left;
            self.narrowed = Some(Narrowing { orders: left, line, written: date.written.clone() });
        }
        Ok(found)
    }

    /// The order every date so far allows, when only one does.
    pub fn decided(&self) -> Option<DateOrder> {
        self.candidates.single()
    }

    /// The date that last narrowed the orders.
    pub fn narrowed(&self) -> Option<&Narrowing> {
        self.narrowed.as_ref()
    }
}

/// Why a header's date or time is not a real moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WallClockProblem {
    Date,
    Time,
}

/// The header's wall-clock reading under `order` (years not checked; see `in_whatsapp_years`).
pub(super) fn wall_clock(
    date: &RawDate,
    time: &RawTime,
    order: DateOrder,
) -> Result<NaiveDateTime, WallClockProblem> {
    let day = calendar_date(date, order).ok_or(WallClockProblem::Date)?;
    let hour = match time.meridiem {
        None => time.hour,
        Some(_) if time.hour > 12 => return Err(WallClockProblem::Time),
        Some(Meridiem::Am) => time.hour % 12,
        Some(Meridiem::Pm) => time.hour % 12 + 12,
    };
    let clock = NaiveTime::from_hms_opt(hour, time.minute, time.second).ok_or(WallClockProblem::Time)?;
    Ok(day.and_time(clock))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LATEST: i32 = 2027;

    fn date(first: u32, second: u32, third: u32, first_digits: usize, third_digits: usize) -> RawDate {
        RawDate {
            first,
            second,
            third,
            first_digits,
            third_digits,
            spaced_dots: false,
            written: String::new(),
        }
    }

    fn korean(first: u32, second: u32, third: u32, third_digits: usize) -> RawDate {
        RawDate { spaced_dots: true, ..date(first, second, third, 2, third_digits) }
    }

    fn only(order: DateOrder) -> Orders {
        Orders::NONE.with(order)
    }

    #[test]
    fn readings_follow_the_fields_that_exceed_twelve() {
        assert_eq!(readings(&date(13, 1, 24, 2, 2), LATEST), only(DateOrder::Dmy));
        assert_eq!(readings(&date(1, 13, 24, 1, 2), LATEST), only(DateOrder::Mdy));
        assert_eq!(readings(&date(2024, 1, 2, 4, 1), LATEST), only(DateOrder::Ymd));
        assert_eq!(readings(&date(3, 4, 24, 1, 2), LATEST), only(DateOrder::Dmy).with(DateOrder::Mdy));
        assert!(readings(&date(13, 14, 24, 2, 2), LATEST).is_empty());
    }

    #[test]
    fn years_outside_whatsapps_lifetime_are_no_reading() {
        assert!(readings(&date(1, 2, 3, 2, 2), LATEST).is_empty(), "2003 is before WhatsApp");
        assert!(readings(&date(15, 1, 2008, 2, 4), LATEST).is_empty());
        assert!(readings(&date(15, 1, 99, 2, 2), LATEST).is_empty(), "2099 is after next year");
        assert_eq!(readings(&date(15, 1, 2009, 2, 4), LATEST), only(DateOrder::Dmy));
        assert_eq!(readings(&date(15, 1, 27, 2, 2), LATEST), only(DateOrder::Dmy));
        assert!(readings(&date(15, 1, 28, 2, 2), LATEST).is_empty());
    }

    #[test]
    fn a_two_digit_year_comes_first_only_in_the_korean_shape() {
        // `24. 1. 2.`: only year-first fits (a 1-digit last field is no year).
        assert_eq!(readings(&korean(24, 1, 2, 1), LATEST), only(DateOrder::Ymd));
        // `24. 01. 15.`: 2024-01-15 or 2015-01-24; the file decides.
        assert_eq!(readings(&korean(24, 1, 15, 2), LATEST), only(DateOrder::Ymd).with(DateOrder::Dmy));
        // `24. 01. 03.`: day-first would be 2003, before WhatsApp.
        assert_eq!(readings(&korean(24, 1, 3, 2), LATEST), only(DateOrder::Ymd));
        // `15.01.24` (German) is never year-first.
        assert_eq!(readings(&date(15, 1, 24, 2, 2), LATEST), only(DateOrder::Dmy));
    }

    #[test]
    fn the_whole_file_settles_the_order_and_names_a_contradiction() {
        let mut evidence = OrderEvidence::new(LATEST);
        assert!(evidence.observe(1, &korean(24, 1, 15, 2)).is_ok());
        assert_eq!(evidence.decided(), None);
        assert!(evidence.observe(2, &korean(24, 1, 30, 2)).is_ok(), "2030 rules out day-first");
        assert_eq!(evidence.decided(), Some(DateOrder::Ymd));
        assert_eq!(evidence.narrowed().map(|n| n.line), Some(2));
        let contradicted = evidence.observe(3, &date(13, 1, 24, 2, 2));
        assert_eq!(contradicted.map_err(|earlier| earlier.line), Err(2));
    }

    #[test]
    fn twelve_hour_clock_maps_midnight_and_noon() {
        let t = |hour, meridiem| RawTime { hour, minute: 0, second: 0, meridiem };
        let d = date(1, 2, 24, 1, 2);
        let at = |time| wall_clock(&d, &time, DateOrder::Dmy).expect("a real time").format("%H").to_string();
        assert_eq!(at(t(12, Some(Meridiem::Am))), "00");
        assert_eq!(at(t(0, Some(Meridiem::Am))), "00");
        assert_eq!(at(t(12, Some(Meridiem::Pm))), "12");
        assert_eq!(at(t(0, Some(Meridiem::Pm))), "12");
        assert_eq!(at(t(1, Some(Meridiem::Pm))), "13");
        assert_eq!(wall_clock(&d, &t(13, Some(Meridiem::Pm)), DateOrder::Dmy), Err(WallClockProblem::Time));
    }
}
