//! A message's `photo` and `file`, resolved inside the export's folder (the one holding result.json, or the
//! HTML export's top folder). A path that is a
//! Telegram placeholder, is absent on disk, or would leave the export folder (`..`, absolute, a symlink
//! out) becomes `AttachmentContent::Missing` plus a note. Bytes are not read here; `Attachment::load`
//! reads them when the item is converted.

use std::path::{Path, PathBuf};

use crate::model::{Attachment, AttachmentContent};
use crate::sources::confine::ExportRoot;

use super::message::Media;

/// The export's folder; every media path is relative to it and confined to it.
#[derive(Debug)]
pub(super) struct ExportFolder {
    root: ExportRoot,
}

impl ExportFolder {
    pub(super) fn new(root: &Path) -> ExportFolder {
        ExportFolder { root: ExportRoot::new(root) }
    }

    pub(super) fn root(&self) -> &ExportRoot {
        &self.root
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
        self.root.file(trimmed)
    }
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
    fn the_declared_type_wins_then_the_name_decides() {
        assert_eq!(content_type(Some("audio/ogg"), "voice.bin", "voice.bin"), "audio/ogg");
        assert_eq!(content_type(None, "photo_1.jpg", "photos/photo_1.jpg"), "image/jpeg");
        assert_eq!(content_type(None, "blob", "blob"), "application/octet-stream");
    }
}
