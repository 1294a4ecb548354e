//! `docket runs`: past runs with their counts, newest first.

use docket_core::ledger::Ledger;

use super::state_dir;
use crate::args::RunsArgs;
use crate::exit::{self, Exit};

pub fn runs(args: RunsArgs) -> Exit {
    let records =
        state_dir(&args.state).and_then(|state| Ok(Ledger::open(&state).and_then(|l| l.runs(args.limit))?));
    let records = match records {
        Ok(records) => records,
        Err(e) => return exit::report(&e, args.json),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&records).unwrap_or_default());
        return Exit::Ok;
    }
    if records.is_empty() {
        outln!("no runs yet");
        return Exit::Ok;
    }
    outln!(
        "{:>5}  {:<24}  {:<11}  {:>8}  {:>9}  {:>8}  {:>7}  {:>6}  source -> target",
        "run",
        "started",
        "status",
        "fetched",
        "delivered",
        "present",
        "skipped",
        "failed"
    );
    for r in records {
        let s = &r.summary;
        outln!(
            "{:>5}  {:<24}  {:<11}  {:>8}  {:>9}  {:>8}  {:>7}  {:>6}  {} -> {}",
            r.run_id,
            r.started_at,
            r.status,
            s.fetched,
            s.delivered,
            s.already_present,
            s.skipped_total(),
            s.failed_total(),
            r.source,
            r.target
        );
    }
    Exit::Ok
}
