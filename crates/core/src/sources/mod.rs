//! Sources: where items come from. Each source turns its input into `Item`s with deterministic keys; it
//! does not map, render or store them. Exports (WhatsApp, Telegram) are read from files; X is read from its
//! API (`x`), live Telegram from the Bot API (`telegram_bot`).

pub(crate) mod confine;
pub mod replay;
pub mod telegram_bot;
pub mod telegram_export;
pub mod whatsapp_export;
pub mod x;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::error::Code;
use crate::model::{Item, SourceKind};

/// How an export's day, month and year are ordered in its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Mdy,
    Ymd,
}

impl DateOrder {
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.to_ascii_lowercase().as_str() {
            "dmy" => Some(DateOrder::Dmy),
            "mdy" => Some(DateOrder::Mdy),
            "ymd" => Some(DateOrder::Ymd),
            _ => None,
        }
    }
}

/// The settings an export needs because the export itself does not carry them.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The zone the export's wall-clock times were written in. Exports carry none; this is never guessed.
    pub timezone: chrono_tz::Tz,
    /// Required only when the whole file leaves the day/month order ambiguous.
    pub date_order: Option<DateOrder>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { timezone: chrono_tz::UTC, date_order: None }
    }
}

/// Why a source could not produce its items. Every message names the file and, where there is one, the
/// line, and says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Parse {
        path: PathBuf,
        line: usize,
        message: crate::Text,
    },
    AmbiguousDateOrder {
        path: PathBuf,
        sample: String,
    },
    Invalid {
        path: PathBuf,
        message: crate::Text,
    },
    /// The X API could not be read further.
    X(#[from] x::XError),
    /// The Telegram Bot API could not be read further.
    TelegramBot(#[from] telegram_bot::BotError),
}

impl ExportError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            ExportError::Read { path, source } => text!(
                "export.read",
                "cannot read {path}: {source}. Check that the file exists and that you may read it.",
                path = path,
                source = source.to_string()
            ),
            ExportError::Parse { path, line, message } => text!(
                "export.parse",
                "{path}, line {line}: {message}",
                path = path,
                line = line,
                message = message
            ),
            ExportError::AmbiguousDateOrder { path, sample } => text!(
                "export.ambiguous_date_order",
                "{path}: every date in this export fits more than one day/month/year order (for example {sample}). \
         Docket will not date compliance records by a guess: run again with --date-order dmy, mdy or ymd \
         (the order your phone shows dates in).",
                path = path,
                sample = sample
            ),
            ExportError::Invalid { path, message } => text!(
                "export.invalid",
                "{path}: {message}",
                path = path,
                message = message
            ),
            ExportError::X(e) => e.text(),
            ExportError::TelegramBot(e) => e.text(),
        }
    }
}

crate::display_as_text!(ExportError);

impl ExportError {
    pub fn code(&self) -> Code {
        match self {
            ExportError::AmbiguousDateOrder { .. } => Code::AmbiguousDateOrder,
            ExportError::X(e) => e.code(),
            ExportError::TelegramBot(e) => e.code(),
            _ => Code::BadExport,
        }
    }

    /// Export problems never fix themselves by retrying; an API source's network troubles may.
    pub fn is_permanent(&self) -> bool {
        match self {
            ExportError::X(e) => e.is_permanent(),
            ExportError::TelegramBot(e) => e.is_permanent(),
            _ => true,
        }
    }
}

/// A position a source asks the pipeline to remember (e.g. X's `since_id` per endpoint). The pipeline
/// commits it only after every item the source handed on is in the ledger and none failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The ledger's namespace, e.g. `x:contoso`.
    pub source: String,
    pub name: String,
    pub value: String,
}

/// Streams items. Implemented by every export reader (as an iterator) and the X API source.
#[async_trait::async_trait]
pub trait Source: Send {
    fn kind(&self) -> SourceKind;
    /// The next item, or `None` when the source has no more.
    async fn next_item(&mut self) -> Result<Option<Item>, ExportError>;
    /// Warnings for the admin raised since the last call (reach limits, the daily cap). The pipeline asks
    /// before the first item and after each one, and reports them in the run summary and as progress.
    fn take_warnings(&mut self) -> Vec<crate::Text> {
        Vec::new()
    }
    /// Checkpoints to commit once the run has recorded every item handed on with none failed. Exports have
    /// none: they are read whole each time.
    fn checkpoints(&self) -> Vec<Checkpoint> {
        Vec::new()
    }
}

/// Adapts any export iterator to `Source`.
pub struct ExportSource<I> {
    kind: SourceKind,
    items: I,
}

impl<I> ExportSource<I>
where
    I: Iterator<Item = Result<Item, ExportError>> + Send,
{
    pub fn new(kind: SourceKind, items: I) -> Self {
        ExportSource { kind, items }
    }
}

#[async_trait::async_trait]
impl<I> Source for ExportSource<I>
where
    I: Iterator<Item = Result<Item, ExportError>> + Send,
{
    fn kind(&self) -> SourceKind {
        self.kind
    }

    async fn next_item(&mut self) -> Result<Option<Item>, ExportError> {
        self.items.next().transpose()
    }
}

/// A source that first hands the pipeline some warnings of the caller's (what was assumed when it was opened),
/// then behaves exactly as `inner`.
struct Warned {
    inner: Box<dyn Source>,
    warnings: Vec<crate::Text>,
}

#[async_trait::async_trait]
impl Source for Warned {
    fn kind(&self) -> SourceKind {
        self.inner.kind()
    }

    async fn next_item(&mut self) -> Result<Option<Item>, ExportError> {
        self.inner.next_item().await
    }

    fn take_warnings(&mut self) -> Vec<crate::Text> {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(self.inner.take_warnings());
        warnings
    }

    fn checkpoints(&self) -> Vec<Checkpoint> {
        self.inner.checkpoints()
    }
}

/// `source`, reporting `warnings` before its own.
pub fn with_warnings(source: Box<dyn Source>, warnings: Vec<crate::Text>) -> Box<dyn Source> {
    if warnings.is_empty() {
        return source;
    }
    Box::new(Warned { inner: source, warnings })
}

/// Opens an export of the given kind at `location` (a file or a folder of them).
pub fn open_export(
    kind: SourceKind,
    location: &Path,
    options: &ExportOptions,
) -> Result<Box<dyn Source>, ExportError> {
    match kind {
        SourceKind::WhatsApp => {
            let export = whatsapp_export::open(location, options)?;
            Ok(Box::new(ExportSource::new(kind, export)))
        }
        SourceKind::Telegram => {
            let export = telegram_export::open(location, options)?;
            let warnings = export.warnings().to_vec();
            Ok(with_warnings(Box::new(ExportSource::new(kind, export)), warnings))
        }
        SourceKind::X => Err(ExportError::Invalid {
            path: location.to_path_buf(),
            message: crate::text!(
                "export.x_not_an_export",
                "x is an API source, not an export; it is opened with its credentials (sources::x)"
            ),
        }),
    }
}

/// SHA-256 of bytes as lowercase hex (re-exported from the leaf `digest` module).
pub use crate::digest::sha256_hex;

/// The deterministic key of an item.
///
/// `identity` is what identifies the record within its source: the source's own id where it has one
/// (Telegram chat id + message id), otherwise chat, sender, a text digest and an occurrence index (see
/// `ExportKeyer`). The key begins with the source and the wall-clock time so that names sort by time;
/// the time is the export's own wall-clock reading, so a different `--timezone` does not change keys.
pub fn item_key(kind: SourceKind, wall_clock: NaiveDateTime, identity: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(kind.as_str().as_bytes());
    for part in identity {
        hasher.update([0u8]);
        hasher.update(part.as_bytes());
    }
    let digest = hex::encode(hasher.finalize());
    format!("{}-{}-{}", kind.as_str(), wall_clock.format("%Y%m%dT%H%M%S"), &digest[..24])
}

/// Keys for exports whose records carry no ids: chat, wall-clock time, sender, a text digest and an
/// occurrence index that tells identical messages sent in the same minute apart.
///
/// Two messages can share an occurrence count only if they share a wall-clock time. In a text whose times
/// never go back (`time_ordered`, what the reader's survey finds for almost every export) a time, once
/// passed, does not come again, so only the current time's counts are kept and memory stays flat however
/// long the chat. Otherwise (a clock set back, a DST repeat) every count is kept.
#[derive(Debug, Default)]
pub struct ExportKeyer {
    /// Occurrences so far, keyed by a digest of (chat, time, sender, text digest).
    seen: std::collections::HashMap<[u8; 32], u32>,
    time_ordered: bool,
    /// With `time_ordered`, the wall-clock time `seen` holds counts for.
    current: Option<NaiveDateTime>,
}

impl ExportKeyer {
    /// A keyer for a text whose wall-clock times never decrease (checked by the caller beforehand).
    pub fn time_ordered() -> ExportKeyer {
        ExportKeyer { time_ordered: true, ..ExportKeyer::default() }
    }

    pub fn key(
        &mut self,
        kind: SourceKind,
        chat: &str,
        wall_clock: NaiveDateTime,
        sender: &str,
        text: &str,
    ) -> String {
        if self.time_ordered && self.current != Some(wall_clock) {
            self.seen.clear();
            self.current = Some(wall_clock);
        }
        let text_digest = sha256_hex(text.as_bytes());
        let stamp = wall_clock.format("%Y-%m-%dT%H:%M:%S").to_string();
        let base = format!("{chat}\u{0}{stamp}\u{0}{sender}\u{0}{text_digest}");
        let occurrence = self.seen.entry(Sha256::digest(base.as_bytes()).into()).or_insert(0);
        *occurrence += 1;
        let occurrence = occurrence.to_string();
        item_key(kind, wall_clock, &[chat, &stamp, sender, &text_digest, &occurrence])
    }
}

/// A source that yields a fixed list, for tests: items, or an error at a chosen position.
pub struct FakeSource {
    kind: SourceKind,
    items: std::vec::IntoIter<Result<Item, ExportError>>,
}

impl FakeSource {
    pub fn new(kind: SourceKind, items: Vec<Result<Item, ExportError>>) -> FakeSource {
        FakeSource { kind, items: items.into_iter() }
    }
}

#[async_trait::async_trait]
impl Source for FakeSource {
    fn kind(&self) -> SourceKind {
        self.kind
    }

    async fn next_item(&mut self) -> Result<Option<Item>, ExportError> {
        self.items.next().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 10, 27)
            .and_then(|day| day.and_hms_opt(1, minute, 0))
            .expect("a real time")
    }

    #[test]
    fn a_time_ordered_keyer_gives_the_keys_of_one_that_keeps_every_count() {
        let messages =
            [(0, "ok"), (0, "ok"), (0, "fine"), (1, "ok"), (1, "ok"), (1, "ok"), (2, "ok"), (5, "ok")];
        let (mut all, mut ordered) = (ExportKeyer::default(), ExportKeyer::time_ordered());
        let mut keys = Vec::new();
        for (minute, text) in messages {
            let kept = all.key(SourceKind::WhatsApp, "Ops", at(minute), "Ana", text);
            assert_eq!(ordered.key(SourceKind::WhatsApp, "Ops", at(minute), "Ana", text), kept);
            keys.push(kept);
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), messages.len());
        assert!(ordered.seen.len() <= 1, "only the current minute's counts are kept");
    }

    /// The error of opening `location`, which must fail.
    fn open_error(kind: SourceKind, location: &Path) -> ExportError {
        match open_export(kind, location, &ExportOptions::default()) {
            Ok(_) => panic!("{} should not open", location.display()),
            Err(error) => error,
        }
    }

    /// The text value `name` of `text`.
    fn nested(text: &crate::Text, name: &str) -> crate::Text {
        match text.values.get(name) {
            Some(crate::text::Arg::Text(value)) => value.clone(),
            other => panic!("{}: {name} is not a text: {other:?}", text.key),
        }
    }

    #[test]
    fn a_malformed_export_names_its_parsers_problem_as_a_text() {
        let folder = tempfile::tempdir().expect("a temp folder");
        let chat = folder.path().join("WhatsApp Chat with Ana.txt");
        std::fs::write(&chat, "added at the top\n12/01/2024, 10:00 - Ana: hi\n").expect("write the chat");
        let error = open_error(SourceKind::WhatsApp, &chat);
        assert!(matches!(error, ExportError::Parse { line: 1, .. }), "{error:?}");
        let text = error.text();
        assert_eq!(text.key, "export.parse");
        assert_eq!(nested(&text, "message").key, "export.whatsapp.orphan_line");
        assert_eq!(error.to_string(), text.message);

        // A problem found by the JSON reader's own checks comes back through serde as a text, where it was.
        let result = folder.path().join("result.json");
        let json =
            "{\"id\": 1, \"messages\": [\n{\"type\": \"message\", \"date\": \"2024-01-02T10:11:12\"}\n]}";
        std::fs::write(&result, json).expect("write result.json");
        let error = open_error(SourceKind::Telegram, &result);
        assert!(matches!(error, ExportError::Invalid { .. }), "{error:?}");
        let text = error.text();
        assert_eq!(text.key, "export.invalid");
        let message = nested(&text, "message");
        assert_eq!(message.key, "export.telegram.json.wrong_shape_in");
        assert_eq!(nested(&message, "what").key, "export.telegram.json.message_without_id");
        assert_eq!(nested(&message, "place").message, "messages > message 1");
        assert_eq!(nested(&message, "again").key, "export.telegram.json.export_again");
        assert_eq!(error.to_string(), text.message);
        assert!(
            text.message.contains("(in messages > message 1): this message has no \"id\" field."),
            "{text}"
        );
    }
}
