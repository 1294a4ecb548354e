//! The app's secrets, held as Tauri managed state and reached through `SecretVaultExt`: the `SecretStore`
//! the commands read and write (the OS keychain in the app, an in-memory store in tests) and, when that store
//! is the OS keychain, the keychain itself for its persistence check. It never hands a secret to IPC.

use std::sync::Arc;

use docket_core::secrets::{KeyringStore, SecretStore};
use tauri::{Manager, Runtime};

#[derive(Clone)]
pub struct SecretVault {
    store: Arc<dyn SecretStore>,
    keychain: Option<KeyringStore>,
}

impl std::fmt::Debug for SecretVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretVault").field("keychain", &self.keychain).finish_non_exhaustive()
    }
}

impl SecretVault {
    /// Secrets in the OS keychain under `keychain`'s service name.
    pub fn keychain(keychain: KeyringStore) -> SecretVault {
        SecretVault { store: Arc::new(keychain.clone()), keychain: Some(keychain) }
    }

    /// Secrets in another store (tests); `keychain_status` then reports that nothing persists.
    pub fn in_store(store: Arc<dyn SecretStore>) -> SecretVault {
        SecretVault { store, keychain: None }
    }

    pub fn store(&self) -> Arc<dyn SecretStore> {
        self.store.clone()
    }

    /// The OS keychain behind the store, if the store is the OS keychain.
    pub fn os_keychain(&self) -> Option<&KeyringStore> {
        self.keychain.as_ref()
    }
}

/// Reaches the app's `SecretVault` from anything that can reach Tauri's managed state.
pub trait SecretVaultExt<R: Runtime> {
    fn secret_vault(&self) -> &SecretVault;
}

impl<R: Runtime, M: Manager<R>> SecretVaultExt<R> for M {
    fn secret_vault(&self) -> &SecretVault {
        // `crate::build` always manages a `SecretVault`, so this lookup cannot miss.
        self.state::<SecretVault>().inner()
    }
}
