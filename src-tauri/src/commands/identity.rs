//! Commands of the wizard's Entra ID steps: the live app check (client secret from the vault), and admin
//! consent for the Office 365 Import service in the system browser with the answer captured on 127.0.0.1,
//! or confirmed by hand. The cloud defaults to the global one; `DOCKET_AUTHORITY_BASE` and `DOCKET_GRAPH_BASE`
//! point Entra ID and Graph at test doubles.

use std::time::Duration;

use docket_core::connector;
use docket_core::identity::{self, AppCheck, Cloud, CloudName, ConsentResult, IdentityError};
use tauri::{AppHandle, Runtime};

use crate::consent_slot::ConsentSlotExt;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;

/// Overrides the Entra ID authority of every cloud (end-to-end tests against a double).
pub const AUTHORITY_OVERRIDE_ENV: &str = docket_core::config::env::AUTHORITY_BASE;
/// Overrides the Microsoft Graph base of every cloud (end-to-end tests against a double).
pub const GRAPH_OVERRIDE_ENV: &str = docket_core::config::env::GRAPH_BASE;

/// Gets an app-only token with the stored client secret, proving tenant, app and secret belong together.
#[tauri::command]
pub async fn test_entra_app<R: Runtime>(
    app: AppHandle<R>,
    tenant_id: String,
    client_id: String,
    cloud: Option<CloudName>,
) -> Result<AppCheck, IpcError> {
    let store = app.secret_vault().store();
    let cloud = effective_cloud(cloud);
    Ok(connector::test_entra_app(store.as_ref(), &cloud, &tenant_id, &client_id).await?)
}

/// Waits for the consent answer (default 10 minutes): granted, refused (Entra ID's words), rejected (wrong
/// state) or timed out.
#[tauri::command]
pub async fn admin_consent_wait<R: Runtime>(
    app: AppHandle<R>,
    timeout_seconds: Option<u64>,
) -> Result<ConsentResult, IpcError> {
    let (listener, ended) = app
        .consent_slot()
        .take_for_wait()
        .ok_or(IdentityError::NoConsentPending)
        .map_err(docket_core::Error::from)?;
    let limit = timeout_seconds.map(Duration::from_secs).unwrap_or(identity::DEFAULT_CONSENT_TIMEOUT);
    let result = tokio::select! {
        result = listener.wait(limit) => result,
        () = ended.cancelled() => Err(IdentityError::Superseded),
    };
    Ok(result.map_err(docket_core::Error::from)?)
}

/// Records the admin's word that consent was granted elsewhere, ending any wait in progress.
#[tauri::command]
pub async fn admin_consent_confirm<R: Runtime>(app: AppHandle<R>) -> Result<ConsentResult, IpcError> {
    Ok(identity::confirmed_by_admin(app.consent_slot().finish_by_hand()))
}

/// The cloud the admin chose by name (global by default) with the authority and Graph base the environment
/// overrides (`DOCKET_AUTHORITY_BASE`, `DOCKET_GRAPH_BASE`), as every Entra ID and Graph command uses it. The
/// webview can only name one of Microsoft's clouds: custom endpoints, which would receive the stored client
/// secret, come from the environment alone.
pub(crate) fn effective_cloud(cloud: Option<CloudName>) -> Cloud {
    docket_core::config::env::cloud_with_overrides(&cloud.unwrap_or_default().cloud())
}
