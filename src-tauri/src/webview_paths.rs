//! Paths that arrive from the webview (typed, dropped or chosen in a dialog, then sent back over IPC) are
//! not trusted to be what the admin meant: a script that got into the window could name any file the admin
//! can read. Before a command reads one, it must be a full path to what the step asks for: a mapping CSV
//! (`.csv` or `.txt`), or an export (WhatsApp `.txt`/`.zip`, Telegram `.json`/`.html`, or a folder), and
//! never a link. So `~/.ssh/id_ed25519` or `/etc/shadow` cannot be read as a "mapping" whose row problems
//! would echo its lines. The CLI is not confined: its paths come from the admin's own command line.

use std::path::Path;

use docket_core::config::ConfigError;
use docket_core::connector::RunPlan;
use docket_core::model::SourceKind;

/// A mapping CSV the webview names.
pub fn mapping_csv(path: &str) -> Result<(), docket_core::Error> {
    confine(path, "mapping CSV", &["csv", "txt"], false)
}

/// An export the webview names for `kind` (X and live Telegram sources name no file).
pub fn export(kind: SourceKind, location: &str) -> Result<(), docket_core::Error> {
    match kind {
        SourceKind::WhatsApp => confine(location, "export", &["txt", "zip"], true),
        SourceKind::Telegram
            if location.trim().starts_with(docket_core::connector::telegram_bot::LOCATION_PREFIX) =>
        {
            Ok(())
        }
        SourceKind::Telegram => confine(location, "export", &["json", "html"], true),
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

fn confine(raw: &str, what: &str, extensions: &[&str], folder_ok: bool) -> Result<(), docket_core::Error> {
    let path = Path::new(raw.trim());
    let refuse = |message: String| -> docket_core::Error {
        ConfigError::Invalid { field: what.to_string(), message }.into()
    };
    let kinds = extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(", ");
    let wanted = if folder_ok {
        format!("a {kinds} file or the folder that holds it")
    } else {
        format!("a {kinds} file")
    };
    if !path.is_absolute() {
        return Err(refuse(format!("{} is not a full path; choose {wanted}", path.display())));
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        // Missing files are for the reader to report, with its own advice.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(format!("{} cannot be read ({e}); choose {wanted}", path.display()))),
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(format!(
            "{} is a link; Docket reads the file itself, not a link to it: choose {wanted}",
            path.display()
        )));
    }
    if meta.is_dir() && folder_ok {
        return Ok(());
    }
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if meta.is_file() && extension.as_deref().is_some_and(|e| extensions.contains(&e)) {
        return Ok(());
    }
    Err(refuse(format!("{} is not the {what} this step reads; choose {wanted}", path.display())))
}
