//! Fuzz target: arbitrary bytes as a Telegram `result.json`, opened and read to the end. Bad JSON, wrong
//! shapes and odd values must come back as an `ExportError`, never a panic. Attachments it names are not read.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use docket_core::sources::{telegram_export, ExportOptions};
use libfuzzer_sys::fuzz_target;

/// One temp folder per fuzzing process; each input overwrites the same result.json.
fn export_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder for the fuzzed export");
        let path = dir.path().join("result.json");
        (dir, path)
    });
    path
}

fuzz_target!(|data: &[u8]| {
    let path = export_path();
    if std::fs::write(path, data).is_err() {
        return;
    }
    if let Ok(export) = telegram_export::open(path, &ExportOptions::default()) {
        for item in export {
            let _ = item;
        }
    }
});
