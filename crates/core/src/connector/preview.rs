//! The wizard's source preview: the first few items of an export, summarised for a table, and how many
//! items the export holds (counted up to a cap). It reads the export with the same readers and options a run
//! uses, so a preview that works means the run will read the same items; it renders and stores nothing.

use crate::text;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::config::{self, ConfigError};
use crate::error::Error;
use crate::model::{Item, SourceKind};
use crate::sources::{telegram_export, whatsapp_export, DateOrder, ExportError, ExportOptions};

/// The most items one preview lists.
pub const MAX_PREVIEW_ITEMS: usize = 100;
/// Counting stops here, so a huge export previews quickly; `total_capped` then says so.
pub const PREVIEW_COUNT_CAP: u64 = 100_000;
/// The longest text snippet, in characters.
const SNIPPET_CHARS: usize = 140;

/// One item as the preview table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PreviewItem {
    /// The item's deterministic key (also the archived file's name).
    pub key: String,
    /// When it was sent, RFC 3339 with the offset of the chosen time zone.
    pub time: String,
    pub chat: String,
    /// The sender's name as the export shows it.
    pub sender: String,
    /// The start of the text, at most 140 characters (an ellipsis marks a cut).
    pub text: String,
    /// Attachment file names, including files the export names but did not include.
    pub attachments: Vec<String>,
}

/// What `preview_source` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SourcePreview {
    /// The first items, in export order.
    pub items: Vec<PreviewItem>,
    /// Items in the export, counted up to `PREVIEW_COUNT_CAP`.
    pub total: u64,
    /// True when counting stopped at the cap: the export holds at least `total` items.
    pub total_capped: bool,
}

/// Reads the export at `location` as a run would and returns its first `limit` items (at most 100) and
/// its item count. Any problem a run would meet while reading (a bad line, an ambiguous date order) is
/// returned as the same error.
pub fn preview_source(
    kind: SourceKind,
    location: &str,
    timezone: &str,
    date_order: Option<DateOrder>,
    limit: usize,
) -> Result<SourcePreview, Error> {
    let timezone = config::parse_timezone(timezone.trim())?;
    let options = ExportOptions { timezone, date_order };
    let location = std::path::absolute(location.trim()).unwrap_or_else(|_| location.trim().into());
    let items = open(kind, &location, &options)?;
    let limit = limit.min(MAX_PREVIEW_ITEMS);
    let mut preview = SourcePreview { items: Vec::new(), total: 0, total_capped: false };
    for item in items {
        let item = item?;
        if preview.total >= PREVIEW_COUNT_CAP {
            preview.total_capped = true;
            break;
        }
        preview.total += 1;
        if preview.items.len() < limit {
            preview.items.push(summarise(&item));
        }
    }
    Ok(preview)
}

pub(super) type ItemReader = Box<dyn Iterator<Item = Result<Item, ExportError>>>;

pub(super) fn open(kind: SourceKind, location: &Path, options: &ExportOptions) -> Result<ItemReader, Error> {
    match kind {
        SourceKind::WhatsApp => Ok(Box::new(whatsapp_export::open(location, options)?)),
        SourceKind::Telegram => Ok(Box::new(telegram_export::open(location, options)?)),
        SourceKind::X => Err(ConfigError::Invalid {
            field: text!("field.source", "source"),
            message: text!(
                "preview.x",
                "X is read from its API, not from an export, so it has no file preview"
            ),
        }
        .into()),
    }
}

fn summarise(item: &Item) -> PreviewItem {
    PreviewItem {
        key: item.key.clone(),
        time: item.timestamp.to_rfc3339(),
        chat: item.chat.clone(),
        sender: item.sender.display_name.clone(),
        text: snippet(&item.text),
        attachments: item.attachments.iter().map(|a| a.name.clone()).collect(),
    }
}

/// The text's first `SNIPPET_CHARS` characters with line breaks folded to spaces; `…` marks a cut.
fn snippet(text: &str) -> String {
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= SNIPPET_CHARS {
        return folded;
    }
    let mut cut: String = folded.chars().take(SNIPPET_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_cut_to_140_characters_with_an_ellipsis() {
        let long = "é".repeat(500);
        let cut = snippet(&long);
        assert_eq!(cut.chars().count(), 140);
        assert!(cut.ends_with('…'));
        assert_eq!(snippet("two\nlines"), "two lines");
    }
}
