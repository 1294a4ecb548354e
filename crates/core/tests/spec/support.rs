//! Shared test harness for the spec modules: the real Azurite emulator (from docket-testkit) and a raw SDK
//! client for acting behind Docket's back. It holds no assertions about Docket's behaviour.

// Each spec module uses part of the harness.
#![allow(dead_code)]

use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::{ClientBuilder, ContainerClient};
pub use docket_testkit::azurite::{free_port, unique_container, Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY};

/// A plain SDK client, for tests that must tamper with or inspect storage without Docket.
pub trait RawClient {
    fn raw_container_client(&self, container: &str) -> ContainerClient;
}

impl RawClient for Azurite {
    fn raw_container_client(&self, container: &str) -> ContainerClient {
        let location = CloudLocation::Custom { account: DEV_ACCOUNT.to_string(), uri: self.blob_endpoint() };
        ClientBuilder::with_location(
            location,
            StorageCredentials::access_key(DEV_ACCOUNT, DEV_ACCOUNT_KEY.to_string()),
        )
        .container_client(container)
    }
}
