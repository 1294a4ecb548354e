//! The data every stage shares: an archived `Item`, its `Participant`s and `Attachment`s, and the
//! accounting types (`SkipReason`, `RunSummary`). Parsing lives in `sources`, rendering in `convert`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Where an item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    WhatsApp,
    Telegram,
    X,
}

impl SourceKind {
    /// The lowercase name used on the command line and in headers (`whatsapp`, `telegram`, `x`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::WhatsApp => "whatsapp",
            SourceKind::Telegram => "telegram",
            SourceKind::X => "x",
        }
    }

    /// The mailbox folder Microsoft's connectors use for this source.
    pub fn default_folder(self) -> &'static str {
        match self {
            SourceKind::WhatsApp => "WhatsApp Archiver",
            SourceKind::Telegram => "Telegram Archiver",
            SourceKind::X => "Twitter",
        }
    }

    /// The `.invalid` domain used for identities that are not email addresses.
    pub fn identity_domain(self) -> &'static str {
        match self {
            SourceKind::WhatsApp => "whatsapp.invalid",
            SourceKind::Telegram => "telegram.invalid",
            SourceKind::X => "x.invalid",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        match s.to_ascii_lowercase().as_str() {
            "whatsapp" => Some(SourceKind::WhatsApp),
            "telegram" => Some(SourceKind::Telegram),
            "x" | "twitter" => Some(SourceKind::X),
            _ => None,
        }
    }
}

/// What sort of record the item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A chat message (WhatsApp, Telegram).
    Message,
    /// A system or service line (joined, left, changed the subject, call record...).
    System,
    /// A post written by the archived account.
    Post,
    /// A post that mentions the archived account.
    Mention,
    /// A direct message.
    DirectMessage,
}

/// A person or account taking part in an item. Sources fill what they know; mapping reads `phone` and `email`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// The name as the source shows it ("Alice Smith", "+44 7700 900123", "@contoso").
    pub display_name: String,
    /// A phone number as written in the source (normalised by `mapping`, not here).
    pub phone: Option<String>,
    /// An email address the source itself attaches to the participant (automatic mapping uses it).
    pub email: Option<String>,
    /// A stable source-side identity: Telegram `user123`, an X user id or handle.
    pub handle: Option<String>,
    /// The Microsoft 365 mailbox the mapping gives this participant, set by the pipeline just before
    /// rendering (sources leave it empty). The email then names them by it; their source identity stays in
    /// an `X-Docket-*` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
}

impl Participant {
    pub fn named(name: impl Into<String>) -> Participant {
        Participant { display_name: name.into(), ..Participant::default() }
    }
}

/// Where an attachment's bytes are. Bytes are loaded only when an item is converted, so a large
/// export never sits in memory at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttachmentContent {
    /// Bytes already in hand (small items, test fixtures).
    Inline { bytes: Vec<u8> },
    /// A file on disk (Telegram export folder, WhatsApp export folder).
    File { path: PathBuf },
    /// A member of a zip archive (WhatsApp "Export chat" with media).
    ZipEntry { archive: PathBuf, entry: String },
    /// The source names a file it did not include; the message notes it instead.
    Missing { reason: String },
    /// Bytes left at the source's URL (X media): too large for a message when `size` is known, or not
    /// downloadable this time (`reason`), in which case the item fails and a later run tries again.
    Remote { url: String, size: Option<u64>, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    /// A MIME type such as `image/jpeg`; `application/octet-stream` when unknown.
    pub content_type: String,
    pub content: AttachmentContent,
}

impl Attachment {
    /// Loads the bytes. `Ok(None)` means the source did not include the file (`Missing`). No more than
    /// `MAX_MESSAGE_BYTES` are ever read: a file or zip member over it (whatever its zip entry declares,
    /// so a zip bomb too) is an error of kind `FileTooLarge` carrying an `AttachmentTooLarge`.
    pub fn load(&self) -> std::io::Result<Option<Vec<u8>>> {
        match &self.content {
            AttachmentContent::Inline { bytes } => Ok(Some(bytes.clone())),
            AttachmentContent::File { path } => {
                let file = std::fs::File::open(path)?;
                let declared = file.metadata()?.len();
                read_capped(file, declared).map(Some)
            }
            AttachmentContent::ZipEntry { archive, entry } => {
                let file = std::fs::File::open(archive)?;
                let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
                let member =
                    zip.by_name(entry).map_err(|e| std::io::Error::new(std::io::ErrorKind::NotFound, e))?;
                let declared = member.size();
                read_capped(member, declared).map(Some)
            }
            AttachmentContent::Missing { .. } => Ok(None),
            AttachmentContent::Remote { reason, .. } => Err(std::io::Error::other(reason.clone())),
        }
    }

    /// The size in bytes when it can be known without reading the content.
    pub fn known_size(&self) -> Option<u64> {
        match &self.content {
            AttachmentContent::Inline { bytes } => Some(bytes.len() as u64),
            AttachmentContent::File { path } => std::fs::metadata(path).ok().map(|m| m.len()),
            AttachmentContent::Remote { size, .. } => *size,
            _ => None,
        }
    }
}

/// An attachment whose bytes are over `MAX_MESSAGE_BYTES`; `size` is the larger of what its container
/// declared and what was read before reading stopped.
#[derive(Debug, thiserror::Error)]
#[error("{size} bytes, over the {MAX_MESSAGE_BYTES}-byte limit")]
pub struct AttachmentTooLarge {
    pub size: u64,
}

/// Reads `source` up to one byte past the limit, so a lying size or a decompression bomb never costs
/// more memory than one message may hold.
fn read_capped(source: impl std::io::Read, declared: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = MAX_MESSAGE_BYTES as u64;
    if declared > limit {
        return Err(too_large(declared));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    source.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(declared.max(bytes.len() as u64)));
    }
    Ok(bytes)
}

fn too_large(size: u64) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::FileTooLarge, AttachmentTooLarge { size })
}

/// One archived record: a message, post, DM or system line. Becomes exactly one email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Deterministic identity (see `ItemKey`). Fixes the blob name, Message-ID, boundary and Date.
    pub key: String,
    pub source: SourceKind,
    pub kind: ItemKind,
    /// The conversation's name or id ("Project Falcon", "Alice Smith", the X account).
    pub chat: String,
    /// The source's own id for the record, or for exports with none, a description of the position.
    pub source_id: String,
    /// When it was sent, with the offset of the time zone it was recorded in.
    pub timestamp: DateTime<FixedOffset>,
    pub sender: Participant,
    /// Everyone else in the conversation that the source names.
    pub recipients: Vec<Participant>,
    /// The text as plain text (links expanded, entities flattened).
    pub text: String,
    /// The key of the item this one replies to, when the source says so.
    pub reply_to: Option<String>,
    /// Keys of earlier items in the same thread, oldest first (References). May be empty.
    pub references: Vec<String>,
    pub attachments: Vec<Attachment>,
    /// Extra facts shown in the body and kept as headers: "forwarded from Bob", "edited 2024-01-02T…",
    /// "media omitted by the export", "file not included: IMG-1.jpg". Order is preserved.
    pub notes: Vec<String>,
    /// Extra source headers, e.g. `("X-Docket-X-Metrics", "likes=3; reposts=1")`. Names must start with `X-`.
    pub extra_headers: Vec<(String, String)>,
    /// SHA-256 (hex) of the source record as read, so the archived email can be traced to its origin.
    pub record_digest: String,
}

/// Why an item, or one of its destinations, was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// No participant maps to a Microsoft 365 mailbox (neither the CSV nor automatic mapping).
    Unmapped,
    /// The message, or one of its attachments, is over the 10 MB import limit.
    Oversize,
    /// The item falls outside the daily import cap and waits for a later day.
    DailyCap,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Unmapped => "unmapped",
            SkipReason::Oversize => "oversize",
            SkipReason::DailyCap => "daily_cap",
        }
    }

    pub fn parse(s: &str) -> Option<SkipReason> {
        match s {
            "unmapped" => Some(SkipReason::Unmapped),
            "oversize" => Some(SkipReason::Oversize),
            "daily_cap" => Some(SkipReason::DailyCap),
            _ => None,
        }
    }
}

/// Microsoft's 10 MB item limit (the connector docs), for a message and for each attachment.
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// What a finished run accounts for. `fetched = delivered + drafts + already_present + Σskipped + Σfailed`,
/// counted per item: an item counts once, by the worst outcome over its destinations and targets
/// (failed > draft > delivered > already present). `deliveries` counts the messages written per mailbox
/// and target; `targets` counts each target on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunSummary {
    pub run_id: i64,
    pub fetched: u64,
    pub delivered: u64,
    pub already_present: u64,
    pub skipped: BTreeMap<String, u64>,
    pub failed: BTreeMap<String, u64>,
    /// Messages newly written, one per (item, mailbox, target).
    pub deliveries: u64,
    /// Items that reached a mailbox only as drafts, which the connector allowed; never counted as delivered.
    #[serde(default)]
    pub drafts: u64,
    /// Per target (`graph:TENANT`, `azure:CONTAINER`, `dir:PATH`): its messages on their own.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetCounts>,
    /// True when the run stopped early because it was cancelled.
    pub cancelled: bool,
    /// What the admin should know about the run although nothing failed: X's reach limits, the daily cap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The same warnings with their keys and values, for the app to say in the admin's language (empty in
    /// runs recorded before Docket kept them; the app then shows `warnings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warning_texts: Vec<crate::Text>,
}

impl RunSummary {
    /// Adds a warning, in English and as a text; the same warning twice is kept once.
    pub fn warn(&mut self, text: crate::Text) {
        if !self.warning_texts.contains(&text) {
            self.warnings.push(text.message.clone());
            self.warning_texts.push(text);
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    /// The accounting identity every run must satisfy.
    pub fn balances(&self) -> bool {
        self.fetched
            == self.delivered
                + self.drafts
                + self.already_present
                + self.skipped_total()
                + self.failed_total()
    }
}

/// One target's messages in a run, one per (item, mailbox).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TargetCounts {
    /// Newly written (for a mailbox: a normal received message with the item's time).
    pub delivered: u64,
    pub already_present: u64,
    /// Written as drafts (allowed by the connector); not delivered.
    pub drafts: u64,
    pub failed: u64,
}
