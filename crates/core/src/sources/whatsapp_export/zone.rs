//! Reading an export's wall-clock time in the time zone the admin gave (exports carry none), and saying
//! when daylight saving time made that reading a choice. It does not decide dates (see `dates`).
//!
//! Rules, fixed so that a re-run gives the same instants:
//! - a wall-clock time that occurs twice (the hour repeated when DST ends) is the EARLIER instant;
//! - a wall-clock time that never occurs (the hour skipped when DST starts) is read with the UTC offset in
//!   force just before the gap, so `02:30` on a Berlin spring-forward day becomes `02:30+01:00`.
//!
//! Either case is reported (`DstChoice`), so the item can say which instant was chosen.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeDelta, TimeZone};

/// A wall-clock time that DST made ambiguous or impossible, and what was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DstChoice {
    /// The time happened twice; the earlier instant was taken, `later` is the other one.
    Repeated { later: DateTime<FixedOffset> },
    /// The time never happened; it was read with the offset in force before the clocks jumped.
    Skipped,
}

/// An instant read from a wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ZoneReading {
    pub instant: DateTime<FixedOffset>,
    pub dst: Option<DstChoice>,
}

/// The instant a wall-clock reading in `zone` stands for (see the module notes for DST).
pub(super) fn in_zone(wall: NaiveDateTime, zone: chrono_tz::Tz) -> ZoneReading {
    let at = |offset: FixedOffset| {
        DateTime::from_naive_utc_and_offset(wall.checked_sub_offset(offset).unwrap_or(wall), offset)
    };
    match zone.offset_from_local_datetime(&wall) {
        chrono::LocalResult::Single(offset) => ZoneReading { instant: at(offset.fix()), dst: None },
        // The same wall clock read with the larger offset is the earlier instant.
        chrono::LocalResult::Ambiguous(one, other) => {
            let (one, other) = (one.fix(), other.fix());
            let (earlier, later) =
                if one.local_minus_utc() >= other.local_minus_utc() { (one, other) } else { (other, one) };
            ZoneReading { instant: at(earlier), dst: Some(DstChoice::Repeated { later: at(later) }) }
        }
        chrono::LocalResult::None => {
            ZoneReading { instant: at(offset_before_gap(wall, zone)), dst: Some(DstChoice::Skipped) }
        }
    }
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

/// The flag and the note an item gets when DST made its time a choice.
pub(super) fn dst_flag_and_note(
    wall: NaiveDateTime,
    zone: chrono_tz::Tz,
    reading: &ZoneReading,
) -> Option<(&'static str, String)> {
    let shown = wall.format("%Y-%m-%d %H:%M:%S");
    let chosen = reading.instant.to_rfc3339();
    let utc = reading.instant.naive_utc().format("%Y-%m-%d %H:%M:%S");
    match reading.dst? {
        DstChoice::Repeated { later } => Some((
            "dst-ambiguous",
            format!(
                "the time {shown} happened twice in {zone} (the clocks went back for the end of daylight \
                 saving time); Docket read it as the earlier one, {chosen} ({utc} UTC), not {}",
                later.to_rfc3339()
            ),
        )),
        DstChoice::Skipped => Some((
            "dst-nonexistent",
            format!(
                "the time {shown} never happened in {zone} (the clocks skipped it for the start of daylight \
                 saving time); Docket read it with the offset in force before the change, {chosen} ({utc} \
                 UTC)"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test date")
    }

    #[test]
    fn dst_overlap_takes_the_earlier_instant_and_gap_the_offset_before_it() {
        let berlin = chrono_tz::Europe::Berlin;
        let repeated = in_zone(wall("2024-10-27 02:30"), berlin);
        assert_eq!(repeated.instant.to_rfc3339(), "2024-10-27T02:30:00+02:00");
        let later = DateTime::parse_from_rfc3339("2024-10-27T02:30:00+01:00").expect("a test instant");
        assert_eq!(repeated.dst, Some(DstChoice::Repeated { later }));
        let skipped = in_zone(wall("2024-03-31 02:30"), berlin);
        assert_eq!(skipped.instant.to_rfc3339(), "2024-03-31T02:30:00+01:00");
        assert_eq!(skipped.dst, Some(DstChoice::Skipped));
        let summer = in_zone(wall("2024-07-01 12:00"), berlin);
        assert_eq!((summer.instant.to_rfc3339().as_str(), summer.dst), ("2024-07-01T12:00:00+02:00", None));
    }

    #[test]
    fn dst_choices_get_a_flag_and_a_note_naming_the_instant() {
        let berlin = chrono_tz::Europe::Berlin;
        let at = wall("2024-10-27 02:30");
        let (flag, note) = dst_flag_and_note(at, berlin, &in_zone(at, berlin)).expect("a DST choice");
        assert_eq!(flag, "dst-ambiguous");
        assert!(note.contains("2024-10-27T02:30:00+02:00 (2024-10-27 00:30:00 UTC)"), "{note}");
        let gap = wall("2024-03-31 02:30");
        let (flag, note) = dst_flag_and_note(gap, berlin, &in_zone(gap, berlin)).expect("a DST choice");
        assert_eq!(flag, "dst-nonexistent");
        assert!(note.contains("Europe/Berlin") && note.contains("01:30:00 UTC"), "{note}");
        let plain = wall("2024-07-01 12:00");
        assert_eq!(dst_flag_and_note(plain, berlin, &in_zone(plain, berlin)), None);
    }
}
