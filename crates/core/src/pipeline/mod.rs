//! The pipeline: source → mapping → convert → sink(s) → ledger, with bounded concurrency, retries,
//! cancellation and progress. It decides what happens to each item and accounts for all of them:
//! `fetched = delivered + already_present + skipped(reason) + failed(reason)`. It owns no I/O of its own:
//! sources, sinks and the ledger are handed to it.

mod coverage;
mod deliver;

/// Progress events and the retry policy live in leaf modules (sources use them too); re-exported here.
pub use crate::{progress, retry};

use crate::text;
use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio_util::sync::CancellationToken;

pub use progress::{Progress, ProgressFn};
pub use retry::RetryPolicy;

use crate::error::Error;
use crate::ledger::{Ledger, Outcome, RowState, NO_MAILBOX};
use crate::mapping::{Resolution, Resolver};
use crate::model::{Item, RunSummary, SkipReason};
use crate::sinks::Sink;
use crate::sources::Source;
use crate::test_hooks::{self, CrashPoint};
use deliver::{ItemResult, ItemVerdict, TargetRow};

/// How a run behaves; none of it is secret.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// The mailbox folder; `None` means the source's documented default (`WhatsApp Archiver`...).
    pub folder: Option<String>,
    /// Items converted and uploaded at once.
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// Outcomes committed to the ledger per transaction.
    pub batch_size: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions { folder: None, concurrency: 16, retry: RetryPolicy::default(), batch_size: 256 }
    }
}

/// Everything one run needs.
pub struct Job<'a> {
    /// A label for the run record, e.g. `whatsapp:/exports/chat.zip`.
    pub source_label: String,
    pub source: Box<dyn Source>,
    pub resolver: Arc<Resolver>,
    /// Every target of the run: one fetch fans out to each (mailboxes through Graph, an archive copy...).
    pub sinks: Vec<Arc<dyn Sink>>,
    pub ledger: &'a Ledger,
    pub options: PipelineOptions,
    pub progress: ProgressFn,
    pub cancel: CancellationToken,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Runs one import to the end (or until cancelled) and returns its accounting. Items already archived stay
/// archived whatever happens; an error that stops the run early (a source that cannot be read further,
/// storage credentials refused) is returned after everything in flight has been recorded.
pub async fn run(job: Job<'_>) -> Result<RunSummary, Error> {
    let Job { source_label, mut source, resolver, sinks, ledger, options, progress, cancel } = job;
    let _lock = ledger.lock_for_run()?;
    let targets: Vec<(Arc<str>, Arc<dyn Sink>)> =
        sinks.into_iter().map(|sink| (Arc::<str>::from(sink.target_id()), sink)).collect();
    let target_label = targets.iter().map(|(t, _)| t.as_ref()).collect::<Vec<_>>().join(", ");
    let run_id = ledger.start_run(&source_label, &target_label, &now())?;
    let mut summary = RunSummary { run_id, ..RunSummary::default() };
    for (target, _) in &targets {
        summary.targets.insert(target.to_string(), Default::default());
    }
    progress(Progress::Started { run_id, source: source_label.clone(), target: target_label.clone() });
    if targets.is_empty() {
        ledger.finish_run(&summary, "failed", &now())?;
        return Err(crate::config::ConfigError::Invalid {
            field: text!("field.targets", "targets"),
            message: text!("pipeline.no_target", "the run has no target; choose where the messages go"),
        }
        .into());
    }

    for (_, sink) in &targets {
        if let Err(e) = options.retry.run(|| sink.prepare(), |e| e.is_permanent()).await {
            ledger.finish_run(&summary, "failed", &now())?;
            return Err(e.into());
        }
    }
    let mut known_mailboxes = KnownMailboxes::default();
    let mut chats = coverage::ChatTracker::for_run(&source_label);

    let folder: Arc<str> =
        options.folder.clone().unwrap_or_else(|| source.kind().default_folder().to_string()).into();
    let concurrency = options.concurrency.max(1);
    let mut in_flight = FuturesUnordered::new();
    let mut pending: Vec<TargetRow> = Vec::with_capacity(options.batch_size);
    let mut stop: Option<Error> = None;
    let mut source_done = false;
    report_warnings(source.as_mut(), &mut summary, &progress);

    loop {
        while !source_done && stop.is_none() && in_flight.len() < concurrency {
            if cancel.is_cancelled() {
                summary.cancelled = true;
                source_done = true;
                break;
            }
            let next = source.next_item().await;
            report_warnings(source.as_mut(), &mut summary, &progress);
            match next {
                Ok(Some(item)) => {
                    test_hooks::reached(CrashPoint::Fetched);
                    summary.fetched += 1;
                    chats.observe(&item);
                    progress(Progress::Fetched { key: item.key.clone(), fetched: summary.fetched });
                    match plan(&item, &resolver, ledger, &targets, &mut known_mailboxes)? {
                        Plan::Done(result) => account(result, &mut summary, &mut pending, &progress),
                        Plan::Deliver { destinations } => {
                            let mut item = item;
                            resolver.address(&mut item);
                            let task = deliver::Task {
                                item,
                                destinations,
                                folder: folder.clone(),
                                retry: options.retry,
                            };
                            // A worker that panics fails its own item (the next run retries it);
                            // the run goes on and still accounts for everything.
                            let key = task.item.key.clone();
                            let worker = tokio::spawn(task.run());
                            in_flight.push(async move {
                                worker.await.unwrap_or_else(|e| deliver::panicked(key, &e))
                            });
                        }
                    }
                }
                Ok(None) => source_done = true,
                Err(e) => {
                    stop = Some(e.into());
                    source_done = true;
                }
            }
        }
        let Some(mut result) = in_flight.next().await else {
            break;
        };
        if let Some(fatal) = result.fatal.take_if_systemic() {
            stop.get_or_insert(fatal.into());
        }
        account(result, &mut summary, &mut pending, &progress);
        if pending.len() >= options.batch_size {
            record(ledger, run_id, &mut pending)?;
        }
    }
    record(ledger, run_id, &mut pending)?;
    for text in chats.finish(ledger, run_id)? {
        tracing::warn!("{text}");
        progress(Progress::Warning { message: text.message.clone(), text: text.clone() });
        summary.warn(text);
    }
    // Checkpoints move only when everything the source handed on is in the ledger and nothing failed, so a
    // stopped, cancelled or partly failed run fetches the same window again (the ledger de-duplicates).
    if stop.is_none() && !summary.cancelled && summary.failed_total() == 0 {
        for checkpoint in source.checkpoints() {
            ledger.set_checkpoint(&checkpoint.source, &checkpoint.name, &checkpoint.value)?;
        }
    }

    let status = match (&stop, summary.cancelled) {
        (Some(_), _) => "failed",
        (None, true) => "cancelled",
        (None, false) => "finished",
    };
    ledger.finish_run(&summary, status, &now())?;
    debug_assert!(summary.balances(), "unbalanced run summary: {summary:?}");
    match stop {
        Some(e) => Err(e),
        None => {
            progress(Progress::Finished { summary: summary.clone() });
            Ok(summary)
        }
    }
}

/// Moves the source's new warnings into the summary and reports each one.
fn report_warnings(source: &mut dyn Source, summary: &mut RunSummary, progress: &ProgressFn) {
    for text in source.take_warnings() {
        tracing::info!("{text}");
        progress(Progress::Warning { message: text.message.clone(), text: text.clone() });
        summary.warn(text);
    }
}

enum Plan {
    /// Nothing to write: the outcome is known already.
    Done(ItemResult),
    /// Render once and write to these mailboxes of these targets.
    Deliver { destinations: Vec<deliver::Destination> },
}

/// Per (target, mailbox): whether the ledger had delivered anything there before this run, asked once. A
/// ledger new for a mailbox cannot vouch for any item there, so every write to it looks first all run long.
#[derive(Default)]
struct KnownMailboxes(HashMap<(Arc<str>, String), bool>);

impl KnownMailboxes {
    fn knows(&mut self, ledger: &Ledger, target: &Arc<str>, mailbox: &str) -> Result<bool, Error> {
        if let Some(known) = self.0.get(&(target.clone(), mailbox.to_string())) {
            return Ok(*known);
        }
        let known = ledger.knows_mailbox(target, mailbox)?;
        self.0.insert((target.clone(), mailbox.to_string()), known);
        Ok(known)
    }
}

/// Decides, without touching a sink, what an item needs: unmapped items are held with their reason, items
/// the ledger has delivered everywhere are already present, the rest go to the mailboxes missing in each
/// target. A write looks in the mailbox first only when the ledger tried that (item, mailbox) before or
/// knows nothing of that mailbox yet; on the happy path it costs one request.
fn plan(
    item: &Item,
    resolver: &Resolver,
    ledger: &Ledger,
    targets: &[(Arc<str>, Arc<dyn Sink>)],
    known: &mut KnownMailboxes,
) -> Result<Plan, Error> {
    match resolver.resolve(item) {
        Resolution::Unmapped { reason } => {
            let mut row = Outcome::for_item(item, NO_MAILBOX, RowState::Skipped);
            row.reason = Some(SkipReason::Unmapped.as_str().into());
            row.detail = Some(reason.message.clone());
            row.detail_text = Some(reason.clone());
            row.original = serde_json::to_string(item).ok();
            let rows = targets.iter().map(|(target, _)| (target.clone(), row.clone())).collect();
            Ok(Plan::Done(ItemResult::new(
                item.key.clone(),
                ItemVerdict::Skipped(SkipReason::Unmapped, reason),
                rows,
            )))
        }
        Resolution::Mailboxes(mailboxes) => {
            let mut destinations = Vec::new();
            for (target, sink) in targets {
                let rows = ledger.item_mailboxes(target, &item.key)?;
                let row =
                    |mailbox: &str| rows.iter().find(|(m, _)| m == mailbox).map(|(_, delivered)| *delivered);
                let mut wanted = Vec::new();
                for mailbox in &mailboxes {
                    let look_first = match row(mailbox) {
                        Some(true) => continue,
                        // Tried before and not delivered: it may have landed anyway.
                        Some(false) => true,
                        None => !known.knows(ledger, target, mailbox)?,
                    };
                    wanted.push((mailbox.clone(), look_first));
                }
                if wanted.is_empty() {
                    continue;
                }
                destinations.push(deliver::Destination {
                    sink: sink.clone(),
                    target: target.clone(),
                    mailboxes: wanted,
                });
            }
            if destinations.is_empty() {
                Ok(Plan::Done(ItemResult::new(
                    item.key.clone(),
                    ItemVerdict::AlreadyPresent(mailboxes),
                    vec![],
                )))
            } else {
                Ok(Plan::Deliver { destinations })
            }
        }
    }
}

/// Commits the queued rows, one transaction per target.
fn record(ledger: &Ledger, run_id: i64, pending: &mut Vec<TargetRow>) -> Result<(), Error> {
    if pending.is_empty() {
        return Ok(());
    }
    let now = now();
    let mut by_target: Vec<(Arc<str>, Vec<Outcome>)> = Vec::new();
    for (target, row) in pending.drain(..) {
        match by_target.iter_mut().find(|(t, _)| *t == target) {
            Some((_, rows)) => rows.push(row),
            None => by_target.push((target, vec![row])),
        }
    }
    for (target, rows) in by_target {
        ledger.record(&target, run_id, &now, &rows)?;
    }
    Ok(())
}

/// Adds one item's result to the summary, queues its ledger rows and reports it.
fn account(
    result: ItemResult,
    summary: &mut RunSummary,
    pending: &mut Vec<TargetRow>,
    progress: &ProgressFn,
) {
    let key = result.key;
    for (target, counts) in &result.counts {
        let total = summary.targets.entry(target.to_string()).or_default();
        total.delivered += counts.delivered;
        total.already_present += counts.already_present;
        total.drafts += counts.drafts;
        total.failed += counts.failed;
    }
    match result.verdict {
        ItemVerdict::Delivered(mailboxes) => {
            summary.delivered += 1;
            summary.deliveries += result.created;
            progress(Progress::Delivered { key, mailboxes, already_present: false });
        }
        ItemVerdict::Draft(mailboxes) => {
            summary.drafts += 1;
            summary.deliveries += result.created;
            let text = crate::text!(
                "pipeline.draft_allowed",
                "stored only as a draft (drafts are allowed for this connector) in {mailboxes}",
                mailboxes = mailboxes.join(", ")
            );
            progress(Progress::Skipped { key, reason: "draft".into(), detail: text.message.clone(), text });
        }
        ItemVerdict::AlreadyPresent(mailboxes) => {
            summary.already_present += 1;
            progress(Progress::Delivered { key, mailboxes, already_present: true });
        }
        ItemVerdict::Skipped(reason, text) => {
            *summary.skipped.entry(reason.as_str().to_string()).or_default() += 1;
            let detail = text.message.clone();
            progress(Progress::Skipped { key, reason: reason.as_str().into(), detail, text });
        }
        ItemVerdict::Failed(reason, text) => {
            summary.deliveries += result.created;
            *summary.failed.entry(reason.clone()).or_default() += 1;
            let detail = text.message.clone();
            progress(Progress::Failed { key, reason, detail, text });
        }
    }
    pending.extend(result.rows);
}
