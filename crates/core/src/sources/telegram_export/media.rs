//! A message's `photo` and `file`, resolved inside the folder that holds result.json. A path that is a
//! Telegram placeholder, is absent on disk, or would leave the export folder (`..`, absolute, a symlink
//! out) becomes `AttachmentContent::Missing` plus a note. Bytes are not read here; `Attachment::load`
//! reads them when the item is converted.

use std::path::{Path, PathBuf};

use crate::model::{Attachment, AttachmentContent};

use super::message::Media;

/// The folder holding result.json; every media path is relative to it.
#[derive(Debug)]
pub(super) struct ExportFolder {
    root: PathBuf,
    /// `root` with symlinks resolved, to check that a file really lies inside it.
    canonical_root: Option<PathBuf>,
}

impl ExportFolder {
    pub(super) fn new(root: &Path) -> ExportFolder {
        ExportFolder { root: root.to_path_buf(), canonical_root: std::fs::canonicalize(root).ok() }
    }

    /// The message's attachments, in the order photo then file. Anything that cannot be attached
    /// adds a note saying which file and why.
    pub(super) fn attachments(&self, media: &Media, notes: &mut Vec<String>) -> Vec<Attachment> {
        let mut attachments = Vec::new();
        let sources = [(media.photo.as_deref(), "photo"), (media.file.as_deref(), "file")];
        for (raw, fallback_name) in sources {
            let Some(raw) = raw else { continue };
            let name = attachment_name(media, raw, fallback_name);
            let content = match self.resolve(raw) {
                Ok(path) => AttachmentContent::File { path },
                Err(reason) => {
                    notes.push(format!("file not included in the export: {name} ({reason})"));
                    AttachmentContent::Missing { reason }
                }
            };
            let content_type = content_type(media.mime_type.as_deref(), &name, raw);
            attachments.push(Attachment { name, content_type, content });
        }
        attachments
    }

    /// The file on disk for `raw`, or why there is none.
    fn resolve(&self, raw: &str) -> Result<PathBuf, String> {
        let trimmed = raw.trim();
        if trimmed.starts_with('(') && trimmed.ends_with(')') {
            let said = trimmed.trim_start_matches('(').trim_end_matches(')');
            return Err(format!("Telegram Desktop did not save it: \"{said}\""));
        }
        let segments = relative_segments(trimmed).ok_or_else(|| {
            format!("its path {trimmed:?} points outside the export folder, so Docket did not read it")
        })?;
        if segments.is_empty() {
            return Err("the export gives no path for it".into());
        }
        let path = segments.iter().fold(self.root.clone(), |path, segment| path.join(segment));
        let is_file = std::fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false);
        if !is_file {
            return Err(format!("{trimmed:?} is not in the export folder"));
        }
        let inside = match (&self.canonical_root, std::fs::canonicalize(&path)) {
            (Some(root), Ok(real)) => real.starts_with(root),
            _ => false,
        };
        if !inside {
            return Err(format!(
                "{trimmed:?} links to a file outside the export folder, so Docket did not read it"
            ));
        }
        Ok(path)
    }
}

/// The path's parts when it stays inside the folder: not absolute, no drive, no `..`. Both `/` and
/// `\` separate parts, whatever system the export was made on.
fn relative_segments(raw: &str) -> Option<Vec<&str>> {
    if raw.starts_with(['/', '\\']) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in raw.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => segments.push(s),
        }
    }
    Some(segments)
}

fn attachment_name(media: &Media, raw: &str, fallback: &str) -> String {
    if let Some(name) = media.file_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        if fallback == "file" {
            return name.to_string();
        }
    }
    let trimmed = raw.trim();
    let last = trimmed.rsplit(['/', '\\']).next().unwrap_or_default();
    if !(trimmed.starts_with('(') || last.is_empty() || last == "." || last == "..") {
        return last.to_string();
    }
    match (fallback, media.media_type.as_deref()) {
        ("file", Some(kind)) if !kind.is_empty() => kind.replace('_', " "),
        _ => fallback.to_string(),
    }
}

fn content_type(declared: Option<&str>, name: &str, raw: &str) -> String {
    if let Some(declared) = declared.map(str::trim).filter(|t| t.contains('/')) {
        return declared.to_string();
    }
    mime_guess::from_path(name)
        .first_raw()
        .or_else(|| mime_guess::from_path(raw).first_raw())
        .unwrap_or("application/octet-stream")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_or_are_absolute_are_refused() {
        assert_eq!(relative_segments("photos/a.jpg"), Some(vec!["photos", "a.jpg"]));
        assert_eq!(relative_segments("./files\\b.pdf"), Some(vec!["files", "b.pdf"]));
        assert_eq!(relative_segments("../secret.txt"), None);
        assert_eq!(relative_segments("files/../../x"), None);
        assert_eq!(relative_segments("/etc/passwd"), None);
        assert_eq!(relative_segments("\\\\server\\share"), None);
        assert_eq!(relative_segments("C:\\Windows\\win.ini"), None);
    }

    #[test]
    fn the_declared_type_wins_then_the_name_decides() {
        assert_eq!(content_type(Some("audio/ogg"), "voice.bin", "voice.bin"), "audio/ogg");
        assert_eq!(content_type(None, "photo_1.jpg", "photos/photo_1.jpg"), "image/jpeg");
        assert_eq!(content_type(None, "blob", "blob"), "application/octet-stream");
    }
}
