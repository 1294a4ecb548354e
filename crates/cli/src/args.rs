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

const RUN_EXAMPLES: &str = "Examples:
  Try an export without a tenant (messages as .eml files under ./archive):
    docket run --source whatsapp:\"WhatsApp Chat with Desk.zip\" --target dir:archive \\
               --mapping mapping.csv --timezone Europe/London
  Deliver into each mapped person's mailbox, with an archive copy in Azure:
    export DOCKET_TENANT_ID=... DOCKET_CLIENT_ID=... DOCKET_CLIENT_SECRET=...
    docket run --source telegram:export/result.json --target graph --target azure:chat-archive \\
               --mapping mapping.csv --json
  See the plan a run would follow, and run nothing:
    docket run --source whatsapp:chat.txt --target graph --show-plan
Exit codes: 0 every item accounted for, 1 some items failed (run again to retry them), 2 bad input or
configuration (the message names the file, row or flag).";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a source into a target and record every item in the ledger.
    #[command(after_help = RUN_EXAMPLES)]
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
    /// Show, per chat, the period its imported exports cover (first and last message) and any gaps.
    Coverage(CoverageArgs),
    /// List the items the ledger holds back (unmapped, oversize, failed) with their reasons.
    Held(HeldArgs),
    /// Import again the held items (unmapped, failed) of a source with the current mapping, from the copies
    /// the ledger kept: takes the same flags as `run`, and reads nothing from the source.
    Replay(RunArgs),
    /// Compare the ledger with the target: counts and digests.
    Verify(VerifyArgs),
    /// Check mailboxes in Microsoft 365 through Graph.
    Mailboxes {
        #[command(subcommand)]
        command: MailboxesCommand,
    },
    /// Run every saved connector whose run is due, one at a time, as the desktop app's scheduler does.
    #[command(after_help = RUN_DUE_HELP)]
    RunDue(RunDueArgs),
    /// Install, remove or check a user-level timer that calls `docket run-due` every 15 minutes.
    Schedule {
        #[command(subcommand)]
        command: ScheduleCommand,
    },
}

const RUN_DUE_HELP: &str = "The connectors are those the desktop app saved (connectors.json in the state folder). \
Secrets come from the environment variables `docket run` reads, else the OS keychain the app fills; never from \
the command line. A connector another run is importing (the app, another run-due, a docket run on the same \
state folder) is reported busy and stays due.
Exit codes: 0 every due connector ran with every item accounted for (or was busy, or none was due), 1 a run \
failed or some items failed (run-due again retries them), 2 bad input or configuration (a connector's export, \
mapping, credentials or settings need the admin; the message says what to change).";

#[derive(Debug, Args)]
pub struct RunDueArgs {
    /// The state folder holding the saved connectors and the ledger (default: the platform data folder, or
    /// DOCKET_STATE_DIR).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// List which connectors are due, and run none.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON array on stdout: connector_id, name, outcome (ran, not_due, busy, failed; due with
    /// --dry-run), next_run, and summary or error {code, message, text}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Write and enable the timer (Linux: a systemd user timer). With --print, print the units, the macOS
    /// launchd plist and the Windows Task Scheduler task instead, and change nothing.
    Install(ScheduleInstallArgs),
    /// Disable the timer and remove its units.
    Uninstall(ScheduleArgs),
    /// Whether the timer is installed and enabled, with its last and next trigger.
    Status(ScheduleArgs),
}

#[derive(Debug, Args)]
pub struct ScheduleInstallArgs {
    /// The state folder the timer's run-due works on (default: the platform data folder, or DOCKET_STATE_DIR).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Print what would be installed on each platform, and install nothing.
    #[arg(long)]
    pub print: bool,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
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
    /// JSON or HTML: result.json, messages.html or export_results.html, or its folder), x (x:ACCOUNT) or
    /// telegram-bot (telegram-bot:NAME: live capture through the Bot API, token in DOCKET_TELEGRAM_BOT_TOKEN or
    /// the keychain; drains what is waiting and exits).
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
    #[arg(long, default_value_t = 1, value_parser = item_number)]
    pub item: usize,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// The state folder of the imports (default: the platform data folder, or DOCKET_STATE_DIR).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// How many runs to list, newest first.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print one JSON array of runs (run_id, started_at, finished_at, source, target, status, summary).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HeldArgs {
    /// The state folder of the imports (default: the platform data folder, or DOCKET_STATE_DIR).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Only the items of this source (KIND:LOCATION, as given to `run`).
    #[arg(long)]
    pub source: Option<String>,
    /// How many items to list, newest first.
    #[arg(long, default_value_t = 200)]
    pub limit: usize,
    /// Print one JSON array (item_key, mailbox, state, reason, detail, source, chat, source_id, item_time per
    /// item).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// The state folder the imports use (default: the platform's Docket data folder).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Print one JSON array: source, chat, first, last, messages, exports and gaps (after, before) per chat.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The state folder of the imports to check (default: the platform data folder, or DOCKET_STATE_DIR). It
    /// must hold a ledger: verify never creates one.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// The target to check, as given to `run`: graph / graph:FOLDER, azure:CONTAINER or dir:PATH.
    #[arg(long)]
    pub target: String,
    /// Print one JSON object (target, counts, and the lists missing, digest_mismatch, unrecorded, drafts,
    /// wrong_time) on stdout.
    #[arg(long)]
    pub json: bool,
    /// Mark the messages found missing as not delivered in the ledger, so the next `docket run` of the same
    /// source delivers them again.
    #[arg(long)]
    pub mark_missing: bool,
    /// The Microsoft cloud of a graph target: global, gcc-high, dod or china.
    #[arg(long, default_value = "global")]
    pub cloud: String,
}

/// `--item`: a count from 1.
fn item_number(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("items are counted from 1 (the first item is --item 1)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number; items are counted from 1")),
    }
}
