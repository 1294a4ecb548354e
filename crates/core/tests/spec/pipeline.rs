//! Spec: the pipeline accounts for every item, retries what is transient, stops on what is systemic,
//! survives cancellation and source errors without losing what was archived, and reports progress.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{FixedOffset, TimeZone};
use docket_core::ledger::Ledger;
use docket_core::mapping::Resolver;
use docket_core::model::{Attachment, AttachmentContent, Item, ItemKind, Participant, SourceKind};
use docket_core::pipeline::{self, Job, PipelineOptions, Progress, RetryPolicy};
use docket_core::sinks::{Envelope, MemSink, Sink, SinkError, StoredObject, Written};
use docket_core::sources::{ExportError, FakeSource};
use docket_core::Code;
use tokio_util::sync::CancellationToken;

pub fn item(n: usize) -> Item {
    let ts = FixedOffset::east_opt(3600)
        .and_then(|tz| tz.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).single())
        .map(|t| t + chrono::Duration::minutes(n as i64))
        .expect("valid time");
    Item {
        key: format!("whatsapp-20240301T0900{:02}-{n:024}", n % 60),
        source: SourceKind::WhatsApp,
        kind: ItemKind::Message,
        chat: "Desk".into(),
        source_id: format!("chat.txt:{}", n + 1),
        timestamp: ts,
        sender: Participant {
            display_name: "+44 7700 900123".into(),
            phone: Some("+44 7700 900123".into()),
            ..Participant::default()
        },
        recipients: vec![Participant::named("Dana")],
        text: format!("message number {n}"),
        reply_to: None,
        references: vec![],
        attachments: vec![],
        notes: vec![],
        extra_headers: vec![],
        record_digest: format!("{n:064}"),
    }
}

fn oversize_item(n: usize) -> Item {
    let mut it = item(n);
    it.attachments.push(Attachment {
        name: "huge.bin".into(),
        content_type: "application/octet-stream".into(),
        content: AttachmentContent::Inline { bytes: vec![7u8; docket_core::model::MAX_MESSAGE_BYTES + 1] },
    });
    it
}

fn oks(items: &[Item]) -> Vec<Result<Item, ExportError>> {
    items.iter().cloned().map(Ok).collect()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 4, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) }
}

struct Harness {
    _dir: tempfile::TempDir,
    ledger: Ledger,
    events: Arc<Mutex<Vec<Progress>>>,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = Ledger::open(dir.path()).expect("ledger opens");
        Harness { _dir: dir, ledger, events: Arc::default() }
    }

    async fn run(
        &self,
        items: Vec<Result<Item, ExportError>>,
        resolver: Resolver,
        sink: Arc<dyn Sink>,
        cancel: CancellationToken,
    ) -> Result<docket_core::model::RunSummary, docket_core::Error> {
        let events = self.events.clone();
        pipeline::run(Job {
            source_label: "whatsapp:/fixtures/desk.txt".into(),
            source: Box::new(FakeSource::new(SourceKind::WhatsApp, items)),
            resolver: Arc::new(resolver),
            sinks: vec![sink],
            ledger: &self.ledger,
            options: PipelineOptions {
                retry: fast_retry(),
                concurrency: 4,
                batch_size: 3,
                ..PipelineOptions::default()
            },
            progress: Arc::new(move |e| events.lock().expect("events").push(e)),
            cancel,
        })
        .await
    }
}

fn owner() -> Resolver {
    Resolver::new(None, true, Some("owner@contoso.com".into()))
}

#[tokio::test]
async fn every_fetched_item_is_delivered_already_present_skipped_or_failed() {
    let h = Harness::new();
    let sink = Arc::new(MemSink::default());
    let items: Vec<Item> = (0..10).map(|n| if n == 4 { oversize_item(n) } else { item(n) }).collect();
    let summary = h.run(oks(&items), owner(), sink.clone(), CancellationToken::new()).await.expect("run");
    assert_eq!(summary.fetched, 10);
    assert_eq!(summary.delivered, 9);
    assert_eq!(summary.skipped.get("oversize"), Some(&1));
    assert!(summary.balances());
    assert_eq!(sink.objects().len(), 9);

    let again = h.run(oks(&items), owner(), sink.clone(), CancellationToken::new()).await.expect("rerun");
    assert_eq!((again.fetched, again.delivered, again.already_present), (10, 0, 9));
    assert_eq!(again.skipped.get("oversize"), Some(&1), "oversize items are reported again, never dropped");
    assert!(again.balances());
}

#[tokio::test]
async fn oversize_and_unmapped_items_keep_their_original_and_reason_in_the_ledger() {
    let h = Harness::new();
    let sink = Arc::new(MemSink::default());
    let big = oversize_item(1);
    h.run(vec![Ok(big.clone())], owner(), sink.clone(), CancellationToken::new()).await.expect("run");
    h.run(vec![Ok(item(2))], Resolver::new(None, false, None), sink, CancellationToken::new())
        .await
        .expect("run");
    let held = h.ledger.held(None, 10).expect("held rows");
    let reasons: Vec<_> = held.iter().map(|r| r.reason.as_str()).collect();
    assert!(reasons.contains(&"oversize") && reasons.contains(&"unmapped"), "{reasons:?}");
    assert!(held.iter().all(|r| r.detail.as_deref().is_some_and(|d| !d.is_empty())));
    let original = h.ledger.original(&big.key).expect("query").expect("original kept");
    let back: Item = serde_json::from_str(&original).expect("original is the item");
    assert_eq!(back.key, big.key);
}

/// Fails every object's first `failures` writes with a transient error, then behaves like `MemSink`.
struct FlakySink {
    inner: MemSink,
    failures: usize,
    attempts: Mutex<std::collections::HashMap<String, usize>>,
    calls: AtomicUsize,
}

#[async_trait::async_trait]
impl Sink for FlakySink {
    fn target_id(&self) -> String {
        "flaky:".into()
    }
    async fn prepare(&self) -> Result<(), SinkError> {
        Ok(())
    }
    async fn put(&self, envelope: &Envelope<'_>) -> Result<Written, SinkError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let seen = {
            let mut attempts = self.attempts.lock().expect("attempts");
            let n = attempts.entry(envelope.object_name()).or_insert(0);
            *n += 1;
            *n
        };
        if seen <= self.failures {
            return Err(SinkError::Transient {
                name: envelope.object_name(),
                detail: docket_core::Text::verbatim("503 ServerBusy"),
            });
        }
        self.inner.put(envelope).await
    }
    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        self.inner.list().await
    }
}

#[tokio::test]
async fn transient_storage_errors_are_retried_until_they_succeed() {
    let h = Harness::new();
    let sink = Arc::new(FlakySink {
        inner: MemSink::default(),
        failures: 2,
        attempts: Mutex::default(),
        calls: AtomicUsize::new(0),
    });
    let summary = h
        .run((0..5).map(|n| Ok(item(n))).collect(), owner(), sink.clone(), CancellationToken::new())
        .await
        .expect("run");
    assert_eq!(summary.delivered, 5);
    assert_eq!(sink.calls.load(Ordering::SeqCst), 15, "two failures and one success per item");
}

#[tokio::test]
async fn storage_that_stays_down_fails_items_with_a_reason_and_a_rerun_delivers_them() {
    let h = Harness::new();
    let down = Arc::new(FlakySink {
        inner: MemSink::default(),
        failures: 100,
        attempts: Mutex::default(),
        calls: AtomicUsize::new(0),
    });
    let items: Vec<Item> = (0..3).map(item).collect();
    let summary = h.run(oks(&items), owner(), down, CancellationToken::new()).await.expect("run completes");
    assert_eq!(summary.failed.get("storage"), Some(&3));
    assert!(summary.balances());
    let held = h.ledger.held(None, 10).expect("held");
    assert_eq!(held.len(), 3);
    assert!(held.iter().all(|r| r.state == "failed" && r.reason == "storage"));

    let up = Arc::new(MemSink::default());
    let summary = h.run(oks(&items), owner(), up, CancellationToken::new()).await.expect("rerun");
    assert_eq!(summary.delivered, 3);
}

struct RefusingSink;

#[async_trait::async_trait]
impl Sink for RefusingSink {
    fn target_id(&self) -> String {
        "refusing:".into()
    }
    async fn prepare(&self) -> Result<(), SinkError> {
        Err(SinkError::Auth { detail: docket_core::Text::verbatim("AuthenticationFailed") })
    }
    async fn put(&self, _: &Envelope<'_>) -> Result<Written, SinkError> {
        Err(SinkError::Auth { detail: docket_core::Text::verbatim("AuthenticationFailed") })
    }
    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        Ok(vec![])
    }
}

#[tokio::test]
async fn refused_storage_credentials_stop_the_run_with_a_clear_code() {
    let h = Harness::new();
    let err = h
        .run(vec![Ok(item(0))], owner(), Arc::new(RefusingSink), CancellationToken::new())
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Code::StorageAuth);
    assert!(err.to_string().contains("connection string"), "{err}");
    let runs = h.ledger.runs(5).expect("runs");
    assert_eq!(runs[0].status, "failed");
}

#[tokio::test]
async fn a_source_error_mid_stream_keeps_what_was_archived_and_names_the_line() {
    let h = Harness::new();
    let sink = Arc::new(MemSink::default());
    let mut items: Vec<_> = (0..4).map(|n| Ok(item(n))).collect();
    items.push(Err(ExportError::Parse {
        path: "desk.txt".into(),
        line: 77,
        message: docket_core::Text::verbatim("bad date"),
    }));
    items.push(Ok(item(9)));
    let err = h.run(items, owner(), sink.clone(), CancellationToken::new()).await.expect_err("source error");
    assert_eq!(err.code(), Code::BadExport);
    assert!(err.to_string().contains("desk.txt, line 77"), "{err}");
    assert_eq!(sink.objects().len(), 4);
    assert_eq!(h.ledger.delivered("mem:").expect("rows").len(), 4, "archived items are recorded");
}

#[tokio::test]
async fn a_cancelled_run_records_what_it_did_and_the_next_run_finishes_the_rest() {
    let h = Harness::new();
    let sink = Arc::new(MemSink::default());
    let cancel = CancellationToken::new();
    cancel.cancel();
    let items: Vec<Item> = (0..6).map(item).collect();
    let summary = h.run(oks(&items), owner(), sink.clone(), cancel).await.expect("cancelled run");
    assert!(summary.cancelled);
    assert!(summary.balances());
    assert_eq!(h.ledger.runs(1).expect("runs")[0].status, "cancelled");
    let summary = h.run(oks(&items), owner(), sink.clone(), CancellationToken::new()).await.expect("rerun");
    assert_eq!(summary.delivered + summary.already_present, 6);
    assert_eq!(sink.objects().len(), 6);
}

#[tokio::test]
async fn progress_starts_reports_every_item_and_finishes_with_the_summary() {
    let h = Harness::new();
    let sink = Arc::new(MemSink::default());
    let items: Vec<_> = (0..5).map(|n| Ok(item(n))).collect();
    let summary = h.run(items, owner(), sink, CancellationToken::new()).await.expect("run");
    let events = h.events.lock().expect("events").clone();
    assert!(matches!(events.first(), Some(Progress::Started { .. })));
    assert_eq!(events.last(), Some(&Progress::Finished { summary: summary.clone() }));
    let fetched = events.iter().filter(|e| matches!(e, Progress::Fetched { .. })).count();
    let delivered = events.iter().filter(|e| matches!(e, Progress::Delivered { .. })).count();
    assert_eq!((fetched, delivered), (5, 5));
    let json = serde_json::to_value(&events[0]).expect("serialises");
    assert_eq!(json["event"], "started", "a tagged enum the UI can switch on");
}

#[tokio::test]
async fn two_runs_cannot_share_one_state_folder_at_once() {
    let h = Harness::new();
    let _held = h.ledger.lock_for_run().expect("first lock");
    let other = Ledger::open(h.ledger.path().parent().expect("dir")).expect("opens");
    let err = other.lock_for_run().expect_err("busy");
    assert!(err.to_string().contains("another Docket run"), "{err}");
}
