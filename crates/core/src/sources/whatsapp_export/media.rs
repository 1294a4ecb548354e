//! Finding the media file an attachment marker names: a member of the export's zip, a file beside the
//! chat text in its folder, or neither (the export left it out). It does not read any bytes; `Attachment`
//! loads them when the item is converted.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::{Attachment, AttachmentContent};

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
    /// The folder holding the chat's .txt (an unzipped export).
    Folder(PathBuf),
    /// The zip the chat's .txt came from.
    Zip(Arc<ZipIndex>),
}

/// The note on a message whose media the export did not include at all.
pub(super) const MEDIA_OMITTED_NOTE: &str = "media omitted by the export";

/// The attachment a marker names, and a note when its file is not in the export.
pub(super) fn attachment(name: &str, place: &MediaPlace) -> (Attachment, Option<String>) {
    let content_type =
        mime_guess::from_path(name).first_raw().unwrap_or("application/octet-stream").to_string();
    let found = if is_plain_file_name(name) {
        match place {
            MediaPlace::Zip(index) => index.entry_for(name).map(|entry| AttachmentContent::ZipEntry {
                archive: index.archive.clone(),
                entry: entry.to_string(),
            }),
            MediaPlace::Folder(folder) => {
                let path = folder.join(name);
                path.is_file().then_some(AttachmentContent::File { path })
            }
        }
    } else {
        None
    };
    let (content, note) = match found {
        Some(content) => (content, None),
        None => {
            let reason = if is_plain_file_name(name) {
                format!(
                    "{name} is not in the export; it was exported without media, or the file was removed \
                     from the export afterwards"
                )
            } else {
                format!("{name} is not a plain file name, so Docket did not look for it")
            };
            (AttachmentContent::Missing { reason }, Some(format!("file not included in the export: {name}")))
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
        let (found, note) = attachment("../secret.txt", &MediaPlace::Folder("/tmp".into()));
        assert!(matches!(found.content, AttachmentContent::Missing { .. }));
        assert_eq!(note.as_deref(), Some("file not included in the export: ../secret.txt"));
        let (unknown, _) = attachment("blob.zzzunknown", &MediaPlace::Folder("/nonexistent".into()));
        assert_eq!(unknown.content_type, "application/octet-stream");
    }
}
