//! Builds the sink a `--target` names. The Azure connection string comes from
//! DOCKET_STORAGE_CONNECTION_STRING or the OS keychain, never from the command line.

use std::sync::Arc;

use docket_core::config::TargetSpec;
use docket_core::secrets::{names, KeyringStore, SecretStore};
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::dir::DirSink;
use docket_core::sinks::{Sink, SinkError};
use docket_core::Error;

pub const CONNECTION_ENV: &str = "DOCKET_STORAGE_CONNECTION_STRING";

pub fn open(spec: &str) -> Result<Arc<dyn Sink>, Error> {
    match TargetSpec::parse(spec)? {
        TargetSpec::Dir(path) => Ok(Arc::new(DirSink::new(path))),
        TargetSpec::Azure { container } => {
            let connection = match std::env::var(CONNECTION_ENV).ok().filter(|v| !v.trim().is_empty()) {
                Some(value) => value,
                None => match KeyringStore::default().get(names::STORAGE_CONNECTION) {
                    Ok(Some(secret)) => secret.expose().clone(),
                    Err(e) => {
                        return Err(SinkError::Config(format!(
                        "no storage connection string: {CONNECTION_ENV} is not set and the keychain could \
                             not be read ({e})"
                    ))
                        .into())
                    }
                    Ok(None) => {
                        return Err(SinkError::Config(format!(
                            "no storage connection string: set {CONNECTION_ENV}, or store one with the \
                             desktop app's Storage step (it keeps it in the OS keychain)"
                        ))
                        .into())
                    }
                },
            };
            Ok(Arc::new(BlobSink::connect(&connection, &container)?))
        }
    }
}
