//! One item's trip through convert and the sinks: render once, write to every missing mailbox of every
//! target with retries, judge what each mailbox reports back, and describe the outcome as ledger rows (one
//! per item, mailbox and target). Runs as its own task so items proceed in parallel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::attachments;
use crate::convert::{self, ConvertError};
use crate::ledger::{Outcome, ReadBack, RowState, NO_MAILBOX};
use crate::model::{Item, SkipReason, TargetCounts};
use crate::sinks::graph::mailbox_state_problem;
use crate::sinks::{Envelope, Sink, SinkError, Written};
use crate::test_hooks::{self, CrashPoint};

use super::RetryPolicy;

pub(super) enum ItemVerdict {
    /// Newly written to at least one mailbox (the others were already there).
    Delivered(Vec<String>),
    /// Reached a mailbox only as a draft (the connector allows drafts); not delivered.
    Draft(Vec<String>),
    AlreadyPresent(Vec<String>),
    Skipped(SkipReason, crate::Text),
    /// At least one destination failed: (reason, detail).
    Failed(String, crate::Text),
}

/// One ledger row, with the target it belongs to.
pub(super) type TargetRow = (Arc<str>, Outcome);

pub(super) struct ItemResult {
    pub key: String,
    pub verdict: ItemVerdict,
    pub rows: Vec<TargetRow>,
    /// Objects newly created, over every target.
    pub created: u64,
    /// Per target: what its writes did.
    pub counts: Vec<(Arc<str>, TargetCounts)>,
    /// A sink error that will fail every other item too (refused credentials, bad settings).
    pub fatal: Fatal,
}

impl ItemResult {
    pub fn new(key: String, verdict: ItemVerdict, rows: Vec<TargetRow>) -> ItemResult {
        ItemResult { key, verdict, rows, created: 0, counts: Vec::new(), fatal: Fatal(None) }
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

/// One target's part of an item: the mailboxes it still lacks, and which of them must be looked up first.
pub(super) struct Destination {
    pub sink: Arc<dyn Sink>,
    pub target: Arc<str>,
    /// (mailbox, look first).
    pub mailboxes: Vec<(String, bool)>,
}

pub(super) struct Task {
    pub item: Item,
    pub destinations: Vec<Destination>,
    pub folder: Arc<str>,
    pub retry: RetryPolicy,
}

/// The item whose worker panicked (or was cancelled) fails with reason `internal`; it gets no ledger row,
/// so the next run delivers it. The panic's own message is not copied anywhere: it could hold anything.
pub(super) fn panicked(key: String, e: &tokio::task::JoinError) -> ItemResult {
    let detail = if e.is_panic() {
        crate::text!(
            "pipeline.worker_panicked",
            "the worker for this item panicked; nothing archived is lost, run again and report this if it repeats"
        )
    } else {
        crate::text!(
            "pipeline.worker_cancelled",
            "the worker for this item was cancelled; nothing archived is lost, run again and report this if it \
             repeats"
        )
    };
    ItemResult::new(key, ItemVerdict::Failed("internal".into(), detail), vec![])
}

/// The worst outcome so far of one item over its destinations.
#[derive(Default)]
struct Tally {
    created: u64,
    drafts: Vec<String>,
    failure: Option<(String, crate::Text)>,
    fatal: Option<SinkError>,
}

impl Task {
    pub async fn run(self) -> ItemResult {
        let Task { item, destinations, folder, retry } = self;
        let all_mailboxes: Vec<String> = destinations
            .iter()
            .flat_map(|d| d.mailboxes.iter().map(|(m, _)| m.clone()))
            .fold(Vec::new(), |mut seen, m| {
                if !seen.contains(&m) {
                    seen.push(m);
                }
                seen
            });
        let loaded = if item.attachments.is_empty() {
            Ok(Vec::new())
        } else {
            // Attachments are read from disk or zip before conversion: keep that off the async workers.
            let copy = item.clone();
            tokio::task::spawn_blocking(move || attachments::load(&copy)).await.unwrap_or_else(|e| {
                Err(ConvertError::Attachment {
                    name: "?".into(),
                    source: std::io::Error::other(e.to_string()),
                })
            })
        };
        let rendered = loaded.and_then(|loaded| convert::render(&item, loaded));
        let rendered = match rendered {
            Ok(r) => r,
            Err(e) => {
                let targets: Vec<Arc<str>> = destinations.iter().map(|d| d.target.clone()).collect();
                return not_rendered(&item, &all_mailboxes, &targets, e);
            }
        };
        test_hooks::reached(CrashPoint::Converted);

        let mut rows = Vec::new();
        let mut counts = Vec::new();
        let mut tally = Tally::default();
        for destination in &destinations {
            let mut target_counts = TargetCounts::default();
            for (mailbox, look_first) in &destination.mailboxes {
                let row =
                    deliver_one(&item, &rendered, destination, &folder, mailbox, *look_first, retry).await;
                let (row, outcome) = row;
                match outcome {
                    Wrote::Created => {
                        target_counts.delivered += 1;
                        tally.created += 1;
                    }
                    Wrote::Present => target_counts.already_present += 1,
                    Wrote::Draft => {
                        target_counts.drafts += 1;
                        tally.created += 1;
                        tally.drafts.push(mailbox.clone());
                    }
                    Wrote::Failed(reason, detail, error) => {
                        target_counts.failed += 1;
                        tally.failure.get_or_insert((reason, detail));
                        if let Some(error) = error {
                            tally.fatal.get_or_insert(error);
                        }
                    }
                }
                rows.push((destination.target.clone(), row));
            }
            counts.push((destination.target.clone(), target_counts));
        }
        let verdict = match tally.failure {
            Some((reason, detail)) => ItemVerdict::Failed(reason, detail),
            None if !tally.drafts.is_empty() => ItemVerdict::Draft(tally.drafts),
            None if tally.created > 0 => ItemVerdict::Delivered(all_mailboxes),
            None => ItemVerdict::AlreadyPresent(all_mailboxes),
        };
        ItemResult {
            key: item.key.clone(),
            verdict,
            rows,
            created: tally.created,
            counts,
            fatal: Fatal(tally.fatal),
        }
    }
}

/// What one write came to.
enum Wrote {
    Created,
    Present,
    Draft,
    Failed(String, crate::Text, Option<SinkError>),
}

/// Writes the rendered item to one mailbox of one target, with retries; an attempt after an ambiguous
/// failure looks first, so a write that did land is found rather than made twice. A mailbox that reports
/// the message as a draft (not allowed) or at the wrong time fails the row, with the message left in place.
async fn deliver_one(
    item: &Item,
    rendered: &convert::Rendered,
    destination: &Destination,
    folder: &str,
    mailbox: &str,
    look_first: bool,
    retry: RetryPolicy,
) -> (Outcome, Wrote) {
    let mut row = Outcome::for_item(item, mailbox, RowState::Delivered);
    let base = Envelope {
        mailbox,
        folder,
        key: &item.key,
        source: item.source.as_str(),
        source_id: &item.source_id,
        bytes: &rendered.bytes,
        sha256: &rendered.sha256,
        record_sha256: &item.record_digest,
        look_first,
    };
    row.object_name = Some(base.object_name());
    row.sha256 = Some(rendered.sha256.clone());
    row.size = Some(rendered.bytes.len() as u64);
    let tried = AtomicBool::new(false);
    let sink = &destination.sink;
    let result = retry
        .run(
            || {
                let again = tried.swap(true, Ordering::SeqCst);
                let envelope = Envelope { look_first: look_first || again, ..base };
                async move { sink.put_tracked(&envelope).await }
            },
            |e| e.is_permanent(),
        )
        .await;
    let failed = |mut row: Outcome, reason: String, detail: crate::Text, error: Option<SinkError>| {
        row.state = RowState::Failed;
        row.reason = Some(reason.clone());
        row.detail = Some(detail.message.clone());
        row.detail_text = Some(detail.clone());
        // Kept so the item can be replayed even when its source cannot give it again (X).
        row.original = serde_json::to_string(item).ok();
        (row, Wrote::Failed(reason, detail, error))
    };
    match result {
        Ok(delivery) => {
            row.remote_id = delivery.remote_id;
            if let Written::SameRecord { stored_sha256 } = &delivery.written {
                // The stored copy is kept as it is: the ledger vouches for what the target holds.
                row.sha256 = Some(stored_sha256.clone());
                row.size = None;
            }
            let created = delivery.written == Written::Created;
            if created {
                test_hooks::reached(CrashPoint::Uploaded);
            }
            let Some(state) = delivery.mailbox_state else {
                return (row, if created { Wrote::Created } else { Wrote::Present });
            };
            row.read_back = Some(ReadBack {
                is_draft: state.is_draft,
                received_at: state.received.clone(),
                sent_at: state.sent.clone(),
                internet_message_id: state.internet_message_id.clone(),
            });
            let allow_drafts = sink.allows_drafts();
            let item_time = item.timestamp.to_rfc3339();
            if let Some((reason, problem)) = mailbox_state_problem(&state, &item_time, allow_drafts) {
                let detail = crate::text!(
                    "pipeline.mailbox_problem",
                    "{mailbox}: {problem}",
                    mailbox = mailbox,
                    problem = problem
                );
                return failed(row, reason.to_string(), detail, None);
            }
            match (state.is_draft, created) {
                (true, _) => (row, Wrote::Draft),
                (false, true) => (row, Wrote::Created),
                (false, false) => (row, Wrote::Present),
            }
        }
        Err(e) => {
            let (reason, detail) = (e.reason().to_string(), e.text());
            failed(row, reason, detail, Some(e))
        }
    }
}

/// The item could not be rendered: oversize items are held (skipped) with their original kept; an
/// unreadable attachment fails the item so the next run tries again.
fn not_rendered(item: &Item, mailboxes: &[String], targets: &[Arc<str>], e: ConvertError) -> ItemResult {
    let detail = crate::text!(
        "pipeline.not_rendered",
        "{problem} (meant for {mailboxes})",
        problem = e.text(),
        mailboxes = mailboxes.join(", ")
    );
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
    row.detail = Some(detail.message.clone());
    row.detail_text = Some(detail.clone());
    row.original = serde_json::to_string(item).ok();
    let rows = targets.iter().map(|target| (target.clone(), row.clone())).collect();
    ItemResult::new(item.key.clone(), verdict, rows)
}
