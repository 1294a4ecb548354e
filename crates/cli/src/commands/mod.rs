//! One function per subcommand. Each builds core parts from the arguments, calls the core, and prints.

mod coverage;
mod held;
mod mailboxes;
mod mapping;
mod preview;
mod run;
mod run_due;
mod runs;
mod schedule;
mod verify;

use std::path::PathBuf;

use docket_core::config;

use crate::args::{Cli, Command, MailboxesCommand, MappingCommand, ScheduleCommand};
use crate::exit::Exit;

pub async fn dispatch(cli: Cli) -> Exit {
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Mapping { command: MappingCommand::Check { file, default_region, json } } => {
            mapping::check(&file, default_region, json)
        }
        Command::Preview(args) => preview::preview(args).await,
        Command::Runs(args) => runs::runs(args),
        Command::Coverage(args) => coverage::coverage(args),
        Command::Held(args) => held::held(args),
        Command::Replay(args) => held::replay(args).await,
        Command::Verify(args) => verify::verify(args).await,
        Command::Mailboxes { command: MailboxesCommand::Check(args) } => mailboxes::check(args).await,
        Command::RunDue(args) => run_due::run_due(args).await,
        Command::Schedule { command: ScheduleCommand::Install(args) } => schedule::install(args),
        Command::Schedule { command: ScheduleCommand::Uninstall(args) } => schedule::uninstall(args),
        Command::Schedule { command: ScheduleCommand::Status(args) } => schedule::status(args),
    }
}

/// `--state`, else the default state folder (which an account without a data folder does not have).
pub fn state_dir(arg: &Option<PathBuf>) -> Result<PathBuf, docket_core::Error> {
    match arg {
        Some(dir) => Ok(dir.clone()),
        None => Ok(config::default_state_dir()?),
    }
}
