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
use docket_core::mapping::{MappingOptions, MappingTable, Resolver};
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

pub fn prepare(args: &SourceArgs) -> Result<Prepared, Error> {
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
    let location = absolute(Path::new(&spec.location));
    let options = ExportOptions { timezone, date_order };
    let source = sources::open_export(spec.kind, &location, &options)?;
    let mapping_options = MappingOptions { default_region: args.default_region.clone() };
    let table = match &args.mapping {
        Some(path) => Some(MappingTable::load(path, &mapping_options)?),
        None => None,
    };
    let resolver = Resolver::new(table, !args.no_auto_map, args.mailbox.as_ref().map(|m| m.to_lowercase()));
    Ok(Prepared {
        label: format!("{}:{}", spec.kind.as_str(), location.display()),
        source,
        resolver: Arc::new(resolver),
    })
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
