//! When a message happened. An exact instant (result.json's `date_unixtime`) wins; a UTC offset the export
//! states (the HTML export's titles) is taken as stated; otherwise the wall clock is read in the zone the
//! admin gives (`--timezone`). It does not build keys: those use the wall clock as written (see
//! `sources::item_key`), nor decide which reading a message gets (the readers do).

use chrono::{DateTime, Duration, FixedOffset, LocalResult, Offset, TimeZone};
use chrono_tz::Tz;

use super::message::{Moment, Reading};

/// The instant, shown in `zone`, and a note when the wall clock could not name one instant.
pub(super) fn instant(moment: Moment, zone: Tz) -> (DateTime<FixedOffset>, Option<String>) {
    let wall = moment.wall_clock;
    let exact = match moment.reading {
        Reading::Exact(secs) => DateTime::from_timestamp(secs, 0),
        Reading::Stated(offset) => offset.from_local_datetime(&wall).single().map(|at| at.to_utc()),
        Reading::Zone | Reading::Unstated => None,
    };
    if let Some(exact) = exact {
        return (exact.with_timezone(&zone).fixed_offset(), None);
    }
    let stamp = wall.format("%Y-%m-%dT%H:%M:%S");
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(at) => (at.fixed_offset(), None),
        LocalResult::Ambiguous(earlier, _) => (
            earlier.fixed_offset(),
            Some(format!(
                "the time {stamp} happened twice in {zone} (clocks went back); the earlier was used"
            )),
        ),
        LocalResult::None => {
            // A wall-clock reading inside a spring-forward gap: read it with the offset in force
            // just before the gap, which is what a clock that had not yet moved would show.
            let before = zone.offset_from_utc_datetime(&(wall - Duration::days(1))).fix();
            let at = DateTime::<FixedOffset>::from_naive_utc_and_offset(
                wall - Duration::seconds(i64::from(before.local_minus_utc())),
                before,
            );
            (
                at,
                Some(format!(
                    "the time {stamp} does not exist in {zone} (clocks went forward); read as {before}"
                )),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn wall(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).and_then(|day| day.and_hms_opt(h, mi, 0)).unwrap_or_default()
    }

    #[test]
    fn the_exact_instant_wins_over_the_wall_clock() {
        let moment = Moment::new(wall(2024, 1, 2, 10, 11), Reading::Exact(1_704_186_660));
        let (at, note) = instant(moment, chrono_tz::Europe::Berlin);
        assert_eq!(at.to_rfc3339(), "2024-01-02T10:11:00+01:00");
        assert_eq!(note, None);
    }

    #[test]
    fn a_wall_clock_in_a_gap_or_overlap_is_dated_and_noted() {
        let gap = Moment::new(wall(2024, 3, 31, 2, 30), Reading::Zone);
        let (at, note) = instant(gap, chrono_tz::Europe::Berlin);
        assert_eq!(at.to_rfc3339(), "2024-03-31T02:30:00+01:00");
        assert!(note.is_some_and(|n| n.contains("does not exist")));
        let overlap = Moment::new(wall(2024, 10, 27, 2, 30), Reading::Unstated);
        let (at, note) = instant(overlap, chrono_tz::Europe::Berlin);
        assert_eq!(at.to_rfc3339(), "2024-10-27T02:30:00+02:00");
        assert!(note.is_some_and(|n| n.contains("twice")));
    }

    #[test]
    fn a_stated_offset_is_taken_as_stated_and_shown_in_the_given_zone() {
        let east = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
        let moment = Moment::new(wall(2024, 7, 2, 10, 11), Reading::Stated(east));
        let (at, note) = instant(moment, chrono_tz::UTC);
        assert_eq!(at.to_rfc3339(), "2024-07-02T07:11:00+00:00");
        assert_eq!(note, None);
    }
}
