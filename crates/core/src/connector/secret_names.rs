//! The secrets the app knows by name, kept write-only: they can be stored and their presence reported, never
//! read back out through the connector. It does not decide where secrets live (a `SecretStore` is handed in).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Error;
use crate::secrets::{names, SecretStore, Sensitive};
use crate::sinks::azure_blob::StorageCredential;
use crate::sinks::SinkError;

/// A secret the wizard may store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SecretName {
    /// The Azure Storage connection string or container SAS URL.
    StorageConnection,
}

impl SecretName {
    pub const ALL: [SecretName; 1] = [SecretName::StorageConnection];

    /// The keychain entry the secret is kept under.
    pub fn entry(self) -> &'static str {
        match self {
            SecretName::StorageConnection => names::STORAGE_CONNECTION,
        }
    }
}

/// Which known secrets are stored: booleans only, never a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SecretStatus {
    pub storage_connection: bool,
}

/// Checks that `value` is usable as the named secret and stores it. A connection string that does not
/// parse is refused before it reaches the keychain; the error describes it without repeating it.
pub fn store_secret(
    secrets: &dyn SecretStore,
    name: SecretName,
    value: Sensitive<String>,
) -> Result<(), Error> {
    let trimmed = Sensitive::new(value.expose().trim().to_string());
    match name {
        SecretName::StorageConnection => {
            if trimmed.expose().is_empty() {
                return Err(SinkError::Config(
                    "the storage connection string is empty; paste the connection string or SAS URL from \
                     the Azure portal"
                        .into(),
                )
                .into());
            }
            StorageCredential::parse(trimmed.expose())?;
        }
    }
    secrets.set(name.entry(), &trimmed)?;
    Ok(())
}

/// Reports which known secrets the store holds.
pub fn secret_status(secrets: &dyn SecretStore) -> Result<SecretStatus, Error> {
    let stored = |name: SecretName| -> Result<bool, Error> { Ok(secrets.get(name.entry())?.is_some()) };
    Ok(SecretStatus { storage_connection: stored(SecretName::StorageConnection)? })
}
