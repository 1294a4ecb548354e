//! Commands of the wizard's secret steps: is the OS keychain usable, store a known secret (write-only), and
//! which known secrets are stored. No command here ever returns a secret's value.

use docket_core::connector::{self, ts_rs, SecretName, SecretStatus};
use docket_core::secrets::Sensitive;
use docket_core::text;
use serde::Serialize;
use tauri::{AppHandle, Runtime};

use super::off_ui_thread;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;

/// What `keychain_status` returns: whether secrets stored now will still be there next session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
pub struct KeychainStatus {
    pub persistent: bool,
    /// A sentence for the admin: what was found, and what to do when it is not persistent.
    pub message: docket_core::Text,
}

/// What `store_secret` returns: the name that was stored, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
pub struct StoredSecret {
    pub name: SecretName,
    pub stored: bool,
}

/// Writes, reads back and deletes a probe entry in the OS keychain.
#[tauri::command]
pub async fn keychain_status<R: Runtime>(app: AppHandle<R>) -> Result<KeychainStatus, IpcError> {
    let keychain = app.secret_vault().os_keychain().cloned();
    let checked = off_ui_thread(move || Ok(keychain.map(|keychain| keychain.verify_persistence()))).await?;
    Ok(match checked {
        Some(Ok(())) => KeychainStatus {
            persistent: true,
            message: text!(
                "keychain.persistent",
                "The OS keychain is available and keeps secrets between sessions."
            ),
        },
        Some(Err(error)) => KeychainStatus { persistent: false, message: error.text() },
        None => KeychainStatus {
            persistent: false,
            message: text!(
                "keychain.memory_only",
                "Secrets are kept in memory for this session only: no OS keychain is in use."
            ),
        },
    })
}

/// Checks and stores one known secret. The value goes in and never comes back out.
#[tauri::command]
pub async fn store_secret<R: Runtime>(
    app: AppHandle<R>,
    name: SecretName,
    value: String,
) -> Result<StoredSecret, IpcError> {
    let store = app.secret_vault().store();
    let value = Sensitive::new(value);
    off_ui_thread(move || connector::store_secret(store.as_ref(), name, value)).await?;
    Ok(StoredSecret { name, stored: true })
}

/// Which known secrets are stored, as booleans.
#[tauri::command]
pub async fn secret_status<R: Runtime>(app: AppHandle<R>) -> Result<SecretStatus, IpcError> {
    let store = app.secret_vault().store();
    off_ui_thread(move || connector::secret_status(store.as_ref())).await
}
