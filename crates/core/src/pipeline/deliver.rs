//! One item's trip through convert and the sink: render once, write to every missing mailbox with
//! retries, and describe the outcome as ledger rows. Runs as its own task so items proceed in parallel.

use std::sync::Arc;

use crate::convert::{self, ConvertError};
use crate::ledger::{Outcome, RowState, NO_MAILBOX};
use crate::model::{Item, SkipReason};
use crate::sinks::{Envelope, Sink, SinkError, Written};
use crate::test_hooks::{self, CrashPoint};

use super::RetryPolicy;

pub(super) enum ItemVerdict {
    /// Newly written to at least one mailbox (the others were already there).
    Delivered(Vec<String>),
    AlreadyPresent(Vec<String>),
    Skipped(SkipReason, String),
    /// At least one destination failed: (reason, detail).
    Failed(String, String),
}

pub(super) struct ItemResult {
    pub key: String,
    pub verdict: ItemVerdict,
    pub rows: Vec<Outcome>,
    /// Objects newly created.
    pub created: u64,
    /// A sink error that will fail every other item too (refused credentials, bad settings).
    pub fatal: Fatal,
}

impl ItemResult {
    pub fn new(key: String, verdict: ItemVerdict, rows: Vec<Outcome>) -> ItemResult {
        ItemResult { key, verdict, rows, created: 0, fatal: Fatal(None) }
    }
}

pub(super) struct Fatal(Option<SinkError>);

impl Fatal {
    /// Errors that mean the run cannot go on: there is no point failing the remaining items one by one.
    pub fn take_if_systemic(&mut self) -> Option<SinkError> {
        match &self.0 {
            Some(SinkError::Auth { .. } | SinkError::Config(_) | SinkError::GraphAuth { .. }) => {
                self.0.take()
            }
            _ => None,
        }
    }
}

pub(super) struct Task {
    pub item: Item,
    pub mailboxes: Vec<String>,
    pub folder: Arc<str>,
    pub sink: Arc<dyn Sink>,
    pub retry: RetryPolicy,
}

/// The item whose worker panicked (or was cancelled) fails with reason `internal`; it gets no ledger row,
/// so the next run delivers it. The panic's own message is not copied anywhere: it could hold anything.
pub(super) fn panicked(key: String, e: &tokio::task::JoinError) -> ItemResult {
    let how = if e.is_panic() { "panicked" } else { "was cancelled" };
    let detail = format!(
        "the worker for this item {how}; nothing archived is lost, run again and report this if it repeats"
    );
    ItemResult::new(key, ItemVerdict::Failed("internal".into(), detail), vec![])
}

impl Task {
    pub async fn run(self) -> ItemResult {
        let Task { item, mailboxes, folder, sink, retry } = self;
        let rendered = if item.attachments.is_empty() {
            convert::render(&item)
        } else {
            // Attachments are read from disk or zip: keep that off the async workers.
            let copy = item.clone();
            tokio::task::spawn_blocking(move || convert::render(&copy)).await.unwrap_or_else(|e| {
                Err(ConvertError::Attachment {
                    name: "?".into(),
                    source: std::io::Error::other(e.to_string()),
                })
            })
        };
        let rendered = match rendered {
            Ok(r) => r,
            Err(e) => return not_rendered(&item, &mailboxes, e),
        };
        test_hooks::reached(CrashPoint::Converted);

        let mut rows = Vec::with_capacity(mailboxes.len());
        let mut created = 0u64;
        let mut failure: Option<SinkError> = None;
        for mailbox in &mailboxes {
            let envelope = Envelope {
                mailbox,
                folder: &folder,
                key: &item.key,
                source: item.source.as_str(),
                source_id: &item.source_id,
                bytes: &rendered.bytes,
                sha256: &rendered.sha256,
            };
            let mut row = Outcome::for_item(&item, mailbox, RowState::Delivered);
            row.object_name = Some(envelope.object_name());
            row.sha256 = Some(rendered.sha256.clone());
            row.size = Some(rendered.bytes.len() as u64);
            match retry.run(|| sink.put_tracked(&envelope), |e| e.is_permanent()).await {
                Ok(delivery) => {
                    if delivery.written == Written::Created {
                        test_hooks::reached(CrashPoint::Uploaded);
                        created += 1;
                    }
                    row.remote_id = delivery.remote_id;
                }
                Err(e) => {
                    row.state = RowState::Failed;
                    row.reason = Some(e.reason().into());
                    row.detail = Some(e.to_string());
                    // Kept so the item can be replayed even when its source cannot give it again (X).
                    row.original = serde_json::to_string(&item).ok();
                    failure.get_or_insert(e);
                }
            }
            rows.push(row);
        }
        let verdict = match &failure {
            Some(e) => ItemVerdict::Failed(e.reason().into(), e.to_string()),
            None if created > 0 => ItemVerdict::Delivered(mailboxes),
            None => ItemVerdict::AlreadyPresent(mailboxes),
        };
        ItemResult { key: item.key.clone(), verdict, rows, created, fatal: Fatal(failure) }
    }
}

/// The item could not be rendered: oversize items are held (skipped) with their original kept; an
/// unreadable attachment fails the item so the next run tries again.
fn not_rendered(item: &Item, mailboxes: &[String], e: ConvertError) -> ItemResult {
    let detail = format!("{e} (meant for {})", mailboxes.join(", "));
    let (state, verdict, reason) = match e {
        ConvertError::Oversize { .. } => (
            RowState::Skipped,
            ItemVerdict::Skipped(SkipReason::Oversize, detail.clone()),
            SkipReason::Oversize.as_str().to_string(),
        ),
        other => (
            RowState::Failed,
            ItemVerdict::Failed(other.reason().into(), detail.clone()),
            other.reason().to_string(),
        ),
    };
    let mut row = Outcome::for_item(item, NO_MAILBOX, state);
    row.reason = Some(reason);
    row.detail = Some(detail);
    row.original = serde_json::to_string(item).ok();
    ItemResult::new(item.key.clone(), verdict, vec![row])
}
