//! The Tauri commands the UI invokes. Each takes its arguments, calls the core and maps the error to an
//! `IpcError`; nothing here decides anything. Commands are `async` so Tauri runs them off the UI thread, and
//! blocking core calls (keychain, file reads) go to a blocking thread. This file holds the dashboard's
//! commands; the wizard's are in `secrets`, `checks`, `identity`, `m365` and `import`.

pub mod background;
pub mod checks;
pub mod connectors;
pub mod identity;
pub mod import;
pub mod m365;
pub mod secrets;

use docket_core::connector::ts_rs;
use docket_core::ledger::RunRecord;
use serde::Serialize;
use tauri::{AppHandle, Runtime};

use crate::ipc_error::IpcError;
use crate::state_folder::StateFolderExt;

/// How many past runs `list_runs` returns when the UI does not say.
pub const DEFAULT_RUN_LIMIT: usize = 50;
/// The most past runs one `list_runs` call returns.
pub const MAX_RUN_LIMIT: usize = 1000;

/// What `app_info` returns: the app's version and the state folder it works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
pub struct AppInfo {
    /// The desktop app's version, from Cargo.toml.
    pub version: String,
    /// The folder holding Docket's state (the ledger database), as an absolute path.
    pub state_dir: String,
}

#[tauri::command]
pub async fn app_info<R: Runtime>(app: AppHandle<R>) -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        version: crate::APP_VERSION.to_string(),
        state_dir: app.state_folder().dir().to_string_lossy().into_owned(),
    })
}

/// Past import runs from the ledger, newest first: `limit` of them (default 50, at most 1000).
#[tauri::command]
pub async fn list_runs<R: Runtime>(
    app: AppHandle<R>,
    limit: Option<usize>,
) -> Result<Vec<RunRecord>, IpcError> {
    let limit = limit.unwrap_or(DEFAULT_RUN_LIMIT).min(MAX_RUN_LIMIT);
    let ledger = app.state_folder().open_ledger()?;
    let runs = ledger.runs(limit).map_err(docket_core::Error::from)?;
    Ok(runs)
}

/// Runs a blocking core call (keychain, file reading) on a blocking thread and maps its error.
pub(crate) async fn off_ui_thread<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, docket_core::Error> + Send + 'static,
) -> Result<T, IpcError> {
    match tauri::async_runtime::spawn_blocking(job).await {
        Ok(result) => Ok(result?),
        Err(_) => {
            let text = docket_core::text!(
                "shell.task_stopped",
                "a background task of the app stopped unexpectedly; try again, and report it if it keeps happening"
            );
            Err(IpcError::new(docket_core::Code::Internal, text))
        }
    }
}
