//! The TypeScript declarations of the core types that cross IPC, exported with ts-rs into the UI's
//! `ui/src/generated/`. Types the connector owns derive `TS` where they are defined; the core types owned by
//! other modules (`RunSummary`, `Progress`, `RunRecord`, `MappingReport`, `RowProblem`, `ProbeReport`,
//! `SourceKind`, `DateOrder`) are described here by same-named shapes. Each shape converts from its core type by
//! destructuring every field, so a field added to a core type fails to compile until its shape has it too,
//! and a test checks that both serialise to the same JSON. It writes no files itself beyond `export`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::{Config, ExportError, TS};

use crate::{ledger, mapping, model, pipeline, sinks, sources};

/// The ts-rs settings for Docket's generated types: into `out_dir`, with 64-bit integers as `number` (the
/// counts and ids Docket sends stay far below 2^53, and JSON carries them as numbers).
pub fn config(out_dir: &Path) -> Config {
    Config::new().with_out_dir(out_dir).with_large_int("number")
}

/// Writes the declarations of every core type that crosses IPC (and those they use) into `cfg`'s folder.
pub fn export(cfg: &Config) -> Result<(), ExportError> {
    super::ImportRequest::export_all(cfg)?;
    super::SourcePreview::export_all(cfg)?;
    super::SecretName::export_all(cfg)?;
    super::SecretStatus::export_all(cfg)?;
    RunRecord::export_all(cfg)?;
    Progress::export_all(cfg)?;
    MappingReport::export_all(cfg)?;
    ProbeReport::export_all(cfg)?;
    ErrorCode::export_all(cfg)?;
    Ok(())
}

/// `docket_core::model::SourceKind` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    WhatsApp,
    Telegram,
    X,
}

impl From<model::SourceKind> for SourceKind {
    fn from(kind: model::SourceKind) -> SourceKind {
        match kind {
            model::SourceKind::WhatsApp => SourceKind::WhatsApp,
            model::SourceKind::Telegram => SourceKind::Telegram,
            model::SourceKind::X => SourceKind::X,
        }
    }
}

/// `docket_core::sources::DateOrder` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Mdy,
    Ymd,
}

impl From<sources::DateOrder> for DateOrder {
    fn from(order: sources::DateOrder) -> DateOrder {
        match order {
            sources::DateOrder::Dmy => DateOrder::Dmy,
            sources::DateOrder::Mdy => DateOrder::Mdy,
            sources::DateOrder::Ymd => DateOrder::Ymd,
        }
    }
}

/// `docket_core::Code` on the wire: the `code` of every IPC error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadExport,
    AmbiguousDateOrder,
    BadMapping,
    BadConfig,
    StorageAuth,
    StorageUnreachable,
    StorageConflict,
    Storage,
    Io,
    Keychain,
    Ledger,
    Cancelled,
    Internal,
}

impl From<crate::Code> for ErrorCode {
    fn from(code: crate::Code) -> ErrorCode {
        use crate::Code as C;
        match code {
            C::BadExport => ErrorCode::BadExport,
            C::AmbiguousDateOrder => ErrorCode::AmbiguousDateOrder,
            C::BadMapping => ErrorCode::BadMapping,
            C::BadConfig => ErrorCode::BadConfig,
            C::StorageAuth => ErrorCode::StorageAuth,
            C::StorageUnreachable => ErrorCode::StorageUnreachable,
            C::StorageConflict => ErrorCode::StorageConflict,
            C::Storage => ErrorCode::Storage,
            C::Io => ErrorCode::Io,
            C::Keychain => ErrorCode::Keychain,
            C::Ledger => ErrorCode::Ledger,
            C::Cancelled => ErrorCode::Cancelled,
            C::Internal => ErrorCode::Internal,
        }
    }
}

/// The accounting of one import run: `fetched` = delivered + already_present + skipped + failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunSummary {
    pub run_id: i64,
    pub fetched: u64,
    pub delivered: u64,
    pub already_present: u64,
    /// Items deliberately not imported, counted by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Items that could not be imported, counted by reason.
    pub failed: BTreeMap<String, u64>,
    /// Messages newly written, one per (item, mailbox).
    pub deliveries: u64,
    /// True when the run stopped early because it was cancelled.
    pub cancelled: bool,
}

impl From<model::RunSummary> for RunSummary {
    fn from(summary: model::RunSummary) -> RunSummary {
        let model::RunSummary {
            run_id,
            fetched,
            delivered,
            already_present,
            skipped,
            failed,
            deliveries,
            cancelled,
        } = summary;
        RunSummary { run_id, fetched, delivered, already_present, skipped, failed, deliveries, cancelled }
    }
}

/// One past import run from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunRecord {
    pub run_id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub source: String,
    pub target: String,
    /// `running`, `finished`, `failed`, `cancelled` or `interrupted`.
    pub status: String,
    pub summary: RunSummary,
}

impl From<ledger::RunRecord> for RunRecord {
    fn from(record: ledger::RunRecord) -> RunRecord {
        let ledger::RunRecord { run_id, started_at, finished_at, source, target, status, summary } = record;
        RunRecord { run_id, started_at, finished_at, source, target, status, summary: summary.into() }
    }
}

/// A run's progress events, streamed while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum Progress {
    Started { run_id: i64, source: String, target: String },
    Fetched { key: String, fetched: u64 },
    Delivered { key: String, mailboxes: Vec<String>, already_present: bool },
    Skipped { key: String, reason: String, detail: String },
    Failed { key: String, reason: String, detail: String },
    Finished { summary: RunSummary },
}

impl From<pipeline::Progress> for Progress {
    fn from(event: pipeline::Progress) -> Progress {
        use pipeline::Progress as P;
        match event {
            P::Started { run_id, source, target } => Progress::Started { run_id, source, target },
            P::Fetched { key, fetched } => Progress::Fetched { key, fetched },
            P::Delivered { key, mailboxes, already_present } => {
                Progress::Delivered { key, mailboxes, already_present }
            }
            P::Skipped { key, reason, detail } => Progress::Skipped { key, reason, detail },
            P::Failed { key, reason, detail } => Progress::Failed { key, reason, detail },
            P::Finished { summary } => Progress::Finished { summary: summary.into() },
        }
    }
}

/// One problem in one row of the mapping CSV (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowProblem {
    pub row: usize,
    /// The column's header, when the problem is in one cell.
    pub field: Option<String>,
    pub message: String,
}

impl From<mapping::RowProblem> for RowProblem {
    fn from(problem: mapping::RowProblem) -> RowProblem {
        let mapping::RowProblem { row, field, message } = problem;
        RowProblem { row, field, message }
    }
}

/// The mapping CSV check: every problem, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MappingReport {
    pub path: PathBuf,
    /// Data rows read (blank rows are not counted).
    pub rows: usize,
    /// Distinct phone numbers that map to an address.
    pub entries: usize,
    pub problems: Vec<RowProblem>,
    /// The header of the column read as the phone number.
    pub phone_column: String,
    /// The header of the column read as the Microsoft 365 address.
    pub address_column: String,
}

impl From<mapping::MappingReport> for MappingReport {
    fn from(report: mapping::MappingReport) -> MappingReport {
        let mapping::MappingReport { path, rows, entries, problems, phone_column, address_column } = report;
        let problems = problems.into_iter().map(RowProblem::from).collect();
        MappingReport { path, rows, entries, problems, phone_column, address_column }
    }
}

/// What the live storage check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProbeReport {
    /// The container did not exist and the check created it.
    pub container_created: bool,
    /// Milliseconds for the whole write, read-back and delete.
    pub round_trip_ms: u64,
    /// The probe blob's name (under `.docket-probe/`).
    pub probe_blob: String,
    /// False when the credential may write but not delete; the probe blob then stays behind.
    pub probe_blob_deleted: bool,
}

impl From<sinks::azure_blob::ProbeReport> for ProbeReport {
    fn from(report: sinks::azure_blob::ProbeReport) -> ProbeReport {
        let sinks::azure_blob::ProbeReport {
            container_created,
            round_trip_ms,
            probe_blob,
            probe_blob_deleted,
        } = report;
        ProbeReport { container_created, round_trip_ms, probe_blob, probe_blob_deleted }
    }
}
