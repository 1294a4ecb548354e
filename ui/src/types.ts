// Types of the values Docket's Tauri commands return, written by hand to match the Rust structs field for
// field (serde's default snake_case names). They will be generated from the Rust types in a later issue;
// until then, a change to these Rust types must be mirrored here:
//   AppInfo      src-tauri/src/commands.rs
//   RunRecord    crates/core/src/ledger (docket_core::ledger::RunRecord)
//   RunSummary   crates/core/src/model.rs (docket_core::model::RunSummary)

/** What `app_info` returns. */
export interface AppInfo {
  /** The desktop app's version, from Cargo.toml. */
  version: string;
  /** The folder holding Docket's state (the ledger database), as an absolute path. */
  state_dir: string;
}

/** The accounting of one import run: `fetched` = delivered + already_present + skipped + failed. */
export interface RunSummary {
  run_id: number;
  fetched: number;
  delivered: number;
  already_present: number;
  /** Items deliberately not imported, counted by reason. */
  skipped: Record<string, number>;
  /** Items that could not be imported, counted by reason. */
  failed: Record<string, number>;
  /** Messages newly written, one per (item, mailbox). */
  deliveries: number;
  /** True when the run stopped early because it was cancelled. */
  cancelled: boolean;
}

/** One past import run from the ledger, newest first in `list_runs`. */
export interface RunRecord {
  run_id: number;
  started_at: string;
  finished_at: string | null;
  source: string;
  target: string;
  status: string;
  summary: RunSummary;
}
