//! Turning header dates and times into instants: which field is the day (decided from the evidence of a
//! whole file, never line by line), the 12h/24h clock, and the wall clock read in the export's time zone.
//! It does not scan files (see `survey`) or parse header text (see `header`).
//!
//! Time zone rules, fixed so that a re-run gives the same instants:
//! - a wall-clock time that occurs twice (the hour repeated when DST ends) is the EARLIER instant;
//! - a wall-clock time that never occurs (the hour skipped when DST starts) is read with the UTC offset in
//!   force just before the gap, so `02:30` on a Berlin spring-forward day becomes `02:30+01:00`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone};

use super::header::{Meridiem, RawDate, RawTime};
use crate::sources::DateOrder;

/// The order's name as the `--date-order` flag writes it.
pub(super) fn order_flag(order: DateOrder) -> &'static str {
    match order {
        DateOrder::Dmy => "dmy",
        DateOrder::Mdy => "mdy",
        DateOrder::Ymd => "ymd",
    }
}

/// The order in words, for messages.
pub(super) fn order_words(order: DateOrder) -> &'static str {
    match order {
        DateOrder::Dmy => "day/month/year",
        DateOrder::Mdy => "month/day/year",
        DateOrder::Ymd => "year/month/day",
    }
}

/// What one date proves about the order its file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateProof {
    /// Fits day-first and month-first alike (`03/04/24`).
    Nothing,
    Proves(DateOrder),
    /// Fits no order (`13/14/24`).
    Impossible,
}

pub(super) fn proof_of(date: &RawDate) -> DateProof {
    if date.first_digits == 4 {
        return DateProof::Proves(DateOrder::Ymd);
    }
    match (date.first > 12, date.second > 12) {
        (true, true) => DateProof::Impossible,
        (true, false) => DateProof::Proves(DateOrder::Dmy),
        (false, true) => DateProof::Proves(DateOrder::Mdy),
        (false, false) => DateProof::Nothing,
    }
}

/// The first line that proved an order, with the date as written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ProvenAt {
    pub order: DateOrder,
    pub line: usize,
    pub written: String,
}

/// Collects proofs over a whole file and reports the first contradiction.
#[derive(Debug, Default)]
pub(super) struct OrderEvidence {
    proven: Option<ProvenAt>,
    /// The first date that proved nothing, to show when the order stays ambiguous.
    pub ambiguous_sample: Option<String>,
}

impl OrderEvidence {
    /// Adds one date. `Err` carries the earlier proof this date contradicts.
    pub fn observe(&mut self, line: usize, date: &RawDate) -> Result<DateProof, ProvenAt> {
        let proof = proof_of(date);
        match proof {
            DateProof::Nothing => {
                if self.ambiguous_sample.is_none() {
                    self.ambiguous_sample = Some(date.written.clone());
                }
            }
            DateProof::Proves(order) => match &self.proven {
                Some(earlier) if earlier.order != order => return Err(earlier.clone()),
                Some(_) => {}
                None => self.proven = Some(ProvenAt { order, line, written: date.written.clone() }),
            },
            DateProof::Impossible => {}
        }
        Ok(proof)
    }

    pub fn proven(&self) -> Option<&ProvenAt> {
        self.proven.as_ref()
    }
}

/// Why a header's date or time is not a real moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WallClockProblem {
    Date,
    Time,
}

/// The header's wall-clock reading under `order`.
pub(super) fn wall_clock(
    date: &RawDate,
    time: &RawTime,
    order: DateOrder,
) -> Result<NaiveDateTime, WallClockProblem> {
    let (year, month, day) = match order {
        DateOrder::Dmy => (date.third, date.second, date.first),
        DateOrder::Mdy => (date.third, date.first, date.second),
        DateOrder::Ymd => (date.first, date.second, date.third),
    };
    let year_digits = if order == DateOrder::Ymd { date.first_digits } else { date.third_digits };
    let year = if year_digits <= 2 { 2000 + year } else { year };
    let year = i32::try_from(year).map_err(|_| WallClockProblem::Date)?;
    let day = NaiveDate::from_ymd_opt(year, month, day).ok_or(WallClockProblem::Date)?;
    let hour = match time.meridiem {
        None => time.hour,
        Some(_) if time.hour > 12 => return Err(WallClockProblem::Time),
        Some(Meridiem::Am) => time.hour % 12,
        Some(Meridiem::Pm) => time.hour % 12 + 12,
    };
    let clock = NaiveTime::from_hms_opt(hour, time.minute, time.second).ok_or(WallClockProblem::Time)?;
    Ok(day.and_time(clock))
}

/// The instant a wall-clock reading in `zone` stands for (see the module notes for DST).
pub(super) fn in_zone(wall: NaiveDateTime, zone: chrono_tz::Tz) -> DateTime<FixedOffset> {
    let offset = match zone.offset_from_local_datetime(&wall) {
        chrono::LocalResult::Single(offset) => offset.fix(),
        // The same wall clock read with the larger offset is the earlier instant.
        chrono::LocalResult::Ambiguous(one, other) => {
            let (one, other) = (one.fix(), other.fix());
            if one.local_minus_utc() >= other.local_minus_utc() {
                one
            } else {
                other
            }
        }
        chrono::LocalResult::None => offset_before_gap(wall, zone),
    };
    DateTime::from_naive_utc_and_offset(wall.checked_sub_offset(offset).unwrap_or(wall), offset)
}

/// The offset in force just before the skipped wall-clock span that holds `wall`.
fn offset_before_gap(wall: NaiveDateTime, zone: chrono_tz::Tz) -> FixedOffset {
    let mut probe = wall;
    // Gaps last at most a day (Samoa, 2011); look back minute by minute for two.
    for _ in 0..(2 * 24 * 60) {
        let Some(earlier) = probe.checked_sub_signed(TimeDelta::minutes(1)) else {
            break;
        };
        probe = earlier;
        match zone.offset_from_local_datetime(&probe) {
            chrono::LocalResult::Single(offset) => return offset.fix(),
            chrono::LocalResult::Ambiguous(_, later) => return later.fix(),
            chrono::LocalResult::None => {}
        }
    }
    zone.offset_from_utc_datetime(&wall).fix()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(first: u32, second: u32, third: u32, first_digits: usize, third_digits: usize) -> RawDate {
        RawDate { first, second, third, first_digits, third_digits, written: String::new() }
    }

    fn wall(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test date")
    }

    #[test]
    fn proofs_follow_the_fields_that_exceed_twelve() {
        assert_eq!(proof_of(&date(13, 1, 24, 2, 2)), DateProof::Proves(DateOrder::Dmy));
        assert_eq!(proof_of(&date(1, 13, 24, 1, 2)), DateProof::Proves(DateOrder::Mdy));
        assert_eq!(proof_of(&date(2024, 1, 2, 4, 1)), DateProof::Proves(DateOrder::Ymd));
        assert_eq!(proof_of(&date(3, 4, 24, 1, 2)), DateProof::Nothing);
        assert_eq!(proof_of(&date(13, 14, 24, 2, 2)), DateProof::Impossible);
    }

    #[test]
    fn twelve_hour_clock_maps_midnight_and_noon() {
        let t = |hour, meridiem| RawTime { hour, minute: 0, second: 0, meridiem };
        let d = date(1, 2, 24, 1, 2);
        let at = |time| wall_clock(&d, &time, DateOrder::Dmy).expect("a real time").format("%H").to_string();
        assert_eq!(at(t(12, Some(Meridiem::Am))), "00");
        assert_eq!(at(t(12, Some(Meridiem::Pm))), "12");
        assert_eq!(at(t(1, Some(Meridiem::Pm))), "13");
        assert_eq!(wall_clock(&d, &t(13, Some(Meridiem::Pm)), DateOrder::Dmy), Err(WallClockProblem::Time));
    }

    #[test]
    fn dst_overlap_takes_the_earlier_instant_and_gap_the_offset_before_it() {
        let berlin = chrono_tz::Europe::Berlin;
        let repeated = in_zone(wall("2024-10-27 02:30"), berlin);
        assert_eq!(repeated.to_rfc3339(), "2024-10-27T02:30:00+02:00");
        let skipped = in_zone(wall("2024-03-31 02:30"), berlin);
        assert_eq!(skipped.to_rfc3339(), "2024-03-31T02:30:00+01:00");
        let summer = in_zone(wall("2024-07-01 12:00"), berlin);
        assert_eq!(summer.to_rfc3339(), "2024-07-01T12:00:00+02:00");
    }
}
