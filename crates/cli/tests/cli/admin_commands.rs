//! The CLI as a new admin meets it: a run that holds items says so and what to do next, `docket held` lists
//! them and `docket replay` imports them once the mapping is fixed; `verify` refuses a state folder or a
//! folder target that does not exist (creating nothing), says how to restore missing messages and, with
//! `--mark-missing`, lets the next run deliver them again; and the small things: `--item 0`, every missing
//! `DOCKET_*` variable named at once, and `--version` printing the workspace's one version.

use std::path::Path;

use super::harness::{docket, json, run, run_args, stderr};

/// A chat where Alice is mapped by the second CSV only.
fn chat(dir: &Path) -> String {
    let path = dir.join("WhatsApp Chat with Desk.txt");
    std::fs::write(
        &path,
        "15/01/2024, 09:00 - +44 7700 900123: one\n15/01/2024, 09:01 - +44 7700 900123: two\n",
    )
    .expect("export");
    format!("whatsapp:{}", path.display())
}

fn mapping(dir: &Path, rows: &str) -> String {
    let path = dir.join("mapping.csv");
    std::fs::write(&path, format!("Mobile,Email\n{rows}")).expect("mapping");
    path.display().to_string()
}

#[test]
fn held_items_are_announced_listed_and_replayed_once_the_mapping_is_fixed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = chat(tmp.path());
    let state = tmp.path().join("state");
    let target = format!("dir:{}", tmp.path().join("out").display());
    let empty = mapping(tmp.path(), "");
    let extra = ["--mapping", empty.as_str(), "--no-auto-map", "--timezone", "UTC", "--json"];

    let first = run(&run_args(&source, &target, &state, &extra));

    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(json(&first)["skipped"]["unmapped"], 2);
    let said = stderr(&first);
    assert!(
        said.contains("2 of 2 items were held as unmapped")
            && said.contains("docket held --source")
            && said.contains("docket replay"),
        "the run says how many were held, why, and the next commands: {said}"
    );

    let state_arg = state.display().to_string();
    let held = run(&["held", "--state", &state_arg, "--source", &source, "--json"]);
    assert!(held.status.success(), "{}", stderr(&held));
    let rows = json(&held);
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
    assert_eq!(rows[0]["reason"], "unmapped");
    assert!(rows[0]["detail"].as_str().is_some_and(|d| d.contains("+44 7700 900123")), "{rows}");

    // The export is gone; the ledger kept the items.
    std::fs::remove_file(tmp.path().join("WhatsApp Chat with Desk.txt")).expect("removed");
    let fixed = mapping(tmp.path(), "+447700900123,alice@contoso.com\n");
    let mut args = run_args(&source, &target, &state, &["--mapping", &fixed, "--no-auto-map", "--json"]);
    args[0] = "replay".into();
    let replayed = run(&args);
    assert!(replayed.status.success(), "{}", stderr(&replayed));
    assert_eq!(json(&replayed)["delivered"], 2, "{}", stderr(&replayed));
    let after = run(&["held", "--state", &state_arg, "--source", &source, "--json"]);
    assert_eq!(json(&after), serde_json::json!([]), "nothing held any more");
}

#[test]
fn verify_refuses_a_state_folder_or_a_folder_target_that_does_not_exist_and_creates_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let typo = tmp.path().join("stat");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("out");

    let no_state = run(&[
        "verify",
        "--state",
        &typo.display().to_string(),
        "--target",
        &format!("dir:{}", out.display()),
    ]);
    assert_eq!(no_state.status.code(), Some(2), "{}", stderr(&no_state));
    assert!(stderr(&no_state).contains("no ledger") && stderr(&no_state).contains("--state"));
    assert!(!typo.exists(), "verify never creates a state folder");

    // A real state folder, and a dir: target with a typo.
    let source = chat(tmp.path());
    let state = tmp.path().join("state");
    let csv = mapping(tmp.path(), "+447700900123,alice@contoso.com\n");
    let target = format!("dir:{}", out.display());
    let imported = run(&run_args(&source, &target, &state, &["--mapping", &csv, "--timezone", "UTC"]));
    assert!(imported.status.success(), "{}", stderr(&imported));
    let wrong = tmp.path().join("archve");
    let no_folder = run(&[
        "verify",
        "--state",
        &state.display().to_string(),
        "--target",
        &format!("dir:{}", wrong.display()),
    ]);
    assert_eq!(no_folder.status.code(), Some(2), "a typo is not '0 missing': {}", stderr(&no_folder));
    assert!(stderr(&no_folder).contains("does not exist"), "{}", stderr(&no_folder));
    assert!(!wrong.exists());
}

#[test]
fn verify_says_how_to_restore_missing_messages_and_mark_missing_lets_the_next_run_deliver_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = chat(tmp.path());
    let state = tmp.path().join("state");
    let out = tmp.path().join("out");
    let target = format!("dir:{}", out.display());
    let csv = mapping(tmp.path(), "+447700900123,alice@contoso.com\n");
    let extra = ["--mapping", csv.as_str(), "--timezone", "UTC", "--json"];
    assert!(run(&run_args(&source, &target, &state, &extra)).status.success());
    let folder = out.join("alice@contoso.com/WhatsApp Archiver");
    let lost = std::fs::read_dir(&folder).expect("folder").flatten().next().expect("a message").path();
    std::fs::remove_file(&lost).expect("someone deleted a message");
    let state_arg = state.display().to_string();

    let found = run(&["verify", "--state", &state_arg, "--target", &target]);
    assert_eq!(found.status.code(), Some(1));
    assert!(stderr(&found).contains("--mark-missing"), "it says how to restore them: {}", stderr(&found));

    let marked = run(&["verify", "--state", &state_arg, "--target", &target, "--mark-missing", "--json"]);
    assert_eq!(json(&marked)["marked_for_redelivery"], 1, "{}", stderr(&marked));
    let again = run(&run_args(&source, &target, &state, &extra));
    assert_eq!(json(&again)["deliveries"], 1, "the next run delivers it again: {}", stderr(&again));
    assert!(lost.exists());
    let clean = run(&["verify", "--state", &state_arg, "--target", &target]);
    assert!(clean.status.success(), "{}", stderr(&clean));
}

#[test]
fn item_zero_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = chat(tmp.path());
    let output = run(&["preview", "--source", &source, "--item", "0", "--timezone", "UTC"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("counted from 1"), "{}", stderr(&output));
}

#[test]
fn every_missing_docket_variable_is_named_at_once_each_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = chat(tmp.path());
    let output = docket()
        .env_remove("DOCKET_TENANT_ID")
        .env_remove("DOCKET_CLIENT_ID")
        .env_remove("DOCKET_CLIENT_SECRET")
        // No keychain: the secret is missing too.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(run_args(&source, "graph", &tmp.path().join("state"), &["--timezone", "UTC"]))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output);
    for name in ["DOCKET_TENANT_ID", "DOCKET_CLIENT_ID", "DOCKET_CLIENT_SECRET"] {
        assert_eq!(said.matches(name).count(), 1, "{name} named once: {said}");
    }
}

#[test]
fn version_is_the_workspace_version() {
    let output = docket().arg("--version").output().expect("docket runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = format!("docket {}\n", docket_testkit::workspace::version());
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}
