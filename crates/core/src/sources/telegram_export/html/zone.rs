//! How an HTML export's wall clocks become instants, chat by chat. Telegram Desktop states the exporting
//! computer's standard-time offset in every title, also for dates when that computer was on daylight saving
//! time (`date`), so a chat's times are taken as stated unless the time zone Docket was given has that
//! standard offset: then the zone is taken to be the computer's, and every time is read in it, daylight
//! saving included. Where times may be off the admin is warned. It does not parse titles (`date`).

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use chrono_tz::{OffsetComponents, Tz};

use crate::sources::telegram_export::message::{Message, Reading};

/// What a chat's titles say about its times.
#[derive(Debug, Default)]
pub(super) struct Times {
    offsets: BTreeSet<i32>,
    latest: Option<NaiveDateTime>,
    unstated: bool,
}

impl Times {
    pub(super) fn add(&mut self, message: &Message) {
        if message.details.as_ref().is_some_and(|d| d.day_only) {
            return;
        }
        match message.sent.reading {
            Reading::Stated(offset) => {
                self.offsets.insert(offset.local_minus_utc());
            }
            Reading::Unstated => self.unstated = true,
            Reading::Exact(_) | Reading::Zone => {}
        }
        self.latest = self.latest.max(Some(message.sent.wall_clock));
    }

    /// How the chat's times are read in `zone`, with a warning for the admin where they may be off.
    pub(super) fn policy(&self, zone: Tz, export: &Path, warnings: &mut Vec<crate::Text>) -> ZonePolicy {
        let single = match (self.offsets.len(), self.offsets.first()) {
            (1, Some(&seconds)) => FixedOffset::east_opt(seconds),
            _ => None,
        };
        let standard =
            self.latest.map(|at| zone.offset_from_utc_datetime(&at).base_utc_offset().num_seconds());
        let in_zone = single.is_some_and(|o| standard == Some(i64::from(o.local_minus_utc())));
        let mut warn = |warning: crate::Text| {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        };
        let place = export.display().to_string();
        let zone_name = zone.name();
        for &seconds in &self.offsets {
            let stated = FixedOffset::east_opt(seconds).map(|o| format!("UTC{o}")).unwrap_or_default();
            if !in_zone {
                warn(crate::text!(
                    "export.telegram.html.zone_offset",
                    "{place}: this HTML export gives its times with the offset {stated}, the standard time of the \
                     computer that made it, which Telegram Desktop writes even for dates when that computer was on \
                     daylight saving time. The time zone Docket was given ({zone}) does not have that offset, so \
                     the times were read as {stated}: if that computer kept daylight saving time, times from those \
                     months are an hour off. Give that computer's time zone (the wizard's time zone, or \
                     --timezone, for example Europe/Berlin) and run again.",
                    place = place,
                    stated = stated,
                    zone = zone_name
                ));
            } else if zone == Tz::UTC && seconds == 0 {
                warn(crate::text!(
                    "export.telegram.html.zone_utc",
                    "{place}: this HTML export gives its times in UTC+00:00, the standard time of the computer that \
                     made it, and they were read as UTC. If that computer kept daylight saving time (as in \
                     Europe/London), times from its summer months are an hour off: give its time zone (the \
                     wizard's time zone, or --timezone) and run again.",
                    place = place
                ));
            }
        }
        if self.unstated {
            warn(crate::text!(
                "export.telegram.html.zone_unstated",
                "{place}: this HTML export (made by a Telegram Desktop older than 3.7.6) gives its times without \
                 a UTC offset, so they were read in the time zone {zone}; if the computer that made it used \
                 another zone, give that zone (the wizard's time zone, or --timezone) and run again.",
                place = place,
                zone = zone_name
            ));
        }
        ZonePolicy { offset: single, in_zone }
    }
}

/// How a chat's wall clocks become instants: as stated, or in the given zone when its standard offset is
/// the one the export states (which also gets daylight saving right).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ZonePolicy {
    /// The one offset the chat's titles state, if they state one.
    offset: Option<FixedOffset>,
    in_zone: bool,
}

impl ZonePolicy {
    fn reading(&self, reading: Reading, day_only: bool) -> Reading {
        match reading {
            Reading::Stated(_) if self.in_zone => Reading::Zone,
            Reading::Unstated if day_only => match self.offset {
                Some(_) if self.in_zone => Reading::Zone,
                Some(offset) => Reading::Stated(offset),
                None => Reading::Unstated,
            },
            other => other,
        }
    }

    pub(super) fn apply(&self, message: &mut Message) {
        let day_only = message.details.as_ref().is_some_and(|d| d.day_only);
        message.sent.reading = self.reading(message.sent.reading, day_only);
        if let Some(first_sent) = message.details.as_mut().and_then(|d| d.forwarded_at.as_mut()) {
            first_sent.reading = self.reading(first_sent.reading, false);
        }
    }
}
