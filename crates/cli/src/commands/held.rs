//! `docket held`: the items the ledger holds back (unmapped, oversize, failed) with their reasons, as the
//! app's held-items view shows them; and `docket replay`: imports the held items of a source again with the
//! current mapping, from the originals the ledger kept (the export need not be there any more).

use docket_core::connector;
use docket_core::ledger::{HeldRow, Ledger};
use tokio_util::sync::CancellationToken;

use super::run::{print_summary, summary_exit, target_flags};
use super::state_dir;
use crate::args::{HeldArgs, RunArgs};
use crate::exit::{self, Exit};
use crate::plan::{self, EnvThenKeychain};
use crate::progress_bar;

pub fn held(args: HeldArgs) -> Exit {
    let rows = (|| -> Result<Vec<HeldRow>, docket_core::Error> {
        let ledger = Ledger::open_existing(&state_dir(&args.state)?)?;
        let Some(source) = &args.source else {
            return Ok(ledger.held(None, args.limit)?);
        };
        // One source's rows (by its ledger label), in the same shape as every source's.
        let plan = plan::from_flags(&source_only(source), None)?;
        let rows = ledger.held_for_source(&plan.label(), args.limit)?;
        Ok(rows
            .into_iter()
            .map(|row| HeldRow {
                reason: row.reason.unwrap_or_else(|| row.state.clone()),
                source: plan.source_kind.as_str().to_string(),
                item_key: row.item_key,
                mailbox: row.mailbox,
                state: row.state,
                detail: row.detail,
                chat: row.chat,
                source_id: row.source_id,
                item_time: row.item_time,
            })
            .collect())
    })();
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return exit::report(&e, args.json),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&rows).unwrap_or_default());
        return Exit::Ok;
    }
    if rows.is_empty() {
        outln!("no held items: every item read so far was delivered");
        return Exit::Ok;
    }
    for row in &rows {
        outln!("{}  {}  {}  {} ({})", row.item_time, row.chat, row.reason, row.source_id, row.item_key);
        if let Some(detail) = &row.detail {
            outln!("    {detail}");
        }
    }
    errln!(
        "docket: {} held items. Fix what their reasons name (for unmapped items, add the people to the mapping \
         CSV), then run `docket replay` with the same flags as the import to import them.",
        rows.len()
    );
    Exit::Ok
}

/// A source given as KIND:LOCATION alone, for its ledger label.
fn source_only(source: &str) -> crate::args::SourceArgs {
    crate::args::SourceArgs {
        source: source.to_string(),
        mapping: None,
        no_auto_map: false,
        mailbox: None,
        folder: None,
        timezone: None,
        date_order: None,
        default_region: None,
    }
}

pub async fn replay(args: RunArgs) -> Exit {
    let replayed = async {
        let plan = plan::from_flags(&args.source, Some(target_flags(&args)))?;
        let ledger = Ledger::open_existing(&state_dir(&args.state)?)?;
        let progress = progress_bar::for_stderr();
        connector::replay_held(&plan, &EnvThenKeychain, &ledger, progress, CancellationToken::new()).await
    };
    match replayed.await {
        Ok(summary) => {
            print_summary(&summary, args.json, &args);
            summary_exit(&summary)
        }
        Err(e) => exit::report(&e, args.json),
    }
}
