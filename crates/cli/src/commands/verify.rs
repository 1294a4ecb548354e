//! `docket verify`: the ledger against the target, object by object: counts and digests.

use std::collections::BTreeMap;

use docket_core::ledger::Ledger;
use serde::Serialize;

use super::state_dir;
use crate::args::VerifyArgs;
use crate::exit::{self, Exit};
use crate::target;

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
    }
    if report.missing.is_empty() && report.digest_mismatch.is_empty() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

async fn verify_inner(args: &VerifyArgs) -> Result<VerifyReport, docket_core::Error> {
    let opened = target::open(&args.target, &args.cloud)?;
    let sink = opened.sink;
    let ledger = Ledger::open(&state_dir(&args.state))?;
    let target = sink.target_id();
    let rows = ledger.delivered(&target)?;
    // Graph lists mailbox folders, not a container: read the ones the ledger delivered to. Exchange keeps no
    // digest of the bytes sent, so a message found by its Message-ID counts as a match.
    let presence_only = opened.graph.is_some();
    if let Some(graph) = &opened.graph {
        for row in &rows {
            if let Some((mailbox, rest)) = row.object_name.split_once('/') {
                if let Some((folder, _key)) = rest.rsplit_once('/') {
                    graph.watch(mailbox, folder);
                }
            }
        }
    }
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
            None => report.missing.push(row.object_name),
            Some(Some(digest)) if *digest == row.sha256 => report.matched += 1,
            Some(None) if presence_only => report.matched += 1,
            Some(_) => report.digest_mismatch.push(row.object_name),
        }
    }
    report.unrecorded = objects.keys().filter(|name| !recorded.contains(*name)).cloned().collect();
    Ok(report)
}
