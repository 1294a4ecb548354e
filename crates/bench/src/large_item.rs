//! P5: one item with an attachment just under the 10 MB limit, converted, hashed and uploaded through
//! `BlobSink` into Azurite, against a raw create-only PUT of the same pre-built bytes to the same Azurite.
//! Each is repeated and the median kept; every upload goes to a new blob name.

use std::time::Instant;

use docket_core::attachments::load_and_render as render;
use docket_core::model::{Attachment, AttachmentContent, Item};
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::{object_name, Envelope, Sink, Written};
use docket_testkit::azurite::Azurite;

use crate::convert_rate::chat_item;
use crate::raw_put::RawPut;
use crate::report::{Figure, Target, Unit};
use crate::BenchError;

/// 7 MiB: base64 and line breaks grow it to about 9.6 MiB, just under the 10 MiB message limit.
const ATTACHMENT_BYTES: usize = 7 * 1024 * 1024;
const MAILBOX: &str = "owner@contoso.com";
const FOLDER: &str = "WhatsApp Archiver";

/// Bytes that do not compress: a xorshift stream, fixed by `seed`.
pub fn incompressible(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn large_item(n: usize) -> Result<Item, BenchError> {
    let mut item = chat_item(n)?;
    item.attachments.push(Attachment {
        name: format!("DOC-2024030{}-WA{n:04}.pdf", n % 9 + 1),
        content_type: "application/pdf".into(),
        content: AttachmentContent::Inline { bytes: incompressible(ATTACHMENT_BYTES, n as u64 + 7) },
    });
    Ok(item)
}

fn median(mut secs: Vec<f64>) -> f64 {
    secs.sort_by(f64::total_cmp);
    secs.get(secs.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs P5 `reps` times on one fresh Azurite.
pub async fn measure(reps: usize) -> Result<Vec<Figure>, BenchError> {
    let azurite = Azurite::start();
    let sink = BlobSink::connect(&azurite.connection_string(), "bench-large")?;
    sink.prepare().await?;
    let raw = RawPut::create(&azurite, "bench-large-raw").await?;

    let mut sink_secs = Vec::new();
    let mut render_secs = Vec::new();
    let mut raw_secs = Vec::new();
    let mut size = 0;
    for n in 0..reps.max(1) {
        let item = large_item(n)?;
        let started = Instant::now();
        let rendered = render(&item)?;
        render_secs.push(started.elapsed().as_secs_f64());
        let envelope = Envelope {
            mailbox: MAILBOX,
            folder: FOLDER,
            key: &item.key,
            source: item.source.as_str(),
            source_id: &item.source_id,
            bytes: &rendered.bytes,
            sha256: &rendered.sha256,
            record_sha256: &item.record_digest,
            look_first: false,
        };
        let written = sink.put(&envelope).await?;
        sink_secs.push(started.elapsed().as_secs_f64());
        if written != Written::Created {
            return Err(
                format!("P5: the sink found {} already present; expected a new blob", item.key).into()
            );
        }
        size = rendered.bytes.len();

        let name = object_name(MAILBOX, FOLDER, &item.key);
        let body = rendered.bytes;
        let started = Instant::now();
        raw.put(&name, body).await?;
        raw_secs.push(started.elapsed().as_secs_f64());
    }
    let (sink_s, render_s, raw_s) = (median(sink_secs), median(render_secs), median(raw_secs));
    println!(
        "P5 detail: {} reps, message {size} bytes ({} MiB attachment); median render+hash {render_s:.3} s, \
         upload {:.3} s, raw PUT {raw_s:.3} s",
        reps.max(1),
        ATTACHMENT_BYTES >> 20,
        sink_s - render_s
    );
    Ok(vec![Figure {
        id: "P5",
        what: format!("{:.1} MB item: convert+hash+BlobSink upload", size as f64 / 1e6),
        unit: Unit::Seconds,
        measured: sink_s,
        baseline_label: "raw reqwest PUT of the same bytes".into(),
        baseline: raw_s,
        target: Target::TimeAtMost(1.0),
    }])
}
