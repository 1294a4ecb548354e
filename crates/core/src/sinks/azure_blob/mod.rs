//! `BlobSink`: archives messages as block blobs in one Azure Storage container, create-only
//! (`If-None-Match: *`) with `Content-MD5`, content type `message/rfc822` and metadata. It owns the storage
//! calls; credentials live in `connection`, error mapping in `failure`, metadata in `metadata` and the
//! wizard's live check in `probe`. It never retries (the SDK's retries are off: the pipeline retries, reading
//! `SinkError::is_permanent()`), and it never overwrites or deletes an archived blob.

mod connection;
mod connection_string;
mod failure;
mod metadata;
mod probe;

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use azure_core::auth::Secret;
use azure_core::request_options::{IfMatchCondition, MaxResults};
use azure_core::{RetryOptions, TransportOptions};
use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::{BlobClient, ClientBuilder, ContainerClient, Hash};
use base64::Engine as _;
use futures::StreamExt;
use md5::{Digest, Md5};

pub use connection::{SecretText, StorageCredential, EMULATOR_ACCOUNT, EMULATOR_ACCOUNT_KEY};
pub use metadata::{
    decode_metadata_value, encode_metadata_value, META_MAILBOX, META_SHA256, META_SOURCE, META_SOURCE_ID,
};
pub use probe::{Immutability, ProbeReport};

use super::dir::check_envelope_names;
use super::{judge_existing, stored_record_digest, Envelope, Sink, SinkError, StoredObject, Written};
use crate::digest::sha256_hex;
use crate::text;

/// Time allowed to open a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest silence while sending or receiving.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest a single request may take: a 10 MB message over a slow uplink fits.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// Idle pooled connections are dropped before common server keep-alive limits (Node's is 5 s), so a
/// request never goes out on a connection the server is closing.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);
/// Blobs under this prefix are the wizard's probe, never archived messages (no mailbox starts with '.').
const PROBE_PREFIX: &str = ".docket-probe/";

/// A blob as stored: its bytes, its `Content-MD5` (base64) and its metadata (values as stored, see
/// `decode_metadata_value`).
pub type StoredBlob = (Vec<u8>, Option<String>, BTreeMap<String, String>);

/// One Azure Storage container that receives `.eml` blobs named `<mailbox>/<folder>/<key>.eml`.
pub struct BlobSink {
    container: ContainerClient,
    account: String,
    container_name: String,
    /// `scheme://host:port`: the only part of the address errors may show.
    endpoint: String,
    /// A SAS may not be allowed to create the container; `prepare` then checks it exists instead.
    uses_sas: bool,
}

impl std::fmt::Debug for BlobSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobSink")
            .field("account", &self.account)
            .field("container", &self.container_name)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl BlobSink {
    /// Connects (without network traffic) from a connection string or a SAS URL. For a container SAS URL,
    /// `container` may be empty (the URL's container is used) or must name the same container.
    pub fn connect(connection: &str, container: &str) -> Result<BlobSink, SinkError> {
        BlobSink::with_credential(StorageCredential::parse(connection)?, container)
    }

    pub fn with_credential(credential: StorageCredential, container: &str) -> Result<BlobSink, SinkError> {
        let container_name = match (container.trim(), credential.container()) {
            ("", Some(from_url)) => from_url.to_string(),
            ("", None) => {
                return Err(SinkError::Config(text!(
                    "sink.blob.no_container",
                    "no container name was given; name the container Docket should write to"
                )))
            }
            (given, Some(from_url)) if given != from_url => {
                return Err(SinkError::Config(text!(
                    "sink.blob.container_mismatch",
                    "the SAS URL is for container \"{url_container}\" but the target names container \
                     \"{container}\"; use the same container in both",
                    url_container = from_url,
                    container = given
                )))
            }
            (given, _) => given.to_string(),
        };
        check_container_name(&container_name)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build()
            .map_err(|_| {
                SinkError::Config(text!(
                    "sink.blob.https_client",
                    "the HTTPS client could not start (TLS setup failed)"
                ))
            })?;
        let account = credential.account().to_string();
        let endpoint = credential.endpoint_origin();
        let location = CloudLocation::Custom {
            account: account.clone(),
            uri: credential.blob_endpoint().as_str().trim_end_matches('/').to_string(),
        };
        let (credentials, uses_sas) = match &credential {
            StorageCredential::AccountKey { key, .. } => (
                StorageCredentials::access_key(account.clone(), Secret::new(key.expose().to_string())),
                false,
            ),
            StorageCredential::SharedAccessSignature { token, .. } => {
                let credentials = StorageCredentials::sas_token(token.expose()).map_err(|_| {
                    SinkError::Config(text!(
                        "sink.blob.sas_token_unreadable",
                        "the SAS token could not be read; copy it again"
                    ))
                })?;
                (credentials, true)
            }
        };
        let client = ClientBuilder::with_location(location, credentials)
            .retry(RetryOptions::none())
            .transport(TransportOptions::new(Arc::new(http)))
            .container_client(container_name.clone());
        Ok(BlobSink { container: client, account, container_name, endpoint, uses_sas })
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn container_name(&self) -> &str {
        &self.container_name
    }

    /// Reads one blob back: bytes, `Content-MD5` and metadata. `Ok(None)` if there is no such blob.
    pub async fn get(&self, name: &str) -> Result<Option<StoredBlob>, SinkError> {
        let blob = self.container.blob_client(name);
        let properties = match blob.get_properties().await {
            Ok(properties) => properties.blob,
            Err(e) if matches!(failure::http_status(&e), Some((404, _))) => return Ok(None),
            Err(e) => return Err(self.failure(&e, name)),
        };
        let bytes = match self.download(&blob, properties.properties.content_length).await {
            Ok(bytes) => bytes,
            Err(e) if matches!(failure::http_status(&e), Some((404, _))) => return Ok(None),
            Err(e) => return Err(self.failure(&e, name)),
        };
        let content_md5 = properties
            .properties
            .content_md5
            .map(|md5| base64::engine::general_purpose::STANDARD.encode(md5.as_slice()));
        let metadata = properties.metadata.unwrap_or_default().into_iter().collect();
        Ok(Some((bytes, content_md5, metadata)))
    }

    /// Creates the container if it is missing. `Ok(true)` if this call created it.
    async fn ensure_container(&self) -> Result<bool, SinkError> {
        let error = match self.container.create().await {
            Ok(()) => return Ok(true),
            Err(error) => error,
        };
        match failure::http_status(&error) {
            Some((409, Some("ContainerAlreadyExists") | None)) => Ok(false),
            Some((409, Some("ContainerBeingDeleted"))) => Err(SinkError::Transient {
                name: self.container_name.clone(),
                detail: crate::text!(
                    "sink.blob.container_being_deleted",
                    "the container is being deleted; Docket will create it again on a later run"
                ),
            }),
            // A container SAS cannot create containers: check that the container is there instead.
            Some((403, _)) if self.uses_sas => self.check_container_listable().await.map(|()| false),
            _ => Err(self.failure(&error, &self.container_name)),
        }
    }

    async fn check_container_listable(&self) -> Result<(), SinkError> {
        let one = MaxResults::new(NonZeroU32::MIN);
        match self.container.list_blobs().max_results(one).into_stream().next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(e)) if matches!(failure::http_status(&e), Some((404, _))) => {
                Err(SinkError::Config(text!(
                    "sink.blob.container_missing",
                    "the container \"{container}\" does not exist and the SAS may not create it; create the \
                     container in the Azure portal, or use an account connection string",
                    container = self.container_name
                )))
            }
            Some(Err(e)) => Err(self.failure(&e, &self.container_name)),
        }
    }

    /// A blob with this name exists: decide whether it holds the envelope's bytes.
    async fn compare_existing(
        &self,
        blob: &BlobClient,
        name: &str,
        envelope: &Envelope<'_>,
    ) -> Result<Written, SinkError> {
        let properties = blob.get_properties().await.map_err(|e| self.failure(&e, name))?.blob;
        let our_md5: [u8; 16] = Md5::digest(envelope.bytes).into();
        // The recorded digest is trusted only when the blob's own Content-MD5 (which Azure checked on upload)
        // matches these bytes: metadata alone can say anything.
        let md5_matches =
            properties.properties.content_md5.as_ref().is_some_and(|md5| *md5.as_slice() == our_md5);
        let recorded_sha256 = properties
            .metadata
            .as_ref()
            .and_then(|metadata| metadata.get(META_SHA256))
            .map(|value| decode_metadata_value(value));
        if let Some(recorded) = recorded_sha256.filter(|_| md5_matches) {
            return judge_existing(name, envelope.sha256, envelope.record_sha256, &recorded, None);
        }
        // No digest recorded (uploaded by something else), no Content-MD5 to vouch for the bytes (a blob put
        // together from blocks), or other bytes (perhaps the same record rendered differently): read what is
        // really there.
        let bytes = self
            .download(blob, properties.properties.content_length)
            .await
            .map_err(|e| self.failure(&e, name))?;
        let record = stored_record_digest(&bytes);
        judge_existing(name, envelope.sha256, envelope.record_sha256, &sha256_hex(&bytes), record.as_deref())
    }

    async fn download(&self, blob: &BlobClient, length: u64) -> azure_core::Result<Vec<u8>> {
        // A ranged read of an empty blob is refused (416), and there is nothing to read anyway.
        if length == 0 {
            return Ok(Vec::new());
        }
        blob.get_content().await
    }

    fn failure(&self, error: &azure_core::Error, name: &str) -> SinkError {
        failure::classify(error, name, &self.endpoint)
    }
}

#[async_trait::async_trait]
impl Sink for BlobSink {
    /// `azure:<account>/<container>`: no endpoint, key or SAS.
    fn target_id(&self) -> String {
        format!("azure:{}/{}", self.account, self.container_name)
    }

    async fn prepare(&self) -> Result<(), SinkError> {
        self.ensure_container().await.map(|_| ())
    }

    async fn put(&self, envelope: &Envelope<'_>) -> Result<Written, SinkError> {
        check_envelope_names(envelope)?;
        let name = envelope.object_name();
        let blob = self.container.blob_client(name.clone());
        let md5: [u8; 16] = Md5::digest(envelope.bytes).into();
        let result = blob
            .put_block_blob(envelope.bytes.to_vec())
            .content_type("message/rfc822")
            .hash(Hash::MD5(md5))
            .metadata(metadata::for_envelope(envelope))
            .if_match(IfMatchCondition::NotMatch("*".to_string()))
            .await;
        match result {
            Ok(_) => Ok(Written::Created),
            Err(error) => match failure::http_status(&error) {
                Some((409 | 412, None | Some("BlobAlreadyExists" | "ConditionNotMet"))) => {
                    self.compare_existing(&blob, &name, envelope).await
                }
                // The Content-MD5 was computed from these very bytes, so a mismatch means the body was
                // damaged on the way: nothing was stored, and sending it again is right. Azure says
                // Md5Mismatch; Azurite says InvalidOperation (also its answer to a body cut short).
                Some((400, Some("Md5Mismatch" | "InvalidOperation"))) => Err(SinkError::Transient {
                    name,
                    detail: crate::text!(
                        "sink.blob.damaged_copy",
                        "the storage service received a damaged copy (Content-MD5 or length did not match) and \
                         stored nothing"
                    ),
                }),
                _ => Err(self.failure(&error, &name)),
            },
        }
    }

    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        let mut objects = Vec::new();
        let mut pages = self.container.list_blobs().include_metadata(true).into_stream();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.failure(&e, &self.container_name))?;
            for blob in page.blobs.blobs() {
                if blob.name.starts_with(PROBE_PREFIX) {
                    continue;
                }
                let sha256 = blob
                    .metadata
                    .as_ref()
                    .and_then(|metadata| metadata.get(META_SHA256))
                    .map(|value| decode_metadata_value(value));
                objects.push(StoredObject {
                    name: blob.name.clone(),
                    sha256,
                    size: blob.properties.content_length,
                });
            }
        }
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(objects)
    }
}

/// Container names: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a
/// letter or digit.
fn check_container_name(name: &str) -> Result<(), SinkError> {
    let charset_ok = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let ends_ok = !name.starts_with('-') && !name.ends_with('-');
    if (3..=63).contains(&name.len()) && charset_ok && ends_ok && !name.contains("--") {
        Ok(())
    } else {
        Err(SinkError::Config(text!(
            "sink.blob.bad_container_name",
            "\"{container}\" is not a valid container name: use 3 to 63 lowercase letters, digits and single \
             hyphens, starting and ending with a letter or digit",
            container = name.escape_debug().to_string()
        )))
    }
}
