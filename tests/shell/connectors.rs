//! Saved connectors over IPC: the wizard's Finish saves one (settings only) and runs it; the dashboard lists
//! it with its last run, next run and counts, its held items and per-day counts; reports are saved where the
//! admin chose; deleting forgets the settings but keeps the archive; and the scheduler runs what is due,
//! telling the window each step.

use std::sync::{Arc, Mutex};

use docket_core::connector::{ConnectorSettings, ConnectorStore, PlanTarget, RunPlan, Schedule};
use docket_core::model::SourceKind;
use docket_desktop::SCHEDULER_EVENT;
use serde_json::{json, Value};
use tauri::Listener;

use super::harness::{shell_with_state_dir, text, workspace_file};

fn settings_json(archive: &std::path::Path, schedule: Value) -> Value {
    json!({
        "name": "WhatsApp – trading desk",
        "request": {
            "source_kind": "whatsapp",
            "location": text(&workspace_file("samples/whatsapp")),
            "timezone": "Europe/London",
            "date_order": null,
            "mapping_csv": null,
            "auto_map": false,
            "owner_mailbox": null,
            "folder": null,
            "default_region": null,
            "target": { "kind": "dir", "path": text(archive) },
        },
        "entra": { "tenant_id": "contoso.onmicrosoft.com", "client_id": "00000000-0000-0000-0000-000000000001", "cloud": null },
        "consent": null,
        "schedule": schedule,
    })
}

fn files_under(dir: &std::path::Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        n += if p.is_dir() { files_under(&p) } else { 1 };
    }
    n
}

#[test]
fn finish_saves_a_connector_runs_it_and_the_dashboard_reads_it_back() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let saved = shell
        .invoke("save_connector", json!({ "id": null, "settings": settings_json(archive.path(), json!({"kind": "daily", "at": "02:00"})) }))
        .expect("saved");
    let id = saved["id"].as_str().expect("an id").to_string();
    let listed = shell.invoke("list_connectors", json!({})).expect("listed");
    assert_eq!(listed[0]["connector"]["id"], id.as_str());
    assert!(listed[0]["last_run"].is_null());
    assert!(listed[0]["next_run"].as_str().is_some_and(|t| t.ends_with('Z')), "{listed}");

    // Unmapped everywhere (no CSV, no owner): every item is held, then replayed once the mapping is set.
    let first = shell
        .invoke("run_connector", json!({ "id": id, "replay": false, "onProgress": "__CHANNEL__:3" }))
        .expect("first run");
    let held = first["skipped"]["unmapped"].as_u64().expect("held items");
    assert_eq!(first["delivered"], 0);
    let rows = shell.invoke("held_items", json!({ "id": id, "limit": 100 })).expect("held");
    assert_eq!(rows.as_array().map(Vec::len), Some(held as usize));
    assert_eq!(rows[0]["reason"], "unmapped");
    // The held reason crosses IPC with its key and values too, so the window says it in its language.
    assert_eq!(rows[0]["detail_text"]["key"], "mapping.unmapped.reason", "{}", rows[0]);
    assert_eq!(rows[0]["detail_text"]["message"], rows[0]["detail"]);

    let mut edited = settings_json(archive.path(), json!({"kind": "every_hours", "hours": 4}));
    edited["request"]["mapping_csv"] = json!(text(&workspace_file("samples/mapping.csv")));
    let resaved = shell.invoke("save_connector", json!({ "id": id, "settings": edited })).expect("edited");
    assert_eq!(resaved["id"], id.as_str(), "editing keeps the connector");
    let replay = shell
        .invoke("run_connector", json!({ "id": id, "replay": true, "onProgress": "__CHANNEL__:4" }))
        .expect("replay");
    assert_eq!(replay["fetched"].as_u64(), Some(held));
    assert!(replay["delivered"].as_u64().is_some_and(|n| n > 0), "{replay}");

    let listed = shell.invoke("list_connectors", json!({})).expect("listed");
    let overview = &listed[0];
    assert_eq!(overview["last_run"]["run_id"], replay["run_id"]);
    assert_eq!(overview["totals"]["delivered"], replay["deliveries"]);
    assert_eq!(overview["connector"]["settings"]["schedule"], json!({"kind": "every_hours", "hours": 4}));
    let days = shell.invoke("daily_counts", json!({ "id": id, "days": 30 })).expect("days");
    assert_eq!(days[0]["delivered"], replay["deliveries"]);

    let csv = state.path().join("reconciliation.csv");
    let rows = shell
        .invoke(
            "save_report",
            json!({ "runId": replay["run_id"], "kind": "reconciliation", "path": text(&csv) }),
        )
        .expect("csv saved");
    let text_csv = std::fs::read_to_string(&csv).expect("csv");
    assert_eq!(
        text_csv.lines().count() as u64,
        rows.as_u64().expect("count") + 1,
        "a header and a line per row"
    );
    let log = state.path().join("run.log");
    shell
        .invoke("save_report", json!({ "runId": replay["run_id"], "kind": "run_log", "path": text(&log) }))
        .expect("log saved");
    assert!(std::fs::read_to_string(&log).expect("log").contains("status:   finished"));

    let files = files_under(archive.path());
    assert!(files > 0);
    assert_eq!(shell.invoke("delete_connector", json!({ "id": id })), Ok(Value::Null));
    assert_eq!(shell.invoke("list_connectors", json!({})), Ok(json!([])));
    assert_eq!(files_under(archive.path()), files, "deleting a connector keeps every archived message");
    let runs = shell.invoke("list_runs", json!({})).expect("runs");
    assert_eq!(runs.as_array().map(Vec::len), Some(2), "and the run history");
}

#[test]
fn a_connector_with_a_secret_smuggled_into_its_settings_is_refused() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let mut settings = settings_json(state.path(), json!({"kind": "manual"}));
    settings["connection_string"] = json!("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0");

    let error =
        shell.invoke("save_connector", json!({ "id": null, "settings": settings })).expect_err("refused");

    assert!(!error.to_string().contains("c2VjcmV0"), "{error}");
    assert!(!state.path().join("connectors.json").exists(), "nothing was saved");
}

#[test]
fn the_scheduler_runs_a_due_connector_once_and_tells_the_window_each_step() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let request = RunPlan {
        source_kind: SourceKind::WhatsApp,
        location: text(&workspace_file("samples/whatsapp")),
        timezone: "Europe/London".into(),
        date_order: None,
        mapping_csv: Some(text(&workspace_file("samples/mapping.csv"))),
        auto_map: true,
        owner_mailbox: None,
        folder: None,
        default_region: None,
        targets: vec![PlanTarget::Dir { path: text(archive.path()) }],
        concurrency: docket_core::connector::DEFAULT_CONCURRENCY,
    };
    let store = ConnectorStore::new(state.path());
    let settings = |name: &str, schedule| ConnectorSettings {
        name: name.into(),
        request: request.clone(),
        entra: None,
        consent: None,
        schedule,
    };
    let two_hours_ago = docket_core::connector::now() - std::time::Duration::from_secs(2 * 3600);
    let due = store
        .save(None, settings("hourly", Schedule::EveryHours { hours: 1 }), two_hours_ago)
        .expect("saved");
    store.save(None, settings("by hand", Schedule::Manual), two_hours_ago).expect("saved");
    let shell = shell_with_state_dir(state.path());
    let seen = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = seen.clone();
    shell.handle().listen(SCHEDULER_EVENT, move |event| {
        if let Ok(value) = serde_json::from_str::<Value>(event.payload()) {
            sink.lock().expect("events").push(value);
        }
    });

    let results = tauri::async_runtime::block_on(docket_desktop::run_due(&shell.handle())).expect("ran");

    assert_eq!(results.len(), 1, "only the scheduled connector that is due runs");
    assert_eq!(results[0].0, due.id);
    let summary = results[0].1.as_ref().expect("the run succeeded");
    assert!(summary.delivered > 0);
    let events = seen.lock().expect("events").clone();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"started"));
    assert_eq!(kinds.last(), Some(&"finished"));
    assert!(kinds.iter().filter(|k| **k == "progress").count() as u64 >= summary.fetched);
    assert!(events.iter().all(|e| e["connector_id"] == due.id.as_str()));
    let finished = events.last().expect("a last event");
    assert_eq!(finished["summary"]["run_id"], summary.run_id);

    let again = tauri::async_runtime::block_on(docket_desktop::run_due(&shell.handle())).expect("ran");
    assert!(again.is_empty(), "it ran just now, so it is not due for another hour");
}
