//! The wizard's Microsoft 365 steps as the connector offers them: the admin's sign-in, picking or registering
//! the Docket app (its new client secret goes straight to the keychain), admin consent for the app's Graph
//! permissions, the directory check of the mapping's mailboxes, the client secret's expiry warning, and the
//! Graph target of an import. It owns no protocol (see `identity`) and never returns a secret or a token.

use crate::text;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::secret_names::AZURE_CLIENT_SECRET_ENTRY;
use crate::config::ConfigError;
use crate::error::Error;
use crate::identity::{
    self, AdminSession, AppCredentials, AppSummary, AppTokenSource, ClientSecretInfo, Cloud, ConsentListener,
    ConsentStart, GraphClient, MailboxReport, OpenUrl, RegisteredApp, SecretExpiryWarning, SignInSettings,
};
use crate::mapping::MappingOptions;
use crate::model::SourceKind;
use crate::secrets::SecretStore;
use crate::sinks::graph::{GraphRoutes, GraphSink};

/// The longest client secret lifetime Docket offers (Microsoft recommends less than two years).
pub const MAX_SECRET_DAYS: u32 = 730;

/// Docket's app registration as the connector keeps it: where it lives and its id. Its client secret is in the
/// keychain (`SecretName::AzureClientSecret`), never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GraphApp {
    pub cloud: Cloud,
    pub tenant_id: String,
    pub client_id: String,
}

/// The Graph client of Docket's app, with its client secret from the keychain.
pub fn app_graph_client(secrets: &dyn SecretStore, app: &GraphApp) -> Result<Arc<GraphClient>, Error> {
    let Some(secret) = secrets.get(AZURE_CLIENT_SECRET_ENTRY)? else {
        return Err(ConfigError::Invalid {
            field: text!("field.client_secret", "client secret"),
            message: text!(
                "m365.no_secret",
                "no client secret is stored yet; register the app or paste its client secret in the Entra ID \
                 step and save it (the command line also reads DOCKET_CLIENT_SECRET)"
            ),
        }
        .into());
    };
    graph_client_for(AppCredentials {
        cloud: app.cloud.clone(),
        tenant_id: app.tenant_id.clone(),
        client_id: app.client_id.clone(),
        client_secret: secret,
    })
}

/// The Graph client for app credentials from anywhere (the CLI reads them from its environment).
pub fn graph_client_for(credentials: AppCredentials) -> Result<Arc<GraphClient>, Error> {
    let cloud = credentials.cloud.clone();
    let tokens = Arc::new(AppTokenSource::new(credentials));
    Ok(Arc::new(GraphClient::new(&cloud, tokens)?))
}

/// The Graph target of an import: `importMime` where the cloud has it, else non-drafts through the JSON
/// route (drafts only when `routes.allow_drafts`; see `GraphSink`).
pub fn graph_sink(graph: Arc<GraphClient>, tenant_id: &str, routes: GraphRoutes) -> GraphSink {
    GraphSink::new(graph, tenant_id, routes)
}

/// Signs the admin in through the system browser (`open_url` is the app's browser opener). The refresh token
/// goes to `secrets`; the returned session keeps the access token in memory.
pub async fn sign_in(
    cloud: &Cloud,
    tenant_id: &str,
    open_url: OpenUrl<'_>,
    secrets: Arc<dyn SecretStore>,
) -> Result<Arc<AdminSession>, Error> {
    sign_in_with_client(cloud, tenant_id, None, None, open_url, secrets).await
}

/// `sign_in` with another public client than `DEFAULT_SIGN_IN_CLIENT_ID` when `client_id` is given (a tenant
/// that blocks Microsoft Graph Command Line Tools registers its own; test doubles have theirs).
pub async fn sign_in_with_client(
    cloud: &Cloud,
    tenant_id: &str,
    client_id: Option<&str>,
    timeout: Option<std::time::Duration>,
    open_url: OpenUrl<'_>,
    secrets: Arc<dyn SecretStore>,
) -> Result<Arc<AdminSession>, Error> {
    let mut settings = SignInSettings::new(cloud.clone(), tenant_id);
    if let Some(timeout) = timeout {
        // Clamped where it is used (`loopback::clamp_wait`).
        settings.timeout = timeout;
    }
    if let Some(client_id) = client_id.map(str::trim).filter(|c| !c.is_empty()) {
        settings.client_id = client_id.to_string();
    }
    let session = identity::sign_in_admin(settings, open_url, secrets).await?;
    Ok(Arc::new(session))
}

fn admin_graph(session: &Arc<AdminSession>) -> Result<GraphClient, Error> {
    Ok(GraphClient::new(session.cloud(), session.clone())?)
}

/// The tenant's app registrations, for the admin to pick Docket's app from.
pub async fn list_entra_apps(session: &Arc<AdminSession>) -> Result<Vec<AppSummary>, Error> {
    Ok(identity::list_apps(&admin_graph(session)?).await?)
}

fn secret_expiry(days: u32) -> Result<DateTime<Utc>, Error> {
    if !(1..=MAX_SECRET_DAYS).contains(&days) {
        return Err(ConfigError::Invalid {
            field: text!("field.secret_lifetime", "client secret lifetime"),
            message: text!(
                "m365.secret_days",
                "{days} days is not between 1 and {max} days; choose how long the secret lasts",
                days = days,
                max = MAX_SECRET_DAYS
            ),
        }
        .into());
    }
    Ok(Utc::now() + chrono::Duration::days(i64::from(days)))
}

/// Registers the Docket app in the signed-in admin's tenant with a client secret valid for `secret_days` days.
/// The secret goes to the keychain; the app's ids and the secret's expiry come back.
pub async fn register_docket_app(
    session: &Arc<AdminSession>,
    display_name: &str,
    secret_days: u32,
    secrets: &dyn SecretStore,
) -> Result<RegisteredApp, Error> {
    let expires = secret_expiry(secret_days)?;
    let name = match display_name.trim() {
        "" => "Docket",
        name => name,
    };
    let graph = admin_graph(session)?;
    Ok(identity::register_app(&graph, name, expires, secrets, AZURE_CLIENT_SECRET_ENTRY).await?)
}

/// Adds a new client secret to an existing app (one the admin picked, or Docket's before its secret expires)
/// and stores it in the keychain in place of the old one.
pub async fn add_app_secret(
    session: &Arc<AdminSession>,
    object_id: &str,
    secret_days: u32,
    secrets: &dyn SecretStore,
) -> Result<ClientSecretInfo, Error> {
    let expires = secret_expiry(secret_days)?;
    let graph = admin_graph(session)?;
    Ok(identity::add_client_secret(&graph, object_id, expires, secrets, AZURE_CLIENT_SECRET_ENTRY).await?)
}

/// Starts admin consent for the Docket app's Graph application permissions.
pub async fn begin_app_consent(app: &GraphApp) -> Result<(ConsentStart, ConsentListener), Error> {
    Ok(identity::begin_app_admin_consent(&app.cloud, &app.tenant_id, &app.client_id).await?)
}

/// The dashboard's warning for a client secret expiring at `expires_at` (RFC 3339), from 30 days before.
pub fn client_secret_warning(
    expires_at: &str,
    now: DateTime<Utc>,
) -> Result<Option<SecretExpiryWarning>, Error> {
    let when = DateTime::parse_from_rfc3339(expires_at.trim()).map_err(|_| ConfigError::Invalid {
        field: text!("field.secret_expiry", "client secret expiry"),
        message: text!(
            "m365.secret_expiry",
            "\"{value}\" is not a date and time (RFC 3339)",
            value = expires_at
        ),
    })?;
    Ok(identity::secret_expiry_warning(when.with_timezone(&Utc), now))
}

/// Every mailbox a mapping can produce: the CSV's addresses and the owner mailbox.
pub fn mapping_mailboxes(
    mapping_csv: Option<&Path>,
    options: &MappingOptions,
    owner_mailbox: Option<&str>,
) -> Result<Vec<String>, Error> {
    let mut mailboxes = Vec::new();
    if let Some(path) = mapping_csv {
        mailboxes.extend(crate::mapping::file_mailboxes(path, options)?);
    }
    mailboxes.extend(owner_mailbox.map(str::trim).filter(|m| !m.is_empty()).map(str::to_lowercase));
    Ok(mailboxes)
}

/// The mapping step's check: resolves the mapping's mailboxes (CSV and owner mailbox) in the directory with
/// the app's token and reports unknown addresses and whether `folder` (or the source's default) exists.
pub async fn check_mailboxes(
    graph: &GraphClient,
    mapping_csv: Option<&Path>,
    options: &MappingOptions,
    owner_mailbox: Option<&str>,
    source_kind: SourceKind,
    folder: Option<&str>,
) -> Result<MailboxReport, Error> {
    let mailboxes = mapping_mailboxes(mapping_csv, options, owner_mailbox)?;
    if mailboxes.is_empty() {
        return Err(ConfigError::Invalid {
            field: text!("field.mapping", "mapping"),
            message: text!(
                "m365.no_mailbox",
                "there is no mailbox to check: choose a mapping CSV or an owner mailbox"
            ),
        }
        .into());
    }
    let folder = folder.map(str::trim).filter(|f| !f.is_empty()).unwrap_or(source_kind.default_folder());
    Ok(identity::check_mailboxes(graph, mailboxes, folder).await?)
}
