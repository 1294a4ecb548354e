//! Secrets: the `SecretStore` trait over the OS keychain (`keyring`), an in-memory store for tests, and
//! `Sensitive<T>`, which prints `<redacted>` and refuses to serialise. Secrets never reach logs, config,
//! SQLite, error messages or IPC responses. This module does not decide which secrets exist; callers name them.

use std::collections::HashMap;
use std::sync::Mutex;

/// The keychain service name under which Docket stores its entries.
pub const SERVICE: &str = "docket";

/// Well-known entry names.
pub mod names {
    /// The Azure Storage connection string or container SAS URL.
    pub const STORAGE_CONNECTION: &str = "storage-connection-string";
}

/// A value that must never be printed or serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself. Call sites are the only places a secret is read; keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> serde::Serialize for Sensitive<T> {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("a secret cannot be serialised"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    Unavailable(String),
    Denied {
        name: String,
        detail: String,
    },
    /// The probe read back a different value (`true`) or nothing (`false`).
    NotPersistent(bool),
}

impl SecretError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            SecretError::Unavailable(detail) => text!(
                "secrets.unavailable",
                "the OS keychain is not available ({detail}). On Linux, Docket needs a Secret Service such as \
                 gnome-keyring running and unlocked in your desktop session; on Windows and macOS the system \
                 keychain is used.",
                detail = detail
            ),
            SecretError::Denied { name, detail } => text!(
                "secrets.denied",
                "the OS keychain refused access to the entry \"{name}\" ({detail}). Unlock the keychain and try again.",
                name = name,
                detail = detail
            ),
            SecretError::NotPersistent(true) => text!(
                "secrets.not_persistent_changed",
                "the OS keychain did not keep a test secret (it read back a different value). Docket will not \
                 store secrets where they would be lost; make sure a persistent keychain (Secret Service) is running."
            ),
            SecretError::NotPersistent(false) => text!(
                "secrets.not_persistent_lost",
                "the OS keychain did not keep a test secret (it read back nothing). Docket will not store \
                 secrets where they would be lost; make sure a persistent keychain (Secret Service) is running."
            ),
        }
    }
}

crate::display_as_text!(SecretError);

/// Where secrets are kept.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError>;
    fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError>;
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// The OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore { service: SERVICE.to_string() }
    }
}

impl KeyringStore {
    pub fn with_service(service: impl Into<String>) -> Self {
        KeyringStore { service: service.into() }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, name).map_err(|e| map_keyring(name, e))
    }

    /// Writes, reads back and deletes a probe entry, proving the keychain really persists secrets
    /// (and is not the in-memory mock that keyring falls back to without a backend).
    pub fn verify_persistence(&self) -> Result<(), SecretError> {
        let probe_name = "docket-keychain-probe";
        let probe = Sensitive::new(format!("probe-{}", std::process::id()));
        self.set(probe_name, &probe)?;
        // A fresh Entry object: the mock store keeps values per Entry object, so it reads back nothing.
        let read = self.get(probe_name)?;
        let _ = self.delete(probe_name);
        match read {
            Some(value) if value.expose() == probe.expose() => Ok(()),
            Some(_) => Err(SecretError::NotPersistent(true)),
            None => Err(SecretError::NotPersistent(false)),
        }
    }
}

fn map_keyring(name: &str, e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => {
            SecretError::Denied { name: name.to_string(), detail: inner.to_string() }
        }
        other => SecretError::Denied { name: name.to_string(), detail: other.to_string() },
    }
}

/// Runs a keychain call on its own thread. keyring's Secret Service backend drives D-Bus with a runtime of
/// its own, which must not start inside the caller's tokio runtime; a plain thread is safe from any context.
fn off_runtime<T: Send>(op: impl FnOnce() -> Result<T, SecretError> + Send) -> Result<T, SecretError> {
    std::thread::scope(|scope| {
        scope.spawn(op).join().unwrap_or_else(|_| {
            Err(SecretError::Unavailable("the keychain call stopped unexpectedly".into()))
        })
    })
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        off_runtime(|| match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(name, e)),
        })
    }

    fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        off_runtime(|| self.entry(name)?.set_password(value.expose()).map_err(|e| map_keyring(name, e)))
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        off_runtime(|| match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(name, e)),
        })
    }
}

/// Secrets in memory, for tests only.
#[derive(Debug, Default)]
pub struct MemSecretStore {
    values: Mutex<HashMap<String, Sensitive<String>>>,
}

impl SecretStore for MemSecretStore {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        Ok(self.values.lock().map_err(|_| SecretError::Unavailable("poisoned".into()))?.get(name).cloned())
    }

    fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.values
            .lock()
            .map_err(|_| SecretError::Unavailable("poisoned".into()))?
            .insert(name.to_string(), value.clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        self.values.lock().map_err(|_| SecretError::Unavailable("poisoned".into()))?.remove(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_never_print_or_serialise() {
        let secret = Sensitive::new("AccountKey=hunter2".to_string());
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert!(serde_json::to_string(&secret).is_err());
    }

    #[test]
    fn mem_store_round_trips() -> Result<(), SecretError> {
        let store = MemSecretStore::default();
        store.set("a", &Sensitive::new("b".into()))?;
        assert_eq!(store.get("a")?.map(|s| s.expose().clone()), Some("b".to_string()));
        store.delete("a")?;
        assert!(store.get("a")?.is_none());
        Ok(())
    }
}
