//! Delivery that really reaches the mailboxes (issue: "never drafts"). A group chat whose participants map
//! to five mailboxes on the Graph double: three ordinary ones, one blocked by an application access policy
//! and one for which `importMime` is refused. Every message lands once in each reachable mailbox as a
//! non-draft received at the item's time (a 5 MB attachment whole, through an upload session), the blocked
//! mailbox fails alone with its reason, and neither a re-run nor a run from an empty state folder creates
//! anything. In GCC High (no `importMime`) the JSON route does the same and `verify` confirms it. One run to
//! the mailboxes plus an Azure archive copy on Azurite fetches once and fills both.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use docket_testkit::azurite::{unique_container, Azurite};
use docket_testkit::fake_entra::TENANT;

use super::harness::{graph_tenant, json, stderr, GraphTenant};

const OWNER: &str = "owner@contoso.com";
const PEOPLE: [(&str, &str, &str); 5] = [
    ("Alice", "+447700900123", "alice@contoso.com"),
    ("Bob", "+447700900456", "bob@contoso.com"),
    ("Carol", "+447700900789", "carol@contoso.com"),
    ("Dave", "+447700900321", "dave@contoso.com"),
    ("Erin", "+447700900654", "erin@contoso.com"),
];
const BLOCKED: &str = "dave@contoso.com";
const NO_IMPORT_MIME: &str = "erin@contoso.com";
const FOLDER: &str = "WhatsApp Archiver";
const BIG: usize = 5 * 1024 * 1024;

type Tenant = GraphTenant;

fn tenant() -> Tenant {
    let tenant = graph_tenant(&[(OWNER, "Compliance Owner")]);
    for (name, _, upn) in PEOPLE {
        tenant.graph.add_user(upn, name);
    }
    tenant
}

fn docket_for(tenant: &Tenant, args: &[String]) -> Output {
    tenant.run(args)
}

/// An iOS group export: one message from each participant, then Alice's 5 MB document. Returns the zip and
/// its message count.
fn group_export(dir: &Path) -> (PathBuf, usize) {
    let mut chat =
        String::from("[15/01/2024, 09:00:00] Project Falcon: Messages are end-to-end encrypted.\n");
    // Contacts the exporting phone has not saved appear by their number, which the mapping CSV maps.
    for (minute, (name, phone, _)) in PEOPLE.iter().enumerate() {
        chat.push_str(&format!("[15/01/2024, 09:{:02}:00] {phone}: status from {name}\n", minute + 1));
    }
    chat.push_str("[15/01/2024, 10:00:00] +447700900123: \u{200E}<attached: 00000009-Quarterly.pdf>\n");
    let big: Vec<u8> = (0..BIG).map(|i| (i * 7919 % 251) as u8).collect();
    let path = dir.join("WhatsApp Chat - Project Falcon.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("zip"));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("_chat.txt", options).expect("member");
    zip.write_all(chat.as_bytes()).expect("chat");
    zip.start_file("00000009-Quarterly.pdf", options).expect("member");
    zip.write_all(&big).expect("attachment");
    zip.finish().expect("zip written");
    (path, PEOPLE.len() + 2)
}

fn mapping(dir: &Path) -> String {
    let path = dir.join("mapping.csv");
    let mut text = String::from("Mobile,Email\n");
    for (_, phone, upn) in PEOPLE {
        text.push_str(&format!("{phone},{upn}\n"));
    }
    std::fs::write(&path, text).expect("mapping");
    path.display().to_string()
}

fn names(list: &[(&str, &str, &str)]) -> Vec<String> {
    list.iter().map(|(_, _, upn)| upn.to_string()).collect()
}

/// `docket run` over the export, with the mapping and the phone names mapped as senders.
fn run_args(zip: &Path, csv: &str, state: &Path, targets: &[&str], extra: &[&str]) -> Vec<String> {
    let mut args = vec!["run".to_string(), "--source".into(), format!("whatsapp:{}", zip.display())];
    for target in targets {
        args.extend(["--target".to_string(), target.to_string()]);
    }
    args.extend(["--state".to_string(), state.display().to_string(), "--mapping".into(), csv.into()]);
    args.extend(["--timezone", "Europe/London", "--no-auto-map", "--json"].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Every reachable mailbox holds each message exactly once, as a non-draft received at its own time.
fn assert_every_message_once_and_received(tenant: &Tenant, mailboxes: &[String], messages: usize) {
    for mailbox in mailboxes {
        let stored = tenant.graph.messages(mailbox, FOLDER);
        let mut ids: Vec<&str> = stored.iter().map(|m| m.internet_message_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), stored.len(), "{mailbox} holds a duplicate");
        assert!(stored.len() >= messages - 1, "{mailbox} holds {} of {messages}", stored.len());
        for message in &stored {
            assert!(!message.is_draft, "{mailbox}: {} is a draft", message.internet_message_id);
            assert!(message.received_date_time.is_some(), "{mailbox}: a received time");
            assert_eq!(message.received_date_time, message.sent_date_time, "{mailbox}: both times set");
            let received = message.received_date_time.as_deref().unwrap_or_default();
            assert!(
                received.starts_with("2024-01-15T"),
                "{mailbox}: the item's own day, not today: {received}"
            );
        }
        let with_big: Vec<_> =
            stored.iter().filter(|m| m.attachments.iter().any(|a| a.bytes.len() == BIG)).collect();
        assert_eq!(with_big.len(), 1, "{mailbox}: the 5 MB attachment arrives whole, once");
    }
}

#[test]
fn mailboxes_get_every_message_once_as_received_mail_and_a_blocked_mailbox_fails_alone() {
    let tenant = tenant();
    tenant.graph.block_mailbox(BLOCKED);
    tenant.graph.refuse_import_mime_for(NO_IMPORT_MIME);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, messages) = group_export(tmp.path());
    let csv = mapping(tmp.path());
    let state = tmp.path().join("state");
    let args = run_args(&zip, &csv, &state, &["graph"], &[]);

    let first = docket_for(&tenant, &args);

    assert_eq!(first.status.code(), Some(1), "the blocked mailbox's rows failed: {}", stderr(&first));
    let summary = json(&first);
    assert_eq!(summary["drafts"], 0, "{summary}");
    let failed = summary["failed"]["mailbox_access_denied"].as_u64().unwrap_or(0);
    assert!(failed > 0, "the blocked mailbox is reported with its reason: {summary}");
    assert!(summary["failed"].as_object().is_some_and(|f| f.len() == 1), "no other failure: {summary}");
    let reachable: Vec<String> = names(&PEOPLE).into_iter().filter(|m| m != BLOCKED).collect::<Vec<_>>();
    assert_every_message_once_and_received(&tenant, &reachable, messages);
    assert!(tenant.graph.all_messages(BLOCKED).is_empty(), "nothing reached the blocked mailbox");
    let erin = tenant.graph.messages(NO_IMPORT_MIME, FOLDER);
    assert!(!erin.is_empty() && erin.iter().all(|m| m.route == "json"), "Erin's mailbox took the JSON route");
    let alice = tenant.graph.messages("alice@contoso.com", FOLDER);
    assert!(alice.iter().any(|m| m.route == "importMime"), "the others keep the full MIME where it fits");
    let ledger = rusqlite::Connection::open(state.join("ledger.sqlite3")).expect("ledger");
    let details: Vec<String> = ledger
        .prepare("SELECT detail FROM items WHERE mailbox = ?1 AND state = 'failed'")
        .and_then(|mut stmt| {
            stmt.query_map([BLOCKED], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()
        })
        .expect("rows");
    assert!(
        !details.is_empty() && details.iter().all(|d| d.contains(BLOCKED) && d.contains("access policy"))
    );
    let drafts_recorded: i64 =
        ledger.query_row("SELECT count(*) FROM items WHERE is_draft = 1", [], |r| r.get(0)).expect("count");
    assert_eq!(drafts_recorded, 0);

    let before: usize = reachable.iter().map(|m| tenant.graph.all_messages(m).len()).sum();
    let again = docket_for(&tenant, &args);
    assert_eq!(json(&again)["deliveries"], 0, "a re-run creates nothing: {}", stderr(&again));
    let fresh = run_args(&zip, &csv, &tmp.path().join("fresh"), &["graph"], &[]);
    let from_empty = docket_for(&tenant, &fresh);
    let summary = json(&from_empty);
    assert_eq!(summary["deliveries"], 0, "an empty state folder finds every message: {summary}");
    let after: usize = reachable.iter().map(|m| tenant.graph.all_messages(m).len()).sum();
    assert_eq!(after, before, "no copy anywhere");
    assert!(tenant.graph.violations().is_empty(), "{:?}", tenant.graph.violations());
}

#[test]
fn in_gcc_high_the_json_route_delivers_received_mail_and_verify_confirms_every_item() {
    let tenant = tenant();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, messages) = group_export(tmp.path());
    let csv = mapping(tmp.path());
    let state = tmp.path().join("state");
    let args = run_args(&zip, &csv, &state, &["graph"], &["--cloud", "gcc-high"]);

    let run = docket_for(&tenant, &args);

    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(json(&run)["drafts"], 0);
    let everyone = names(&PEOPLE);
    assert_every_message_once_and_received(&tenant, &everyone, messages);
    for mailbox in &everyone {
        assert!(
            tenant.graph.all_messages(mailbox).iter().all(|m| m.route == "json"),
            "{mailbox}: no importMime"
        );
    }
    assert!(!tenant.graph.requests().iter().any(|r| r.contains("importMime")), "GCC High has no importMime");

    let verify_args = [
        "verify",
        "--state",
        &state.display().to_string(),
        "--target",
        "graph",
        "--cloud",
        "gcc-high",
        "--json",
    ]
    .map(String::from);
    let verify = docket_for(&tenant, &verify_args);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let report = json(&verify);
    let deliveries = json(&run)["deliveries"].as_u64().unwrap_or(0);
    assert_eq!(report["matched"].as_u64(), Some(deliveries), "{report}");
    for list in ["missing", "drafts", "wrong_time", "digest_mismatch"] {
        assert_eq!(report[list], serde_json::json!([]), "{list}: {report}");
    }
}

#[test]
fn one_fetch_fills_the_mailboxes_and_the_azure_archive_copy() {
    let tenant = tenant();
    let azurite = Azurite::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, messages) = group_export(tmp.path());
    let csv = mapping(tmp.path());
    let container = unique_container("copy");
    let azure = format!("azure:{container}");
    let _ = &azure;
    let args = run_args(&zip, &csv, &tmp.path().join("state"), &["graph", &azure], &[]);

    let run = tenant
        .docket()
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())
        .args(&args)
        .output()
        .expect("runs");

    assert!(run.status.success(), "{}", stderr(&run));
    let summary = json(&run);
    assert_eq!(summary["fetched"], messages as u64, "fetched once: {summary}");
    let graph_counts = &summary["targets"][format!("graph:{}", TENANT.to_ascii_lowercase())];
    let azure_counts = summary["targets"]
        .as_object()
        .and_then(|t| t.iter().find(|(id, _)| id.starts_with("azure:") && id.ends_with(&container)))
        .map(|(_, counts)| counts.clone())
        .unwrap_or_default();
    assert!(graph_counts["delivered"].as_u64().unwrap_or(0) > 0, "{summary}");
    assert_eq!(
        graph_counts["delivered"], azure_counts["delivered"],
        "each target counted on its own: {summary}"
    );
    assert_every_message_once_and_received(&tenant, &names(&PEOPLE), messages);
    let copy = docket_core::sinks::azure_blob::BlobSink::connect(&azurite.connection_string(), &container)
        .expect("connects");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let blobs = runtime.block_on(docket_core::sinks::Sink::list(&copy)).expect("lists");
    assert_eq!(Some(blobs.len() as u64), azure_counts["delivered"].as_u64(), "one blob per item and mailbox");
}
