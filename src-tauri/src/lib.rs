//! Docket's desktop shell: wires the Tauri app (window, commands, managed state) around `docket-core`. It
//! owns no behaviour of its own: every command only takes its arguments, calls the core and maps the error.
//! The wizard and dashboard screens live in ui/; this crate only serves them.

mod commands;
mod consent_slot;
mod generated_types;
mod import_slot;
mod ipc_error;
mod scheduler;
mod secret_vault;
mod signin_slot;
mod state_folder;
mod system_browser;
mod tray;
mod webview_paths;

use std::path::PathBuf;
use std::process::ExitCode;

use docket_core::secrets::KeyringStore;
use tauri::{Builder, Runtime};

pub use commands::checks::DEFAULT_PREVIEW_ITEMS;
pub use commands::identity::{AUTHORITY_OVERRIDE_ENV, GRAPH_OVERRIDE_ENV};
pub use commands::m365::{SignInStart, SignedIn, SIGN_IN_CLIENT_ENV};
pub use commands::secrets::{KeychainStatus, StoredSecret};
use commands::{background, checks, connectors, identity, import, m365, secrets};
pub use commands::{AppInfo, DEFAULT_RUN_LIMIT, MAX_RUN_LIMIT};
pub use consent_slot::{ConsentSlot, ConsentSlotExt};
pub use generated_types::export_typescript;
pub use import_slot::{ImportSlot, ImportSlotExt};
pub use ipc_error::IpcError;
pub use scheduler::{run_due, Scheduler, SchedulerEvent, SCHEDULER_EVENT};
pub use secret_vault::{SecretVault, SecretVaultExt};
pub use signin_slot::{SignInSlot, SignInSlotExt};
pub use state_folder::{StateFolder, StateFolderExt};
pub use system_browser::{SystemBrowser, SystemBrowserExt};

/// The desktop app's version: the workspace's one version (`[workspace.package] version` in the root
/// Cargo.toml, which tauri.conf.json leaves to Cargo). `app_info` reports it, `docket-desktop --version` prints
/// it, and the packages carry it.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Adds Docket's managed state and commands to a Tauri builder. Generic over the runtime so tests can pass
/// `tauri::test::mock_builder()`; `state_dir` is the folder holding the ledger and `secrets` where secrets
/// are kept (the OS keychain in the app, an in-memory store in tests). Pages open in the OS's browser.
pub fn build<R: Runtime>(builder: Builder<R>, state_dir: PathBuf, secrets: SecretVault) -> Builder<R> {
    build_with(builder, state_dir, secrets, SystemBrowser::os())
}

/// `build`, with `browser` opening pages such as the admin consent page (tests pass their own).
pub fn build_with<R: Runtime>(
    builder: Builder<R>,
    state_dir: PathBuf,
    secrets: SecretVault,
    browser: SystemBrowser,
) -> Builder<R> {
    builder
        .manage(StateFolder::new(state_dir))
        .manage(secrets)
        .manage(ImportSlot::default())
        .manage(ConsentSlot::default())
        .manage(SignInSlot::default())
        .manage(browser)
        .manage(Scheduler::default())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_runs,
            secrets::keychain_status,
            secrets::store_secret,
            secrets::secret_status,
            checks::test_storage,
            checks::check_mapping,
            checks::preview_source,
            checks::preview_routing,
            checks::test_x_account,
            checks::check_telegram_bot,
            import::start_import,
            import::cancel_import,
            connectors::list_connectors,
            connectors::save_connector,
            connectors::delete_connector,
            connectors::run_connector,
            connectors::held_items,
            connectors::daily_counts,
            connectors::chat_coverage,
            connectors::save_report,
            identity::test_entra_app,
            identity::admin_consent_wait,
            identity::admin_consent_confirm,
            m365::admin_sign_in_start,
            m365::admin_sign_in_wait,
            m365::admin_sign_out,
            m365::list_entra_apps,
            m365::register_docket_app,
            m365::add_app_secret,
            m365::app_consent_start,
            m365::check_mailboxes,
            background::background_status,
            background::background_enable,
            background::background_disable,
            tray::set_tray_language,
        ])
}

/// Runs the desktop app until its window closes. The state folder is `DOCKET_STATE_DIR` when set, otherwise
/// the platform's data folder (see `docket_core::config::default_state_dir`).
pub fn run() -> ExitCode {
    // Logs go to stderr (`RUST_LOG` filters them, but never lets through events that may carry secrets: see
    // `docket_core::logging`); a subscriber set earlier by an embedder is kept.
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let secret_safe = tracing_subscriber::filter::filter_fn(|meta| {
        docket_core::logging::may_log(meta.target(), meta.level())
    });
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(secret_safe))
        .try_init();

    let state_dir = match docket_core::config::default_state_dir() {
        Ok(dir) => dir,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("docket: {error}");
            return ExitCode::from(2);
        }
    };
    let state_dir = std::path::absolute(&state_dir).unwrap_or(state_dir);
    tracing::info!(state_dir = %state_dir.display(), "starting Docket");

    let secrets = SecretVault::keychain(KeyringStore::default());
    let app = build(Builder::default(), state_dir, secrets)
        .on_window_event(tray::on_window_event)
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            // The scheduler and tray belong to the running app only; tests drive `run_due` themselves.
            scheduler::spawn(app.handle().clone());
            if let Err(error) = tray::install(app.handle()) {
                tracing::warn!("no tray icon ({error}); closing the window will quit Docket");
            }
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "Docket could not start its window: {error}. On Linux, check that WebKitGTK 4.1 is installed \
                 and that a display is available; then start Docket again."
            );
            ExitCode::FAILURE
        }
    }
}
