//! Spec: saved connectors. The wizard's Finish saves a connector (settings only, never a secret) that the
//! dashboard lists with its last run, next run and counts; edits keep its id; deleting it forgets only the
//! settings, never the ledger or the archive. Schedules (daily at a local time, every N hours) decide when it
//! is due. Held items replay with a changed mapping, and the run history's reports (reconciliation CSV, run
//! log) account for every ledger row.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Timelike, Utc};
use docket_core::connector::{
    self, CancellationToken, ConnectorSettings, ConnectorStore, PlanTarget, RunPlan, Schedule,
};
use docket_core::ledger::Ledger;
use docket_core::model::SourceKind;
use docket_core::pipeline::progress::silent;
use docket_core::secrets::MemSecretStore;
use docket_core::Code;

fn workspace_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

fn request(archive: &Path, mapping: Option<&str>) -> RunPlan {
    RunPlan {
        source_kind: SourceKind::WhatsApp,
        location: workspace_file("samples/whatsapp/WhatsApp Chat with Trading Desk.txt")
            .to_string_lossy()
            .into_owned(),
        timezone: "Europe/London".into(),
        date_order: None,
        mapping_csv: mapping.map(|m| workspace_file(m).to_string_lossy().into_owned()),
        auto_map: false,
        owner_mailbox: None,
        folder: None,
        default_region: None,
        targets: vec![PlanTarget::Dir { path: archive.to_string_lossy().into_owned() }],
        concurrency: connector::DEFAULT_CONCURRENCY,
    }
}

fn settings(request: RunPlan, schedule: Schedule) -> ConnectorSettings {
    ConnectorSettings {
        name: "WhatsApp – trading desk".into(),
        request,
        entra: None,
        consent: None,
        schedule,
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
}

fn eml_count(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "eml") {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn a_saved_connector_is_listed_edited_in_place_and_deleted_without_touching_the_archive() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let store = ConnectorStore::new(state.path());
    assert!(store.list().expect("empty list").is_empty(), "no file yet means no connectors");

    let now = utc("2026-11-23T10:00:00Z");
    let first = store
        .save(None, settings(request(archive.path(), Some("samples/mapping.csv")), Schedule::default()), now)
        .expect("saved");
    assert!(first.id.starts_with("c-") && first.id.len() == 14, "{}", first.id);
    assert_eq!(store.list().expect("list"), vec![first.clone()]);

    let mut edited = first.settings.clone();
    edited.name = "WhatsApp – trading desk (EU)".into();
    edited.schedule = Schedule::EveryHours { hours: 6 };
    let later = utc("2026-11-23T11:00:00Z");
    let saved = store.save(Some(&first.id), edited.clone(), later).expect("edited");
    assert_eq!(saved.id, first.id, "editing keeps the id");
    assert_eq!(saved.created_at, first.created_at);
    assert_eq!(saved.updated_at, "2026-11-23T11:00:00Z");
    assert_eq!(store.get(&first.id).expect("get").settings, edited);
    assert_eq!(store.list().expect("list").len(), 1);

    let ledger = Ledger::open(state.path()).expect("ledger");
    let summary = tokio::runtime::Runtime::new().expect("runtime").block_on(connector::run_import(
        &saved.settings.request,
        &MemSecretStore::default(),
        &ledger,
        silent(),
        CancellationToken::new(),
    ));
    let summary = summary.expect("import");
    assert!(summary.delivered > 0);
    let files_before = eml_count(archive.path());
    let label = saved.settings.request.label();
    let totals_before = ledger.source_totals(&label).expect("totals");

    store.delete(&first.id).expect("deleted");
    assert!(store.list().expect("list").is_empty());
    assert_eq!(eml_count(archive.path()), files_before, "deleting a connector deletes no archived message");
    assert_eq!(ledger.source_totals(&label).expect("totals"), totals_before, "nor any ledger row");
    assert_eq!(ledger.runs_for_source(&label, 10).expect("runs").len(), 1);

    let again = store.delete(&first.id).expect_err("already gone");
    assert_eq!(again.code(), Code::BadConfig);
    assert!(again.to_string().contains(&first.id), "{again}");
}

#[test]
fn the_connector_file_holds_settings_only_and_a_damaged_one_is_named_not_overwritten() {
    let state = tempfile::tempdir().expect("temp dir");
    let store = ConnectorStore::new(state.path());
    let saved = store
        .save(None, settings(request(state.path(), None), Schedule::Manual), utc("2026-11-23T10:00:00Z"))
        .expect("saved");
    let text = std::fs::read_to_string(store.path()).expect("file");
    assert!(text.contains(&saved.id) && text.contains("\"version\": 1"), "{text}");
    for word in ["secret", "AccountKey", "SharedAccessSignature", "password", "token"] {
        assert!(!text.to_lowercase().contains(&word.to_lowercase()), "{word} in {text}");
    }

    std::fs::write(store.path(), b"{\"version\": 1, \"connectors\": [ {\"id\": ").expect("damage");
    let err = store.list().expect_err("damaged file");
    assert_eq!(err.code(), Code::BadConfig);
    let message = err.to_string();
    assert!(message.contains("connectors.json") && message.contains("ledger are not affected"), "{message}");
    let err = store
        .save(None, settings(request(state.path(), None), Schedule::Manual), utc("2026-11-23T10:00:00Z"))
        .expect_err("no save over a damaged file");
    assert_eq!(err.code(), Code::BadConfig);
    assert_eq!(
        std::fs::read(store.path()).expect("file"),
        b"{\"version\": 1, \"connectors\": [ {\"id\": ",
        "the damaged file is left for the admin to restore"
    );
}

#[test]
fn bad_settings_are_refused_naming_the_field() {
    let state = tempfile::tempdir().expect("temp dir");
    let store = ConnectorStore::new(state.path());
    let now = utc("2026-11-23T10:00:00Z");
    let cases = [
        (settings(request(state.path(), None), Schedule::Daily { at: "25:00".into() }), "schedule time"),
        (settings(request(state.path(), None), Schedule::EveryHours { hours: 0 }), "schedule"),
        (settings(request(state.path(), None), Schedule::EveryHours { hours: 1000 }), "schedule"),
        (
            ConnectorSettings {
                name: "  ".into(),
                ..settings(request(state.path(), None), Schedule::Manual)
            },
            "name",
        ),
    ];
    for (bad, field) in cases {
        let err = store.save(None, bad, now).expect_err("refused");
        assert_eq!(err.code(), Code::BadConfig);
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    assert!(!store.path().exists(), "nothing was written");
}

#[test]
fn schedules_give_the_next_run_in_local_time_across_daylight_saving() {
    let london = chrono_tz::Europe::London;
    let created = utc("2026-11-01T00:00:00Z");
    let daily = Schedule::Daily { at: "02:00".into() };
    // Never run: the first 02:00 after the connector was saved.
    assert_eq!(daily.next_run(&london, None, created), Some(utc("2026-11-01T02:00:00Z")));
    // Ran at 02:00:05 today: tomorrow at 02:00.
    assert_eq!(
        daily.next_run(&london, Some(utc("2026-11-22T02:00:05Z")), created),
        Some(utc("2026-11-23T02:00:00Z"))
    );
    // Ran early (by hand) at 01:00: today's 02:00 is still to come.
    assert_eq!(
        daily.next_run(&london, Some(utc("2026-11-22T01:00:00Z")), created),
        Some(utc("2026-11-22T02:00:00Z"))
    );
    // Summer time: 02:00 in London is 01:00 UTC.
    assert_eq!(
        daily.next_run(&london, Some(utc("2026-07-01T12:00:00Z")), created),
        Some(utc("2026-07-02T01:00:00Z"))
    );
    // 01:30 does not exist in London on 29 March 2026 (clocks jump 01:00 → 02:00): the next day's 01:30.
    let skipped = Schedule::Daily { at: "01:30".into() };
    assert_eq!(
        skipped.next_run(&london, Some(utc("2026-03-28T12:00:00Z")), created),
        Some(utc("2026-03-30T00:30:00Z"))
    );
    let hourly = Schedule::EveryHours { hours: 6 };
    assert_eq!(
        hourly.next_run(&london, Some(utc("2026-11-22T03:15:00Z")), created),
        Some(utc("2026-11-22T09:15:00Z"))
    );
    assert_eq!(hourly.next_run(&london, None, created), Some(utc("2026-11-01T06:00:00Z")));
    assert_eq!(Schedule::Manual.next_run(&london, None, created), None);
    let fixed = chrono::FixedOffset::east_opt(0).expect("offset");
    assert_eq!(
        fixed.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()),
        Some(utc("2026-01-01T00:00:00Z"))
    );
}

#[tokio::test]
async fn the_dashboard_sees_last_run_next_run_and_counts_and_a_due_connector_stops_being_due_once_run() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let store = ConnectorStore::new(state.path());
    let ledger = Ledger::open(state.path()).expect("ledger");
    let created = Utc::now() - chrono::Duration::hours(2);
    let hourly = store
        .save(
            None,
            settings(request(archive.path(), Some("samples/mapping.csv")), Schedule::EveryHours { hours: 1 }),
            created,
        )
        .expect("saved");
    let mut manual_settings = settings(request(archive.path(), None), Schedule::Manual);
    manual_settings.request.source_kind = SourceKind::Telegram;
    manual_settings.request.location =
        workspace_file("samples/telegram/result.json").to_string_lossy().into_owned();
    let manual = store.save(None, manual_settings, created).expect("saved");

    let overviews = connector::connector_overviews(&store, &ledger, &chrono_tz::UTC).expect("overviews");
    assert_eq!(overviews.len(), 2);
    assert!(overviews.iter().all(|o| o.last_run.is_none()));
    let due = connector::due_connectors(&overviews, Utc::now());
    assert_eq!(due.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![hourly.id.as_str()]);
    assert_eq!(overviews[1].next_run, None, "a manual connector is never due");

    let summary = connector::run_import(
        &hourly.settings.request,
        &MemSecretStore::default(),
        &ledger,
        silent(),
        CancellationToken::new(),
    )
    .await
    .expect("import");

    let overviews = connector::connector_overviews(&store, &ledger, &chrono_tz::UTC).expect("overviews");
    let seen = overviews.iter().find(|o| o.connector.id == hourly.id).expect("listed");
    let last = seen.last_run.as_ref().expect("last run");
    assert_eq!(last.run_id, summary.run_id);
    assert_eq!(last.status, "finished");
    let started = utc(&last.started_at);
    let expected = (started + chrono::Duration::hours(1)).with_nanosecond(0);
    assert_eq!(seen.next_run.as_deref().map(utc), expected, "to the second");
    assert!(connector::due_connectors(&overviews, Utc::now()).is_empty(), "it ran, so it waits an hour");
    assert_eq!(
        seen.totals.delivered + seen.totals.skipped + seen.totals.failed,
        ledger.source_totals(&seen.source_label).map(|t| t.delivered + t.skipped + t.failed).expect("totals")
    );
    assert_eq!(seen.totals.delivered, summary.deliveries);
    let other = overviews.iter().find(|o| o.connector.id == manual.id).expect("listed");
    assert!(other.last_run.is_none(), "runs are matched to their own connector's source");

    let days = ledger.daily_counts(Some(&seen.source_label), 30).expect("days");
    assert_eq!(days.len(), 1, "{days:?}");
    assert_eq!(days[0].day, Utc::now().format("%Y-%m-%d").to_string());
    assert_eq!(days[0].delivered, summary.deliveries);
}

#[tokio::test]
async fn held_items_replay_with_the_changed_mapping_without_reading_the_source_again() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let secrets = MemSecretStore::default();

    // The export is copied so it can be removed before the replay: replay reads the ledger, not the source.
    let export = state.path().join("chat.txt");
    std::fs::copy(workspace_file("samples/whatsapp/WhatsApp Chat with Trading Desk.txt"), &export)
        .expect("copy");
    let mut unmapped = request(archive.path(), None);
    unmapped.location = export.to_string_lossy().into_owned();
    let first = connector::run_import(&unmapped, &secrets, &ledger, silent(), CancellationToken::new())
        .await
        .expect("first run");
    let held = first.skipped.get("unmapped").copied().unwrap_or(0);
    assert!(held > 0 && first.delivered == 0, "{first:?}");
    let label = unmapped.label();
    assert_eq!(ledger.held_for_source(&label, 1000).expect("held").len() as u64, held);

    std::fs::remove_file(&export).expect("source gone");
    let mut mapped = unmapped.clone();
    mapped.mapping_csv = Some(workspace_file("samples/mapping.csv").to_string_lossy().into_owned());
    let replay = connector::replay_held(&mapped, &secrets, &ledger, silent(), CancellationToken::new())
        .await
        .expect("replay");
    assert_eq!(replay.fetched, held, "every held item is replayed, and only those");
    assert!(replay.delivered > 0 && replay.balances(), "{replay:?}");
    assert_eq!(eml_count(archive.path()) as u64, replay.deliveries);
    let still_held = replay.skipped.get("unmapped").copied().unwrap_or(0);
    assert_eq!(ledger.held_for_source(&label, 1000).expect("held").len() as u64, still_held);

    let again = connector::replay_held(&mapped, &secrets, &ledger, silent(), CancellationToken::new())
        .await
        .expect("second replay");
    assert_eq!(again.fetched, still_held, "delivered items are not replayed twice");
    assert_eq!(again.delivered, 0);
}

#[tokio::test]
async fn the_reconciliation_csv_has_a_row_per_ledger_row_and_the_run_log_balances() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let mut req = request(archive.path(), Some("samples/mapping.csv"));
    req.owner_mailbox = Some("compliance@contoso.com".into());
    let summary =
        connector::run_import(&req, &MemSecretStore::default(), &ledger, silent(), CancellationToken::new())
            .await
            .expect("import");
    let label = req.label();
    let totals = ledger.source_totals(&label).expect("totals");

    let csv_path = state.path().join("reconciliation.csv");
    let rows = connector::write_reconciliation_csv(&ledger, summary.run_id, &csv_path).expect("csv");
    assert_eq!(rows, totals.delivered + totals.skipped + totals.failed);
    let mut reader = csv::Reader::from_path(&csv_path).expect("csv reads back");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(header[..6], ["item_key", "source_id", "chat", "item_time", "mailbox", "state"]);
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(records.len() as u64, rows);
    let delivered: Vec<&csv::StringRecord> = records.iter().filter(|r| &r[5] == "delivered").collect();
    assert_eq!(delivered.len() as u64, summary.deliveries);
    for r in &delivered {
        let file = archive.path().join(&r[8]);
        assert!(file.is_file(), "the CSV names the archived file {}", file.display());
        assert_eq!(r[9].len(), 64, "sha256 hex");
    }

    let log_path = state.path().join("run.log");
    let lines = connector::write_run_log(&ledger, summary.run_id, &log_path).expect("log");
    let log = std::fs::read_to_string(&log_path).expect("log text");
    assert!(log.starts_with(&format!("Docket run {}", summary.run_id)), "{log}");
    assert!(log.contains(&format!("fetched {} = delivered {}", summary.fetched, summary.delivered)), "{log}");
    assert_eq!(lines, rows, "the first run wrote every row");

    let missing = connector::write_run_log(&ledger, 9999, &log_path).expect_err("no such run");
    assert!(missing.to_string().contains("9999"), "{missing}");
    let nowhere =
        connector::write_reconciliation_csv(&ledger, summary.run_id, &state.path().join("no/such/dir.csv"))
            .expect_err("unwritable");
    assert!(
        nowhere.to_string().contains("dir.csv") && nowhere.to_string().contains("choose another"),
        "{nowhere}"
    );
}

#[tokio::test]
async fn a_report_is_written_only_as_a_new_file_or_over_an_earlier_report_of_its_kind() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let req = request(archive.path(), Some("samples/mapping.csv"));
    let summary =
        connector::run_import(&req, &MemSecretStore::default(), &ledger, silent(), CancellationToken::new())
            .await
            .expect("import");
    let run = summary.run_id;

    // What a script in the window could ask for: any file the admin can write.
    let profile = elsewhere.path().join(".bashrc");
    std::fs::write(&profile, "export PATH=~/bin:$PATH\n").expect("write");
    let not_a_report = elsewhere.path().join("budget.csv");
    std::fs::write(&not_a_report, "quarter,amount\nQ1,100\n").expect("write");
    for (path, log) in [(&profile, true), (&elsewhere.path().join("run.sh"), true), (&not_a_report, false)] {
        let refused = if log {
            connector::write_run_log(&ledger, run, path)
        } else {
            connector::write_reconciliation_csv(&ledger, run, path)
        };
        let error = refused.expect_err("refused");
        assert_eq!(error.code(), docket_core::Code::BadConfig, "{error}");
        assert!(error.to_string().contains("choose"), "says what to do: {error}");
    }
    assert_eq!(std::fs::read_to_string(&profile).expect("read"), "export PATH=~/bin:$PATH\n", "untouched");
    assert!(std::fs::read_to_string(&not_a_report).expect("read").starts_with("quarter,amount"), "untouched");
    assert!(!elsewhere.path().join("run.sh").exists());
    let relative = connector::write_run_log(&ledger, run, Path::new("run.log")).expect_err("not a full path");
    assert!(relative.to_string().contains("full path"), "{relative}");

    #[cfg(unix)]
    {
        let link = elsewhere.path().join("link.log");
        std::os::unix::fs::symlink(&profile, &link).expect("symlink");
        let error = connector::write_run_log(&ledger, run, &link).expect_err("a link is not followed");
        assert!(error.to_string().contains("link"), "{error}");
        assert!(std::fs::read_to_string(&profile).expect("read").starts_with("export"), "untouched");
    }

    // A new report, then the same report saved again over the earlier one.
    let csv_path = elsewhere.path().join("docket-run-reconciliation.CSV");
    let rows = connector::write_reconciliation_csv(&ledger, run, &csv_path).expect("a new report");
    assert_eq!(connector::write_reconciliation_csv(&ledger, run, &csv_path).expect("replaces its own"), rows);
    let log_path = elsewhere.path().join("docket-run.txt");
    connector::write_run_log(&ledger, run, &log_path).expect("a new log");
    connector::write_run_log(&ledger, run, &log_path).expect("replaces its own");
    let crossed =
        connector::write_run_log(&ledger, run, &elsewhere.path().join("docket-run-reconciliation.log"));
    assert!(crossed.is_ok(), "a new .log next to the CSV is fine");
}

#[test]
fn the_mapping_preview_routes_sample_items_as_a_run_would() {
    let state = tempfile::tempdir().expect("temp dir");
    let mapped =
        connector::preview_routing(&request(state.path(), Some("samples/mapping.csv")), 5).expect("routed");
    assert_eq!(mapped.len(), 5);
    assert!(
        mapped.iter().any(|r| r.mailboxes.contains(&"adele.vance@contoso.com".to_string())),
        "{mapped:?}"
    );
    for r in &mapped {
        assert_eq!(r.mailboxes.is_empty(), r.unmapped_reason.is_some(), "{r:?}");
    }

    let unmapped = connector::preview_routing(&request(state.path(), None), 5).expect("routed");
    assert!(unmapped.iter().all(|r| r.mailboxes.is_empty()), "no CSV, no automatic mapping, no owner");
    assert!(
        unmapped[0]
            .unmapped_reason
            .as_ref()
            .is_some_and(|w| w.key == "mapping.unmapped.reason" && w.message.contains("mapping CSV")),
        "{unmapped:?}"
    );

    let mut owner = request(state.path(), None);
    owner.owner_mailbox = Some("Compliance@Contoso.com".into());
    owner.auto_map = true; // the owner took part in every chat they exported (automatic mapping)
    let routed = connector::preview_routing(&owner, 3).expect("routed");
    assert!(routed.iter().all(|r| r.mailboxes == vec!["compliance@contoso.com".to_string()]), "{routed:?}");

    let broken = request(
        state.path(),
        Some("crates/core/tests/fixtures/mapping/malformed/missing_address_column.csv"),
    );
    let err = connector::preview_routing(&broken, 3).expect_err("a bad CSV is named");
    assert_eq!(err.code(), Code::BadMapping);
    assert!(err.to_string().contains("missing_address_column.csv"), "{err}");
}
