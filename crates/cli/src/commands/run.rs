//! `docket run`: import a source into a target.

use docket_core::ledger::Ledger;
use docket_core::model::RunSummary;
use docket_core::pipeline::{self, Job, PipelineOptions};
use tokio_util::sync::CancellationToken;

use super::{prepare, state_dir};
use crate::args::RunArgs;
use crate::exit::{self, Exit};
use crate::{progress_bar, target};

pub async fn run(args: RunArgs) -> Exit {
    match run_inner(&args).await {
        Ok(summary) => {
            print_summary(&summary, args.json);
            if summary.failed_total() > 0 || summary.cancelled {
                Exit::Failed
            } else {
                Exit::Ok
            }
        }
        Err(e) => exit::report(&e, args.json),
    }
}

async fn run_inner(args: &RunArgs) -> Result<RunSummary, docket_core::Error> {
    let mut sinks = Vec::with_capacity(args.targets.len());
    let mut folder = args.source.folder.clone();
    for spec in &args.targets {
        let opened = target::open_with(spec, &args.cloud, args.allow_drafts)?;
        if let Some(from_target) = &opened.folder {
            match &folder {
                Some(flag) if flag != from_target => {
                    return Err(docket_core::config::ConfigError::Invalid {
                        field: "--folder".into(),
                        message: format!(
                        "--target names folder {from_target:?} but the folder is already {flag:?}; give the \
                             folder once"
                    ),
                    }
                    .into())
                }
                _ => folder = Some(from_target.clone()),
            }
        }
        if sinks
            .iter()
            .any(|s: &std::sync::Arc<dyn docket_core::sinks::Sink>| s.target_id() == opened.sink.target_id())
        {
            return Err(docket_core::config::ConfigError::Invalid {
                field: "--target".into(),
                message: format!("{spec:?} is given twice; give each target once"),
            }
            .into());
        }
        sinks.push(opened.sink);
    }
    let ledger = Ledger::open(&state_dir(&args.state))?;
    let progress = progress_bar::for_stderr();
    let prepared = prepare(&args.source, Some(&ledger), progress.clone())?;
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
    let options = PipelineOptions { folder, concurrency: args.concurrency, ..PipelineOptions::default() };
    pipeline::run(Job {
        source_label: prepared.label,
        source: prepared.source,
        resolver: prepared.resolver,
        sinks,
        ledger: &ledger,
        options,
        progress,
        cancel,
    })
    .await
}

fn print_summary(summary: &RunSummary, json: bool) {
    for warning in &summary.warnings {
        errln!("docket: warning: {warning}");
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
