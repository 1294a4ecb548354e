//! WhatsApp "Export chat" reader: a .txt, a .zip with media, or a folder of them and/or unzipped exports,
//! read into `Item`s lazily, one message in memory at a time (a .txt is streamed; see `locations`). It
//! reads and dates messages and finds their media; it does not map participants to mailboxes, render
//! emails or load attachment bytes.
//!
//! How it reads an export:
//! - Chat texts are read in sorted path order. Each must be UTF-8 (a bad byte is a Parse error naming the
//!   line; Docket does not guess an encoding). A whole text is checked (one streamed pass, and a second
//!   for the dates once their order is known) before its first item is produced:
//!   a problem anywhere in it (no message lines, text before the first message, a date order the file
//!   contradicts or leaves open, an impossible date) is an error and none of its items is produced.
//! - `open` reads the first chat text, so its errors come from `open`; a later text's error is yielded
//!   by the iterator in its place, after which the iterator goes on with the next text.
//! - The day/month/year order and the years come from the whole text (see `dates`); the wall clock is read
//!   in the given time zone (see `zone` for DST).
//! - Markers (deleted, edited, view once, media left out) become notes and an `X-Docket-Flags` header; every
//!   item has an `X-Docket-Timezone` header (see `chat`).
//! - `source_id` is `PATH:LINE`, PATH being the text's path below the chosen location (for a text in a
//!   zip, `ZIP/ENTRY`), LINE the message's first line.

mod body;
mod chat;
mod chat_name;
mod dates;
mod header;
mod locations;
mod marker_words;
mod markers;
mod media;
mod renames;
mod survey;
mod text_lines;
mod zone;

use std::collections::VecDeque;
use std::path::Path;

use super::{ExportError, ExportOptions};
use crate::model::Item;
use chat::ChatReader;
use locations::PendingChat;
pub use renames::KnownChats;

/// The items of a WhatsApp export, produced one message at a time.
pub struct WhatsAppExport {
    options: ExportOptions,
    known: KnownChats,
    pending: VecDeque<PendingChat>,
    current: Option<ChatReader>,
}

/// Opens the export at `location` (a .txt, a .zip, or a folder of them) and checks its first chat text.
pub fn open(location: &Path, options: &ExportOptions) -> Result<WhatsAppExport, ExportError> {
    open_known(location, options, KnownChats::default())
}

/// `open`, naming each chat as the archive already knows it (`KnownChats`): a group renamed since an earlier
/// import keeps its archived name, so its keys do not change.
pub fn open_known(
    location: &Path,
    options: &ExportOptions,
    known: KnownChats,
) -> Result<WhatsAppExport, ExportError> {
    let pending = locations::list(location)?.into();
    let mut export = WhatsAppExport { options: options.clone(), known, pending, current: None };
    while export.current.is_none() && !export.pending.is_empty() {
        export.load_next()?;
    }
    Ok(export)
}

impl WhatsAppExport {
    /// Takes the next pending file: a zip is opened and its chat texts queued; a text is surveyed and
    /// becomes the current reader.
    fn load_next(&mut self) -> Result<(), ExportError> {
        let Some(next) = self.pending.pop_front() else {
            return Ok(());
        };
        let chat = match next {
            PendingChat::Zip { path, shown } => {
                let texts = locations::expand_zip(&path, &shown)?;
                for text in texts.into_iter().rev() {
                    self.pending.push_front(text);
                }
                return Ok(());
            }
            PendingChat::Text { path, shown } => locations::read_text_file(&path, shown)?,
            PendingChat::ZipText { index, entry, shown } => locations::read_zip_text(index, &entry, shown)?,
        };
        let facts = survey::survey(&chat, &self.options)?;
        let mut chat = chat;
        chat.chat = self.known.identity(&chat.chat, &facts.former_names);
        self.current = Some(ChatReader::new(chat, facts, self.options.timezone)?);
        Ok(())
    }
}

impl Iterator for WhatsAppExport {
    type Item = Result<Item, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(reader) = self.current.as_mut() {
                match reader.next_item() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            if self.pending.is_empty() {
                return None;
            }
            if let Err(error) = self.load_next() {
                return Some(Err(error));
            }
        }
    }
}
