//! Progress events: a tagged enum handed to an injected callback. The shell forwards them over a Tauri
//! channel and the CLI draws a progress bar; the pipeline knows neither. A leaf module: sources (X's rate
//! limits) report through it too, so it imports nothing above the model.

use std::sync::Arc;

use serde::Serialize;

use crate::model::RunSummary;

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
        /// `detail` with its key and values, for the app to say in the admin's language.
        text: crate::Text,
    },
    Failed {
        key: String,
        reason: String,
        detail: String,
        /// `detail` with its key and values, for the app to say in the admin's language.
        text: crate::Text,
    },
    Finished {
        summary: RunSummary,
    },
    /// Something the admin should know although nothing failed (X's reach limits, the daily cap).
    Warning {
        message: String,
        /// The same warning with its key and values, for the app to say in the admin's language.
        text: crate::Text,
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

/// One endpoint's rate-limit state, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RateLimitStatus {
    /// The endpoint, e.g. `GET /2/users/:id/tweets`.
    pub endpoint: String,
    /// Requests allowed per window (`x-rate-limit-limit`), when X said.
    pub limit: Option<u32>,
    /// Requests left in this window (`x-rate-limit-remaining`).
    pub remaining: Option<u32>,
    /// When the window resets (`x-rate-limit-reset`), RFC 3339 UTC.
    pub reset_at: Option<String>,
    /// The earliest time Docket sends the next request to this endpoint, RFC 3339 UTC; none means now.
    pub next_request_at: Option<String>,
}
