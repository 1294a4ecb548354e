//! The dashboard's "Keep running scheduled imports when Docket is closed": the status of the user-level timer
//! that calls `docket run-due` on this app's state folder, and turning it on and off. Each command calls the
//! core's `background` module (the same code as `docket schedule`) off the UI thread; nothing is decided here.

use docket_core::background::{self, TimerStatus};
use tauri::{AppHandle, Runtime};

use super::off_ui_thread;
use crate::ipc_error::IpcError;
use crate::state_folder::StateFolderExt;

/// Whether the timer is installed and enabled, with its last and next trigger and advice.
#[tauri::command]
pub async fn background_status<R: Runtime>(_app: AppHandle<R>) -> Result<TimerStatus, IpcError> {
    off_ui_thread(background::status).await
}

/// Installs and starts the timer, running the `docket` CLI (beside the app or on PATH) on this state folder.
#[tauri::command]
pub async fn background_enable<R: Runtime>(app: AppHandle<R>) -> Result<TimerStatus, IpcError> {
    let state = app.state_folder().dir().to_path_buf();
    off_ui_thread(move || {
        let app_exe = std::env::current_exe().ok();
        let cli = background::find_cli(app_exe.as_deref())?;
        background::install(&cli, &state)
    })
    .await
}

/// Stops the timer and removes it; scheduled runs then happen only while the app runs.
#[tauri::command]
pub async fn background_disable<R: Runtime>(_app: AppHandle<R>) -> Result<TimerStatus, IpcError> {
    off_ui_thread(background::uninstall).await
}
