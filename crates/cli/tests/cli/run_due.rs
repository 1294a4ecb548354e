//! `docket run-due` over connectors saved as the desktop app saves them, and `docket schedule` against a
//! temporary unit folder and a systemctl double that accepts only the arguments systemd documents.

use std::path::{Path, PathBuf};
use std::process::Output;

use docket_core::connector::{ConnectorSettings, ConnectorStore, PlanTarget, RunPlan, Schedule};
use docket_core::ledger::Ledger;
use docket_core::model::SourceKind;

use crate::harness::{docket, json, stderr};

fn sample(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples").join(relative).display().to_string()
}

fn plan(kind: SourceKind, location: String, archive: &Path) -> RunPlan {
    RunPlan {
        source_kind: kind,
        location,
        timezone: "Europe/London".into(),
        date_order: None,
        mapping_csv: Some(sample("mapping.csv")),
        auto_map: true,
        owner_mailbox: Some("compliance@contoso.com".into()),
        folder: None,
        default_region: None,
        targets: vec![PlanTarget::Dir { path: archive.display().to_string() }],
        concurrency: docket_core::connector::DEFAULT_CONCURRENCY,
    }
}

fn save(store: &ConnectorStore, name: &str, request: RunPlan, schedule: Schedule, hours_ago: u64) -> String {
    let settings = ConnectorSettings { name: name.into(), request, entra: None, consent: None, schedule };
    let created = docket_core::connector::now() - std::time::Duration::from_secs(hours_ago * 3600);
    store.save(None, settings, created).expect("saved").id
}

fn run_due(state: &Path, extra: &[&str]) -> Output {
    docket().args(["run-due", "--state"]).arg(state).args(extra).output().expect("the docket binary runs")
}

fn outcome_of<'a>(lines: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    lines
        .as_array()
        .and_then(|a| a.iter().find(|l| l["connector_id"] == id))
        .unwrap_or_else(|| panic!("{id} listed"))
}

fn files_under(dir: &Path) -> usize {
    if !dir.exists() {
        return 0;
    }
    crate::harness::tree(dir).len()
}

#[test]
fn run_due_runs_the_due_connectors_reports_a_held_state_folder_as_busy_and_leaves_the_rest() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let (due_out, later_out, manual_out) =
        (archive.path().join("due"), archive.path().join("later"), archive.path().join("manual"));
    let store = ConnectorStore::new(state.path());
    let due_plan = plan(SourceKind::WhatsApp, sample("whatsapp"), &due_out);
    let due = save(&store, "WhatsApp desk", due_plan.clone(), Schedule::EveryHours { hours: 1 }, 2);
    let later_plan = plan(SourceKind::Telegram, sample("telegram/result.json"), &later_out);
    let later = save(&store, "Telegram later", later_plan.clone(), Schedule::EveryHours { hours: 24 }, 1);
    let manual_plan = plan(SourceKind::Telegram, sample("telegram"), &manual_out);
    let manual = save(&store, "By hand", manual_plan, Schedule::Manual, 48);

    // --dry-run names what is due and runs nothing.
    let dry = run_due(state.path(), &["--dry-run", "--json"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    let lines = json(&dry);
    assert_eq!(outcome_of(&lines, &due)["outcome"], "due");
    assert_eq!(outcome_of(&lines, &later)["outcome"], "not_due");
    assert_eq!(outcome_of(&lines, &manual)["outcome"], "not_due");
    assert_eq!(files_under(&due_out), 0, "a dry run writes nothing");

    // Another run holds the state folder (as `docket run` or the app would): the due connector is busy, not
    // failed, and nothing is imported.
    {
        let ledger = Ledger::open(state.path()).expect("ledger");
        let _held = ledger.lock_for_run().expect("the test holds the run lock");
        let busy = run_due(state.path(), &["--json"]);
        assert_eq!(busy.status.code(), Some(0), "a busy connector is not a failure: {}", stderr(&busy));
        let lines = json(&busy);
        let line = outcome_of(&lines, &due);
        assert_eq!(line["outcome"], "busy", "{line}");
        assert_eq!(line["error"]["code"], "ledger");
        assert!(
            line["error"]["message"].as_str().is_some_and(|m| m.contains("another Docket run")),
            "{line}"
        );
        assert!(line.get("summary").is_none());
        assert_eq!(outcome_of(&lines, &later)["outcome"], "not_due");
        assert!(ledger.runs(10).expect("runs").is_empty(), "no run started while the folder was held");
        assert_eq!(files_under(&due_out), 0);
    }

    // Released: the due connector runs as the app would run it; the others stay untouched.
    let ran = run_due(state.path(), &["--json"]);
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    let lines = json(&ran);
    assert_eq!(lines.as_array().map(Vec::len), Some(3), "every saved connector has a line: {lines}");
    let line = outcome_of(&lines, &due);
    assert_eq!(line["outcome"], "ran", "{line}");
    assert_eq!(line["name"], "WhatsApp desk");
    let delivered = line["summary"]["delivered"].as_u64().expect("a summary");
    assert!(delivered > 0, "{line}");
    assert_eq!(outcome_of(&lines, &later)["outcome"], "not_due");
    assert!(outcome_of(&lines, &later)["next_run"].is_string());
    assert_eq!(outcome_of(&lines, &manual)["outcome"], "not_due");
    assert!(outcome_of(&lines, &manual).get("next_run").is_none(), "a manual connector has no next run");

    let ledger = Ledger::open_existing(state.path()).expect("ledger");
    let totals = ledger.source_totals(&due_plan.label()).expect("totals");
    let deliveries = line["summary"]["deliveries"].as_u64().expect("deliveries");
    assert_eq!(totals.delivered, deliveries, "the ledger has a delivered row per item and mailbox");
    assert_eq!(
        files_under(&due_out) as u64,
        deliveries,
        "one .eml per delivery, in the due connector's folder"
    );
    assert_eq!(ledger.source_totals(&later_plan.label()).expect("totals").delivered, 0);
    assert!(ledger.runs_for_source(&later_plan.label(), 5).expect("runs").is_empty());
    assert_eq!(files_under(&later_out) + files_under(&manual_out), 0);

    // It ran a moment ago, so the next pass finds nothing due (and the human output says so).
    let again = run_due(state.path(), &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains(&format!("not due  WhatsApp desk ({due}): next run at")), "{text}");
    assert_eq!(ledger.runs(10).expect("runs").len(), 1);
}

#[test]
fn a_due_connector_whose_export_is_gone_fails_with_exit_2_and_the_others_still_run() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let store = ConnectorStore::new(state.path());
    let gone = state.path().join("no-such-export.zip").display().to_string();
    let broken = save(
        &store,
        "Export moved",
        plan(SourceKind::WhatsApp, gone, &archive.path().join("a")),
        Schedule::EveryHours { hours: 1 },
        3,
    );
    let fine = save(
        &store,
        "Telegram",
        plan(SourceKind::Telegram, sample("telegram/result.json"), &archive.path().join("b")),
        Schedule::EveryHours { hours: 1 },
        2,
    );

    let out = run_due(state.path(), &["--json"]);

    assert_eq!(out.status.code(), Some(2), "bad input is exit 2, as for `docket run`: {}", stderr(&out));
    let lines = json(&out);
    let failed = outcome_of(&lines, &broken);
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["error"]["code"], "bad_export", "{failed}");
    assert_eq!(outcome_of(&lines, &fine)["outcome"], "ran");
    assert!(outcome_of(&lines, &fine)["summary"]["delivered"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn run_due_on_a_folder_without_saved_connectors_is_exit_2_and_creates_nothing() {
    let state = tempfile::tempdir().expect("temp dir");
    let out = run_due(&state.path().join("typo"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no saved connectors"), "{}", stderr(&out));
    assert!(!state.path().join("typo").exists(), "no ledger is created for a mistyped --state");
}

/// A systemctl double: it logs every call and accepts only the argument lists systemctl(1) documents for what
/// `docket schedule` does, refusing to enable a timer whose unit file is not there, as systemd does.
fn fake_systemctl(dir: &Path, units: &Path) -> PathBuf {
    let script = dir.join("systemctl");
    let log = dir.join("calls.log");
    let props = "--property=UnitFileState,ActiveState,LastTriggerUSec,NextElapseUSecRealtime";
    let body = format!(
        r#"#!/bin/sh
echo "$*" >> "{log}"
case "$*" in
  "--user is-system-running")
    if [ -e "{dir}/offline" ]; then echo offline; echo "Failed to connect to bus: No medium found" >&2; exit 1; fi
    echo running ;;
  "--user daemon-reload") ;;
  "--user enable --now docket-run-due.timer")
    [ -f "{units}/docket-run-due.timer" ] || {{ echo "Failed to enable unit: Unit file docket-run-due.timer does not exist." >&2; exit 1; }}
    touch "{dir}/enabled" ;;
  "--user disable --now docket-run-due.timer") rm -f "{dir}/enabled" ;;
  "--user show docket-run-due.timer {props}")
    if [ -e "{dir}/enabled" ]; then
      printf 'UnitFileState=enabled\nActiveState=active\nLastTriggerUSec=n/a\nNextElapseUSecRealtime=Mon 2026-12-07 10:15:00 UTC\n'
    else
      printf 'UnitFileState=\nActiveState=inactive\nLastTriggerUSec=n/a\nNextElapseUSecRealtime=\n'
    fi ;;
  *) echo "fake systemctl: unexpected arguments: $*" >&2; exit 64 ;;
esac
"#,
        log = log.display(),
        dir = dir.display(),
        units = units.display(),
    );
    std::fs::write(&script, body).expect("script written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("executable");
    }
    script
}

fn calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default().lines().map(str::to_string).collect()
}

#[cfg(unix)]
#[test]
fn schedule_installs_reports_and_removes_a_systemd_user_timer_that_runs_run_due() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let units = tmp.path().join("units");
    let state = tmp.path().join("state dir");
    let systemctl = fake_systemctl(tmp.path(), &units);
    let schedule = |args: &[&str]| {
        docket()
            .arg("schedule")
            .args(args)
            .env("DOCKET_SYSTEMD_USER_DIR", &units)
            .env("DOCKET_SYSTEMCTL", &systemctl)
            .env("USER", "docket-test-nobody")
            .output()
            .expect("the docket binary runs")
    };
    let show = "--user show docket-run-due.timer \
                --property=UnitFileState,ActiveState,LastTriggerUSec,NextElapseUSecRealtime";

    let installed = schedule(&["install", "--json", "--state", state.to_str().expect("utf-8")]);
    assert_eq!(installed.status.code(), Some(0), "{}", stderr(&installed));
    let status = json(&installed);
    assert_eq!(status["installed"], true);
    assert_eq!(status["enabled"], true);
    assert_eq!(status["active"], true);
    assert_eq!(status["next_trigger"], "Mon 2026-12-07 10:15:00 UTC");
    assert!(status["last_trigger"].is_null(), "n/a is no trigger yet");
    assert_eq!(status["linger"], false);
    assert!(status["advice"].to_string().contains("loginctl enable-linger docket-test-nobody"), "{status}");
    assert_eq!(
        calls(tmp.path()),
        [
            "--user is-system-running",
            "--user daemon-reload",
            "--user enable --now docket-run-due.timer",
            "--user is-system-running",
            show,
        ]
    );
    let service = std::fs::read_to_string(units.join("docket-run-due.service")).expect("service written");
    let timer = std::fs::read_to_string(units.join("docket-run-due.timer")).expect("timer written");
    let exe = env!("CARGO_BIN_EXE_docket");
    assert!(
        service.contains(&format!("ExecStart=\"{exe}\" \"run-due\" \"--state\" \"{}\"\n", state.display())),
        "{service}"
    );
    assert!(service.contains("Type=oneshot"));
    for line in
        ["OnCalendar=*:0/15", "Persistent=true", "Unit=docket-run-due.service", "WantedBy=timers.target"]
    {
        assert!(timer.lines().any(|l| l == line), "{line} in {timer}");
    }
    verify_with_systemd_analyze(&units, tmp.path());

    let status = schedule(&["status"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("enabled:       yes") && text.contains("Mon 2026-12-07 10:15:00 UTC"), "{text}");

    let removed = schedule(&["uninstall", "--json"]);
    assert_eq!(removed.status.code(), Some(0), "{}", stderr(&removed));
    assert_eq!(json(&removed)["installed"], false);
    assert!(!units.join("docket-run-due.service").exists() && !units.join("docket-run-due.timer").exists());
    let log = calls(tmp.path());
    assert_eq!(
        log[log.len() - 5..],
        [
            "--user is-system-running",
            "--user disable --now docket-run-due.timer",
            "--user daemon-reload",
            "--user is-system-running",
            show,
        ]
    );

    // No user manager (a container, CI): exit 2, what to do next, and nothing written.
    std::fs::write(tmp.path().join("offline"), "").expect("offline marker");
    let refused = schedule(&["install"]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("cannot reach this user's systemd manager") && message.contains("enable-linger"),
        "{message}"
    );
    assert!(!units.join("docket-run-due.timer").exists(), "nothing is installed without a manager");
    let status = schedule(&["status", "--json"]);
    assert_eq!(status.status.code(), Some(2));
    assert_eq!(json(&status)["manager_reachable"], false);
}

/// `systemd-analyze verify` of the written units, where the tool is installed (Debian's `systemd` package;
/// scripts/install-deps installs it). It also checks that ExecStart's binary exists.
fn verify_with_systemd_analyze(units: &Path, tmp: &Path) {
    let Ok(found) = std::process::Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed: the units were checked by their text only");
        return;
    };
    assert!(found.status.success());
    let runtime = tmp.join("xdg-runtime");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).expect("private");
    }
    let out = std::process::Command::new("systemd-analyze")
        .args(["verify", "--user"])
        .arg(units.join("docket-run-due.timer"))
        .arg(units.join("docket-run-due.service"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("systemd-analyze runs");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn schedule_install_print_shows_every_platform_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = docket()
        .args(["schedule", "install", "--print", "--json", "--state"])
        .arg(tmp.path().join("s"))
        .env("DOCKET_SYSTEMD_USER_DIR", tmp.path().join("units"))
        .env("DOCKET_SYSTEMCTL", tmp.path().join("no-such-systemctl"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = json(&out);
    assert_eq!(printed["command"][1], "run-due");
    assert!(printed["systemd"]["timer"].as_str().is_some_and(|t| t.contains("OnCalendar=*:0/15")));
    assert!(printed["launchd"]["plist"].as_str().is_some_and(|p| p.contains("<key>StartInterval</key>")));
    assert!(printed["windows"]["task_xml"].as_str().is_some_and(|x| x.contains("PT15M")));
    assert!(printed["windows"]["schtasks"].as_str().is_some_and(|c| c.starts_with("schtasks /Create")));
    assert!(!tmp.path().join("units").exists(), "--print installs nothing");
}
