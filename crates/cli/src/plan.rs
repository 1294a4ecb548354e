//! The CLI's flags turned into the core's `RunPlan`, the same description of a run the desktop app saves
//! with a connector, and the secret store the CLI reads (its environment first, then the OS keychain). The
//! run itself is assembled by `RunPlan::open`, in the core, for both front ends.

use std::path::Path;

use docket_core::config::{ConfigError, SourceSpec, TargetSpec};
use docket_core::connector::{
    telegram_bot, x as x_connector, PlanTarget, RunPlan, AZURE_CLIENT_SECRET_ENTRY,
};
use docket_core::identity::CloudName;
use docket_core::secrets::{names, KeyringStore, SecretError, SecretStore, Sensitive};
use docket_core::sources::DateOrder;
use docket_core::Error;

use crate::args::SourceArgs;

pub const CONNECTION_ENV: &str = "DOCKET_STORAGE_CONNECTION_STRING";
pub const TENANT_ENV: &str = "DOCKET_TENANT_ID";
pub const CLIENT_ID_ENV: &str = "DOCKET_CLIENT_ID";
pub const CLIENT_SECRET_ENV: &str = "DOCKET_CLIENT_SECRET";

/// What the flags say about the targets, besides the `--target` values.
pub struct TargetFlags<'a> {
    pub targets: &'a [String],
    pub cloud: &'a str,
    pub allow_drafts: bool,
    pub concurrency: usize,
}

/// The `--cloud` value as one of Microsoft's clouds.
pub fn cloud_name(name: &str) -> Result<CloudName, Error> {
    CloudName::from_name(name).ok_or_else(|| {
        ConfigError::cli("--cloud", format!("{name:?} is not one of global, gcc-high, dod or china")).into()
    })
}

/// The plan `docket run` (or `preview`, with no targets) describes.
pub fn from_flags(source: &SourceArgs, targets: Option<TargetFlags<'_>>) -> Result<RunPlan, Error> {
    let spec = SourceSpec::parse(&source.source)?;
    let date_order = match &source.date_order {
        Some(order) => Some(DateOrder::parse(order).ok_or_else(|| {
            ConfigError::cli("--date-order", format!("{order:?} is not one of dmy, mdy or ymd"))
        })?),
        None => None,
    };
    if let Some(mailbox) = &source.mailbox {
        if docket_core::mapping::normalize_address(mailbox).is_err() {
            return Err(ConfigError::cli(
                "--mailbox",
                format!("{mailbox:?} is not an email address such as compliance@contoso.com"),
            )
            .into());
        }
    }
    let live_bot = spec.location.starts_with(docket_core::connector::telegram_bot::LOCATION_PREFIX);
    let location = if spec.kind == docket_core::model::SourceKind::X || live_bot {
        spec.location.trim().to_string()
    } else {
        absolute(&spec.location)
    };
    let mut plan = RunPlan {
        source_kind: spec.kind,
        location,
        timezone: source.timezone.clone().unwrap_or_default(),
        date_order,
        mapping_csv: source.mapping.as_ref().map(|p| p.display().to_string()),
        auto_map: !source.no_auto_map,
        owner_mailbox: source.mailbox.clone(),
        folder: source.folder.clone(),
        default_region: source.default_region.clone(),
        targets: Vec::new(),
        concurrency: docket_core::connector::DEFAULT_CONCURRENCY,
    };
    if let Some(zone) = &source.timezone {
        docket_core::config::parse_timezone(zone.trim())
            .map_err(|e| ConfigError::cli("--timezone", e.to_string()))?;
    }
    if let Some(flags) = targets {
        plan.concurrency = u32::try_from(flags.concurrency).unwrap_or(u32::MAX);
        let cloud = cloud_name(flags.cloud)?;
        for spec in flags.targets {
            let (target, folder) = target_from_flag(spec, cloud, flags.allow_drafts)?;
            if let Some(folder) = folder {
                match &plan.folder {
                    Some(given) if *given != folder => {
                        return Err(ConfigError::cli(
                            "--folder",
                            format!(
                            "--target names folder {folder:?} but the folder is already {given:?}; give the \
                                 folder once"
                        ),
                        )
                        .into())
                    }
                    _ => plan.folder = Some(folder),
                }
            }
            if plan.targets.contains(&target) {
                return Err(ConfigError::cli(
                    "--target",
                    format!("{spec:?} is given twice; give each target once"),
                )
                .into());
            }
            plan.targets.push(target);
        }
        if !(1..=docket_core::connector::MAX_CONCURRENCY as usize).contains(&flags.concurrency) {
            return Err(ConfigError::cli(
                "--concurrency",
                format!(
                    "{} is not allowed; choose from 1 to {}",
                    flags.concurrency,
                    docket_core::connector::MAX_CONCURRENCY
                ),
            )
            .into());
        }
    }
    Ok(plan)
}

/// One `--target` value as a plan target, and the folder a `graph:FOLDER` names.
pub fn target_from_flag(
    spec: &str,
    cloud: CloudName,
    allow_drafts: bool,
) -> Result<(PlanTarget, Option<String>), Error> {
    Ok(match TargetSpec::parse(spec)? {
        TargetSpec::Dir(path) => (PlanTarget::Dir { path: absolute(&path.display().to_string()) }, None),
        TargetSpec::Azure { container } => (PlanTarget::Azure { container }, None),
        TargetSpec::Graph { folder } => {
            let (tenant_id, client_id) = app_ids()?;
            (PlanTarget::Graph { cloud, tenant_id, client_id, allow_drafts }, folder)
        }
    })
}

/// DOCKET_TENANT_ID and DOCKET_CLIENT_ID, naming every missing one at once.
/// The Docket app's tenant and client IDs from the environment. When any of what a Graph run needs is
/// missing (the two IDs, and the client secret in the environment or the keychain), every missing variable is
/// named at once, each once, with where to find its value.
pub fn app_ids() -> Result<(String, String), Error> {
    let tenant = docket_core::config::env::var(TENANT_ENV);
    let client = docket_core::config::env::var(CLIENT_ID_ENV);
    if let (Some(tenant), Some(client)) = (&tenant, &client) {
        return Ok((tenant.clone(), client.clone()));
    }
    let mut missing = Vec::new();
    if tenant.is_none() {
        missing.push((
            TENANT_ENV,
            "the Docket app's Directory (tenant) ID, on its Overview page in the Entra admin center",
        ));
    }
    if client.is_none() {
        missing.push((CLIENT_ID_ENV, "its Application (client) ID, on the same page"));
    }
    let secret = EnvThenKeychain.get(AZURE_CLIENT_SECRET_ENTRY).ok().flatten();
    if secret.is_none() {
        missing.push((
            CLIENT_SECRET_ENV,
            "a client secret's value, from Certificates & secrets (or the keychain the desktop app fills)",
        ));
    }
    let mut explained: Vec<String> = missing.iter().map(|(name, what)| format!("{name} ({what})")).collect();
    let last = explained.pop().unwrap_or_default();
    let list = if explained.is_empty() { last } else { format!("{} and {last}", explained.join(", ")) };
    Err(ConfigError::cli(
        "environment",
        format!("a graph target needs these variables, which are not set: {list}"),
    )
    .into())
}

fn absolute(path: &str) -> String {
    let path = Path::new(path);
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// Secrets from the CLI's environment variables, falling back to the OS keychain the desktop app fills.
pub struct EnvThenKeychain;

impl EnvThenKeychain {
    fn env_name(entry: &str) -> Option<&'static str> {
        match entry {
            x_connector::API_KEY_ENTRY => Some(x_connector::ENV_API_KEY),
            x_connector::API_SECRET_ENTRY => Some(x_connector::ENV_API_SECRET),
            x_connector::ACCESS_TOKEN_ENTRY => Some(x_connector::ENV_ACCESS_TOKEN),
            x_connector::ACCESS_TOKEN_SECRET_ENTRY => Some(x_connector::ENV_ACCESS_TOKEN_SECRET),
            names::STORAGE_CONNECTION => Some(CONNECTION_ENV),
            telegram_bot::TOKEN_ENTRY => Some(docket_core::config::env::TELEGRAM_BOT_TOKEN),
            AZURE_CLIENT_SECRET_ENTRY => Some(CLIENT_SECRET_ENV),
            _ => None,
        }
    }
}

impl SecretStore for EnvThenKeychain {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        match Self::env_name(name).and_then(docket_core::config::env::var) {
            Some(value) => Ok(Some(Sensitive::new(value))),
            // Without a keychain the secret is simply missing, and the error names its variable.
            None => KeyringStore::default().get(name).or_else(|e| {
                tracing::warn!("the OS keychain could not be read for {name}: {e}");
                Ok(None)
            }),
        }
    }

    fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        KeyringStore::default().set(name, value)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        KeyringStore::default().delete(name)
    }
}
