//! Finding the media file an attachment marker names: a member of the export's zip, a file beside the
//! chat text in its folder (confined to that folder: a symlink out of it is refused), or neither (the
//! export left it out). It does not read any bytes; `Attachment` loads them when the item is converted.

use std::collections::HashMap;
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::{Attachment, AttachmentContent};
use crate::sources::confine::{ExportRoot, Refusal};

/// The members of one zip export, by their file name (the part after any folder).
#[derive(Debug)]
pub(super) struct ZipIndex {
    pub archive: PathBuf,
    by_file_name: HashMap<String, String>,
}

impl ZipIndex {
    /// Indexes `entries` in the order given; when two members share a file name, the first wins.
    pub fn new(archive: PathBuf, entries: &[String]) -> ZipIndex {
        let mut by_file_name = HashMap::with_capacity(entries.len());
        for entry in entries {
            let file_name = entry.rsplit('/').next().unwrap_or(entry);
            by_file_name.entry(file_name.to_string()).or_insert_with(|| entry.clone());
        }
        ZipIndex { archive, by_file_name }
    }

    fn entry_for(&self, name: &str) -> Option<&str> {
        self.by_file_name.get(name).map(String::as_str)
    }
}

/// Where a chat's media files are.
#[derive(Debug, Clone)]
pub(super) enum MediaPlace {
    /// The folder holding the chat's .txt (an unzipped export); media must lie inside it.
    Folder(ExportRoot),
    /// The zip the chat's .txt came from.
    Zip(Arc<ZipIndex>),
}

/// The attachment a marker names, and a note when its file is not in the export.
pub(super) fn attachment(name: &str, place: &MediaPlace) -> (Attachment, Option<String>) {
    let content_type =
        mime_guess::from_path(name).first_raw().unwrap_or("application/octet-stream").to_string();
    let not_in_export = || {
        format!(
            "{name} is not in the export; it was exported without media, or the file was removed from the \
             export afterwards"
        )
    };
    let found = if !is_plain_file_name(name) {
        Err((format!("{name} is not a plain file name, so Docket did not look for it"), false))
    } else {
        match place {
            MediaPlace::Zip(index) => index
                .entry_for(name)
                .map(|entry| AttachmentContent::ZipEntry {
                    archive: index.archive.clone(),
                    entry: entry.to_string(),
                })
                .ok_or_else(|| (not_in_export(), false)),
            MediaPlace::Folder(folder) => match folder.confined(&folder.path().join(name)) {
                Ok(path) => Ok(AttachmentContent::File { path }),
                Err(Refusal::Absent) => Err((not_in_export(), false)),
                Err(refusal @ Refusal::Outside) => Err((refusal.reason(name), true)),
            },
        }
    };
    let (content, note) = match found {
        Ok(content) => (content, None),
        Err((reason, outside)) => {
            // The note is part of the rendered message, so an absent file keeps the note it always had
            // (re-runs must render the same bytes); only a refused link says more.
            let note = if outside {
                format!("file not included in the export: {name} ({reason})")
            } else {
                format!("file not included in the export: {name}")
            };
            (AttachmentContent::Missing { reason }, Some(note))
        }
    };
    (Attachment { name: name.to_string(), content_type, content }, note)
}

/// A name that cannot reach outside the export's folder.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_members_are_found_by_file_name() {
        let index = ZipIndex::new("/x/chat.zip".into(), &["media/IMG-1.jpg".to_string()]);
        let (found, note) = attachment("IMG-1.jpg", &MediaPlace::Zip(Arc::new(index)));
        assert_eq!(found.content_type, "image/jpeg");
        assert_eq!(
            found.content,
            AttachmentContent::ZipEntry { archive: "/x/chat.zip".into(), entry: "media/IMG-1.jpg".into() }
        );
        assert_eq!(note, None);
    }

    #[test]
    fn names_that_climb_out_of_the_folder_are_missing() {
        let tmp = MediaPlace::Folder(ExportRoot::new(Path::new("/tmp")));
        let (found, note) = attachment("../secret.txt", &tmp);
        assert!(matches!(found.content, AttachmentContent::Missing { .. }));
        assert_eq!(note.as_deref(), Some("file not included in the export: ../secret.txt"));
        let nowhere = MediaPlace::Folder(ExportRoot::new(Path::new("/nonexistent")));
        let (unknown, _) = attachment("blob.zzzunknown", &nowhere);
        assert_eq!(unknown.content_type, "application/octet-stream");
    }
}
