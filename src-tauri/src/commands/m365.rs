//! Commands of the wizard's Microsoft 365 steps: the admin's sign-in in the system browser (started, then
//! awaited), listing and registering the Docket app with a new client secret that goes straight to the
//! keychain, admin consent for the app's Graph permissions, and the mapping's mailbox check with the app's
//! own token. Secrets and tokens never cross IPC: only ids, dates and reports do. `DOCKET_SIGN_IN_CLIENT_ID`
//! names another public client to sign in with.

use std::sync::{Arc, Mutex};

use docket_core::connector::{self, ts_rs, GraphApp, RunPlan};
use docket_core::identity::{
    self, AppSummary, ClientSecretInfo, CloudName, ConsentStart, MailboxReport, RegisteredApp,
};
use docket_core::mapping::MappingOptions;
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tokio::sync::oneshot;

use super::identity::effective_cloud;
use crate::consent_slot::ConsentSlotExt;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;
use crate::signin_slot::SignInSlotExt;
use crate::system_browser::SystemBrowserExt;

/// Names the public client the admin signs in with, in place of Microsoft Graph Command Line Tools.
pub const SIGN_IN_CLIENT_ENV: &str = "DOCKET_SIGN_IN_CLIENT_ID";

/// The sign-in page `admin_sign_in_start` opened (the UI shows it for an admin whose browser did not open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
pub struct SignInStart {
    pub url: String,
}

/// Who signed in: the tenant, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
pub struct SignedIn {
    pub tenant_id: String,
}

/// Starts the admin's sign-in: listens on 127.0.0.1, opens the authorize page in the system browser and
/// returns its address as soon as it is known. `admin_sign_in_wait` gets the result.
#[tauri::command]
pub async fn admin_sign_in_start<R: Runtime>(
    app: AppHandle<R>,
    tenant_id: String,
    cloud: Option<CloudName>,
    timeout_seconds: Option<u64>,
) -> Result<SignInStart, IpcError> {
    let timeout = timeout_seconds.map(std::time::Duration::from_secs);
    let (browser, store, cloud) =
        (app.system_browser().clone(), app.secret_vault().store(), effective_cloud(cloud));
    let (sent, opened) = oneshot::channel::<String>();
    let task = tauri::async_runtime::spawn(async move {
        let sent = Mutex::new(Some(sent));
        let open = move |url: &str| -> Result<(), String> {
            // The UI shows the address too, so a browser that does not start only costs a copy and paste.
            if let Err(error) = browser.open(url) {
                tracing::warn!(%error, "the system browser did not open the sign-in page");
            }
            if let Some(sender) = sent.lock().ok().and_then(|mut s| s.take()) {
                let _ = sender.send(url.to_string());
            }
            Ok(())
        };
        let client = docket_core::config::env::endpoint_override(
            SIGN_IN_CLIENT_ENV,
            "admin sign-ins (as this public client)",
        );
        connector::sign_in_with_client(&cloud, &tenant_id, client.as_deref(), timeout, &open, store).await
    });
    app.sign_in_slot().begin(task);
    match opened.await {
        Ok(url) => Ok(SignInStart { url }),
        // The sign-in ended before opening a page (a bad tenant ID, no listener): its error says why.
        Err(_) => Err(wait_for_sign_in(&app).await.err().unwrap_or_else(not_started)),
    }
}

/// Waits (up to 10 minutes) for the sign-in started last; the session stays in the app for the commands
/// below. Fails with `entra_auth` (refused), `consent` (timed out, wrong state) or when none was started.
#[tauri::command]
pub async fn admin_sign_in_wait<R: Runtime>(app: AppHandle<R>) -> Result<SignedIn, IpcError> {
    let session = wait_for_sign_in(&app).await?;
    app.sign_in_slot().signed_in(session.clone());
    Ok(SignedIn { tenant_id: session.tenant_id().to_string() })
}

/// Signs the admin out: the session's tokens (the refresh token carries `Application.ReadWrite.All`) are
/// forgotten now. The wizard calls it when it ends; nothing else keeps them.
#[tauri::command]
pub async fn admin_sign_out<R: Runtime>(app: AppHandle<R>) -> Result<bool, IpcError> {
    let ended = app.sign_in_slot().sign_out();
    let signed_in = ended.is_some();
    if let Some(session) = ended {
        session.sign_out().await;
    }
    Ok(signed_in)
}

async fn wait_for_sign_in<R: Runtime>(app: &AppHandle<R>) -> Result<Arc<identity::AdminSession>, IpcError> {
    let task = app.sign_in_slot().take_pending().ok_or_else(not_started)?;
    match task.await {
        Ok(outcome) => Ok(outcome?),
        Err(_) => Err(IpcError::from(docket_core::Error::from(identity::IdentityError::Superseded))),
    }
}

fn not_started() -> IpcError {
    let text = docket_core::text!(
        "signin.not_started",
        "no sign-in is under way; choose “Sign in with Microsoft…” again"
    );
    IpcError::new(docket_core::Code::EntraAuth, text)
}

/// The signed-in admin's tenant's app registrations (ids, names and secret expiry dates; no secret).
#[tauri::command]
pub async fn list_entra_apps<R: Runtime>(app: AppHandle<R>) -> Result<Vec<AppSummary>, IpcError> {
    let session = app.sign_in_slot().session()?;
    Ok(connector::list_entra_apps(&session).await?)
}

/// Registers the Docket app with a client secret valid `secret_days` days; the secret goes to the keychain.
#[tauri::command]
pub async fn register_docket_app<R: Runtime>(
    app: AppHandle<R>,
    display_name: String,
    secret_days: u32,
) -> Result<RegisteredApp, IpcError> {
    let (session, store) = (app.sign_in_slot().session()?, app.secret_vault().store());
    Ok(connector::register_docket_app(&session, &display_name, secret_days, store.as_ref()).await?)
}

/// Adds a client secret to the app the admin picked (by object id); the secret goes to the keychain.
#[tauri::command]
pub async fn add_app_secret<R: Runtime>(
    app: AppHandle<R>,
    object_id: String,
    secret_days: u32,
) -> Result<ClientSecretInfo, IpcError> {
    let (session, store) = (app.sign_in_slot().session()?, app.secret_vault().store());
    Ok(connector::add_app_secret(&session, &object_id, secret_days, store.as_ref()).await?)
}

/// Starts admin consent for the Docket app's Graph application permissions; `admin_consent_wait` (or
/// `admin_consent_confirm`) ends it, as for the Import service.
#[tauri::command]
pub async fn app_consent_start<R: Runtime>(
    app: AppHandle<R>,
    tenant_id: String,
    client_id: String,
    cloud: Option<CloudName>,
) -> Result<ConsentStart, IpcError> {
    let graph_app = GraphApp { cloud: effective_cloud(cloud), tenant_id, client_id };
    let (start, listener) = connector::begin_app_consent(&graph_app).await?;
    app.consent_slot().begin(listener, graph_app.tenant_id.trim().to_string());
    if let Err(error) = app.system_browser().open(&start.url) {
        tracing::warn!(%error, "the system browser did not open the admin consent page");
    }
    Ok(start)
}

/// Looks every mailbox the request's mapping can produce up in the directory with the app's own token
/// (stored client secret), and whether the request's folder exists in each.
#[tauri::command]
pub async fn check_mailboxes<R: Runtime>(
    app: AppHandle<R>,
    request: RunPlan,
    tenant_id: String,
    client_id: String,
    cloud: Option<CloudName>,
) -> Result<MailboxReport, IpcError> {
    if let Some(csv) = request.mapping_csv.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        crate::webview_paths::mapping_csv(csv)?;
    }
    let graph_app = GraphApp { cloud: effective_cloud(cloud), tenant_id, client_id };
    let graph = connector::app_graph_client(app.secret_vault().store().as_ref(), &graph_app)?;
    let csv =
        request.mapping_csv.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(std::path::Path::new);
    let options = MappingOptions { default_region: request.default_region.clone() };
    let (owner, folder) = (request.owner_mailbox.as_deref(), request.folder.as_deref());
    Ok(connector::check_mailboxes(&graph, csv, &options, owner, request.source_kind, folder).await?)
}
