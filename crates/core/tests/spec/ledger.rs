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

#[test]
fn a_ledger_from_before_graph_delivery_gains_the_graph_id_column_and_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        // The items table as the first release created it: no remote_id column.
        let old = rusqlite::Connection::open(dir.path().join("ledger.sqlite3")).expect("sqlite");
        old.execute_batch(
            "CREATE TABLE items (target TEXT NOT NULL, item_key TEXT NOT NULL, mailbox TEXT NOT NULL,
                source TEXT NOT NULL, chat TEXT NOT NULL, source_id TEXT NOT NULL, item_time TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('delivered', 'skipped', 'failed')), reason TEXT, detail TEXT,
                object_name TEXT, sha256 TEXT, size INTEGER, run_id INTEGER NOT NULL, updated_at TEXT NOT NULL,
                PRIMARY KEY (target, item_key, mailbox)) WITHOUT ROWID;
             INSERT INTO items VALUES ('dir:/x', 'k0', 'a@contoso.com', 'whatsapp', 'c', 's', 't', 'delivered',
                NULL, NULL, 'a@contoso.com/F/k0.eml', 'ab', 1, 1, 't');",
        )
        .expect("old schema");
    }
    let ledger = Ledger::open(dir.path()).expect("an old ledger opens");
    let it = item(2);
    let mut delivered = Outcome::for_item(&it, "a@contoso.com", RowState::Delivered);
    delivered.remote_id = Some("AAMkGraphId=".into());
    ledger.record("graph:t", 2, "t2", &[delivered]).expect("record");

    assert_eq!(ledger.delivered("dir:/x").expect("old rows").len(), 1, "the old row is kept");
    assert_eq!(
        ledger.remote_ids("graph:t").expect("ids"),
        vec![(it.key.clone(), "a@contoso.com".to_string(), "AAMkGraphId=".to_string())]
    );
    drop(ledger);
    assert!(Ledger::open(dir.path()).is_ok(), "the migration runs once");
}
