//! Writes the TypeScript declarations of every value that crosses IPC (the core's, via
//! `docket_core::connector::typescript`, and the shell's own) into a folder; the UI keeps them in
//! `ui/src/generated/`, and a test fails when that folder is stale. It generates nothing at run time.

use std::path::Path;

use docket_core::connector::ts_rs::{self, TS};
use docket_core::connector::typescript;

use crate::commands::m365::{SignInStart, SignedIn};
use crate::commands::secrets::{KeychainStatus, StoredSecret};
use crate::commands::AppInfo;
use crate::ipc_error::IpcError;
use crate::scheduler::SchedulerEvent;

/// Writes one `<Type>.ts` per IPC type into `out_dir`.
pub fn export_typescript(out_dir: &Path) -> Result<(), ts_rs::ExportError> {
    let cfg = typescript::config(out_dir);
    typescript::export(&cfg)?;
    AppInfo::export_all(&cfg)?;
    IpcError::export_all(&cfg)?;
    KeychainStatus::export_all(&cfg)?;
    StoredSecret::export_all(&cfg)?;
    SchedulerEvent::export_all(&cfg)?;
    SignInStart::export_all(&cfg)?;
    SignedIn::export_all(&cfg)?;
    Ok(())
}
