//! Fuzz target: arbitrary bytes as the pages of a Telegram Desktop HTML export, opened and read to the end
//! (which reads every page twice and renders nothing). The first byte picks the layout: even, a single chat
//! whose pages (`messages.html`, `messages2.html`, `messages3.html`) are the input's parts split at two NUL
//! bytes; odd, a full export whose parts are `lists/chats.html`, `chats/chat_1/messages.html` and
//! `export_results.html`. Any outcome but a panic is fine: bad pages must come back as an `ExportError`.
//! Media the pages name are confined and never read.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use docket_core::sources::{telegram_export, ExportOptions};
use libfuzzer_sys::fuzz_target;

const SINGLE: [&str; 3] = ["messages.html", "messages2.html", "messages3.html"];
const FULL: [&str; 3] = ["lists/chats.html", "chats/chat_1/messages.html", "export_results.html"];

/// One temp folder per fuzzing process; each input rewrites the same export.
fn export_dir() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder for the fuzzed export");
        let path = dir.path().join("export");
        std::fs::create_dir_all(path.join("lists")).expect("lists/");
        std::fs::create_dir_all(path.join("chats/chat_1")).expect("chats/chat_1/");
        (dir, path)
    });
    path
}

fn parts(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 2 {
        match rest.windows(2).position(|w| w == [0, 0]) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + 2..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fn write(dir: &Path, names: &[&str], parts: &[&[u8]]) -> bool {
    names.iter().enumerate().all(|(n, name)| match parts.get(n) {
        Some(part) => std::fs::write(dir.join(name), part).is_ok(),
        None => true,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else { return };
    let dir = export_dir();
    for name in SINGLE.iter().chain(FULL.iter()) {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let names: &[&str] = if mode % 2 == 0 { &SINGLE } else { &FULL };
    if !write(dir, names, &parts(data)) {
        return;
    }
    if let Ok(export) = telegram_export::open(dir, &ExportOptions::default()) {
        for item in export {
            let _ = item;
        }
    }
});
