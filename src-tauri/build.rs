//! Build script of the desktop app: runs tauri-build (config, capabilities, icons) and makes sure the web UI
//! it embeds has been built. It deliberately does not build the UI itself: `npm --prefix ui run build` does.

use std::path::Path;

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
    tauri_build::build()
}
