//! `docket run-due`: every saved connector whose run is due, one at a time, through the core's scheduled pass
//! (`connector::run_due`, the same code the desktop app's scheduler calls). The CLI only supplies its secret
//! store (environment, then the OS keychain), Ctrl-C, and the printing; the exit code follows the contract.

use docket_core::config::ConfigError;
use docket_core::connector::{
    self, ConnectorStore, DueHost, DueOutcome, DueReport, DueTicket, SavedConnector,
};
use docket_core::ledger::Ledger;
use docket_core::pipeline::ProgressFn;
use tokio_util::sync::CancellationToken;

use super::run::cancel_on_ctrl_c;
use super::state_dir;
use crate::args::RunDueArgs;
use crate::exit::{self, Exit};
use crate::plan::EnvThenKeychain;
use crate::progress_bar;

/// The CLI as the scheduled pass sees it: nothing else of its own runs, so every run may start.
struct CliDueHost {
    cancel: CancellationToken,
    json: bool,
}

impl DueHost for CliDueHost {
    fn begin(&self) -> Option<DueTicket> {
        Some(DueTicket::free(self.cancel.clone()))
    }

    fn started(&self, connector: &SavedConnector) {
        errln!("docket: running {} ({})", connector.settings.name, connector.id);
    }

    fn progress(&self, _connector_id: &str) -> ProgressFn {
        progress_bar::for_stderr()
    }

    fn finished(&self, report: &DueReport) {
        if !self.json {
            outln!("{}", line(report));
        }
    }
}

pub async fn run_due(args: RunDueArgs) -> Exit {
    let reports = match pass(&args).await {
        Ok(reports) => reports,
        Err(e) => return exit::report(&e, args.json),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&reports).unwrap_or_default());
    } else if args.dry_run {
        for report in &reports {
            outln!("{}", line(report));
        }
    }
    if reports.is_empty() && !args.json {
        outln!("no saved connectors");
    }
    for report in &reports {
        for warning in report.summary.iter().flat_map(|s| &s.warnings) {
            errln!("docket: warning: {} ({}): {warning}", report.name, report.connector_id);
        }
    }
    exit_for(&reports)
}

async fn pass(args: &RunDueArgs) -> Result<Vec<DueReport>, docket_core::Error> {
    let state = state_dir(&args.state)?;
    let store = ConnectorStore::new(&state);
    if !store.path().is_file() {
        return Err(ConfigError::cli(store.path().display().to_string(), "there are no saved connectors here. Save a connector in the Docket app first, or point \
                      --state (or DOCKET_STATE_DIR) at the state folder the app uses (by default the same as this command's)")
        .into());
    }
    let ledger = Ledger::open(&state)?;
    if args.dry_run {
        return connector::due_dry_run(&store, &ledger, connector::now());
    }
    let cancel = cancel_on_ctrl_c();
    let host = CliDueHost { cancel, json: args.json };
    let memory = connector::DueMemory::default();
    connector::run_due(&store, &ledger, &EnvThenKeychain, &memory, &host, connector::now()).await
}

/// 2 when a connector failed for bad input or configuration (the admin must change something), else 1 when a
/// run failed, was cancelled or some items failed, else 0 (busy connectors stay due and are not failures).
fn exit_for(reports: &[DueReport]) -> Exit {
    let failed = |r: &&DueReport| r.outcome == DueOutcome::Failed;
    if reports.iter().filter(failed).any(|r| r.error.as_ref().is_some_and(|e| e.input_problem)) {
        return Exit::BadInput;
    }
    let items_failed =
        |r: &DueReport| r.summary.as_ref().is_some_and(|s| s.failed_total() > 0 || s.cancelled);
    if reports.iter().any(|r| r.outcome == DueOutcome::Failed || items_failed(r)) {
        return Exit::Failed;
    }
    Exit::Ok
}

/// One connector's line for the admin.
fn line(report: &DueReport) -> String {
    let who = format!("{} ({})", report.name, report.connector_id);
    let error =
        || report.error.as_ref().map(|e| format!("error[{}]: {}", e.code, e.message)).unwrap_or_default();
    match report.outcome {
        DueOutcome::Ran => match &report.summary {
            Some(s) => format!(
                "ran      {who}: run {}, fetched {}, delivered {}, already present {}, skipped {}, failed {}{}",
                s.run_id,
                s.fetched,
                s.delivered,
                s.already_present,
                s.skipped.values().sum::<u64>(),
                s.failed_total(),
                if s.cancelled { " (cancelled: run-due again continues it)" } else { "" }
            ),
            None => format!("ran      {who}"),
        },
        DueOutcome::NotDue => match &report.next_run {
            Some(next) => format!("not due  {who}: next run at {next}"),
            None => format!("not due  {who}: runs only when started by hand"),
        },
        DueOutcome::Due => format!("due      {who}: would run now"),
        DueOutcome::Busy => format!("busy     {who}: already running ({}); it stays due", error()),
        DueOutcome::Failed => format!("failed   {who}: {}", error()),
        DueOutcome::Waiting => format!("waiting  {who}: its last run failed; it is tried again later"),
    }
}
