//! `docket run`: import a source into a target.

use docket_core::connector;
use docket_core::ledger::Ledger;
use docket_core::model::RunSummary;
use tokio_util::sync::CancellationToken;

use super::state_dir;
use crate::args::RunArgs;
use crate::exit::{self, Exit};
use crate::plan::{self, EnvThenKeychain, TargetFlags};
use crate::progress_bar;

pub async fn run(args: RunArgs) -> Exit {
    if args.show_plan {
        return show_plan(&args);
    }
    match run_inner(&args).await {
        Ok(summary) => {
            print_summary(&summary, args.json, &args);
            summary_exit(&summary)
        }
        Err(e) => exit::report(&e, args.json),
    }
}

/// 0 when every item is accounted for without failure, 1 when some failed or the run was cancelled.
pub(super) fn summary_exit(summary: &RunSummary) -> Exit {
    if summary.failed_total() > 0 || summary.cancelled {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

pub(super) fn target_flags(args: &RunArgs) -> TargetFlags<'_> {
    TargetFlags {
        targets: &args.targets,
        cloud: &args.cloud,
        allow_drafts: args.allow_drafts,
        concurrency: args.concurrency,
    }
}

/// `--show-plan`: the validated plan and its label, and nothing run.
fn show_plan(args: &RunArgs) -> Exit {
    let plan = match plan::from_flags(&args.source, Some(target_flags(args))) {
        Ok(plan) => plan,
        Err(e) => return exit::report(&e, true),
    };
    if let Err(e) = plan.validate() {
        return exit::report(&e.into(), true);
    }
    outln!("{}", serde_json::json!({ "label": plan.label(), "plan": plan }));
    Exit::Ok
}

async fn run_inner(args: &RunArgs) -> Result<RunSummary, docket_core::Error> {
    let plan = plan::from_flags(&args.source, Some(target_flags(args)))?;
    let ledger = Ledger::open(&state_dir(&args.state)?)?;
    let progress = progress_bar::for_stderr();
    let cancel = cancel_on_ctrl_c();
    if plan.telegram_bot_name().is_some() {
        // Live Telegram: drain what is waiting, batch by batch, each confirmed only once in the ledger.
        return connector::telegram_bot::drain(&plan, &EnvThenKeychain, &ledger, progress, cancel).await;
    }
    let opened = plan.open(&EnvThenKeychain, &ledger, progress.clone())?;
    connector::run_opened(opened, &ledger, progress, cancel).await
}

pub(super) fn print_summary(summary: &RunSummary, json: bool, args: &RunArgs) {
    for warning in &summary.warnings {
        errln!("docket: warning: {warning}");
    }
    if let Some(&unmapped) = summary.skipped.get("unmapped").filter(|n| **n > 0) {
        let state = args.state.as_ref().map(|s| format!(" --state {}", s.display())).unwrap_or_default();
        errln!(
            "docket: {unmapped} of {} items were held as unmapped: none of their participants maps to a Microsoft \
             365 mailbox. See them with `docket held --source {}{state}`; add the people to the mapping CSV \
             (or set --mailbox with automatic mapping), then run `docket replay` with this run's flags to import \
             them.",
            summary.fetched,
            args.source.source
        );
    }
    if json {
        let value = serde_json::json!({
            "run_id": summary.run_id,
            "fetched": summary.fetched,
            "delivered": summary.delivered,
            "already_present": summary.already_present,
            "skipped": summary.skipped,
            "failed": summary.failed,
            "deliveries": summary.deliveries,
            "drafts": summary.drafts,
            "targets": summary.targets,
            "cancelled": summary.cancelled,
            "warnings": summary.warnings,
        });
        outln!("{value}");
        return;
    }
    let reasons = |m: &std::collections::BTreeMap<String, u64>| {
        if m.is_empty() {
            "0".to_string()
        } else {
            m.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ")
        }
    };
    errln!(
        "run {}: fetched {}, delivered {} ({} messages written), drafts {}, already present {}, skipped {}, failed {}{}",
        summary.run_id,
        summary.fetched,
        summary.delivered,
        summary.deliveries,
        summary.drafts,
        summary.already_present,
        reasons(&summary.skipped),
        reasons(&summary.failed),
        if summary.cancelled { " (cancelled: run again to continue)" } else { "" }
    );
}

/// A token cancelled by the first Ctrl-C (the run stops after the items in flight, and the ledger keeps what
/// they did); a second Ctrl-C aborts at once with exit 130.
pub(crate) fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            errln!("docket: stopping after the items in flight (press Ctrl-C again to abort)");
            on_ctrl_c.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    cancel
}
