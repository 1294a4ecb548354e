//! Builds the sink a `--target` names. Secrets never come from the command line: the Azure connection string
//! comes from DOCKET_STORAGE_CONNECTION_STRING or the OS keychain, and the Graph target's client secret from
//! DOCKET_CLIENT_SECRET or the keychain (with DOCKET_TENANT_ID and DOCKET_CLIENT_ID naming the app).

use std::sync::Arc;

use docket_core::config::{ConfigError, TargetSpec};
use docket_core::connector::{self, AZURE_CLIENT_SECRET_ENTRY};
use docket_core::identity::{AppCredentials, Cloud, GraphClient};
use docket_core::secrets::{names, KeyringStore, SecretStore, Sensitive};
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::dir::DirSink;
use docket_core::sinks::graph::{GraphRoutes, GraphSink};
use docket_core::sinks::{Sink, SinkError};
use docket_core::Error;

pub const CONNECTION_ENV: &str = "DOCKET_STORAGE_CONNECTION_STRING";
pub const TENANT_ENV: &str = "DOCKET_TENANT_ID";
pub const CLIENT_ID_ENV: &str = "DOCKET_CLIENT_ID";
pub const CLIENT_SECRET_ENV: &str = "DOCKET_CLIENT_SECRET";

/// An opened target: the sink, and for `graph` the Graph sink itself and the folder the spec names.
pub struct Opened {
    pub sink: Arc<dyn Sink>,
    pub graph: Option<Arc<GraphSink>>,
    pub folder: Option<String>,
}

pub fn open(spec: &str, cloud: &str) -> Result<Opened, Error> {
    open_with(spec, cloud, false)
}

/// `open`, letting a Graph target keep MIME as drafts where importMime is out of reach.
pub fn open_with(spec: &str, cloud: &str, allow_drafts: bool) -> Result<Opened, Error> {
    let plain = |sink: Arc<dyn Sink>| Opened { sink, graph: None, folder: None };
    match TargetSpec::parse(spec)? {
        TargetSpec::Dir(path) => Ok(plain(Arc::new(DirSink::new(path)))),
        TargetSpec::Azure { container } => {
            Ok(plain(Arc::new(BlobSink::connect(&storage_connection()?, &container)?)))
        }
        TargetSpec::Graph { folder } => {
            let (graph, tenant) = app_graph(cloud)?;
            // The named cloud decides the routes: overrides (test doubles) do not make GCC High global.
            let named = Cloud::from_name(cloud).unwrap_or_default();
            let routes = GraphRoutes { allow_drafts, ..GraphRoutes::for_cloud(&named) };
            let sink = Arc::new(connector::graph_sink(graph, &tenant, routes));
            Ok(Opened { sink: sink.clone(), graph: Some(sink), folder })
        }
    }
}

fn storage_connection() -> Result<String, Error> {
    if let Some(value) = env(CONNECTION_ENV) {
        return Ok(value);
    }
    let message = match KeyringStore::default().get(names::STORAGE_CONNECTION) {
        Ok(Some(secret)) => return Ok(secret.expose().clone()),
        Err(e) => format!(
            "no storage connection string: {CONNECTION_ENV} is not set and the keychain could not be read ({e})"
        ),
        Ok(None) => format!(
            "no storage connection string: set {CONNECTION_ENV}, or store one with the desktop app's Storage \
             step (it keeps it in the OS keychain)"
        ),
    };
    Err(SinkError::Config(message).into())
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The cloud `--cloud` names, with DOCKET_AUTHORITY_BASE and DOCKET_GRAPH_BASE applied (the older
/// DOCKET_AUTHORITY_URL and DOCKET_GRAPH_URL still work for this release, with a warning).
pub fn cloud(name: &str) -> Result<Cloud, Error> {
    let cloud = Cloud::from_name(name).ok_or_else(|| ConfigError::Invalid {
        field: "--cloud".into(),
        message: format!("{name:?} is not one of global, gcc-high, dod or china"),
    })?;
    Ok(docket_core::config::env::cloud_with_overrides(&cloud))
}

/// The Graph client of Docket's app from the environment (and the keychain for the secret), and its tenant.
pub fn app_graph(cloud_name: &str) -> Result<(Arc<GraphClient>, String), Error> {
    let cloud = cloud(cloud_name)?;
    let missing = |name: &str, what: &str| -> Error {
        ConfigError::Invalid {
            field: name.into(),
            message: format!("{name} is not set; set it to the Docket app's {what} (from its Overview page)"),
        }
        .into()
    };
    let tenant = env(TENANT_ENV).ok_or_else(|| missing(TENANT_ENV, "Directory (tenant) ID"))?;
    let client = env(CLIENT_ID_ENV).ok_or_else(|| missing(CLIENT_ID_ENV, "Application (client) ID"))?;
    let secret = match env(CLIENT_SECRET_ENV) {
        Some(value) => Sensitive::new(value),
        None => match KeyringStore::default().get(AZURE_CLIENT_SECRET_ENTRY) {
            Ok(Some(secret)) => secret,
            Ok(None) => {
                return Err(ConfigError::Invalid {
                    field: CLIENT_SECRET_ENV.into(),
                    message: format!(
                        "no client secret: set {CLIENT_SECRET_ENV}, or store one with the desktop app's Entra ID \
                         step (it keeps it in the OS keychain)"
                    ),
                }
                .into())
            }
            Err(e) => {
                return Err(ConfigError::Invalid {
                    field: CLIENT_SECRET_ENV.into(),
                    message: format!("{CLIENT_SECRET_ENV} is not set and the keychain could not be read ({e})"),
                }
                .into())
            }
        },
    };
    let credentials =
        AppCredentials { cloud, tenant_id: tenant.clone(), client_id: client, client_secret: secret };
    Ok((connector::graph_client_for(credentials)?, tenant))
}
