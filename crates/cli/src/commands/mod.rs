//! One function per subcommand. Each builds core parts from the arguments, calls the core, and prints.

mod mailboxes;
mod mapping;
mod preview;
mod run;
mod runs;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use docket_core::config::{self, ConfigError, SourceSpec};
use docket_core::connector::x as x_connector;
use docket_core::ledger::Ledger;
use docket_core::mapping::{MappingOptions, MappingTable, Resolver, XHandleTable};
use docket_core::model::SourceKind;
use docket_core::pipeline::ProgressFn;
use docket_core::secrets::{KeyringStore, SecretError, SecretStore, Sensitive};
use docket_core::sources::{self, DateOrder, ExportOptions, Source};
use docket_core::Error;

use crate::args::{Cli, Command, MailboxesCommand, MappingCommand, SourceArgs};
use crate::exit::Exit;

pub async fn dispatch(cli: Cli) -> Exit {
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Mapping { command: MappingCommand::Check { file, default_region, json } } => {
            mapping::check(&file, default_region, json)
        }
        Command::Preview(args) => preview::preview(args).await,
        Command::Runs(args) => runs::runs(args),
        Command::Verify(args) => verify::verify(args).await,
        Command::Mailboxes { command: MailboxesCommand::Check(args) } => mailboxes::check(args).await,
    }
}

/// What `run` and `preview` both need: the opened source, the mapping policy, and the labels.
pub struct Prepared {
    pub label: String,
    pub source: Box<dyn Source>,
    pub resolver: Arc<Resolver>,
}

/// `ledger` gives an API source its checkpoints (none for a preview); `progress` receives its rate-limit
/// reports.
pub fn prepare(args: &SourceArgs, ledger: Option<&Ledger>, progress: ProgressFn) -> Result<Prepared, Error> {
    let spec = SourceSpec::parse(&args.source)?;
    let timezone = config::parse_timezone(&args.timezone)?;
    let date_order = match &args.date_order {
        Some(order) => Some(DateOrder::parse(order).ok_or_else(|| ConfigError::Invalid {
            field: "--date-order".into(),
            message: format!("{order:?} is not one of dmy, mdy or ymd"),
        })?),
        None => None,
    };
    if let Some(mailbox) = &args.mailbox {
        if !looks_like_address(mailbox) {
            return Err(ConfigError::Invalid {
                field: "--mailbox".into(),
                message: format!("{mailbox:?} is not an email address such as compliance@contoso.com"),
            }
            .into());
        }
    }
    let (label, source): (String, Box<dyn Source>) = if spec.kind == SourceKind::X {
        let source = open_x(&spec.location, ledger, progress)?;
        (format!("x:{}", spec.location.trim()), Box::new(source))
    } else {
        let location = absolute(Path::new(&spec.location));
        let options = ExportOptions { timezone, date_order };
        (
            format!("{}:{}", spec.kind.as_str(), location.display()),
            sources::open_export(spec.kind, &location, &options)?,
        )
    };
    let mapping_options = MappingOptions { default_region: args.default_region.clone() };
    let owner = args.mailbox.as_ref().map(|m| m.to_lowercase());
    let resolver = match &args.mapping {
        // For X the mapping CSV maps X handles (XHandle column) to mailboxes.
        Some(path) if spec.kind == SourceKind::X => {
            Resolver::new(None, !args.no_auto_map, owner).with_x_handles(XHandleTable::load(path)?)
        }
        Some(path) => {
            Resolver::new(Some(MappingTable::load(path, &mapping_options)?), !args.no_auto_map, owner)
        }
        None => Resolver::new(None, !args.no_auto_map, owner),
    };
    Ok(Prepared { label, source, resolver: Arc::new(resolver) })
}

/// The X source for `x:ACCOUNT`: the API base from DOCKET_X_API_BASE (default https://api.x.com), the four
/// credentials from their DOCKET_X_* variables or else the OS keychain. Never from the command line.
fn open_x(
    account: &str,
    ledger: Option<&Ledger>,
    progress: ProgressFn,
) -> Result<x_connector::XSource, Error> {
    let mut settings = x_connector::XSettings::new(account);
    if let Some(base) = std::env::var(x_connector::ENV_API_BASE).ok().filter(|v| !v.trim().is_empty()) {
        settings.api_base = base.trim().to_string();
    }
    x_connector::open_source(
        &EnvThenKeychain,
        settings,
        ledger,
        x_connector::RateLimits::default(),
        Some(progress),
    )
}

/// Secrets from the CLI's environment variables, falling back to the OS keychain.
struct EnvThenKeychain;

impl EnvThenKeychain {
    fn env_name(entry: &str) -> Option<&'static str> {
        match entry {
            x_connector::API_KEY_ENTRY => Some(x_connector::ENV_API_KEY),
            x_connector::API_SECRET_ENTRY => Some(x_connector::ENV_API_SECRET),
            x_connector::ACCESS_TOKEN_ENTRY => Some(x_connector::ENV_ACCESS_TOKEN),
            x_connector::ACCESS_TOKEN_SECRET_ENTRY => Some(x_connector::ENV_ACCESS_TOKEN_SECRET),
            _ => None,
        }
    }
}

impl SecretStore for EnvThenKeychain {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        let from_env =
            Self::env_name(name).and_then(|var| std::env::var(var).ok()).filter(|v| !v.trim().is_empty());
        match from_env {
            Some(value) => Ok(Some(Sensitive::new(value.trim().to_string()))),
            // Without a keychain the credential is simply missing, and the error names its variable.
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

fn looks_like_address(s: &str) -> bool {
    docket_core::mapping::normalize_address(s).is_ok()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

pub fn state_dir(arg: &Option<PathBuf>) -> PathBuf {
    arg.clone().unwrap_or_else(config::default_state_dir)
}
