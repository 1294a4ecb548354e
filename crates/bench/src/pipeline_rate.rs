//! P2: the whole pipeline (WhatsApp zip export → parse → map → render → `BlobSink` → ledger) into a fresh
//! Azurite, against the raw ceiling: the same number of pre-rendered messages sent as create-only PUTs at
//! the same concurrency into a fresh container of a separate, fresh Azurite (Azurite slows as a container
//! grows, so both start empty and write the same count).

use std::sync::Arc;
use std::time::Instant;

use docket_core::attachments::load_and_render as render;
use docket_core::ledger::Ledger;
use docket_core::mapping::Resolver;
use docket_core::model::SourceKind;
use docket_core::pipeline::{self, Job, PipelineOptions};
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::object_name;
use docket_core::sources::{open_export, DateOrder, ExportOptions};
use docket_testkit::azurite::Azurite;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::raw_put::RawPut;
use crate::report::{Figure, Target, Unit};
use crate::BenchError;

const OWNER: &str = "owner@contoso.com";

/// Runs P2 with a generated export of `count` messages.
pub async fn measure(count: usize) -> Result<Vec<Figure>, BenchError> {
    let work = tempfile::tempdir()?;
    let (zip, items) = docket_testkit::exports::write_android_zip(work.path(), "Bench Desk", count, false)?;
    let options = ExportOptions { date_order: Some(DateOrder::Dmy), ..ExportOptions::default() };
    let concurrency = PipelineOptions::default().concurrency;

    // The pipeline, end to end, on its own Azurite.
    let pipeline_secs = {
        let azurite = Azurite::start();
        let ledger = Ledger::open(&work.path().join("state"))?;
        let sink = Arc::new(BlobSink::connect(&azurite.connection_string(), "bench-pipeline")?);
        let started = Instant::now();
        let summary = pipeline::run(Job {
            source_label: format!("whatsapp:{}", zip.display()),
            source: open_export(SourceKind::WhatsApp, &zip, &options)?,
            resolver: Arc::new(Resolver::new(None, true, Some(OWNER.into()))),
            sinks: vec![sink],
            ledger: &ledger,
            options: PipelineOptions::default(),
            progress: Arc::new(|_| {}),
            cancel: CancellationToken::new(),
        })
        .await?;
        let secs = started.elapsed().as_secs_f64();
        if summary.delivered as usize != items || !summary.balances() {
            return Err(format!(
                "P2: the pipeline delivered {} of {items} items: {summary:?}",
                summary.delivered
            )
            .into());
        }
        secs
    };

    // The same messages, rendered beforehand (not timed), for the raw ceiling.
    let folder = SourceKind::WhatsApp.default_folder();
    let mut bodies = Vec::with_capacity(items);
    for item in docket_core::sources::whatsapp_export::open(&zip, &options)? {
        let item = item?;
        let rendered = render(&item)?;
        bodies.push((object_name(OWNER, folder, &item.key), rendered.bytes));
    }
    let bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();

    let raw_secs = {
        let azurite = Azurite::start();
        let started = Instant::now();
        let raw = Arc::new(RawPut::create(&azurite, "bench-raw").await?);
        let puts = futures::stream::iter(bodies.into_iter().map(|(name, body)| {
            let raw = raw.clone();
            tokio::spawn(async move { raw.put(&name, body).await })
        }))
        .buffer_unordered(concurrency);
        let results: Vec<_> = puts.collect().await;
        let secs = started.elapsed().as_secs_f64();
        for result in results {
            result??;
        }
        secs
    };

    println!(
        "P2 detail: {items} items ({} KB average), concurrency {concurrency}; pipeline {pipeline_secs:.2} s, \
         raw PUTs {raw_secs:.2} s",
        bytes / items.max(1) / 1024
    );
    Ok(vec![Figure {
        id: "P2",
        what: format!("pipeline end to end, {items} items, zip → Azurite"),
        unit: Unit::PerSecond,
        measured: items as f64 / pipeline_secs,
        baseline_label: format!("raw create-only PUTs, same count, concurrency {concurrency}"),
        baseline: items as f64 / raw_secs,
        target: Target::RatioAtLeast(0.8),
    }])
}
