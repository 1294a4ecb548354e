//! Commands that run an import: `start_import` streams the pipeline's progress over a Tauri channel and
//! returns the run's summary; `cancel_import` asks the running import to stop after the items in flight.

use std::sync::Arc;

use docket_core::connector::{self, ImportRequest};
use docket_core::ledger::LedgerError;
use docket_core::model::RunSummary;
use docket_core::pipeline::{Progress, ProgressFn};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use crate::import_slot::ImportSlotExt;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;
use crate::state_folder::StateFolderExt;

/// Runs one import into the app's ledger, sending every progress event to `on_progress`.
#[tauri::command]
pub async fn start_import<R: Runtime>(
    app: AppHandle<R>,
    request: ImportRequest,
    on_progress: Channel<Progress>,
) -> Result<RunSummary, IpcError> {
    let ledger = app.state_folder().open_ledger()?;
    let running = app
        .import_slot()
        .begin()
        .ok_or_else(|| docket_core::Error::from(LedgerError::Busy(ledger.path().with_extension("lock"))))?;
    let store = app.secret_vault().store();
    // A closed window drops the channel; the run goes on and the ledger still records every item.
    let progress: ProgressFn = Arc::new(move |event| {
        let _ = on_progress.send(event);
    });
    Ok(connector::run_import(&request, store.as_ref(), &ledger, progress, running.token()).await?)
}

/// Asks the running import to stop; it returns `false` when no import is running.
#[tauri::command]
pub async fn cancel_import<R: Runtime>(app: AppHandle<R>) -> Result<bool, IpcError> {
    Ok(app.import_slot().cancel())
}
