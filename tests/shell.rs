//! The desktop shell's commands, invoked through Tauri's real IPC handler on the mock runtime against a
//! temporary state folder. It covers what crosses IPC (values and `{code, message}` errors), not the
//! window or the UI: those are checked with a screenshot and the UI's own tests. This file holds the
//! dashboard's commands; the wizard's are in `shell/wizard.rs`, `shell/entra.rs` and `shell/m365.rs`, the generated TypeScript
//! in `shell/generated_types.rs`.

// Tests and benchmarks read their own knobs (E2E_DEBUG, DOCKET_PROOF_ITEMS...); product code reads the
// environment through docket_core::config::env only (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[path = "shell/connectors.rs"]
mod connectors;
#[path = "shell/core_text.rs"]
mod core_text;
#[path = "shell/entra.rs"]
mod entra;
#[path = "shell/generated_types.rs"]
mod generated_types;
#[path = "shell/hardening.rs"]
mod hardening;
#[path = "shell/harness.rs"]
mod harness;
#[path = "shell/m365.rs"]
mod m365;
#[path = "shell/wizard.rs"]
mod wizard;

use std::collections::BTreeMap;

use docket_core::ledger::Ledger;
use docket_core::model::RunSummary;
use serde_json::json;

use harness::shell_with_state_dir;

fn seed_run(ledger: &Ledger, source: &str, started_at: &str, summary: RunSummary, status: &str) -> i64 {
    let run_id = ledger.start_run(source, "dir:/archive", started_at).expect("run starts");
    let summary = RunSummary { run_id, ..summary };
    ledger.finish_run(&summary, status, "2026-11-22T10:05:00Z").expect("run finishes");
    run_id
}

#[test]
fn app_info_reports_the_app_version_and_the_state_folder() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let info = shell.invoke("app_info", json!({})).expect("app_info succeeds");

    assert_eq!(info["version"], docket_testkit::workspace::version().as_str());
    assert_eq!(info["state_dir"], state.path().to_string_lossy().as_ref());
}

#[test]
fn the_ui_can_set_the_tray_language_even_where_there_is_no_tray() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    // The mock runtime has no tray: the command is registered and relabelling nothing is not an error.
    for language in ["fr", "nl", "en", "de"] {
        assert_eq!(shell.invoke("set_tray_language", json!({ "language": language })), Ok(json!(null)));
    }
}

#[test]
fn the_desktop_executable_prints_the_app_info_version_without_opening_a_window() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_docket-desktop"))
        .arg("--version")
        .output()
        .expect("docket-desktop starts");

    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let expected = format!("docket-desktop {}\n", docket_testkit::workspace::version());
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert_eq!(docket_desktop::APP_VERSION, docket_testkit::workspace::version());
}

#[test]
fn list_runs_is_empty_before_the_first_import() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    assert_eq!(shell.invoke("list_runs", json!({})), Ok(json!([])));
}

#[test]
fn list_runs_returns_past_runs_newest_first_with_their_counts() {
    let state = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger opens");
    let first = seed_run(
        &ledger,
        "whatsapp:/exports/family.zip",
        "2026-11-21T09:00:00Z",
        RunSummary { fetched: 3, delivered: 3, deliveries: 3, ..RunSummary::default() },
        "finished",
    );
    let second = seed_run(
        &ledger,
        "telegram:/exports/result.json",
        "2026-11-22T10:00:00Z",
        RunSummary {
            fetched: 5,
            delivered: 2,
            already_present: 1,
            skipped: BTreeMap::from([("media_omitted".to_string(), 1)]),
            failed: BTreeMap::from([("unmapped_sender".to_string(), 1)]),
            deliveries: 2,
            ..RunSummary::default()
        },
        "finished",
    );
    drop(ledger);
    let shell = shell_with_state_dir(state.path());

    let runs = shell.invoke("list_runs", json!({})).expect("list_runs succeeds");

    let runs = runs.as_array().expect("a list of runs");
    assert_eq!(runs.len(), 2);
    let newest = &runs[0];
    assert_eq!(newest["run_id"], second);
    assert_eq!(newest["source"], "telegram:/exports/result.json");
    assert_eq!(newest["target"], "dir:/archive");
    assert_eq!(newest["status"], "finished");
    assert_eq!(newest["started_at"], "2026-11-22T10:00:00Z");
    assert_eq!(newest["finished_at"], "2026-11-22T10:05:00Z");
    assert_eq!(newest["summary"]["run_id"], second);
    assert_eq!(newest["summary"]["fetched"], 5);
    assert_eq!(newest["summary"]["delivered"], 2);
    assert_eq!(newest["summary"]["already_present"], 1);
    assert_eq!(newest["summary"]["skipped"], json!({ "media_omitted": 1 }));
    assert_eq!(newest["summary"]["failed"], json!({ "unmapped_sender": 1 }));
    assert_eq!(runs[1]["run_id"], first);
    assert_eq!(runs[1]["source"], "whatsapp:/exports/family.zip");
    assert_eq!(runs[1]["summary"]["delivered"], 3);
}

#[test]
fn list_runs_returns_no_more_than_the_limit_asked_for() {
    let state = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger opens");
    let mut newest = 0;
    for day in 1..=3 {
        let started = format!("2026-11-0{day}T08:00:00Z");
        newest = seed_run(&ledger, "whatsapp:/exports/chat.txt", &started, RunSummary::default(), "finished");
    }
    drop(ledger);
    let shell = shell_with_state_dir(state.path());

    let runs = shell.invoke("list_runs", json!({ "limit": 1 })).expect("list_runs succeeds");

    assert_eq!(runs.as_array().map(Vec::len), Some(1));
    assert_eq!(runs[0]["run_id"], newest);
}

#[test]
fn a_state_folder_that_cannot_hold_a_ledger_is_a_ledger_error_naming_it() {
    let scratch = tempfile::tempdir().expect("temp dir");
    // A plain file where the state folder should be: the ledger cannot be created inside it.
    let not_a_folder = scratch.path().join("state-is-a-file");
    std::fs::write(&not_a_folder, b"not a folder").expect("file written");
    let shell = shell_with_state_dir(&not_a_folder);

    let error = shell.invoke("list_runs", json!({})).expect_err("list_runs fails");

    assert_eq!(error["code"], "ledger");
    let message = error["message"].as_str().expect("a message");
    assert!(message.contains("state-is-a-file"), "the message names the folder: {message}");
}
