//! Paths that arrive from the webview (typed, dropped or chosen in a dialog, then sent back over IPC) are
//! not trusted to be what the admin meant: a script that got into the window could name any file the admin
//! can read. Before a command reads one, it must be a full path to what the step asks for: a mapping CSV
//! (`.csv` or `.txt`), or an export (WhatsApp `.txt`/`.zip`, Telegram `.json`/`.html`, or a folder), and
//! never a link. So `~/.ssh/id_ed25519` or `/etc/shadow` cannot be read as a "mapping" whose row problems
//! would echo its lines. The CLI is not confined: its paths come from the admin's own command line.

use docket_core::{text, Text};
use std::path::Path;

use docket_core::config::ConfigError;
use docket_core::connector::RunPlan;
use docket_core::model::SourceKind;

/// A mapping CSV the webview names.
pub fn mapping_csv(path: &str) -> Result<(), docket_core::Error> {
    confine(path, text!("field.mapping_csv", "mapping CSV"), &["csv", "txt"], false)
}

/// An export the webview names for `kind` (X and live Telegram sources name no file).
pub fn export(kind: SourceKind, location: &str) -> Result<(), docket_core::Error> {
    match kind {
        SourceKind::WhatsApp => confine(location, text!("field.export", "export"), &["txt", "zip"], true),
        SourceKind::Telegram
            if location.trim().starts_with(docket_core::connector::telegram_bot::LOCATION_PREFIX) =>
        {
            Ok(())
        }
        SourceKind::Telegram => confine(location, text!("field.export", "export"), &["json", "html"], true),
        SourceKind::X => Ok(()),
    }
}

/// Every file a plan from the webview would read: its export and its mapping CSV.
pub fn plan(plan: &RunPlan) -> Result<(), docket_core::Error> {
    export(plan.source_kind, &plan.location)?;
    match plan.mapping_csv.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(csv) => mapping_csv(csv),
        None => Ok(()),
    }
}

fn confine(raw: &str, what: Text, extensions: &[&str], folder_ok: bool) -> Result<(), docket_core::Error> {
    docket_core::config::check_chosen_path(Path::new(raw.trim()), extensions, folder_ok)
        .map(|_| ())
        .map_err(|message| ConfigError::Invalid { field: what, message }.into())
}
