//! The wizard's live storage check: make sure the container exists, write a small probe blob create-only,
//! read it back, compare, and delete it; and say whether the container keeps an immutable (WORM) copy. It
//! reports what happened; it does not touch archived blobs.
//!
//! Immutability is read two ways, because the legacy SDK parses only part of Azure's answer: Get Container
//! Properties gives `x-ms-has-immutability-policy` (a container-level time-based retention policy) and
//! `x-ms-has-legal-hold`; and a version-level WORM policy (or any of those) shows when Azure refuses to
//! delete the probe blob with a 409 `BlobImmutableDueToPolicy` or `BlobImmutableDueToLegalHold`.

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
    /// False when the credential may write but not delete (a SAS without `d`), or when an immutability
    /// policy keeps the blob: Docket never needs to delete, so this is not an error, but the probe blob stays
    /// behind and `list` ignores it.
    pub probe_blob_deleted: bool,
    /// Whether the container keeps what Docket writes immutable (WORM).
    pub immutability: Immutability,
}

/// What the probe found about the container's immutability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Immutability {
    /// A container-level time-based retention policy; `None` when the credential may not read the
    /// container's properties (a SAS without that right).
    pub time_based_policy: Option<bool>,
    /// A legal hold on the container; `None` as above.
    pub legal_hold: Option<bool>,
    /// Azure refused to delete the probe blob because of an immutability policy (container- or
    /// version-level) or a legal hold: writes there are WORM in practice.
    pub delete_refused_by_policy: bool,
    /// True when any of the above protects the copy.
    pub worm: bool,
    /// What was found, in a sentence for the admin.
    pub summary: crate::Text,
    /// How to make the copy WORM, when it is not.
    pub advice: Option<crate::Text>,
}

impl Immutability {
    fn assess(
        time_based_policy: Option<bool>,
        legal_hold: Option<bool>,
        delete_refused_by_policy: bool,
    ) -> Immutability {
        use crate::text;
        let worm = time_based_policy == Some(true) || legal_hold == Some(true) || delete_refused_by_policy;
        let summary = match (time_based_policy == Some(true), legal_hold == Some(true)) {
            (true, true) => text!(
                "immutability.policy_and_hold",
                "The container is immutable (WORM): it has a time-based retention policy and a legal hold."
            ),
            (true, false) => text!(
                "immutability.policy",
                "The container is immutable (WORM): it has a time-based retention policy."
            ),
            (false, true) => {
                text!("immutability.hold", "The container is immutable (WORM): it has a legal hold.")
            }
            (false, false) if delete_refused_by_policy => text!(
                "immutability.delete_refused",
                "The container is immutable (WORM): it has an immutability policy (Azure refused to delete \
                 Docket's test blob)."
            ),
            (false, false) if time_based_policy.is_none() => text!(
                "immutability.unknown",
                "Docket could not read the container's immutability settings with this credential, and Azure \
                 let it delete its test blob, so the copy is not protected as WORM."
            ),
            (false, false) => text!(
                "immutability.none",
                "The container has no immutability policy and no legal hold: the archive copy is not WORM, so \
                 anyone with delete rights could remove it."
            ),
        };
        let advice = (!worm).then(|| {
            text!(
                "immutability.advice",
                "In the Azure portal, open the storage account, then Data storage > Containers > this container > \
                 Access policy, and add an immutable blob storage policy (time-based retention, or a legal hold); \
                 or enable version-level immutability on the container. Give Docket a SAS with only Create, Read \
                 and List permissions."
            )
        });
        Immutability { time_based_policy, legal_hold, delete_refused_by_policy, worm, summary, advice }
    }
}

/// Azure's answer when an immutability policy or a legal hold keeps a blob.
fn is_immutable_refusal(status: Option<(u16, Option<&str>)>) -> bool {
    matches!(status, Some((409, Some(code))) if code.starts_with("BlobImmutableDueTo"))
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
                detail: crate::text!(
                    "sink.blob.probe_differs",
                    "the probe blob read back with different bytes; the storage endpoint is not behaving like \
                     Azure Blob Storage"
                ),
            });
        }
        let (probe_blob_deleted, delete_refused_by_policy) = match blob.delete().await {
            Ok(_) => (true, false),
            Err(e) if matches!(failure::http_status(&e), Some((403, _))) => (false, false),
            Err(e) if is_immutable_refusal(failure::http_status(&e)) => (false, true),
            Err(e) => return Err(self.failure(&e, &name)),
        };
        let round_trip_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (time_based_policy, legal_hold) = match self.container.get_properties().await {
            Ok(properties) => (
                Some(properties.container.has_immutability_policy),
                Some(properties.container.has_legal_hold),
            ),
            Err(e) if matches!(failure::http_status(&e), Some((403, _))) => (None, None),
            Err(e) => return Err(self.failure(&e, self.container.container_name())),
        };
        let immutability = Immutability::assess(time_based_policy, legal_hold, delete_refused_by_policy);
        Ok(ProbeReport {
            container_created,
            round_trip_ms,
            probe_blob: name,
            probe_blob_deleted,
            immutability,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_without_policy_is_reported_as_not_worm_with_advice() {
        let none = Immutability::assess(Some(false), Some(false), false);
        assert!(!none.worm);
        assert!(none.summary.message.contains("not WORM"), "{}", none.summary);
        assert!(none.advice.as_ref().is_some_and(|a| a.message.contains("Access policy")));
        let policy = Immutability::assess(Some(true), Some(false), false);
        assert!(policy.worm && policy.advice.is_none());
        assert!(policy.summary.message.contains("time-based retention policy"));
        let versioned = Immutability::assess(Some(false), Some(false), true);
        assert!(
            versioned.worm,
            "a refused delete proves WORM (version-level policies show no container flag)"
        );
        let unreadable = Immutability::assess(None, None, false);
        assert!(!unreadable.worm && unreadable.summary.message.contains("could not read"));
        assert!(is_immutable_refusal(Some((409, Some("BlobImmutableDueToPolicy")))));
        assert!(!is_immutable_refusal(Some((409, Some("BlobAlreadyExists")))));
    }
}
