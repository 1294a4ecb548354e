//! Docket's desktop shell: wires the Tauri app (window, commands, managed state) around `docket-core`. It
//! owns no behaviour of its own: every command only takes its arguments, calls the core and maps the error.
//! The wizard and dashboard screens live in ui/; this crate only serves them.

mod commands;
mod ipc_error;
mod state_folder;

use std::path::PathBuf;
use std::process::ExitCode;

use tauri::{Builder, Runtime};

pub use commands::{AppInfo, DEFAULT_RUN_LIMIT, MAX_RUN_LIMIT};
pub use ipc_error::IpcError;
pub use state_folder::{StateFolder, StateFolderExt};

/// Adds Docket's managed state and commands to a Tauri builder. Generic over the runtime so tests can pass
/// `tauri::test::mock_builder()`; `state_dir` is the folder holding the ledger.
pub fn build<R: Runtime>(builder: Builder<R>, state_dir: PathBuf) -> Builder<R> {
    builder
        .manage(StateFolder::new(state_dir))
        .invoke_handler(tauri::generate_handler![commands::app_info, commands::list_runs])
}

/// Runs the desktop app until its window closes. The state folder is `DOCKET_STATE_DIR` when set, otherwise
/// the platform's data folder (see `docket_core::config::default_state_dir`).
pub fn run() -> ExitCode {
    // Logs go to stderr (`RUST_LOG` filters them); a subscriber set earlier by an embedder is kept.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();

    let state_dir = docket_core::config::default_state_dir();
    let state_dir = std::path::absolute(&state_dir).unwrap_or(state_dir);
    tracing::info!(state_dir = %state_dir.display(), "starting Docket");

    match build(Builder::default(), state_dir).run(tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "Docket could not start its window: {error}. On Linux, check that WebKitGTK 4.1 is installed \
                 and that a display is available; then start Docket again."
            );
            ExitCode::FAILURE
        }
    }
}
