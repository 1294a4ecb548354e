//! One Telegram message in the compact form both readers produce, whatever the export's format: the JSON
//! reader (`json`) and the HTML reader (`html`) each turn their records into `Message`s, and `chat` turns
//! those into `Item`s, so the two formats share one item builder. Nothing here parses a file or builds an
//! `Item`.

use chrono::{FixedOffset, NaiveDateTime};

/// A moment as the export gives it: the wall clock it shows, and how that reading becomes an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Moment {
    pub wall_clock: NaiveDateTime,
    pub reading: Reading,
}

/// How a wall clock becomes an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// The export gives the exact instant (result.json's `date_unixtime`).
    Exact(i64),
    /// The export states the UTC offset of its wall clock (the HTML export's titles since Telegram Desktop
    /// 3.7.6), and it is taken as stated.
    Stated(FixedOffset),
    /// Read in the time zone Docket was given: the export names none (result.json without
    /// `date_unixtime`), or the offset it states agrees with that zone.
    Zone,
    /// Read in the time zone Docket was given because the export states no offset at all (HTML exports
    /// made before Telegram Desktop 3.7.6); the item says so.
    Unstated,
}

impl Moment {
    pub(super) fn new(wall_clock: NaiveDateTime, reading: Reading) -> Moment {
        Moment { wall_clock, reading }
    }
}

/// A checked message. Rare fields live behind one box so 200,000 messages stay small.
#[derive(Debug)]
pub(super) struct Message {
    pub id: i64,
    pub is_service: bool,
    pub sent: Moment,
    /// Who wrote it (the actor of a service message), as the export names them.
    pub author: Option<String>,
    /// A stable id of the author such as `user123` or `channel456`; only result.json has one.
    pub author_id: Option<String>,
    pub reply_to: Option<i64>,
    pub text: String,
    pub details: Option<Box<Details>>,
    /// SHA-256 of the record as read (`Item::record_digest`).
    pub digest: [u8; 32],
}

#[derive(Debug, Default)]
pub(super) struct Details {
    pub edited: Option<Moment>,
    /// `Some(None)` when the message was forwarded from someone the export does not name.
    pub forwarded_from: Option<Option<String>>,
    /// When the forwarded message was first sent (the HTML export shows it; result.json does not).
    pub forwarded_at: Option<Moment>,
    /// The chat the replied message is in, when Telegram says it is another one (result.json's id).
    pub reply_to_peer: Option<String>,
    /// A reply to a message in another chat that the export names by no id (the HTML export).
    pub reply_elsewhere: bool,
    /// Only the day of `sent` is known (the HTML export's service messages carry no time).
    pub day_only: bool,
    pub media: Media,
    pub service: Option<ServiceEvent>,
    /// Content Telegram keeps outside `text`: polls, shared contacts, locations.
    pub content_notes: Vec<String>,
}

impl Details {
    pub(super) fn is_empty(&self) -> bool {
        let m = &self.media;
        self.edited.is_none()
            && self.forwarded_from.is_none()
            && self.forwarded_at.is_none()
            && self.reply_to_peer.is_none()
            && !self.reply_elsewhere
            && !self.day_only
            && self.service.is_none()
            && self.content_notes.is_empty()
            && m.photo.is_none()
            && m.file.is_none()
            && m.sticker_emoji.is_none()
    }

    /// `self` boxed, or `None` when it holds nothing.
    pub(super) fn boxed(self) -> Option<Box<Details>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

/// A message's media as paths relative to the export folder, or Telegram's placeholder in parentheses
/// when it did not save the file.
#[derive(Debug, Default)]
pub(super) struct Media {
    pub photo: Option<String>,
    pub file: Option<String>,
    pub mime_type: Option<String>,
    pub media_type: Option<String>,
    pub file_name: Option<String>,
    pub sticker_emoji: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct ServiceEvent {
    /// Telegram's action name (`phone_call`, `create_group`, ...); empty when only `sentence` is known.
    pub action: String,
    pub title: Option<String>,
    pub members: Vec<String>,
    pub duration_seconds: Option<i64>,
    pub discard_reason: Option<String>,
    pub pinned_message_id: Option<i64>,
    pub inviter: Option<String>,
    pub period_seconds: Option<i64>,
    /// Telegram's own sentence for an event Docket does not read further (the HTML export only).
    pub sentence: Option<String>,
}
