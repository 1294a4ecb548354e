//! One run plan for both front ends: `docket run --show-plan` with a connector's flags gives exactly the plan
//! the desktop wizard builds for the same connector (the shared fixtures in ui/src/wizard/plans/, which the
//! wizard's own tests check from its side), with the same ledger label and targets; and it runs nothing.

use std::path::Path;

use docket_core::connector::RunPlan;

use super::harness::{docket, json, stderr};

fn fixture(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/wizard/plans").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture JSON")
}

fn show_plan(fixture: &serde_json::Value, state: &Path) -> serde_json::Value {
    let mut cmd = docket();
    cmd.arg("run").arg("--show-plan").arg("--state").arg(state);
    for flag in fixture["flags"].as_array().expect("flags") {
        cmd.arg(flag.as_str().expect("a flag"));
    }
    for (name, value) in fixture["env"].as_object().expect("env") {
        cmd.env(name, value.as_str().expect("a value"));
    }
    let output = cmd.output().expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    json(&output)
}

#[test]
fn the_cli_and_the_wizard_build_the_same_plan_for_the_same_connector() {
    for name in ["whatsapp-graph.json", "x-graph.json", "telegram-bot-graph.json"] {
        let fixture = fixture(name);
        let state = tempfile::tempdir().expect("tempdir");
        let shown = show_plan(&fixture, state.path());
        let wizard: RunPlan =
            serde_json::from_value(fixture["plan"].clone()).expect("the wizard's plan loads");
        let cli: RunPlan = serde_json::from_value(shown["plan"].clone()).expect("the CLI's plan loads");
        assert_eq!(cli.label(), wizard.label(), "{name}: labels");
        assert_eq!(shown["label"], fixture["label"], "{name}");
        assert_eq!(cli.targets, wizard.targets, "{name}: targets");
        assert_eq!(cli, wizard, "{name}: the whole plan");
        assert!(!state.path().join("ledger.sqlite3").exists(), "{name}: --show-plan runs nothing");
    }
}

#[test]
fn a_plan_names_every_missing_app_variable_at_once() {
    let state = tempfile::tempdir().expect("tempdir");
    let output = docket()
        .args(["run", "--show-plan", "--source", "whatsapp:/exports/chat.zip", "--target", "graph"])
        .arg("--state")
        .arg(state.path())
        .env_remove("DOCKET_TENANT_ID")
        .env_remove("DOCKET_CLIENT_ID")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &stderr(&output);
    assert!(text.contains("DOCKET_TENANT_ID") && text.contains("DOCKET_CLIENT_ID"), "{text}");
}

#[test]
fn a_whatsapp_run_with_no_time_zone_warns_that_it_read_the_times_as_utc() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, _) = docket_testkit::exports::write_android_zip(tmp.path(), "Zone", 3, false).expect("zip");
    let base = ["run", "--source", &format!("whatsapp:{}", zip.display()), "--mailbox", "owner@contoso.com"];
    let mut without: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    let target = format!("dir:{}", tmp.path().join("out").display());
    without.extend(["--target", &target, "--json", "--state"].map(String::from));
    without.push(tmp.path().join("a").display().to_string());

    let output = docket().args(&without).output().expect("runs");

    assert!(output.status.success(), "{}", stderr(&output));
    let warnings = json(&output)["warnings"].clone();
    assert!(
        warnings
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w.as_str().is_some_and(|w| w.contains("read as UTC")))),
        "{warnings}"
    );
    assert!(stderr(&output).contains("--timezone"), "the warning says what to do");

    let mut with = without.clone();
    with.extend(["--timezone", "Europe/London"].map(String::from));
    let state = with.iter().position(|a| a == "--state").expect("state") + 1;
    with[state] = tmp.path().join("b").display().to_string();
    let output = docket().args(&with).output().expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(json(&output)["warnings"], serde_json::json!([]), "a given zone warns nothing");
}
