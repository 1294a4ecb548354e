//! Spec: the ledger keeps one row per item and mailbox, never downgrades a delivery, and keeps runs and
//! checkpoints across reopen.

use docket_core::ledger::{Ledger, Outcome, RowState};

use super::pipeline::item;

#[test]
fn a_delivered_row_is_never_downgraded_and_replaces_an_unmapped_placeholder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(dir.path()).expect("opens");
    let it = item(1);
    let mut unmapped = Outcome::for_item(&it, "", RowState::Skipped);
    unmapped.reason = Some("unmapped".into());
    ledger.record("dir:/x", 1, "t1", &[unmapped]).expect("record");
    assert_eq!(ledger.held(Some("dir:/x"), 10).expect("held").len(), 1);

    let mut delivered = Outcome::for_item(&it, "a@contoso.com", RowState::Delivered);
    delivered.object_name = Some("a@contoso.com/WhatsApp Archiver/k.eml".into());
    delivered.sha256 = Some("ab".into());
    ledger.record("dir:/x", 2, "t2", &[delivered]).expect("record");
    assert!(ledger.held(Some("dir:/x"), 10).expect("held").is_empty(), "the placeholder is gone");

    let mut failed = Outcome::for_item(&it, "a@contoso.com", RowState::Failed);
    failed.reason = Some("storage".into());
    ledger.record("dir:/x", 3, "t3", &[failed]).expect("record");
    assert_eq!(ledger.delivered_mailboxes("dir:/x", &it.key).expect("q"), vec!["a@contoso.com".to_string()]);
    assert_eq!(ledger.totals("dir:/x").expect("totals").get("delivered"), Some(&1));
}

#[test]
fn runs_and_checkpoints_survive_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let ledger = Ledger::open(dir.path()).expect("opens");
        let id = ledger.start_run("whatsapp:/a", "dir:/b", "2024-01-01T00:00:00Z").expect("start");
        assert_eq!(id, 1);
        ledger.set_checkpoint("x:acct", "since_id:tweets", "123").expect("checkpoint");
    }
    let ledger = Ledger::open(dir.path()).expect("reopens");
    let _lock = ledger.lock_for_run().expect("lock");
    let runs = ledger.runs(10).expect("runs");
    assert_eq!(runs[0].status, "interrupted", "a run left running by a dead process is marked interrupted");
    assert_eq!(ledger.checkpoint("x:acct", "since_id:tweets").expect("read"), Some("123".into()));
}
