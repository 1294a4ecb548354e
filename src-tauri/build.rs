//! Build script of the desktop app: runs tauri-build (config, capabilities, icons) and makes sure the web UI
//! it embeds has been built. It deliberately does not build the UI itself: `npm --prefix ui run build` does.

use std::path::Path;

/// Every command the window may call (`generate_handler!` in src/lib.rs). tauri-build turns each into an
/// `allow-<command>` permission, and only the commands capabilities/default.json allows reach the app: a
/// command registered but not listed here is refused (the ACL denies what no capability allows).
const COMMANDS: &[&str] = &[
    "app_info",
    "list_runs",
    "keychain_status",
    "store_secret",
    "secret_status",
    "test_storage",
    "check_mapping",
    "preview_source",
    "preview_routing",
    "test_x_account",
    "check_telegram_bot",
    "start_import",
    "cancel_import",
    "list_connectors",
    "save_connector",
    "delete_connector",
    "run_connector",
    "held_items",
    "daily_counts",
    "chat_coverage",
    "save_report",
    "test_entra_app",
    "admin_consent_wait",
    "admin_consent_confirm",
    "admin_sign_in_start",
    "admin_sign_in_wait",
    "admin_sign_out",
    "list_entra_apps",
    "register_docket_app",
    "add_app_secret",
    "app_consent_start",
    "check_mailboxes",
    "background_status",
    "background_enable",
    "background_disable",
    "set_tray_language",
];

fn main() {
    let ui_index = Path::new("ui/dist/index.html");
    if !ui_index.is_file() {
        eprintln!(
            "The desktop app embeds the web UI from ui/dist, and {} is missing. Build the UI first: \
             `npm --prefix ui ci && npm --prefix ui run build`, then run cargo again.",
            ui_index.display()
        );
        std::process::exit(1);
    }
    // `generate_context!` embeds ui/dist when the crate compiles, so a fresh UI build must recompile it.
    println!("cargo:rerun-if-changed=ui/dist");
    println!("cargo:rerun-if-changed=capabilities");
    println!("cargo:rerun-if-changed=icons");
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(error) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
