//! `RunPlan`: one import, described once for every front end. The CLI builds one from its flags, the wizard
//! from its steps (and saves it with the connector), and both hand it to `open`, which is the only place a
//! run's source, mapping and targets are assembled. It carries no secret: those are read from the
//! `SecretStore` the front end passes (the keychain, or the CLI's environment then the keychain). Its errors
//! name the plan's fields, never a command-line flag, because the app shows them too.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{app_graph_client, graph_sink, telegram_bot, x, GraphApp};
use crate::config::{self, ConfigError};
use crate::error::Error;
use crate::identity::CloudName;
use crate::ledger::Ledger;
use crate::mapping::{MappingFile, MappingOptions, MappingTable, Resolver, XHandleTable};
use crate::model::SourceKind;
use crate::pipeline::{PipelineOptions, ProgressFn};
use crate::secrets::{names, SecretStore};
use crate::sinks::azure_blob::BlobSink;
use crate::sinks::dir::DirSink;
use crate::sinks::graph::{GraphRoutes, GraphSink};
use crate::sinks::{Sink, SinkError};
use crate::sources::{self, telegram_export, whatsapp_export, DateOrder, ExportOptions, Source};
use crate::{text, Text};

/// Items converted and written at once when a plan does not say.
pub const DEFAULT_CONCURRENCY: u32 = 16;
/// The most a plan may ask for.
pub const MAX_CONCURRENCY: u32 = 256;

/// Where a run writes. Mailboxes through Graph are the product's target; an Azure container keeps an
/// archive copy (no Microsoft service reads it); a folder of `.eml` files is for trying Docket without a
/// tenant. The Azure connection string and the app's client secret are never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanTarget {
    /// Each mapped mailbox's folder, through Microsoft Graph with the Docket app's client secret.
    Graph {
        cloud: CloudName,
        tenant_id: String,
        client_id: String,
        /// Where `importMime` is out of reach, keep the full MIME as a draft (counted apart) instead of a
        /// non-draft made through the JSON route.
        #[serde(default)]
        allow_drafts: bool,
    },
    /// An archive copy in an Azure Blob Storage container, reached with the stored connection string or SAS.
    Azure { container: String },
    /// `.eml` files under `path/<mailbox>/<folder>/`.
    Dir { path: String },
}

/// One import: what to read, how to map it, where to write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunPlan {
    pub source_kind: SourceKind,
    /// The export file or folder, or the X account.
    pub location: String,
    /// The IANA zone (or `UTC`) the export's wall-clock times are in; empty when nobody said, which reads
    /// them as UTC and warns (a WhatsApp export carries no zone, and compliance data is not dated silently).
    pub timezone: String,
    /// Needed only when the export leaves the day/month order ambiguous.
    pub date_order: Option<DateOrder>,
    /// A mapping CSV (mobile number, or X handle, → Microsoft 365 address).
    pub mapping_csv: Option<String>,
    /// Map participants whose source already carries an email address.
    pub auto_map: bool,
    /// Deliver every item to this mailbox too (a compliance mailbox).
    pub owner_mailbox: Option<String>,
    /// The mailbox folder; none means the source's usual folder (`WhatsApp Archiver`...).
    pub folder: Option<String>,
    /// ISO region (`US`, `GB`) for mapping numbers written without a country code.
    pub default_region: Option<String>,
    /// Every target, written in one run from one fetch.
    pub targets: Vec<PlanTarget>,
    /// Items converted and written at once.
    pub concurrency: u32,
}

/// What `connectors.json` may hold: this release's `targets`, or the single `target` earlier ones saved.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunPlanWire {
    source_kind: SourceKind,
    location: String,
    timezone: String,
    date_order: Option<DateOrder>,
    mapping_csv: Option<String>,
    auto_map: bool,
    owner_mailbox: Option<String>,
    folder: Option<String>,
    default_region: Option<String>,
    #[serde(default)]
    targets: Vec<PlanTarget>,
    #[serde(default)]
    target: Option<PlanTarget>,
    #[serde(default)]
    concurrency: Option<u32>,
}

impl<'de> Deserialize<'de> for RunPlan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RunPlan, D::Error> {
        RunPlanWire::deserialize(deserializer).map(RunPlan::from)
    }
}

impl From<RunPlanWire> for RunPlan {
    fn from(wire: RunPlanWire) -> RunPlan {
        let mut targets = wire.targets;
        if let Some(target) = wire.target {
            if !targets.contains(&target) {
                targets.insert(0, target);
            }
        }
        RunPlan {
            source_kind: wire.source_kind,
            location: wire.location,
            timezone: wire.timezone,
            date_order: wire.date_order,
            mapping_csv: wire.mapping_csv,
            auto_map: wire.auto_map,
            owner_mailbox: wire.owner_mailbox,
            folder: wire.folder,
            default_region: wire.default_region,
            targets,
            concurrency: wire.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
        }
    }
}

/// A run ready to go: everything `pipeline::run` needs besides the ledger, progress and cancellation.
pub struct OpenedRun {
    pub label: String,
    pub source: Box<dyn Source>,
    pub resolver: Arc<Resolver>,
    pub sinks: Vec<Arc<dyn Sink>>,
    pub options: PipelineOptions,
}

fn invalid(field: Text, message: Text) -> ConfigError {
    ConfigError::Invalid { field, message }
}

/// The name of the plan's `targets[i]` (or one of its fields), as errors show it.
fn target_field(i: usize, name: &str) -> Text {
    text!("field.target", "target {number} ({name})", number = i + 1, name = name)
}

fn trimmed(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl RunPlan {
    /// Checks every field without touching a file, the network or the keychain; each error names its field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_source()?;
        if self.targets.is_empty() {
            return Err(invalid(
                text!("field.targets", "targets"),
                text!("plan.no_target", "no target is chosen; choose where the messages go"),
            ));
        }
        for (i, target) in self.targets.iter().enumerate() {
            validate_target(i, target)?;
            if self.targets[..i].contains(target) {
                return Err(invalid(
                    target_field(
                        i,
                        match target {
                            PlanTarget::Graph { .. } => "graph",
                            PlanTarget::Azure { .. } => "azure",
                            PlanTarget::Dir { .. } => "dir",
                        },
                    ),
                    text!("plan.target_twice", "this target is given twice; give each target once"),
                ));
            }
        }
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            return Err(invalid(
                text!("field.concurrency", "concurrency"),
                text!(
                    "plan.concurrency",
                    "{count} items at once is not allowed; choose from 1 to {max}",
                    count = self.concurrency,
                    max = MAX_CONCURRENCY
                ),
            ));
        }
        Ok(())
    }

    /// The bot connector's name when this plan reads Telegram live through the Bot API (`telegram` with
    /// location `bot:NAME`), not an export.
    pub fn telegram_bot_name(&self) -> Option<&str> {
        if self.source_kind != SourceKind::Telegram {
            return None;
        }
        self.location.trim().strip_prefix(telegram_bot::LOCATION_PREFIX).map(str::trim)
    }

    /// The checks that concern reading and mapping the source (all a preview needs).
    pub fn validate_source(&self) -> Result<(), ConfigError> {
        if self.telegram_bot_name().is_some_and(|name| {
            name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
        }) {
            return Err(invalid(
                text!("field.location", "location"),
                text!(
                    "plan.bot_name",
                    "the Telegram bot connector needs a name of letters, digits, -, _, . or @ (telegram-bot:NAME)"
                ),
            ));
        }
        if self.location.trim().is_empty() {
            let message = if self.source_kind == SourceKind::X {
                text!("plan.no_account", "no account is chosen")
            } else {
                text!("plan.no_export", "no export file or folder is chosen")
            };
            return Err(invalid(text!("field.location", "location"), message));
        }
        if !self.timezone.trim().is_empty() {
            config::parse_timezone(self.timezone.trim())?;
        }
        if let Some(mailbox) = trimmed(&self.owner_mailbox) {
            if crate::mapping::normalize_address(mailbox).is_err() {
                return Err(invalid(
                    text!("field.owner_mailbox", "owner mailbox"),
                    text!(
                        "plan.owner_mailbox",
                        "\"{mailbox}\" is not an email address such as compliance@contoso.com",
                        mailbox = mailbox
                    ),
                ));
            }
        }
        if self.folder.as_deref().is_some_and(|f| f.trim().is_empty()) {
            return Err(invalid(
                text!("field.folder", "folder"),
                text!("plan.empty_folder", "the folder name is empty; leave it out to use the usual folder"),
            ));
        }
        Ok(())
    }

    /// The ledger's label for the source (`whatsapp:/abs/path/chat.zip`, `x:ACCOUNT`): runs, checkpoints and
    /// held items are found by it, so the app and the CLI share them.
    pub fn label(&self) -> String {
        if self.source_kind == SourceKind::X {
            return format!("x:{}", self.location.trim());
        }
        if let Some(name) = self.telegram_bot_name() {
            return telegram_bot::BotSettings::new(name).checkpoint_source();
        }
        format!("{}:{}", self.source_kind.as_str(), absolute(Path::new(self.location.trim())).display())
    }

    /// The owner mailbox, lowercased, when one is set.
    fn owner(&self) -> Option<String> {
        trimmed(&self.owner_mailbox).map(str::to_lowercase)
    }

    /// The mapping policy: the CSV (phone numbers, or X handles for X), automatic mapping, the owner mailbox.
    pub fn resolver(&self) -> Result<Resolver, Error> {
        let options = MappingOptions { default_region: trimmed(&self.default_region).map(str::to_string) };
        let owner = self.owner();
        Ok(match trimmed(&self.mapping_csv).map(Path::new) {
            Some(path) if self.source_kind == SourceKind::X => {
                Resolver::new(None, self.auto_map, owner).with_x_handles(XHandleTable::load(path)?)
            }
            // Telegram: the optional TelegramUserId / TelegramUsername columns, and the phone column if the
            // file has one (a bot connector's file may have none: the Bot API gives no phone numbers).
            Some(path) if self.source_kind == SourceKind::Telegram => {
                let file = MappingFile::load(path, &options)?;
                let resolver = Resolver::new(file.phones, self.auto_map, owner);
                match file.telegram {
                    Some(ids) => resolver.with_telegram_ids(ids),
                    None => resolver,
                }
            }
            Some(path) => Resolver::new(Some(MappingTable::load(path, &options)?), self.auto_map, owner),
            None => Resolver::new(None, self.auto_map, owner),
        })
    }

    /// The export's reading options.
    pub fn export_options(&self) -> Result<ExportOptions, Error> {
        let timezone = match self.timezone.trim() {
            "" => chrono_tz::UTC,
            zone => config::parse_timezone(zone)?,
        };
        Ok(ExportOptions { timezone, date_order: self.date_order })
    }

    /// What the plan assumes that the admin should hear about before the run's first item.
    fn assumptions(&self) -> Vec<Text> {
        let mut warnings = Vec::new();
        if self.source_kind == SourceKind::WhatsApp && self.timezone.trim().is_empty() {
            warnings.push(text!(
                "plan.whatsapp_utc",
                "no time zone was given and a WhatsApp export carries none, so its times were read as UTC; if \
                 the exporting phone was set to another zone every message's time is off by that much: give \
                 the zone (the wizard's time zone, or --timezone) and run again"
            ));
        }
        warnings
    }

    /// The source: an export read from disk, or the X account through its API (credentials from `secrets`,
    /// checkpoints and the daily cap from `ledger`).
    pub fn open_source(
        &self,
        secrets: &dyn SecretStore,
        ledger: Option<&Ledger>,
        progress: Option<ProgressFn>,
    ) -> Result<Box<dyn Source>, Error> {
        if self.source_kind == SourceKind::X {
            let mut settings = x::XSettings::new(self.location.trim());
            settings.api_base = x::api_base_from_env();
            return Ok(Box::new(x::open_source(
                secrets,
                settings,
                ledger,
                x::RateLimits::default(),
                progress,
            )?));
        }
        if let Some(name) = self.telegram_bot_name() {
            let mut settings = telegram_bot::BotSettings::new(name);
            settings.api_base = config::env::telegram_api_base();
            return Ok(Box::new(telegram_bot::open_source(secrets, settings, ledger)?));
        }
        let location = absolute(Path::new(self.location.trim()));
        let source = match (self.source_kind, ledger) {
            // A Telegram chat the archive already holds is keyed as it holds it, whichever format came first.
            (SourceKind::Telegram, Some(ledger)) => {
                let chats = ledger.telegram_chats()?;
                let known = telegram_export::KnownChats::from_source_ids(
                    chats.iter().map(|(chat, source_id)| (chat.as_str(), source_id.as_str())),
                );
                let export = telegram_export::open_known(&location, &self.export_options()?, known)?;
                let warnings = export.warnings().to_vec();
                sources::with_warnings(
                    Box::new(sources::ExportSource::new(SourceKind::Telegram, export)),
                    warnings,
                )
            }
            // A WhatsApp group renamed since an earlier import keeps the name the archive holds it under.
            (SourceKind::WhatsApp, Some(ledger)) => {
                let chats = ledger.whatsapp_chats()?;
                let known = whatsapp_export::KnownChats::from_paths(
                    chats.iter().map(|(chat, path)| (chat.as_str(), path.as_str())),
                );
                let export = whatsapp_export::open_known(&location, &self.export_options()?, known)?;
                Box::new(sources::ExportSource::new(SourceKind::WhatsApp, export))
            }
            _ => sources::open_export(self.source_kind, &location, &self.export_options()?)?,
        };
        Ok(sources::with_warnings(source, self.assumptions()))
    }

    /// Every target's sink, secrets read from `secrets`.
    pub fn open_sinks(&self, secrets: &dyn SecretStore) -> Result<Vec<Arc<dyn Sink>>, Error> {
        self.targets.iter().map(|target| target.open(secrets)).collect()
    }

    /// Validates the plan and assembles its run.
    pub fn open(
        &self,
        secrets: &dyn SecretStore,
        ledger: &Ledger,
        progress: ProgressFn,
    ) -> Result<OpenedRun, Error> {
        self.validate()?;
        let sinks = self.open_sinks(secrets)?;
        let resolver = Arc::new(self.resolver()?);
        let source = self.open_source(secrets, Some(ledger), Some(progress))?;
        Ok(OpenedRun { label: self.label(), source, resolver, sinks, options: self.pipeline_options() })
    }

    pub fn pipeline_options(&self) -> PipelineOptions {
        PipelineOptions {
            folder: trimmed(&self.folder).map(str::to_string),
            concurrency: self.concurrency as usize,
            ..PipelineOptions::default()
        }
    }
}

fn validate_target(i: usize, target: &PlanTarget) -> Result<(), ConfigError> {
    match target {
        PlanTarget::Graph { tenant_id, client_id, .. } => {
            if tenant_id.trim().is_empty() {
                return Err(invalid(
                    target_field(i, "tenant_id"),
                    text!("plan.no_tenant", "the Directory (tenant) ID is missing"),
                ));
            }
            if client_id.trim().is_empty() {
                return Err(invalid(
                    target_field(i, "client_id"),
                    text!("plan.no_client", "the Application (client) ID is missing"),
                ));
            }
        }
        PlanTarget::Azure { container } => {
            if let Err(error) = config::validate_container_name(container.trim()) {
                return Err(invalid(target_field(i, "container"), error.text()));
            }
        }
        PlanTarget::Dir { path } if path.trim().is_empty() => {
            return Err(invalid(
                target_field(i, "path"),
                text!(
                    "plan.no_dir",
                    "no folder is chosen; choose the folder the .eml files should be written to"
                ),
            ));
        }
        PlanTarget::Dir { .. } => {}
    }
    Ok(())
}

impl PlanTarget {
    /// The sink for this target; the Azure connection string or SAS and the app's client secret come from
    /// `secrets`, endpoint overrides from the environment (`config::env`).
    pub fn open(&self, secrets: &dyn SecretStore) -> Result<Arc<dyn Sink>, Error> {
        match self {
            PlanTarget::Graph { .. } => Ok(self.open_graph(secrets)?),
            PlanTarget::Azure { container } => Ok(Arc::new(connect_blob(secrets, container)?)),
            PlanTarget::Dir { path } => Ok(Arc::new(DirSink::new(absolute(Path::new(path.trim()))))),
        }
    }

    /// A Graph target's sink itself (for `verify`'s read-back); an error for other targets.
    pub fn open_graph(&self, secrets: &dyn SecretStore) -> Result<Arc<GraphSink>, Error> {
        let PlanTarget::Graph { cloud, tenant_id, client_id, allow_drafts } = self else {
            return Err(invalid(
                text!("field.target_kind", "target"),
                text!("plan.not_graph", "this is not a Microsoft Graph target"),
            )
            .into());
        };
        // The named cloud decides the routes: an endpoint override (a test double) does not make GCC High global.
        let routes = GraphRoutes { allow_drafts: *allow_drafts, ..GraphRoutes::for_cloud(&cloud.cloud()) };
        let app = GraphApp {
            cloud: config::env::cloud_with_overrides(&cloud.cloud()),
            tenant_id: tenant_id.trim().to_string(),
            client_id: client_id.trim().to_string(),
        };
        Ok(Arc::new(graph_sink(app_graph_client(secrets, &app)?, tenant_id, routes)))
    }
}

pub(super) fn connect_blob(secrets: &dyn SecretStore, container: &str) -> Result<BlobSink, Error> {
    let Some(connection) = secrets.get(names::STORAGE_CONNECTION)? else {
        return Err(SinkError::Config(text!(
            "plan.no_storage_secret",
            "no storage connection string or SAS is stored yet; enter it in the archive copy in the wizard's \
             Delivery step (the command line also reads DOCKET_STORAGE_CONNECTION_STRING)"
        ))
        .into());
    };
    Ok(BlobSink::connect(connection.expose(), container.trim())?)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> RunPlan {
        RunPlan {
            source_kind: SourceKind::WhatsApp,
            location: "/exports/chat.zip".into(),
            timezone: "Europe/London".into(),
            date_order: None,
            mapping_csv: None,
            auto_map: true,
            owner_mailbox: Some("Compliance@Contoso.com".into()),
            folder: None,
            default_region: None,
            targets: vec![PlanTarget::Azure { container: "archive".into() }],
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    #[test]
    fn a_telegram_bot_plan_is_named_by_its_connector_and_checked() {
        let spec = crate::config::SourceSpec::parse("telegram-bot:desk").expect("parses");
        let mut bot = plan();
        bot.source_kind = spec.kind;
        bot.location = spec.location;
        assert_eq!(bot.telegram_bot_name(), Some("desk"));
        assert_eq!(bot.label(), "telegram-bot:desk");
        assert!(bot.validate().is_ok());
        bot.location = "bot:has spaces".into();
        assert!(bot.validate().expect_err("a bad name").to_string().starts_with("location:"));
        assert_eq!(plan().telegram_bot_name(), None, "an export plan is not a bot");
    }

    #[test]
    fn errors_name_the_plan_field_not_a_flag() {
        let mut bad = plan();
        bad.targets.push(PlanTarget::Azure { container: "Bad_Name".into() });
        let error = bad.validate().expect_err("a bad container name");
        assert!(error.to_string().starts_with("target 2 (container):"), "{error}");
        assert!(!error.to_string().contains("--"), "{error}");
        let mut twice = plan();
        twice.targets.push(PlanTarget::Azure { container: "archive".into() });
        assert!(twice.validate().expect_err("twice").to_string().starts_with("target 2 (azure):"));
        let mut none = plan();
        none.targets.clear();
        assert!(none.validate().expect_err("none").to_string().starts_with("targets:"));
        assert!(plan().validate().is_ok());
    }

    #[test]
    fn a_connector_saved_with_one_target_still_loads() {
        let saved = r#"{"source_kind":"whatsapp","location":"/e","timezone":"UTC","date_order":null,
            "mapping_csv":null,"auto_map":true,"owner_mailbox":null,"folder":null,"default_region":null,
            "target":{"kind":"graph","cloud":"us_gov_high","tenant_id":"t","client_id":"c"}}"#;
        let plan: RunPlan = serde_json::from_str(saved).expect("old format loads");
        assert_eq!(
            plan.targets,
            vec![PlanTarget::Graph {
                cloud: CloudName::UsGovHigh,
                tenant_id: "t".into(),
                client_id: "c".into(),
                allow_drafts: false
            }]
        );
        assert_eq!(plan.concurrency, DEFAULT_CONCURRENCY);
        let custom = saved.replace(
            "\"us_gov_high\"",
            r#"{"custom":{"authority":"https://evil.example","graph":"https://evil.example"}}"#,
        );
        assert!(
            serde_json::from_str::<RunPlan>(&custom).is_err(),
            "no custom endpoints from a saved plan or IPC"
        );
    }
}
