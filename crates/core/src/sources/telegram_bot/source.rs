//! The live Telegram source: one `getUpdates` batch per run, from the offset the ledger confirmed, with
//! `allowed_updates` limited to what Docket archives; media fetched with `getFile`. Its checkpoints (the next
//! offset, and when this poll happened) are committed by the pipeline only once every item is in the ledger,
//! and Telegram forgets updates only when a later `getUpdates` sends that offset: so a crash at any point
//! re-reads the batch and the ledger de-duplicates, and no update is confirmed before it is archived.
//! Draining (batch after batch until one is empty) is `connector::telegram_bot::drain`, which commits each
//! batch before asking for the next.

use std::collections::VecDeque;

use serde_json::{json, Value};

use super::client::{BotClient, BotPolicy, DEFAULT_API_BASE};
use super::error::BotError;
use super::records::{update_items, Media, Pending, ARCHIVED_UPDATES};
use crate::model::{Attachment, AttachmentContent, Item, SourceKind, MAX_MESSAGE_BYTES};
use crate::secrets::Sensitive;
use crate::sources::{Checkpoint, ExportError, Source};

/// The checkpoint names in the ledger.
pub const OFFSET_CHECKPOINT: &str = "offset";
pub const POLLED_AT_CHECKPOINT: &str = "polled_at";
/// Telegram keeps undelivered updates 24 hours; a run this long after the last poll warns.
pub const STALE_POLL_HOURS: i64 = 20;

/// The warning for a bot whose last successful poll (`polled_at`, RFC 3339) was more than `STALE_POLL_HOURS`
/// before `now`: Telegram keeps undelivered updates only 24 hours. `None` while polls are recent enough.
pub fn stale_poll_warning(
    name: &str,
    polled_at: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<crate::Text> {
    let last = chrono::DateTime::parse_from_rfc3339(polled_at).ok()?;
    let age = now - last.with_timezone(&chrono::Utc);
    (age > chrono::Duration::hours(STALE_POLL_HOURS)).then(|| {
        crate::text!(
            "bot.stale_poll",
            "the last successful poll of Telegram bot {name} was {hours} hours ago ({polled_at}); Telegram keeps \
             undelivered updates only 24 hours, so updates older than that may be lost: poll more often (every \
             few minutes)",
            name = name,
            hours = age.num_hours(),
            polled_at = polled_at
        )
    })
}

/// How a bot connector's ledger label (and checkpoint namespace) begins: `telegram-bot:<name>`.
pub const LABEL_PREFIX: &str = "telegram-bot:";

/// Settings of one bot connector; none of them secret.
#[derive(Debug, Clone)]
pub struct BotSettings {
    pub api_base: String,
    /// The connector's name (labels the ledger's runs and checkpoints).
    pub name: String,
    /// Updates per batch (Telegram allows 1–100).
    pub limit: u32,
    /// The long poll's `timeout` in seconds: short for a draining CLI run.
    pub poll_timeout: u64,
    pub policy: BotPolicy,
    /// Media bytes one item may carry; larger files are held as oversize (base64 grows them by a third).
    pub media_budget: u64,
}

impl BotSettings {
    pub fn new(name: &str) -> BotSettings {
        BotSettings {
            api_base: DEFAULT_API_BASE.to_string(),
            name: name.trim().to_string(),
            limit: 100,
            poll_timeout: 1,
            policy: BotPolicy::default(),
            media_budget: (MAX_MESSAGE_BYTES as u64) * 3 / 4 - 64 * 1024,
        }
    }

    /// The ledger's label and checkpoint namespace: `telegram-bot:<name>`.
    pub fn checkpoint_source(&self) -> String {
        format!("{LABEL_PREFIX}{}", self.name)
    }
}

/// What earlier runs left: the confirmed offset and when the last successful poll was (RFC 3339).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotHistory {
    pub offset: Option<i64>,
    pub polled_at: Option<String>,
}

pub struct TelegramBotSource {
    client: BotClient,
    settings: BotSettings,
    offset: Option<i64>,
    queue: VecDeque<Pending>,
    polled: bool,
    /// The offset that confirms the batch, once polled.
    next_offset: Option<i64>,
    polled_at: Option<String>,
    updates: usize,
    warnings: Vec<crate::Text>,
}

impl std::fmt::Debug for TelegramBotSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramBotSource").field("name", &self.settings.name).finish_non_exhaustive()
    }
}

fn bot(e: BotError) -> ExportError {
    ExportError::TelegramBot(e)
}

impl TelegramBotSource {
    pub fn open(
        settings: BotSettings,
        token: Sensitive<String>,
        history: BotHistory,
    ) -> Result<TelegramBotSource, BotError> {
        let client = BotClient::new(&settings.api_base, token, settings.policy)?;
        let warnings = history
            .polled_at
            .as_deref()
            .and_then(|last| stale_poll_warning(&settings.name, last, chrono::Utc::now()))
            .into_iter()
            .collect();
        Ok(TelegramBotSource {
            client,
            settings,
            offset: history.offset,
            queue: VecDeque::new(),
            polled: false,
            next_offset: None,
            polled_at: None,
            updates: 0,
            warnings,
        })
    }

    /// Updates in this run's batch (0 once drained).
    pub fn updates_in_batch(&self) -> usize {
        self.updates
    }

    async fn poll(&mut self) -> Result<(), ExportError> {
        let mut params = json!({
            "limit": self.settings.limit.clamp(1, 100),
            "timeout": self.settings.poll_timeout,
            "allowed_updates": ARCHIVED_UPDATES,
        });
        if let Some(offset) = self.offset {
            params["offset"] = json!(offset);
        }
        let answer =
            self.client.call("getUpdates", &params, self.settings.poll_timeout).await.map_err(bot)?;
        let received_at = chrono::Utc::now();
        let Value::Array(updates) = answer else {
            return Err(bot(BotError::BadResponse {
                method: "getUpdates".into(),
                detail: "the result is not a list of updates".into(),
            }));
        };
        self.updates = updates.len();
        for update in &updates {
            let Some(id) = update.get("update_id").and_then(Value::as_i64) else {
                return Err(bot(BotError::BadResponse {
                    method: "getUpdates".into(),
                    detail: "an update has no update_id".into(),
                }));
            };
            self.next_offset = Some(self.next_offset.map_or(id + 1, |o| o.max(id + 1)));
            self.queue.extend(update_items(update, received_at.timestamp()));
        }
        self.polled_at = Some(received_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        Ok(())
    }

    async fn with_media(&self, pending: Pending) -> Result<Item, ExportError> {
        let Pending { mut item, media } = pending;
        let mut budget = self.settings.media_budget;
        for file in media {
            let attachment = self.fetch(&file, budget, &mut item.notes).await?;
            if let AttachmentContent::Inline { bytes } = &attachment.content {
                budget = budget.saturating_sub(bytes.len() as u64);
            }
            item.attachments.push(attachment);
        }
        Ok(item)
    }

    /// The file's bytes, or (too large for a message, or over the Bot API's 20 MB) an attachment that holds
    /// the item as oversize, with the file id kept in a note.
    async fn fetch(
        &self,
        file: &Media,
        budget: u64,
        notes: &mut Vec<String>,
    ) -> Result<Attachment, ExportError> {
        let held = |size: u64, why: &str, notes: &mut Vec<String>| {
            notes.push(format!("file {} ({size} bytes) {why}; Telegram file id {}", file.name, file.file_id));
            Attachment {
                name: file.name.clone(),
                content_type: file.content_type.clone(),
                content: AttachmentContent::Remote {
                    url: format!("telegram-file-id:{}", file.file_id),
                    size: Some(size),
                    reason: format!("{why}; Telegram file id {}", file.file_id),
                },
            }
        };
        if let Some(size) = file.size.filter(|&s| s > budget) {
            return Ok(held(size, "is too large for one message", notes));
        }
        let found = match self.client.call("getFile", &json!({ "file_id": file.file_id }), 0).await {
            Ok(found) => found,
            Err(BotError::Rejected { status: 400, detail, .. }) if detail.contains("too big") => {
                let size = file.size.unwrap_or(20 * 1024 * 1024 + 1);
                return Ok(held(size, "is over the Bot API's 20 MB download limit", notes));
            }
            Err(e) => return Err(bot(e)),
        };
        let size = found.get("file_size").and_then(Value::as_u64).or(file.size).unwrap_or(0);
        if size > budget {
            return Ok(held(size, "is too large for one message", notes));
        }
        let Some(path) = found.get("file_path").and_then(Value::as_str) else {
            return Err(bot(BotError::BadResponse {
                method: "getFile".into(),
                detail: "no file_path".into(),
            }));
        };
        let bytes = self.client.download(path).await.map_err(bot)?;
        if bytes.len() as u64 > budget {
            return Ok(held(bytes.len() as u64, "is too large for one message", notes));
        }
        Ok(Attachment {
            name: file.name.clone(),
            content_type: file.content_type.clone(),
            content: AttachmentContent::Inline { bytes },
        })
    }
}

#[async_trait::async_trait]
impl Source for TelegramBotSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Telegram
    }

    async fn next_item(&mut self) -> Result<Option<Item>, ExportError> {
        if !self.polled {
            self.poll().await?;
            self.polled = true;
        }
        let Some(pending) = self.queue.pop_front() else { return Ok(None) };
        self.with_media(pending).await.map(Some)
    }

    fn take_warnings(&mut self) -> Vec<crate::Text> {
        std::mem::take(&mut self.warnings)
    }

    /// The offset confirming this batch and the poll's time, once every item is handed on. Before that (a
    /// failure mid-batch) nothing, so the next run reads the batch again.
    fn checkpoints(&self) -> Vec<Checkpoint> {
        if !self.polled || !self.queue.is_empty() {
            return Vec::new();
        }
        let namespace = self.settings.checkpoint_source();
        let mut out = Vec::new();
        if let Some(offset) = self.next_offset {
            out.push(Checkpoint {
                source: namespace.clone(),
                name: OFFSET_CHECKPOINT.into(),
                value: offset.to_string(),
            });
        }
        if let Some(at) = &self.polled_at {
            out.push(Checkpoint { source: namespace, name: POLLED_AT_CHECKPOINT.into(), value: at.clone() });
        }
        out
    }
}
