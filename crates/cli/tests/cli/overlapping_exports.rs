//! The same WhatsApp chat handed in again and again: three overlapping exports of one chat, one of them cut
//! at the front by WhatsApp's export cap, deliver each message exactly once. The gap left by an export that
//! does not reach back far enough is warned about (stderr, `--json` warnings), so is the cut export, and
//! `docket coverage` shows the chat's covered period with its gaps, then none once an export fills it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::harness::{json, run, run_args, stderr, tree};

const CHAT: &str = "Desk";
const MEDIA: &str = "DOC-20240122-WA0001.pdf";

/// Android lines for messages `range` of the chat's history: one a minute from 13/01/2024 09:00, Alice and
/// Bob in turn; with `media`, the last one carries a document.
fn history(range: std::ops::Range<usize>, media: bool) -> String {
    let last = range.end - 1;
    let mut out = String::new();
    for i in range {
        // Minutes since 13/01/2024 00:00; the history stays within January.
        let minutes = 9 * 60 + i;
        let (day, hour, minute) = (13 + minutes / 1440, minutes % 1440 / 60, minutes % 60);
        let who = if i % 2 == 0 { "+44 7700 900123" } else { "+44 7700 900456" };
        let body = if media && i == last { format!("{MEDIA} (file attached)") } else { format!("note {i}") };
        out.push_str(&format!("{day:02}/01/2024, {hour:02}:{minute:02} - {who}: {body}\n"));
    }
    out
}

fn text_export(dir: &Path, range: std::ops::Range<usize>) -> PathBuf {
    let folder = dir.join(format!("export-{}-{}", range.start, range.end));
    std::fs::create_dir_all(&folder).expect("folder");
    let path = folder.join(format!("WhatsApp Chat with {CHAT}.txt"));
    std::fs::write(&path, history(range, false)).expect("export");
    path
}

fn zip_export(dir: &Path, range: std::ops::Range<usize>) -> PathBuf {
    let path = dir.join(format!("WhatsApp Chat - {CHAT}.zip"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("zip"));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file(format!("WhatsApp Chat with {CHAT}.txt"), options).expect("member");
    zip.write_all(history(range, true).as_bytes()).expect("chat");
    zip.start_file(MEDIA, options).expect("member");
    zip.write_all(b"%PDF-1.4\n%%EOF\n").expect("media");
    zip.finish().expect("zip written");
    path
}

/// A test's folders: Alice's mapping CSV, the archive folder (and its `dir:` target) and the state folder.
struct Workspace {
    csv: String,
    out: std::path::PathBuf,
    target: String,
    state: std::path::PathBuf,
}

fn workspace(root: &Path) -> Workspace {
    let csv = root.join("mapping.csv");
    std::fs::write(&csv, "Mobile,Email\n+447700900123,alice@contoso.com\n").expect("mapping");
    let out = root.join("archive");
    Workspace {
        csv: csv.display().to_string(),
        target: format!("dir:{}", out.display()),
        out,
        state: root.join("state"),
    }
}

fn coverage(state: &Path) -> serde_json::Value {
    let output = run(&["coverage", "--state", &state.display().to_string(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    json(&output)
}

#[test]
fn overlapping_and_truncated_exports_deliver_each_message_once_and_their_gap_is_shown() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Workspace { csv, out, target, state } = workspace(tmp.path());
    let import = |export: &Path| {
        let source = format!("whatsapp:{}", export.display());
        let extra = ["--mapping", csv.as_str(), "--no-auto-map", "--timezone", "Europe/London", "--json"];
        run(&run_args(&source, &target, &state, &extra))
    };

    // The first export: messages 0-999.
    let first = import(&text_export(tmp.path(), 0..1000));
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(json(&first)["delivered"], 1000);
    assert_eq!(json(&first)["warnings"], serde_json::json!([]), "a first export leaves no gap");

    // A later export from another phone that keeps only messages 2000-2999: a gap in between.
    let second = import(&text_export(tmp.path(), 2000..3000));
    assert!(second.status.success(), "{}", stderr(&second));
    let summary = json(&second);
    assert_eq!(summary["delivered"], 1000, "{summary}");
    let warnings = summary["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{summary}");
    let gap = warnings[0].as_str().unwrap_or_default();
    assert!(
        gap.contains("\"Desk\"") && gap.contains("2024-01-14 01:39 UTC to 2024-01-14 18:20 UTC"),
        "the gap names the chat and the period: {gap}"
    );
    assert!(stderr(&second).contains("no export covers"), "stderr says it too");
    let shown = coverage(&state);
    assert_eq!(shown[0]["chat"], CHAT, "{shown}");
    assert_eq!(
        shown[0]["gaps"],
        serde_json::json!([{ "after": "2024-01-14T01:39:00Z", "before": "2024-01-14T18:20:00Z" }])
    );

    // The weekly export with media, cut at WhatsApp's 10,000-message cap: messages 500-10499.
    let third = import(&zip_export(tmp.path(), 500..10_500));
    assert!(third.status.success(), "{}", stderr(&third));
    let summary = json(&third);
    assert_eq!(summary["fetched"], 10_000, "{summary}");
    assert_eq!(summary["delivered"], 8_500, "only the messages no earlier export held: {summary}");
    assert_eq!(summary["already_present"], 1_500, "{summary}");
    let warnings = summary["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(warnings.len(), 1, "the truncation, and no gap any more: {summary}");
    let cut = warnings[0].as_str().unwrap_or_default();
    assert!(cut.contains("10000 messages") && cut.contains("cut off"), "{cut}");

    let files = tree(&out);
    assert_eq!(files.len(), 10_500, "each message of the chat once");
    let shown = coverage(&state);
    assert_eq!(shown[0]["first"], "2024-01-13T09:00:00Z", "{shown}");
    assert_eq!(shown[0]["last"], "2024-01-20T15:59:00Z", "{shown}");
    assert_eq!(shown[0]["messages"], 10_500, "{shown}");
    assert_eq!(shown[0]["exports"], 3, "{shown}");
    assert_eq!(shown[0]["gaps"], serde_json::json!([]), "the gap is filled: {shown}");

    let text = run(&["coverage", "--state", &state.display().to_string()]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("whatsapp chat \"Desk\"") && text.contains("gaps           none"), "{text}");
}

#[test]
fn coverage_of_a_state_folder_that_does_not_exist_is_refused_and_creates_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("typo");
    let output = run(&["coverage", "--state", &missing.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no ledger") && stderr(&output).contains("--state"),
        "{}",
        stderr(&output)
    );
    assert!(!missing.exists(), "coverage never creates a state folder");
}

/// Android lines for messages `range`, with `extra` lines (WhatsApp's own) inserted before message `at`.
fn history_with(range: std::ops::Range<usize>, at: usize, extra: &str) -> String {
    let mut out = String::new();
    for line in history(range, false).lines() {
        if line.ends_with(&format!(": note {at}")) {
            out.push_str(extra);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn a_group_renamed_between_exports_keeps_its_archived_name_and_keys() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Workspace { csv, out, target, state } = workspace(tmp.path());
    let import = |folder: &str, name: &str, text: String| {
        let dir = tmp.path().join(folder);
        std::fs::create_dir_all(&dir).expect("folder");
        let path = dir.join(format!("WhatsApp Chat with {name}.txt"));
        std::fs::write(&path, text).expect("export");
        let source = format!("whatsapp:{}", path.display());
        let extra = ["--mapping", csv.as_str(), "--no-auto-map", "--timezone", "Europe/London", "--json"];
        run(&run_args(&source, &target, &state, &extra))
    };

    let first = import("one", CHAT, history(0..10, false));
    assert_eq!(json(&first)["delivered"], 10, "{}", stderr(&first));

    // Renamed after message 9: the next export is named after the new subject and records the change.
    let renamed =
        "13/01/2024, 09:09 - +44 7700 900123 changed the subject from \"Desk\" to \"Trading Desk\"\n";
    let second = import("two", "Trading Desk", history_with(0..20, 10, renamed));
    let summary = json(&second);
    assert_eq!(summary["already_present"], 10, "the history is not archived again: {summary}");
    assert_eq!(summary["delivered"], 11, "ten new messages and the subject change: {summary}");

    // A later export cut after the change no longer records it; the archive remembers the file's name.
    let third = import("three", "Trading Desk", history(15..25, false));
    let summary = json(&third);
    assert_eq!(
        (summary["already_present"].as_u64(), summary["delivered"].as_u64()),
        (Some(5), Some(5)),
        "{summary}"
    );

    let shown = coverage(&state);
    assert_eq!(shown.as_array().map(Vec::len), Some(1), "one chat: {shown}");
    assert_eq!(shown[0]["chat"], CHAT);
    assert_eq!(tree(&out).len(), 26);
}
