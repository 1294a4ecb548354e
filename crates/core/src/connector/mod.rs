//! The connector: what the desktop app's wizard and dashboard ask of the core, as plain functions over
//! serde types. It builds a run from an `ImportRequest` exactly as the CLI builds one from its flags, runs the
//! live storage and Entra ID app checks, previews a source and keeps known secrets write-only. It owns no IPC
//! (the shell maps these functions to Tauri commands) and no behaviour of its own beyond assembling the other
//! modules.

mod dashboard;
mod entra;
mod m365;
mod preview;
mod routing;
mod saved;
mod secret_names;
pub mod typescript;
pub mod x;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use dashboard::{
    connector_overviews, connector_overviews_local, due_connectors, due_connectors_local,
    write_reconciliation_csv, write_run_log, ConnectorOverview,
};
pub use entra::test_entra_app;
pub use m365::{
    add_app_secret, app_graph_client, begin_app_consent, check_mailboxes, client_secret_warning,
    graph_client_for, graph_sink, list_entra_apps, mapping_mailboxes, register_docket_app, sign_in,
    sign_in_with_client, GraphApp, MAX_SECRET_DAYS,
};
pub use preview::{preview_source, PreviewItem, SourcePreview, MAX_PREVIEW_ITEMS, PREVIEW_COUNT_CAP};
pub use routing::{preview_routing, RoutedItem};
pub use saved::{
    ConnectorSettings, ConnectorStore, EntraApp, SavedConnector, Schedule, CONNECTORS_FILE, MAX_EVERY_HOURS,
};
pub use secret_names::{
    secret_status, store_secret, SecretName, SecretStatus, ADMIN_REFRESH_TOKEN_ENTRY,
    AZURE_CLIENT_SECRET_ENTRY,
};
pub use tokio_util::sync::CancellationToken;
/// Re-exported so the shell can derive `TS` on its own IPC types with `#[ts(crate = "...")]`.
pub use ts_rs;

use crate::config::{self, ConfigError};
use crate::error::Error;
use crate::ledger::Ledger;
use crate::mapping::{MappingOptions, MappingTable, Resolver, XHandleTable};
use crate::model::{RunSummary, SourceKind};
use crate::pipeline::{self, Job, PipelineOptions, ProgressFn};
use crate::secrets::{names, SecretStore};
use crate::sinks::azure_blob::{BlobSink, ProbeReport};
use crate::sinks::dir::DirSink;
use crate::sinks::{Sink, SinkError};
use crate::sources::{self, DateOrder, ExportOptions};

/// Where an import writes. The Azure connection string is never part of it: it comes from the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportTarget {
    /// `.eml` files under `path/<mailbox>/<folder>/`.
    Dir { path: String },
    /// An Azure Blob Storage container, reached with the stored storage connection string.
    Azure { container: String },
    /// Each mapped mailbox's folder, through Microsoft Graph with the Docket app's stored client secret.
    Graph { cloud: crate::identity::Cloud, tenant_id: String, client_id: String },
}

/// One import as the wizard describes it: the CLI's `docket run` flags, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    pub source_kind: SourceKind,
    /// The export file or folder.
    pub location: String,
    /// The IANA zone (or `UTC`) the export's wall-clock times are in.
    pub timezone: String,
    /// Needed only when the export leaves the day/month order ambiguous.
    pub date_order: Option<DateOrder>,
    /// A mapping CSV (mobile number → Microsoft 365 address).
    pub mapping_csv: Option<String>,
    /// Map participants whose source already carries an email address.
    pub auto_map: bool,
    /// Deliver every item to this mailbox too (a compliance mailbox).
    pub owner_mailbox: Option<String>,
    /// The mailbox folder; none means the source's usual folder (`WhatsApp Archiver`...).
    pub folder: Option<String>,
    /// ISO region (`US`, `GB`) for mapping numbers written without a country code.
    pub default_region: Option<String>,
    pub target: ImportTarget,
}

/// Runs one import to the end (or until `cancel`), reporting through `progress`, and returns its accounting.
/// The source, mapping and sink are built as `docket run` builds them; the storage connection string is
/// read from `secrets` (`secrets::names::STORAGE_CONNECTION`).
pub async fn run_import(
    request: &ImportRequest,
    secrets: &dyn SecretStore,
    ledger: &Ledger,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<RunSummary, Error> {
    let parts = RunParts::build(request, secrets)?;
    let source: Box<dyn sources::Source> = if request.source_kind == SourceKind::X {
        // The account's API source: credentials from the keychain, checkpoints and the daily cap from the ledger.
        let mut settings = x::XSettings::new(request.location.trim());
        settings.api_base = x::api_base_from_env();
        Box::new(x::open_source(
            secrets,
            settings,
            Some(ledger),
            x::RateLimits::default(),
            Some(progress.clone()),
        )?)
    } else {
        let location = absolute(Path::new(request.location.trim()));
        let options = ExportOptions { timezone: parts.timezone, date_order: request.date_order };
        sources::open_export(request.source_kind, &location, &options)?
    };
    parts.run(source, ledger, progress, cancel).await
}

/// Imports again the items of this connector's source that the ledger holds back as unmapped or failed,
/// with the request's (changed) mapping. Items that still do not map stay held; nothing is fetched anew.
pub async fn replay_held(
    request: &ImportRequest,
    secrets: &dyn SecretStore,
    ledger: &Ledger,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<RunSummary, Error> {
    let parts = RunParts::build(request, secrets)?;
    let items = ledger.replayable(&parts.label)?;
    let source = Box::new(sources::replay::ReplaySource::new(request.source_kind, items));
    parts.run(source, ledger, progress, cancel).await
}

/// The current time, for `ConnectorStore::save` (the shell has no clock of its own).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// The ledger's label for a request's source (`whatsapp:/abs/path/chat.zip`): runs are found by it.
pub fn source_label(request: &ImportRequest) -> String {
    if request.source_kind == SourceKind::X {
        // As `docket run --source x:ACCOUNT` labels it, so the app and the CLI share runs and checkpoints.
        return format!("x:{}", request.location.trim());
    }
    let location = absolute(Path::new(request.location.trim()));
    format!("{}:{}", request.source_kind.as_str(), location.display())
}

/// The mapping policy a request describes: its CSV, automatic mapping and owner mailbox.
pub(crate) fn resolver_for(request: &ImportRequest) -> Result<Resolver, Error> {
    let owner = match request.owner_mailbox.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(mailbox) => Some(checked_mailbox(mailbox)?),
        None => None,
    };
    let mapping_options = MappingOptions { default_region: request.default_region.clone() };
    let csv = request.mapping_csv.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(Path::new);
    Ok(match csv {
        // For X the mapping CSV maps X handles to mailboxes (a DM goes to every participant that maps).
        Some(path) if request.source_kind == SourceKind::X => {
            Resolver::new(None, request.auto_map, owner).with_x_handles(XHandleTable::load(path)?)
        }
        Some(path) => {
            Resolver::new(Some(MappingTable::load(path, &mapping_options)?), request.auto_map, owner)
        }
        None => Resolver::new(None, request.auto_map, owner),
    })
}

/// What every run of a request needs besides its source.
struct RunParts {
    label: String,
    timezone: chrono_tz::Tz,
    resolver: Arc<Resolver>,
    sink: Arc<dyn Sink>,
    folder: Option<String>,
}

impl RunParts {
    fn build(request: &ImportRequest, secrets: &dyn SecretStore) -> Result<RunParts, Error> {
        let sink = open_target(&request.target, secrets)?;
        let timezone = config::parse_timezone(request.timezone.trim())?;
        let resolver = resolver_for(request)?;
        let folder = request.folder.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(str::to_string);
        Ok(RunParts { label: source_label(request), timezone, resolver: Arc::new(resolver), sink, folder })
    }

    async fn run(
        self,
        source: Box<dyn sources::Source>,
        ledger: &Ledger,
        progress: ProgressFn,
        cancel: CancellationToken,
    ) -> Result<RunSummary, Error> {
        pipeline::run(Job {
            source_label: self.label,
            source,
            resolver: self.resolver,
            sinks: vec![self.sink],
            ledger,
            options: PipelineOptions { folder: self.folder, ..PipelineOptions::default() },
            progress,
            cancel,
        })
        .await
    }
}

/// The wizard's live storage check: connects with the stored connection string and writes, reads back and
/// deletes a probe blob in `container` (creating the container if it is missing).
pub async fn test_storage(secrets: &dyn SecretStore, container: &str) -> Result<ProbeReport, Error> {
    let sink = connect_blob(secrets, container)?;
    Ok(sink.probe().await?)
}

fn open_target(target: &ImportTarget, secrets: &dyn SecretStore) -> Result<Arc<dyn Sink>, Error> {
    match target {
        ImportTarget::Dir { path } if !path.trim().is_empty() => {
            Ok(Arc::new(DirSink::new(absolute(Path::new(path.trim())))))
        }
        ImportTarget::Dir { .. } => Err(ConfigError::Invalid {
            field: "target folder".into(),
            message: "no folder was chosen; choose the folder the .eml files should be written to".into(),
        }
        .into()),
        ImportTarget::Azure { container } => Ok(Arc::new(connect_blob(secrets, container)?)),
        ImportTarget::Graph { cloud, tenant_id, client_id } => {
            let app =
                GraphApp { cloud: cloud.clone(), tenant_id: tenant_id.clone(), client_id: client_id.clone() };
            let routes = crate::sinks::graph::GraphRoutes::for_cloud(cloud);
            Ok(Arc::new(graph_sink(app_graph_client(secrets, &app)?, tenant_id, routes)))
        }
    }
}

fn connect_blob(secrets: &dyn SecretStore, container: &str) -> Result<BlobSink, Error> {
    let Some(connection) = secrets.get(names::STORAGE_CONNECTION)? else {
        return Err(SinkError::Config(
            "no storage connection string is stored yet; enter it in the Storage step and save it".into(),
        )
        .into());
    };
    Ok(BlobSink::connect(connection.expose(), container.trim())?)
}

fn checked_mailbox(mailbox: &str) -> Result<String, Error> {
    match crate::mapping::normalize_address(mailbox) {
        Ok(_) => Ok(mailbox.to_lowercase()),
        Err(_) => Err(ConfigError::Invalid {
            field: "owner mailbox".into(),
            message: format!("{mailbox:?} is not an email address such as compliance@contoso.com"),
        }
        .into()),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
