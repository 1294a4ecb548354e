//! The connector: what the desktop app's wizard and dashboard (and the CLI) ask of the core, as plain functions
//! over serde types. A run is described by a `RunPlan`, which both front ends build and hand over; it also
//! runs the live storage and Entra ID app checks, previews a source and keeps known secrets write-only. It owns no IPC
//! (the shell maps these functions to Tauri commands) and no behaviour of its own beyond assembling the other
//! modules.

mod dashboard;
mod due;
mod entra;
mod m365;
mod plan;
mod preview;
mod routing;
mod saved;
mod secret_names;
pub mod telegram_bot;
pub mod typescript;
pub mod x;

use std::sync::Arc;

pub use dashboard::{
    connector_overviews, connector_overviews_local, due_connectors, write_reconciliation_csv, write_run_log,
    ConnectorOverview,
};
pub use due::{
    dry_run as due_dry_run, due_list, run_due, DueError, DueHost, DueMemory, DueOutcome, DueReport,
    DueTicket, RETRY_AFTER,
};
pub use entra::test_entra_app;
pub use m365::{
    add_app_secret, app_graph_client, begin_app_consent, check_mailboxes, client_secret_warning,
    graph_client_for, graph_sink, list_entra_apps, mapping_mailboxes, register_docket_app, sign_in,
    sign_in_with_client, GraphApp, MAX_SECRET_DAYS,
};
pub use plan::{OpenedRun, PlanTarget, RunPlan, DEFAULT_CONCURRENCY, MAX_CONCURRENCY};
pub use preview::{preview_source, PreviewItem, SourcePreview, MAX_PREVIEW_ITEMS, PREVIEW_COUNT_CAP};
pub use routing::{preview_routing, RoutedItem};
pub use saved::{
    ConnectorSettings, ConnectorStore, EntraApp, SavedConnector, Schedule, CONNECTORS_FILE, MAX_EVERY_HOURS,
    MAX_EVERY_MINUTES,
};
pub use secret_names::{
    secret_status, store_secret, SecretName, SecretStatus, ADMIN_REFRESH_TOKEN_ENTRY,
    AZURE_CLIENT_SECRET_ENTRY,
};
pub use tokio_util::sync::CancellationToken;
/// Re-exported so the shell can derive `TS` on its own IPC types with `#[ts(crate = "...")]`.
pub use ts_rs;

use crate::error::Error;
use crate::ledger::Ledger;
use crate::model::RunSummary;
use crate::pipeline::{self, Job, ProgressFn};
use crate::secrets::SecretStore;
use crate::sinks::azure_blob::ProbeReport;
use crate::sources;

/// Runs one import to the end (or until `cancel`), reporting through `progress`, and returns its accounting.
/// The run is assembled by `RunPlan::open`, as `docket run` assembles it; secrets are read from `secrets`.
pub async fn run_import(
    plan: &RunPlan,
    secrets: &dyn SecretStore,
    ledger: &Ledger,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<RunSummary, Error> {
    if plan.telegram_bot_name().is_some() {
        return telegram_bot::drain(plan, secrets, ledger, progress, cancel).await;
    }
    let opened = plan.open(secrets, ledger, progress.clone())?;
    run_opened(opened, ledger, progress, cancel).await
}

/// Imports again the items of this connector's source that the ledger holds back as unmapped or failed,
/// with the plan's (changed) mapping. Items that still do not map stay held; nothing is fetched anew.
pub async fn replay_held(
    plan: &RunPlan,
    secrets: &dyn SecretStore,
    ledger: &Ledger,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<RunSummary, Error> {
    plan.validate()?;
    let items = ledger.replayable(&plan.label())?;
    let opened = OpenedRun {
        label: plan.label(),
        source: Box::new(sources::replay::ReplaySource::new(plan.source_kind, items)),
        resolver: Arc::new(plan.resolver()?),
        sinks: plan.open_sinks(secrets)?,
        options: plan.pipeline_options(),
    };
    run_opened(opened, ledger, progress, cancel).await
}

/// Runs an assembled plan through the pipeline.
pub async fn run_opened(
    opened: OpenedRun,
    ledger: &Ledger,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<RunSummary, Error> {
    pipeline::run(Job {
        source_label: opened.label,
        source: opened.source,
        resolver: opened.resolver,
        sinks: opened.sinks,
        ledger,
        options: opened.options,
        progress,
        cancel,
    })
    .await
}

/// The current time, for `ConnectorStore::save` (the shell has no clock of its own).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// The wizard's live storage check: connects with the stored connection string and writes, reads back and
/// deletes a probe blob in `container` (creating the container if it is missing).
pub async fn test_storage(secrets: &dyn SecretStore, container: &str) -> Result<ProbeReport, Error> {
    let sink = plan::connect_blob(secrets, container)?;
    Ok(sink.probe().await?)
}
