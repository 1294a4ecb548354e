//! Progress events: a tagged enum handed to an injected callback. The shell forwards them over a Tauri
//! channel and the CLI draws a progress bar; the pipeline knows neither.

use std::sync::Arc;

use serde::Serialize;

use crate::model::RunSummary;
use crate::sources::x::RateLimitStatus;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum Progress {
    Started {
        run_id: i64,
        source: String,
        target: String,
    },
    Fetched {
        key: String,
        fetched: u64,
    },
    Delivered {
        key: String,
        mailboxes: Vec<String>,
        already_present: bool,
    },
    Skipped {
        key: String,
        reason: String,
        detail: String,
    },
    Failed {
        key: String,
        reason: String,
        detail: String,
    },
    Finished {
        summary: RunSummary,
    },
    /// Something the admin should know although nothing failed (X's reach limits, the daily cap).
    Warning {
        message: String,
    },
    /// An API source's rate-limit state for one endpoint, after each answer and before each wait.
    RateLimit {
        status: RateLimitStatus,
    },
}

/// The callback type the pipeline reports through.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// A callback that ignores every event.
pub fn silent() -> ProgressFn {
    Arc::new(|_| {})
}
