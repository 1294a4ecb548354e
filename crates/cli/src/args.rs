//! The command line, exactly as ARCHITECTURE.md's CLI contract gives it (plus a few additions).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "docket",
    version,
    about = "Archive WhatsApp, Telegram and X communications into Microsoft 365"
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a source into a target and record every item in the ledger.
    Run(RunArgs),
    /// Work with user-mapping CSV files.
    Mapping {
        #[command(subcommand)]
        command: MappingCommand,
    },
    /// Print the exact .eml bytes `run` writes for one item.
    Preview(PreviewArgs),
    /// List past runs with their counts.
    Runs(RunsArgs),
    /// Compare the ledger with the target: counts and digests.
    Verify(VerifyArgs),
    /// Check mailboxes in Microsoft 365 through Graph.
    Mailboxes {
        #[command(subcommand)]
        command: MailboxesCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailboxesCommand {
    /// Resolve every mailbox the mapping can produce (the CSV's addresses and --mailbox) in the directory, with
    /// the Docket app's credentials (DOCKET_TENANT_ID, DOCKET_CLIENT_ID, DOCKET_CLIENT_SECRET or the keychain).
    /// Exit 2 if any address is not a Microsoft 365 user or has no usable mailbox.
    Check(MailboxesCheckArgs),
}

#[derive(Debug, Args)]
pub struct MailboxesCheckArgs {
    /// The mapping CSV whose addresses to check.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The export owner's mailbox, checked too.
    #[arg(long)]
    pub mailbox: Option<String>,
    /// The mailbox folder to look for (default: the source's usual folder, see --kind).
    #[arg(long)]
    pub folder: Option<String>,
    /// The source kind whose usual folder to look for when --folder is not given: whatsapp, telegram or x.
    #[arg(long, default_value = "whatsapp")]
    pub kind: String,
    /// Country for mapping-CSV numbers written without a +country code (ISO code such as US, GB).
    #[arg(long)]
    pub default_region: Option<String>,
    /// The Microsoft cloud: global, gcc-high, dod or china.
    #[arg(long, default_value = "global")]
    pub cloud: String,
    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Report row-numbered problems in a mapping CSV (exit 2 if there are any).
    Check {
        file: PathBuf,
        /// Country for numbers written without a +country code (ISO code such as US, GB, NL).
        #[arg(long)]
        default_region: Option<String>,
        /// Print the report as one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
}

/// Options shared by `run` and `preview`: how to read the source and whom items go to.
#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// KIND:LOCATION, where KIND is whatsapp (.txt, .zip or a folder of them), telegram (a Telegram Desktop export,
    /// JSON or HTML: result.json, messages.html or export_results.html, or its folder) or x.
    #[arg(long)]
    pub source: String,
    /// A CSV mapping mobile numbers to Microsoft 365 addresses (tried first).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Turn automatic mapping (by the item's email address, and --mailbox) off.
    #[arg(long)]
    pub no_auto_map: bool,
    /// The export owner's Microsoft 365 mailbox (automatic mapping gives it every item of the export).
    #[arg(long)]
    pub mailbox: Option<String>,
    /// The mailbox folder (default: WhatsApp Archiver, Telegram Archiver or Twitter).
    #[arg(long)]
    pub folder: Option<String>,
    /// The IANA time zone the export's wall-clock times are in (a WhatsApp export carries none). Without it
    /// the times are read as UTC and the run warns.
    #[arg(long)]
    pub timezone: Option<String>,
    /// Day/month order, for exports whose dates are all ambiguous: dmy, mdy or ymd.
    #[arg(long)]
    pub date_order: Option<String>,
    /// Country for mapping-CSV numbers written without a +country code (ISO code such as US, GB).
    #[arg(long)]
    pub default_region: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// graph / graph:FOLDER (each mapped mailbox's folder through Microsoft Graph, as normal received
    /// messages; app from DOCKET_TENANT_ID, DOCKET_CLIENT_ID and DOCKET_CLIENT_SECRET or the keychain),
    /// azure:CONTAINER (an archive copy in your storage account; connection string or SAS from
    /// DOCKET_STORAGE_CONNECTION_STRING or the keychain, never on the command line) or dir:PATH (.eml files
    /// under PATH/<mailbox>/<folder>/). Repeat --target to fan one fetch out to several.
    #[arg(long = "target", required = true)]
    pub targets: Vec<String>,
    /// Graph: where importMime is not available, keep the full MIME as a draft instead of creating a
    /// non-draft through the JSON route. Drafts are counted apart (`drafts`), never as delivered.
    #[arg(long)]
    pub allow_drafts: bool,
    /// Print the run plan (the same description of a run the desktop app saves with a connector) as JSON on
    /// stdout, with the ledger label of its source, and exit without running.
    #[arg(long)]
    pub show_plan: bool,
    /// The folder holding Docket's ledger (default: the platform data folder, or DOCKET_STATE_DIR).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Print one JSON object with the run's counts on stdout.
    #[arg(long)]
    pub json: bool,
    /// Items converted and uploaded at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// The Microsoft cloud of a graph target: global, gcc-high, dod or china.
    #[arg(long, default_value = "global")]
    pub cloud: String,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Which item to show, counting from 1 in the order `run` reads them.
    #[arg(long, default_value_t = 1)]
    pub item: usize,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// How many runs to list, newest first.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[arg(long)]
    pub state: Option<PathBuf>,
    #[arg(long)]
    pub target: String,
    #[arg(long)]
    pub json: bool,
    /// The Microsoft cloud of a graph target: global, gcc-high, dod or china.
    #[arg(long, default_value = "global")]
    pub cloud: String,
}
