//! The wizard's live storage check: make sure the container exists, write a small probe blob create-only,
//! read it back, compare, and delete it. It reports what happened; it does not touch archived blobs.

use std::time::Instant;

use azure_core::request_options::IfMatchCondition;
use azure_storage_blobs::prelude::Hash;
use md5::{Digest, Md5};
use serde::Serialize;

use super::{failure, BlobSink, PROBE_PREFIX};
use crate::sinks::SinkError;

/// What `BlobSink::probe` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ProbeReport {
    /// The container did not exist and the probe created it.
    pub container_created: bool,
    /// Milliseconds for the whole write, read-back and delete.
    pub round_trip_ms: u64,
    /// The probe blob's name (under `.docket-probe/`).
    pub probe_blob: String,
    /// False when the credential may write but not delete (a SAS without `d`): Docket never needs to
    /// delete, so this is not an error, but the probe blob stays behind and `list` ignores it.
    pub probe_blob_deleted: bool,
}

impl BlobSink {
    /// Checks the storage settings end to end, as the wizard's Storage step does.
    pub async fn probe(&self) -> Result<ProbeReport, SinkError> {
        let container_created = self.ensure_container().await?;
        let started = Instant::now();
        let nonce = format!("{:016x}", rand::random::<u64>());
        let name = format!("{PROBE_PREFIX}{nonce}.txt");
        let content = format!("Docket storage check {nonce}\n").into_bytes();
        let md5: [u8; 16] = Md5::digest(&content).into();
        let blob = self.container.blob_client(name.clone());
        blob.put_block_blob(content.clone())
            .content_type("text/plain")
            .hash(Hash::MD5(md5))
            .if_match(IfMatchCondition::NotMatch("*".to_string()))
            .await
            .map_err(|e| self.failure(&e, &name))?;
        let read_back =
            self.download(&blob, content.len() as u64).await.map_err(|e| self.failure(&e, &name))?;
        if read_back != content {
            return Err(SinkError::Other {
                name,
                detail: "the probe blob read back with different bytes; the storage endpoint is not \
                         behaving like Azure Blob Storage"
                    .into(),
            });
        }
        let probe_blob_deleted = match blob.delete().await {
            Ok(_) => true,
            Err(e) if matches!(failure::http_status(&e), Some((403, _))) => false,
            Err(e) => return Err(self.failure(&e, &name)),
        };
        let round_trip_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(ProbeReport { container_created, round_trip_ms, probe_blob: name, probe_blob_deleted })
    }
}
