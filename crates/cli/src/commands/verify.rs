//! `docket verify`: the ledger against the target, object by object: counts and digests. For a Graph target
//! every delivered message is read back from its mailbox: missing, a draft, a received time more than a
//! minute off the item's, or another digest than the ledger's are each reported, and any of them exits 1.

use std::collections::BTreeMap;

use docket_core::connector::PlanTarget;
use docket_core::ledger::Ledger;
use docket_core::sinks::graph::{mailbox_state_problem, GraphSink};
use docket_core::sinks::Sink;
use serde::Serialize;

use super::state_dir;
use crate::args::VerifyArgs;
use crate::exit::{self, Exit};
use crate::plan::{self, EnvThenKeychain};

#[derive(Debug, Default, Serialize)]
struct VerifyReport {
    target: String,
    ledger_delivered: usize,
    target_objects: usize,
    matched: usize,
    /// In the ledger as delivered but not in the target.
    missing: Vec<String>,
    /// In both, with different digests.
    digest_mismatch: Vec<String>,
    /// In the target but not (yet) in the ledger: left by a run that stopped before recording them; the next
    /// run records them as already present.
    unrecorded: Vec<String>,
    /// Graph: messages the mailbox holds as drafts.
    drafts: Vec<String>,
    /// Graph: messages whose received time is more than a minute off the item's time.
    wrong_time: Vec<String>,
    /// With `--mark-missing`: ledger rows marked for delivery by the next run.
    #[serde(skip_serializing_if = "Option::is_none")]
    marked_for_redelivery: Option<u64>,
    /// (mailbox, item key) of each missing message.
    #[serde(skip)]
    missing_rows: Vec<(String, String)>,
}

pub async fn verify(args: VerifyArgs) -> Exit {
    let report = match verify_inner(&args).await {
        Ok(report) => report,
        Err(e) => return exit::report(&e, args.json),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        outln!(
            "{}: ledger {} delivered, target {} objects, {} match, {} missing, {} digest mismatches, {} unrecorded",
            report.target,
            report.ledger_delivered,
            report.target_objects,
            report.matched,
            report.missing.len(),
            report.digest_mismatch.len(),
            report.unrecorded.len()
        );
        for name in &report.missing {
            outln!("missing: {name}");
        }
        for name in &report.digest_mismatch {
            outln!("digest mismatch: {name}");
        }
        for name in &report.unrecorded {
            outln!("unrecorded: {name}");
        }
        for name in &report.drafts {
            outln!("draft (not archived as received mail): {name}");
        }
        for name in &report.wrong_time {
            outln!("received time off by more than a minute: {name}");
        }
    }
    if !report.missing.is_empty() {
        match report.marked_for_redelivery {
            Some(marked) => errln!(
                "docket: {marked} missing messages are marked in the ledger; run the same import again \
                 (`docket run --source ... --target {}`) to deliver them again",
                args.target
            ),
            None => errln!(
                "docket: {} delivered messages are missing from {}. To deliver them again, run `docket verify \
                 --target {} --mark-missing` (same --state), then the same `docket run` as before",
                report.missing.len(),
                report.target,
                args.target
            ),
        }
    }
    let clean = report.missing.is_empty()
        && report.digest_mismatch.is_empty()
        && report.drafts.is_empty()
        && report.wrong_time.is_empty();
    if clean {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

async fn verify_inner(args: &VerifyArgs) -> Result<VerifyReport, docket_core::Error> {
    let (planned, _) = plan::target_from_flag(&args.target, plan::cloud_name(&args.cloud)?, false)?;
    let ledger = Ledger::open_existing(&state_dir(&args.state)?)?;
    let mut report = if matches!(planned, PlanTarget::Graph { .. }) {
        let graph = planned.open_graph(&EnvThenKeychain)?;
        let target = graph.target_id();
        verify_mailboxes(&graph, &ledger, target).await?
    } else {
        verify_objects(&planned, &ledger).await?
    };
    if args.mark_missing && !report.missing_rows.is_empty() {
        report.marked_for_redelivery = Some(ledger.mark_missing(&report.target, &report.missing_rows)?);
    }
    Ok(report)
}

/// A folder or container: every object the ledger says it delivered, by name and digest.
async fn verify_objects(planned: &PlanTarget, ledger: &Ledger) -> Result<VerifyReport, docket_core::Error> {
    if let PlanTarget::Dir { path } = planned {
        if !std::path::Path::new(path).is_dir() {
            return Err(docket_core::config::ConfigError::cli("--target", format!(
                    "the folder {path} does not exist, so there is nothing to verify there. Check the path: it \
                     must be the dir: target your imports wrote to"
                ))
            .into());
        }
    }
    let sink = planned.open(&EnvThenKeychain)?;
    let target = sink.target_id();
    let rows = ledger.delivered(&target)?;
    let objects: BTreeMap<String, Option<String>> =
        sink.list().await?.into_iter().map(|o| (o.name, o.sha256)).collect();
    let mut report = VerifyReport {
        target,
        ledger_delivered: rows.len(),
        target_objects: objects.len(),
        ..VerifyReport::default()
    };
    let mut recorded = std::collections::BTreeSet::new();
    for row in rows {
        recorded.insert(row.object_name.clone());
        match objects.get(&row.object_name) {
            None => {
                report.missing_rows.push((row.mailbox.clone(), row.item_key.clone()));
                report.missing.push(row.object_name);
            }
            Some(Some(digest)) if *digest == row.sha256 => report.matched += 1,
            Some(_) => report.digest_mismatch.push(row.object_name),
        }
    }
    report.unrecorded = objects.keys().filter(|name| !recorded.contains(*name)).cloned().collect();
    Ok(report)
}

/// Reads every delivered message back from its mailbox (by Graph id, else by Docket's key anywhere in the
/// mailbox) and checks its draft state, received time and digest against the ledger.
async fn verify_mailboxes(
    graph: &GraphSink,
    ledger: &Ledger,
    target: String,
) -> Result<VerifyReport, docket_core::Error> {
    let rows = ledger.mailbox_rows(&target)?;
    let mut report = VerifyReport { target, ledger_delivered: rows.len(), ..VerifyReport::default() };
    for row in rows {
        let name = format!("{}/{}", row.mailbox, row.item_key);
        let Some(found) = graph.read_back(&row.mailbox, row.remote_id.as_deref(), &row.item_key).await?
        else {
            report.missing_rows.push((row.mailbox.clone(), row.item_key.clone()));
            report.missing.push(name);
            continue;
        };
        report.target_objects += 1;
        let allowed_draft = row.read_back.as_ref().is_some_and(|r| r.is_draft) && graph.routes().allow_drafts;
        let mut ok = true;
        if found.state.is_draft && !allowed_draft {
            report.drafts.push(name.clone());
            ok = false;
        }
        if let Some((reason, _)) = mailbox_state_problem(&found.state, &row.item_time, true) {
            if reason == "wrong_time" {
                report.wrong_time.push(name.clone());
                ok = false;
            }
        }
        // No digest at all is a mismatch too: the JSON route stamps it last, so its absence means an
        // attachment never arrived.
        if found.sha256 != row.sha256 {
            report.digest_mismatch.push(name);
            ok = false;
        }
        if ok {
            report.matched += 1;
        }
    }
    Ok(report)
}
