//! The list of core types that cross IPC, exported with ts-rs into the UI's `ui/src/generated/`. Each type
//! derives `TS` where it is defined (the core's `Code` is exported as `ErrorCode`); this file only names
//! them and fixes the export settings. It writes no files itself beyond `export`.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::{identity, ledger, mapping, pipeline, sinks, Code};

/// The ts-rs settings for Docket's generated types: into `out_dir`, with 64-bit integers as `number` (the
/// counts and ids Docket sends stay far below 2^53, and JSON carries them as numbers).
pub fn config(out_dir: &Path) -> Config {
    Config::new().with_out_dir(out_dir).with_large_int("number")
}

/// Writes the declarations of every core type that crosses IPC (and those they use) into `cfg`'s folder.
pub fn export(cfg: &Config) -> Result<(), ExportError> {
    super::RunPlan::export_all(cfg)?;
    super::SourcePreview::export_all(cfg)?;
    super::SecretName::export_all(cfg)?;
    super::SecretStatus::export_all(cfg)?;
    ledger::RunRecord::export_all(cfg)?;
    ledger::DayCount::export_all(cfg)?;
    ledger::ChatCoverage::export_all(cfg)?;
    ledger::LedgerRow::export_all(cfg)?;
    super::ConnectorSettings::export_all(cfg)?;
    super::ConnectorOverview::export_all(cfg)?;
    super::RoutedItem::export_all(cfg)?;
    super::DueReport::export_all(cfg)?;
    crate::background::TimerStatus::export_all(cfg)?;
    pipeline::Progress::export_all(cfg)?;
    mapping::MappingReport::export_all(cfg)?;
    sinks::azure_blob::ProbeReport::export_all(cfg)?;
    Code::export_all(cfg)?;
    identity::Cloud::export_all(cfg)?;
    identity::AppCheck::export_all(cfg)?;
    identity::ConsentStart::export_all(cfg)?;
    identity::ConsentResult::export_all(cfg)?;
    super::GraphApp::export_all(cfg)?;
    identity::AppSummary::export_all(cfg)?;
    identity::RegisteredApp::export_all(cfg)?;
    identity::SecretExpiryWarning::export_all(cfg)?;
    identity::MailboxReport::export_all(cfg)?;
    super::x::XAccount::export_all(cfg)?;
    super::x::XCredentialStatus::export_all(cfg)?;
    super::x::RateLimitStatus::export_all(cfg)?;
    super::telegram_bot::BotCheck::export_all(cfg)?;
    Ok(())
}
