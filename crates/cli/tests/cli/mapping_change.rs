//! Messages name mapped participants by their Microsoft 365 address, and a mapping that changes after an
//! import never turns an archived copy into a conflict. The rendered bytes of an item depend on the mapping
//! (From/To carry the mapped mailboxes); a create-only target that already holds the item as rendered under
//! the old mapping keeps that copy untouched and counts it as already present, whether the ledger remembers
//! it or the run starts from an empty state folder and finds it by its key.

use std::path::{Path, PathBuf};

use super::harness::{graph_tenant, json, run, run_args, stderr, tree};

const FOLDER: &str = "WhatsApp Archiver";
const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";

/// A group chat where contacts appear by their numbers: Alice, Bob and Carol (never mapped) write in turn.
fn export(dir: &Path) -> PathBuf {
    let path = dir.join("WhatsApp Chat with Desk.txt");
    let text = "15/01/2024, 09:00 - +44 7700 900123: morning from Alice\n\
                15/01/2024, 09:01 - +44 7700 900456: morning from Bob\n\
                15/01/2024, 09:02 - +44 7700 900789: morning from Carol\n";
    std::fs::write(&path, text).expect("export");
    path
}

/// A mapping CSV with the given (phone, mailbox) rows.
fn mapping(dir: &Path, name: &str, rows: &[(&str, &str)]) -> String {
    let path = dir.join(name);
    let mut text = String::from("Mobile,Email\n");
    for (phone, mailbox) in rows {
        text.push_str(&format!("{phone},{mailbox}\n"));
    }
    std::fs::write(&path, text).expect("mapping");
    path.display().to_string()
}

fn header(message: &mail_parser::Message<'_>, name: &str) -> Vec<String> {
    message.header_values(name).filter_map(|v| v.as_text()).map(str::to_string).collect()
}

#[test]
fn a_mapped_participant_is_named_by_their_mailbox_and_keeps_their_number_as_display_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let chat = export(tmp.path());
    let csv = mapping(tmp.path(), "v1.csv", &[("+447700900123", ALICE)]);
    let out = tmp.path().join("archive");
    let source = format!("whatsapp:{}", chat.display());
    let target = format!("dir:{}", out.display());
    let extra = ["--mapping", csv.as_str(), "--no-auto-map", "--timezone", "Europe/London", "--json"];

    let result = run(&run_args(&source, &target, &tmp.path().join("state"), &extra));

    assert!(result.status.success(), "{}", stderr(&result));
    let files = tree(&out);
    let from_alice = files
        .iter()
        .find(|(_, bytes)| String::from_utf8_lossy(bytes).contains("morning from Alice"))
        .map(|(_, bytes)| bytes.clone())
        .expect("Alice's message is archived");
    let message = mail_parser::MessageParser::default().parse(&from_alice).expect("MIME");
    let from = message.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.address(), Some(ALICE), "From carries her Microsoft 365 address");
    assert_eq!(from.name(), Some("+44 7700 900123"), "the number stays as the display name");
    assert_eq!(header(&message, "X-Docket-Sender-Identity"), ["+447700900123@whatsapp.invalid"]);
    let to: Vec<_> = message.to().into_iter().flat_map(|a| a.iter()).filter_map(|a| a.address()).collect();
    assert_eq!(to, ["+447700900456@whatsapp.invalid", "+447700900789@whatsapp.invalid"], "unmapped stay");
    assert!(header(&message, "X-Docket-Recipient-Identity").is_empty(), "no recipient was replaced");

    let from_bob = files
        .iter()
        .find(|(_, bytes)| String::from_utf8_lossy(bytes).contains("morning from Bob"))
        .map(|(_, bytes)| bytes.clone())
        .expect("Bob's message reaches Alice");
    let message = mail_parser::MessageParser::default().parse(&from_bob).expect("MIME");
    let to: Vec<_> = message.to().into_iter().flat_map(|a| a.iter()).filter_map(|a| a.address()).collect();
    assert!(to.contains(&ALICE), "Alice is named by her mailbox among the recipients: {to:?}");
    assert_eq!(header(&message, "X-Docket-Recipient-Identity"), ["+447700900123@whatsapp.invalid"]);
    assert!(header(&message, "X-Docket-Sender-Identity").is_empty(), "Bob is not mapped");
}

#[test]
fn changing_the_mapping_after_an_import_causes_no_conflict_in_a_folder_target() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let chat = export(tmp.path());
    let v1 = mapping(tmp.path(), "v1.csv", &[("+447700900123", ALICE)]);
    let v2 = mapping(tmp.path(), "v2.csv", &[("+447700900123", ALICE), ("+447700900456", BOB)]);
    let out = tmp.path().join("archive");
    let source = format!("whatsapp:{}", chat.display());
    let target = format!("dir:{}", out.display());
    let with = |csv: &str, state: &str| {
        let extra = ["--mapping", csv, "--no-auto-map", "--timezone", "Europe/London", "--json"];
        run(&run_args(&source, &target, &tmp.path().join(state), &extra))
    };

    let first = with(&v1, "state");
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(json(&first)["deliveries"], 3, "Alice's mailbox gets the three messages");
    let alice_before: Vec<(String, Vec<u8>)> =
        tree(&out).into_iter().filter(|(name, _)| name.starts_with(ALICE)).collect();

    // With the ledger: Alice's copies are known; Bob's mailbox is new.
    let second = with(&v2, "state");
    assert!(second.status.success(), "{}", stderr(&second));
    let summary = json(&second);
    assert_eq!(summary["deliveries"], 3, "only Bob's mailbox is filled: {summary}");
    assert_eq!(summary["failed"], serde_json::json!({}), "{summary}");

    // From an empty state folder: every object is found by name and kept, although it now renders
    // differently (Bob is named by his mailbox).
    let third = with(&v2, "fresh-state");
    assert_eq!(third.status.code(), Some(0), "no conflict: {}", stderr(&third));
    let summary = json(&third);
    assert_eq!(summary["deliveries"], 0, "{summary}");
    assert_eq!(summary["already_present"], 3, "{summary}");
    assert_eq!(summary["failed"], serde_json::json!({}), "{summary}");
    let alice_after: Vec<(String, Vec<u8>)> =
        tree(&out).into_iter().filter(|(name, _)| name.starts_with(ALICE)).collect();
    assert_eq!(alice_after, alice_before, "the archived copies are untouched");

    // The fresh ledger vouches for what the folder really holds.
    let verify = run(&[
        "verify",
        "--state",
        &tmp.path().join("fresh-state").display().to_string(),
        "--target",
        &target,
        "--json",
    ]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let report = json(&verify);
    assert_eq!(report["digest_mismatch"], serde_json::json!([]), "{report}");
    assert_eq!(report["missing"], serde_json::json!([]), "{report}");
}

#[test]
fn changing_the_mapping_after_an_import_causes_no_conflict_in_the_mailboxes() {
    let tenant = graph_tenant(&[(ALICE, "Alice"), (BOB, "Bob")]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let chat = export(tmp.path());
    let v1 = mapping(tmp.path(), "v1.csv", &[("+447700900123", ALICE)]);
    let v2 = mapping(tmp.path(), "v2.csv", &[("+447700900123", ALICE), ("+447700900456", BOB)]);
    let source = format!("whatsapp:{}", chat.display());
    let with = |csv: &str, state: &str| {
        let extra = ["--mapping", csv, "--no-auto-map", "--timezone", "Europe/London", "--json"];
        tenant.run(&run_args(&source, "graph", &tmp.path().join(state), &extra))
    };

    let first = with(&v1, "state");
    assert!(first.status.success(), "{}", stderr(&first));
    let alice_before = tenant.graph.messages(ALICE, FOLDER);
    assert_eq!(alice_before.len(), 3);
    assert!(alice_before.iter().any(|m| m.from.as_deref() == Some(ALICE)), "From is her mailbox");

    let fresh = with(&v2, "fresh-state");
    assert_eq!(fresh.status.code(), Some(0), "no conflict: {}", stderr(&fresh));
    let summary = json(&fresh);
    assert_eq!(summary["failed"], serde_json::json!({}), "{summary}");
    assert_eq!(summary["deliveries"], 3, "Bob's mailbox is filled, Alice's kept: {summary}");
    let alice_after = tenant.graph.messages(ALICE, FOLDER);
    let ids = |list: &[docket_testkit::fake_graph::StoredMessage]| {
        list.iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&alice_after), ids(&alice_before), "nothing added to or replaced in Alice's mailbox");
    assert_eq!(tenant.graph.messages(BOB, FOLDER).len(), 3);
    assert!(tenant.graph.violations().is_empty(), "{:?}", tenant.graph.violations());
}
