//! Scheduled runs, for every front end: which saved connectors are due, running each due one in turn through
//! `run_import`, and remembering those whose run failed so they wait `RETRY_AFTER` before the next try. The
//! desktop app's scheduler and `docket run-due` both call `run_due`; each passes its secrets and a `DueHost`
//! (the app: its import slot and window events; the CLI: its printing). The state folder's run lock is what
//! keeps two runs (the app, a timer's `run-due`, a `docket run`) apart: a connector whose run finds it held is
//! reported `Busy` and stays due, never failed. It decides no schedule itself (`Schedule::next_run` does) and
//! owns no clock: `now` is an argument.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::saved::{ConnectorStore, SavedConnector};
use super::{dashboard, run_import, CancellationToken};
use crate::error::{Code, Error};
use crate::ledger::{Ledger, LedgerError};
use crate::model::RunSummary;
use crate::pipeline::{Progress, ProgressFn};
use crate::secrets::SecretStore;

/// How long a connector whose scheduled run failed waits before it is tried again (within one process: the
/// app keeps this memory while it runs; each `docket run-due` starts afresh).
pub const RETRY_AFTER: Duration = Duration::minutes(30);

/// What happened to one saved connector in a scheduled pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DueOutcome {
    /// It was due and ran (its summary says how the items went).
    Ran,
    /// Its next run is later, or it runs only by hand.
    NotDue,
    /// It is due, and was not run because this was a dry run.
    Due,
    /// It is due, but another run holds the state folder (the app, another `run-due`, a `docket run`); it
    /// stays due and runs at the next pass.
    Busy,
    /// It was due and its run failed (the error says why and what to do).
    Failed,
    /// It is due, but its last scheduled run failed less than `RETRY_AFTER` ago (the app only).
    Waiting,
}

/// A failure as a front end shows it: the core's stable code and its sentence for the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DueError {
    #[ts(as = "Code")]
    pub code: String,
    pub message: String,
    /// The same sentence with its key and values, for the app to say in the admin's language.
    pub text: crate::Text,
    /// Bad input or configuration: the admin must change something before a rerun helps.
    #[serde(skip)]
    pub input_problem: bool,
}

impl DueError {
    /// A failure with `code` that says `text` (its English is the `message`).
    fn new(code: Code, text: crate::Text) -> DueError {
        DueError {
            code: code.as_str().to_string(),
            message: text.message.clone(),
            text,
            input_problem: code.is_input_problem(),
        }
    }
}

impl From<&Error> for DueError {
    fn from(error: &Error) -> DueError {
        DueError::new(error.code(), error.text())
    }
}

/// One connector's line in a scheduled pass.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DueReport {
    pub connector_id: String,
    pub name: String,
    pub outcome: DueOutcome,
    /// When its schedule runs it next (RFC 3339, UTC), as it stood before this pass; none for manual ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub summary: Option<RunSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<DueError>,
}

/// Connectors whose last scheduled run failed, and when; shared by every pass of one process.
#[derive(Debug, Default, Clone)]
pub struct DueMemory {
    failed_at: Arc<Mutex<HashMap<String, DateTime<Utc>>>>,
}

impl DueMemory {
    fn waiting(&self, id: &str, now: DateTime<Utc>) -> bool {
        let failed = self.failed_at.lock().unwrap_or_else(|p| p.into_inner());
        failed.get(id).is_some_and(|at| now - *at < RETRY_AFTER)
    }

    fn note(&self, id: &str, failed: bool, now: DateTime<Utc>) {
        let mut map = self.failed_at.lock().unwrap_or_else(|p| p.into_inner());
        if failed {
            map.insert(id.to_string(), now);
        } else {
            map.remove(id);
        }
    }
}

/// A run the front end lets start: its cancellation token, and whatever the front end holds while it runs
/// (the app's place in its import slot, so the window's Cancel reaches a scheduled run).
pub struct DueTicket {
    pub cancel: CancellationToken,
    pub hold: Box<dyn Send>,
}

impl DueTicket {
    /// A ticket that holds nothing (the CLI).
    pub fn free(cancel: CancellationToken) -> DueTicket {
        DueTicket { cancel, hold: Box::new(()) }
    }
}

/// What a front end gives a scheduled pass and hears from it.
pub trait DueHost: Send + Sync {
    /// Lets the next run start, or `None` while the front end runs an import of its own (the app's window):
    /// the connectors left are reported `Busy` and stay due.
    fn begin(&self) -> Option<DueTicket>;
    /// A due connector's run is starting.
    fn started(&self, _connector: &SavedConnector) {}
    /// Where that run's progress goes.
    fn progress(&self, _connector_id: &str) -> ProgressFn {
        Arc::new(|_: Progress| {})
    }
    /// A connector's line is settled (every outcome, in the order of the pass).
    fn finished(&self, _report: &DueReport) {}
}

/// Every saved connector with its next run, the due ones first (oldest-due first), then the others in the
/// order they were saved. Schedules are read in the computer's local time zone, as the app runs them.
pub fn due_list(
    store: &ConnectorStore,
    ledger: &Ledger,
    now: DateTime<Utc>,
) -> Result<Vec<(SavedConnector, Option<String>, bool)>, Error> {
    let mut due = Vec::new();
    let mut later = Vec::new();
    for connector in store.list()? {
        let next = dashboard::next_run_local(&connector, ledger)?;
        let is_due = dashboard::due_at(next.as_deref(), now);
        if is_due {
            due.push((connector, next, true));
        } else {
            later.push((connector, next, false));
        }
    }
    due.sort_by(|a, b| a.1.cmp(&b.1));
    due.extend(later);
    Ok(due)
}

/// Which connectors would run now, running none (`docket run-due --dry-run`).
pub fn dry_run(store: &ConnectorStore, ledger: &Ledger, now: DateTime<Utc>) -> Result<Vec<DueReport>, Error> {
    Ok(due_list(store, ledger, now)?
        .into_iter()
        .map(|(connector, next_run, is_due)| {
            report(&connector, if is_due { DueOutcome::Due } else { DueOutcome::NotDue }, next_run)
        })
        .collect())
}

/// Runs every saved connector that is due at `now`, one after another, each through `run_import` with its
/// saved plan, and reports every connector (due or not) in the order of the pass. A run that finds the state
/// folder's run lock held is `Busy`; a failed run is `Failed` and waits `RETRY_AFTER` in `memory`.
pub async fn run_due(
    store: &ConnectorStore,
    ledger: &Ledger,
    secrets: &dyn SecretStore,
    memory: &DueMemory,
    host: &dyn DueHost,
    now: DateTime<Utc>,
) -> Result<Vec<DueReport>, Error> {
    let mut reports = Vec::new();
    for (connector, next_run, is_due) in due_list(store, ledger, now)? {
        let line = if !is_due {
            report(&connector, DueOutcome::NotDue, next_run)
        } else if memory.waiting(&connector.id, now) {
            report(&connector, DueOutcome::Waiting, next_run)
        } else {
            run_one(&connector, next_run, ledger, secrets, memory, host, now).await
        };
        host.finished(&line);
        reports.push(line);
    }
    Ok(reports)
}

async fn run_one(
    connector: &SavedConnector,
    next_run: Option<String>,
    ledger: &Ledger,
    secrets: &dyn SecretStore,
    memory: &DueMemory,
    host: &dyn DueHost,
    now: DateTime<Utc>,
) -> DueReport {
    let mut line = report(connector, DueOutcome::Busy, next_run);
    let Some(ticket) = host.begin() else {
        let text = crate::text!(
            "due.window_busy",
            "an import started in the Docket window is running; this connector stays due and runs at the next \
             check"
        );
        line.error = Some(DueError::new(Code::Ledger, text));
        return line;
    };
    // Ask for the lock before the run opens its source, so a held folder reads as busy whatever else is
    // wrong; the run takes the lock again itself (a run that slips in between is caught there as well).
    match ledger.lock_for_run() {
        Ok(lock) => drop(lock),
        Err(LedgerError::Busy(path)) => {
            line.error = Some(DueError::from(&Error::Ledger(LedgerError::Busy(path))));
            return line;
        }
        Err(other) => {
            memory.note(&connector.id, true, now);
            line.outcome = DueOutcome::Failed;
            line.error = Some(DueError::from(&Error::from(other)));
            return line;
        }
    }
    tracing::info!(connector = %connector.id, "scheduled run starting");
    host.started(connector);
    let progress = host.progress(&connector.id);
    let result =
        run_import(&connector.settings.request, secrets, ledger, progress, ticket.cancel.clone()).await;
    drop(ticket);
    match result {
        Ok(summary) => {
            memory.note(&connector.id, false, now);
            line.outcome = DueOutcome::Ran;
            line.summary = Some(summary);
        }
        Err(Error::Ledger(LedgerError::Busy(path))) => {
            line.error = Some(DueError::from(&Error::Ledger(LedgerError::Busy(path))));
        }
        Err(error) => {
            tracing::warn!(connector = %connector.id, code = %error.code().as_str(), "scheduled run failed: {error}");
            memory.note(&connector.id, true, now);
            line.outcome = DueOutcome::Failed;
            line.error = Some(DueError::from(&error));
        }
    }
    line
}

fn report(connector: &SavedConnector, outcome: DueOutcome, next_run: Option<String>) -> DueReport {
    DueReport {
        connector_id: connector.id.clone(),
        name: connector.settings.name.clone(),
        outcome,
        next_run,
        summary: None,
        error: None,
    }
}
