//! `docket run --target graph`: every message lands in the named folder of each mapped mailbox on the Graph
//! double, a re-run (even from an empty state folder) creates no duplicate, a 429 storm is ridden out without
//! loss or protocol violation, and `docket mailboxes check` names the addresses the directory does not know.
//! The app's secret travels only in DOCKET_CLIENT_SECRET.

use std::path::Path;
use std::process::Output;

use docket_testkit::fake_entra::{CLIENT_ID, SECRET, TENANT};

use super::harness::{docket, graph_tenant, json, run_args, stderr, GraphTenant};

const OWNER: &str = "owner@contoso.com";
const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";

type Tenant = GraphTenant;

fn tenant() -> Tenant {
    graph_tenant(&[(OWNER, "Compliance Owner"), (ALICE, "Alice"), (BOB, "Bob")])
}

fn run_docket(tenant: &Tenant, args: &[String]) -> Output {
    tenant.run(args)
}

fn mapping_csv(dir: &Path, rows: &[(&str, &str)]) -> String {
    let path = dir.join("mapping.csv");
    let mut text = String::from("Mobile,Email\n");
    for (phone, address) in rows {
        text.push_str(&format!("{phone},{address}\n"));
    }
    std::fs::write(&path, text).expect("mapping written");
    path.display().to_string()
}

/// Every message in a folder has its own Message-ID, and each was delivered by `importMime` (not a draft).
fn assert_distinct_final(tenant: &Tenant, mailbox: &str, folder: &str) -> usize {
    let messages = tenant.graph.messages(mailbox, folder);
    let mut ids: Vec<&str> = messages.iter().map(|m| m.internet_message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), messages.len(), "{mailbox}/{folder} holds a duplicate");
    assert!(messages.iter().all(|m| !m.is_draft), "importMime creates non-draft messages");
    messages.len()
}

#[test]
fn a_graph_run_fills_the_named_folder_of_each_mapped_mailbox_and_a_rerun_adds_nothing() {
    let tenant = tenant();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) = docket_testkit::exports::write_android_zip(tmp.path(), "Desk", 30, true).expect("zip");
    let mapping = mapping_csv(tmp.path(), &[("+447700900123", ALICE), ("+447700900456", BOB)]);
    let source = format!("whatsapp:{}", zip.display());
    let state = tmp.path().join("state");
    let extra = ["--mapping", mapping.as_str(), "--mailbox", OWNER, "--json"];
    let args = run_args(&source, "graph:Chat Archive", &state, &extra);

    let first = run_docket(&tenant, &args);
    assert!(first.status.success(), "first run failed: {}", stderr(&first));
    let summary = json(&first);
    assert_eq!(summary["fetched"], items as u64);
    assert_eq!(summary["delivered"], items as u64);
    assert_eq!(summary["failed"], serde_json::json!({}));
    let owner = assert_distinct_final(&tenant, OWNER, "Chat Archive");
    let alice = assert_distinct_final(&tenant, ALICE, "Chat Archive");
    let bob = assert_distinct_final(&tenant, BOB, "Chat Archive");
    assert_eq!(owner, items, "the owner mailbox gets every item");
    assert!(alice > 0 && bob > 0, "the mapped participants get their items ({alice}, {bob})");
    assert_eq!(summary["deliveries"], (owner + alice + bob) as u64, "one message per item and mailbox");
    for mailbox in [OWNER, ALICE, BOB] {
        assert_eq!(tenant.graph.folders(mailbox), vec!["Chat Archive".to_string()], "{mailbox}");
    }
    let ledger = rusqlite::Connection::open(state.join("ledger.sqlite3")).expect("ledger");
    let recorded: i64 = ledger
        .query_row(
            "SELECT count(*) FROM items WHERE state = 'delivered' AND remote_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(recorded, (owner + alice + bob) as i64, "the ledger keeps Graph's id of every message");

    let second = run_docket(&tenant, &args);
    assert!(second.status.success(), "second run failed: {}", stderr(&second));
    assert_eq!(json(&second)["already_present"], items as u64);

    // A new state folder knows nothing: the Message-ID lookup in each folder is what prevents duplicates.
    let fresh = run_args(&source, "graph:Chat Archive", &tmp.path().join("fresh"), &extra);
    let third = run_docket(&tenant, &fresh);
    assert!(third.status.success(), "third run failed: {}", stderr(&third));
    let summary = json(&third);
    assert_eq!(summary["already_present"], items as u64, "found in the folders: {summary}");
    assert_eq!(summary["deliveries"], 0);
    assert_eq!(assert_distinct_final(&tenant, OWNER, "Chat Archive"), owner);
    assert_eq!(assert_distinct_final(&tenant, ALICE, "Chat Archive"), alice);
    assert!(tenant.graph.violations().is_empty(), "{:?}", tenant.graph.violations());

    let verify = run_docket(
        &tenant,
        &["verify", "--state", state.to_str().expect("utf-8"), "--target", "graph:Chat Archive", "--json"]
            .map(String::from),
    );
    assert!(verify.status.success(), "verify failed: {}", stderr(&verify));
    let report = json(&verify);
    assert_eq!(report["matched"], (owner + alice + bob) as u64, "{report}");
    assert_eq!(report["missing"], serde_json::json!([]));
}

#[test]
fn a_429_storm_is_ridden_out_without_loss_and_without_jumping_retry_after() {
    let tenant = tenant();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) =
        docket_testkit::exports::write_android_zip(tmp.path(), "Storm", 12, false).expect("zip");
    let source = format!("whatsapp:{}", zip.display());
    tenant.graph.storm(5, 1, 429);

    let args = run_args(&source, "graph", &tmp.path().join("state"), &["--mailbox", OWNER, "--json"]);
    let output = run_docket(&tenant, &args);

    assert!(output.status.success(), "run failed: {}", stderr(&output));
    let summary = json(&output);
    assert_eq!(summary["delivered"], items as u64);
    assert_eq!(summary["failed"], serde_json::json!({}));
    assert_eq!(assert_distinct_final(&tenant, OWNER, "WhatsApp Archiver"), items);
    assert!(tenant.graph.throttled_answers() >= 5, "the storm happened");
    assert_eq!(tenant.graph.violations(), Vec::<String>::new());
}

#[test]
fn mailboxes_check_names_the_addresses_the_directory_does_not_know() {
    let tenant = tenant();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mapping = mapping_csv(
        tmp.path(),
        &[("+447700900123", ALICE), ("+447700900456", "ghost@contoso.com"), ("+12025550143", BOB)],
    );
    let args = [
        "mailboxes",
        "check",
        "--mapping",
        &mapping,
        "--mailbox",
        OWNER,
        "--folder",
        "Chat Archive",
        "--json",
    ]
    .map(String::from);

    let output = run_docket(&tenant, &args);

    assert_eq!(output.status.code(), Some(2), "unknown addresses are bad input: {}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["unknown"], serde_json::json!(["ghost@contoso.com"]));
    assert_eq!(report["mailboxes"].as_array().map(Vec::len), Some(4));
    assert_eq!(report["folder"], "Chat Archive");
    let alice = report["mailboxes"].as_array().into_iter().flatten().find(|m| m["address"] == ALICE);
    assert_eq!(
        alice.map(|m| (m["status"].clone(), m["folder_exists"].clone())),
        Some(("ok".into(), false.into()))
    );
}

#[test]
fn a_wrong_client_secret_stops_the_run_as_bad_configuration_without_echoing_it() {
    let tenant = tenant();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, _) = docket_testkit::exports::write_android_zip(tmp.path(), "Denied", 3, false).expect("zip");
    let wrong = "Zz9~wrong.graph_secret-never-shown";
    let args = run_args(
        &format!("whatsapp:{}", zip.display()),
        "graph",
        &tmp.path().join("s"),
        &["--mailbox", OWNER],
    );

    let output = docket()
        .env("DOCKET_TENANT_ID", TENANT)
        .env("DOCKET_CLIENT_ID", CLIENT_ID)
        .env("DOCKET_CLIENT_SECRET", wrong)
        .env("DOCKET_AUTHORITY_URL", &tenant.entra.authority)
        .env("DOCKET_GRAPH_URL", &tenant.graph.base)
        .args(&args)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
    assert!(text.contains("entra_auth") && text.contains("AADSTS7000215"), "{text}");
    assert!(!text.contains(wrong) && !text.contains(SECRET), "{text}");
    assert!(tenant.graph.messages(OWNER, "WhatsApp Archiver").is_empty());
}

#[test]
fn even_trace_logs_of_a_graph_run_carry_no_secret_and_no_token() {
    let tenant = tenant();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, _) = docket_testkit::exports::write_android_zip(tmp.path(), "Logs", 3, false).expect("zip");
    let args = run_args(
        &format!("whatsapp:{}", zip.display()),
        "graph",
        &tmp.path().join("s"),
        &["--mailbox", OWNER],
    );

    let output = docket()
        .env("DOCKET_LOG", "trace")
        .env("DOCKET_TENANT_ID", TENANT)
        .env("DOCKET_CLIENT_ID", CLIENT_ID)
        .env("DOCKET_CLIENT_SECRET", SECRET)
        .env("DOCKET_AUTHORITY_URL", &tenant.entra.authority)
        .env("DOCKET_GRAPH_URL", &tenant.graph.base)
        .args(&args)
        .output()
        .expect("runs");

    assert!(output.status.success(), "{}", stderr(&output));
    let logs = stderr(&output);
    assert!(logs.len() > 1000, "trace logging is on: {} bytes", logs.len());
    assert!(!logs.contains(SECRET), "the client secret is logged");
    assert!(!logs.contains("eyJ0eXAi.fake."), "a token is logged");
}
