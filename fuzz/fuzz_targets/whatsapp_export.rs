//! Fuzz target: arbitrary bytes as a WhatsApp chat text (`.txt`), opened and read to the end with the date
//! order given (`dmy`) and left for Docket to infer. Any outcome but a panic is fine: the reader must
//! report bad input as an `ExportError`. It does not fuzz zip containers (the `zip` crate's job).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use docket_core::sources::{whatsapp_export, DateOrder, ExportOptions};
use libfuzzer_sys::fuzz_target;

/// One temp folder per fuzzing process; each input overwrites the same chat file.
fn chat_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder for the fuzzed chat");
        let path = dir.path().join("WhatsApp Chat with Fuzz.txt");
        (dir, path)
    });
    path
}

fuzz_target!(|data: &[u8]| {
    let path = chat_path();
    if std::fs::write(path, data).is_err() {
        return;
    }
    for date_order in [Some(DateOrder::Dmy), None] {
        let options = ExportOptions { date_order, ..ExportOptions::default() };
        if let Ok(export) = whatsapp_export::open(path, &options) {
            for item in export {
                let _ = item;
            }
        }
    }
});
