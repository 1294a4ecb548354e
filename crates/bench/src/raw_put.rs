//! The raw ceiling the sink is compared with: create-only block-blob PUTs (`If-None-Match: *`, `Content-MD5`)
//! sent straight through a reqwest client, authorised by a container SAS made once, with no SDK, metadata,
//! retries or bookkeeping. It also creates the container. It is a measuring stick, not an archiver.

use std::time::Duration;

use azure_storage::prelude::BlobSasPermissions;
use azure_storage::shared_access_signature::SasToken as _;
use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::{ClientBuilder, ContainerClient};
use base64::Engine as _;
use docket_testkit::azurite::{Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY};
use md5::{Digest, Md5};

use crate::BenchError;

/// A container on an Azurite instance, written to with plain HTTP requests.
pub struct RawPut {
    client: reqwest::Client,
    /// The container's URL with its SAS query.
    container_url: reqwest::Url,
}

impl RawPut {
    /// Creates `container` on `azurite` (through the SDK, once) and prepares a SAS allowing create and write.
    pub async fn create(azurite: &Azurite, container: &str) -> Result<RawPut, BenchError> {
        sdk_container(azurite, container).create().await?;
        RawPut::attach(azurite, container).await
    }

    /// Prepares the SAS for an existing `container` on `azurite`.
    pub async fn attach(azurite: &Azurite, container: &str) -> Result<RawPut, BenchError> {
        let sdk = sdk_container(azurite, container);
        let permissions = BlobSasPermissions { create: true, write: true, ..BlobSasPermissions::default() };
        let expiry = time::OffsetDateTime::now_utc() + time::Duration::hours(6);
        let sas = sdk.shared_access_signature(permissions, expiry).await?;
        let mut container_url = reqwest::Url::parse(sdk.url()?.as_str())?;
        container_url.set_query(Some(&sas.token()?));
        // The same client settings as BlobSink's (connect, read and idle timeouts).
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .timeout(Duration::from_secs(300))
            .pool_idle_timeout(Duration::from_secs(4))
            .build()?;
        Ok(RawPut { client, container_url })
    }

    /// Writes `bytes` as the blob `name` (slashes make folders), create-only; anything but 201 is an error.
    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), BenchError> {
        let mut url = self.container_url.clone();
        url.path_segments_mut()
            .map_err(|()| format!("the container URL {} cannot take a blob name", self.container_url))?
            .extend(name.split('/'));
        let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&bytes));
        let response = self
            .client
            .put(url)
            .header("x-ms-blob-type", "BlockBlob")
            .header("x-ms-version", "2022-11-02")
            .header("content-type", "message/rfc822")
            .header("content-md5", md5)
            .header("if-none-match", "*")
            .body(bytes)
            .send()
            .await?;
        let status = response.status();
        if status.as_u16() == 201 {
            Ok(())
        } else {
            let body = response.text().await.unwrap_or_default();
            Err(format!("raw PUT of {name} answered {status}: {body}").into())
        }
    }
}

/// A plain SDK client for the development account on this Azurite.
fn sdk_container(azurite: &Azurite, container: &str) -> ContainerClient {
    let location = CloudLocation::Custom { account: DEV_ACCOUNT.to_string(), uri: azurite.blob_endpoint() };
    ClientBuilder::with_location(
        location,
        StorageCredentials::access_key(DEV_ACCOUNT, DEV_ACCOUNT_KEY.to_string()),
    )
    .container_client(container)
}
