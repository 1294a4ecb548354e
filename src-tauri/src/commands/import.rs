//! Commands that run an import: `start_import` streams the pipeline's progress over a Tauri channel and
//! returns the run's summary; `cancel_import` asks the running import to stop after the items in flight.
//! `run_request` is the one way the wizard, Run now and replay start a run (the scheduler goes through
//! `connector::run_due`, whose app host uses the same import slot): one at a time, through the import slot.

use std::sync::Arc;

use docket_core::connector::{self, RunPlan};
use docket_core::ledger::LedgerError;
use docket_core::model::RunSummary;
use docket_core::pipeline::{Progress, ProgressFn};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use crate::import_slot::ImportSlotExt;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;
use crate::state_folder::StateFolderExt;

/// Whether a run reads its source, or replays the items the ledger holds back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunKind {
    Import,
    Replay,
}

/// Runs `request` in the app's ledger, unless another run holds the import slot (then code `ledger`).
pub(crate) async fn run_request<R: Runtime>(
    app: &AppHandle<R>,
    request: &RunPlan,
    kind: RunKind,
    progress: ProgressFn,
) -> Result<RunSummary, IpcError> {
    let ledger = app.state_folder().open_ledger()?;
    let running = app
        .import_slot()
        .begin()
        .ok_or_else(|| docket_core::Error::from(LedgerError::Busy(ledger.path().with_extension("lock"))))?;
    let store = app.secret_vault().store();
    let summary = match kind {
        RunKind::Import => {
            connector::run_import(request, store.as_ref(), &ledger, progress, running.token()).await
        }
        RunKind::Replay => {
            connector::replay_held(request, store.as_ref(), &ledger, progress, running.token()).await
        }
    };
    Ok(summary?)
}

/// Forwards progress to a channel. A closed window drops the channel; the run goes on and the ledger still
/// records every item.
pub(crate) fn to_channel(channel: Channel<Progress>) -> ProgressFn {
    Arc::new(move |event| {
        let _ = channel.send(event);
    })
}

/// Runs one import into the app's ledger, sending every progress event to `on_progress`.
#[tauri::command]
pub async fn start_import<R: Runtime>(
    app: AppHandle<R>,
    request: RunPlan,
    on_progress: Channel<Progress>,
) -> Result<RunSummary, IpcError> {
    crate::webview_paths::plan(&request)?;
    run_request(&app, &request, RunKind::Import, to_channel(on_progress)).await
}

/// Asks the running import to stop; it returns `false` when no import is running.
#[tauri::command]
pub async fn cancel_import<R: Runtime>(app: AppHandle<R>) -> Result<bool, IpcError> {
    Ok(app.import_slot().cancel())
}
