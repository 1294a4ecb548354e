//! Commands of saved connectors and the dashboard: list (with last run, next run and counts), save (new or
//! edited), delete (settings only), run now, replay held items, the held-items and per-day views, and the
//! reports saved from the run history to a path the admin chose in the save dialog.

use docket_core::connector::{self, ConnectorOverview, ConnectorSettings, SavedConnector};
use docket_core::ledger::{ChatCoverage, DayCount, LedgerRow};
use docket_core::model::RunSummary;
use docket_core::pipeline::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use super::import::{run_request, to_channel, RunKind};
use super::off_ui_thread;
use crate::ipc_error::IpcError;
use crate::state_folder::StateFolderExt;

/// The most held items or days one call returns.
pub const MAX_VIEW_ROWS: usize = 5000;

/// Every saved connector with its last run, next scheduled run and ledger counts.
#[tauri::command]
pub async fn list_connectors<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ConnectorOverview>, IpcError> {
    let folder = app.state_folder().clone();
    off_ui_thread(move || connector::connector_overviews_local(&folder.connectors(), &folder.open_ledger()?))
        .await
}

/// Saves a new connector (`id` none) or the edited settings of an existing one.
#[tauri::command]
pub async fn save_connector<R: Runtime>(
    app: AppHandle<R>,
    id: Option<String>,
    settings: ConnectorSettings,
) -> Result<SavedConnector, IpcError> {
    let store = app.state_folder().connectors();
    crate::webview_paths::plan(&settings.request)?;
    off_ui_thread(move || store.save(id.as_deref(), settings, connector::now())).await
}

/// Forgets a connector's settings; its ledger rows and archived messages stay.
#[tauri::command]
pub async fn delete_connector<R: Runtime>(app: AppHandle<R>, id: String) -> Result<(), IpcError> {
    let store = app.state_folder().connectors();
    off_ui_thread(move || store.delete(&id)).await
}

/// Runs a saved connector now (Finish, Run now), streaming progress to `on_progress`.
#[tauri::command]
pub async fn run_connector<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    replay: bool,
    on_progress: Channel<Progress>,
) -> Result<RunSummary, IpcError> {
    let store = app.state_folder().connectors();
    let saved = off_ui_thread(move || store.get(&id)).await?;
    let kind = if replay { RunKind::Replay } else { RunKind::Import };
    run_request(&app, &saved.settings.request, kind, to_channel(on_progress)).await
}

/// The connector's items that were not imported (unmapped, oversize, failed), newest first.
#[tauri::command]
pub async fn held_items<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    limit: usize,
) -> Result<Vec<LedgerRow>, IpcError> {
    let folder = app.state_folder().clone();
    off_ui_thread(move || {
        let label = folder.connectors().get(&id)?.settings.request.label();
        Ok(folder.open_ledger()?.held_for_source(&label, limit.min(MAX_VIEW_ROWS))?)
    })
    .await
}

/// Ledger rows changed per day over the last `days` days, for one connector or (`id` none) all of them.
#[tauri::command]
pub async fn daily_counts<R: Runtime>(
    app: AppHandle<R>,
    id: Option<String>,
    days: u32,
) -> Result<Vec<DayCount>, IpcError> {
    let folder = app.state_folder().clone();
    off_ui_thread(move || {
        let label = match id {
            Some(id) => Some(folder.connectors().get(&id)?.settings.request.label()),
            None => None,
        };
        Ok(folder.open_ledger()?.daily_counts(label.as_deref(), days.min(MAX_VIEW_ROWS as u32))?)
    })
    .await
}

/// Per chat, the period its imported exports cover and the gaps between them (all connectors).
#[tauri::command]
pub async fn chat_coverage<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ChatCoverage>, IpcError> {
    let folder = app.state_folder().clone();
    off_ui_thread(move || Ok(folder.open_ledger()?.coverage()?)).await
}

/// Which report `save_report` writes.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Every ledger row of the run's source, as CSV.
    Reconciliation,
    /// The run's accounting and the rows it recorded, as text.
    RunLog,
}

/// Writes a run's report to `path` (chosen by the admin in the save dialog); returns the rows written.
#[tauri::command]
pub async fn save_report<R: Runtime>(
    app: AppHandle<R>,
    run_id: i64,
    kind: ReportKind,
    path: String,
) -> Result<u64, IpcError> {
    let folder = app.state_folder().clone();
    off_ui_thread(move || {
        let ledger = folder.open_ledger()?;
        match kind {
            ReportKind::Reconciliation => connector::write_reconciliation_csv(&ledger, run_id, path.as_ref()),
            ReportKind::RunLog => connector::write_run_log(&ledger, run_id, path.as_ref()),
        }
    })
    .await
}
