//! The `docket-desktop` executable: starts the shell in `lib.rs`, or with `--version` prints the app's version
//! (the one `app_info` reports) and exits without opening a window, so an installed copy can be checked from a
//! script.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    if std::env::args_os().nth(1).is_some_and(|arg| arg == "--version") {
        println!("docket-desktop {}", docket_desktop::APP_VERSION);
        return std::process::ExitCode::SUCCESS;
    }
    docket_desktop::run()
}
