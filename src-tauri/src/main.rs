//! The `docket-desktop` executable: starts the shell in `lib.rs` and nothing else.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    docket_desktop::run()
}
