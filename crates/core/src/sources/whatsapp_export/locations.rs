//! Finding and reading the chat texts at an export location: a .txt, a .zip (with `_chat.txt` on iOS or
//! `WhatsApp Chat with NAME.txt` on Android), or a folder of them and/or unzipped exports. Everything is
//! listed in sorted order so runs are deterministic. It does not parse the texts (see `survey`, `chat`).

use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::chat_name::chat_name;
use super::media::{MediaPlace, ZipIndex};
use super::text_lines::TextLines;
use crate::sources::confine::ExportRoot;
use crate::sources::ExportError;
use crate::text;

/// The largest chat text Docket takes out of a zip (a guard against a damaged or hostile archive; WhatsApp
/// caps an export with media at 10,000 messages, about 1 MB of text).
const MAX_ZIP_TEXT_BYTES: u64 = 1 << 30;
/// How deep below the chosen folder unzipped exports are looked for.
const MAX_FOLDER_DEPTH: usize = 3;

/// A chat text still to be read, or a zip still to be opened.
#[derive(Debug)]
pub(super) enum PendingChat {
    Text { path: PathBuf, shown: String },
    Zip { path: PathBuf, shown: String },
    ZipText { index: Arc<ZipIndex>, entry: String, shown: String },
}

/// A chat text, with what is needed to name its items and find its media. Its lines are read as often as
/// needed (`lines`), each time streamed from a file, so a chat of any length is never held in memory: a
/// plain .txt from itself, a text inside a zip from a temporary copy decompressed once (deleted on drop).
pub(super) struct ChatText {
    origin: TextOrigin,
    /// How source ids name the file: its path relative to the chosen location (`chats/_chat.txt`).
    pub shown: String,
    pub chat: String,
    /// The path error messages name.
    pub error_path: PathBuf,
    pub media: MediaPlace,
}

enum TextOrigin {
    File(PathBuf),
    Spooled(tempfile::NamedTempFile),
}

impl ChatText {
    /// A fresh walk over the text's lines, from its first.
    pub fn lines(&self) -> Result<TextLines, ExportError> {
        let file = match &self.origin {
            TextOrigin::File(path) => std::fs::File::open(path),
            TextOrigin::Spooled(copy) => copy.reopen(),
        }
        .map_err(|source| ExportError::Read { path: self.error_path.clone(), source })?;
        Ok(TextLines::new(Box::new(BufReader::with_capacity(64 * 1024, file)), &self.error_path))
    }
}

/// The chat texts and zips at `location`, sorted by their path below it.
pub(super) fn list(location: &Path) -> Result<Vec<PendingChat>, ExportError> {
    let metadata = std::fs::metadata(location)
        .map_err(|source| ExportError::Read { path: location.to_path_buf(), source })?;
    let shown = file_name(location);
    if !metadata.is_dir() {
        return Ok(vec![if has_extension(&shown, "zip") {
            PendingChat::Zip { path: location.to_path_buf(), shown }
        } else {
            PendingChat::Text { path: location.to_path_buf(), shown }
        }]);
    }
    let mut found = Vec::new();
    walk(&ExportRoot::new(location), location, "", 0, &mut found)?;
    if found.is_empty() {
        return Err(ExportError::Invalid {
            path: location.to_path_buf(),
            message: text!(
                "export.whatsapp.folder_without_export",
                "this folder holds no WhatsApp export (.txt or .zip); choose the exported file, or the \
                 folder you saved or unzipped the exports into"
            ),
        });
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found.into_iter().map(|(_, pending)| pending).collect())
}

/// Lists `dir`'s chat texts and zips, then its subfolders'. Symlinked folders are not entered, and a
/// symlinked file counts only when it resolves inside `root` (the folder the admin chose).
fn walk(
    root: &ExportRoot,
    dir: &Path,
    prefix: &str,
    depth: usize,
    found: &mut Vec<(String, PendingChat)>,
) -> Result<(), ExportError> {
    let read_error = |source| ExportError::Read { path: dir.to_path_buf(), source };
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "__MACOSX" {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(read_error)?;
        if file_type.is_dir() {
            folders.push((name, path));
        } else if root.confined(&path).is_ok() {
            files.push((name, path));
        }
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let texts = chat_texts(&names);
    for (name, path) in &files {
        let shown = format!("{prefix}{name}");
        if has_extension(name, "zip") {
            found.push((shown.clone(), PendingChat::Zip { path: path.clone(), shown }));
        } else if texts.contains(&name.as_str()) {
            found.push((shown.clone(), PendingChat::Text { path: path.clone(), shown }));
        }
    }
    if depth < MAX_FOLDER_DEPTH {
        for (name, path) in folders {
            walk(root, &path, &format!("{prefix}{name}/"), depth + 1, found)?;
        }
    }
    Ok(())
}

/// Which .txt files among `names` (file names in one folder or zip) are chat texts: `_chat.txt` if there
/// is one, else those whose name mentions WhatsApp, else all. A .txt sent as an attachment sits beside an
/// export's chat text and must not be read as a chat.
fn chat_texts<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let base = |name: &'a str| name.rsplit('/').next().unwrap_or(name);
    let texts: Vec<&str> = names.iter().copied().filter(|name| has_extension(name, "txt")).collect();
    let ios: Vec<&str> =
        texts.iter().copied().filter(|n| base(n).eq_ignore_ascii_case("_chat.txt")).collect();
    if !ios.is_empty() {
        return ios;
    }
    let named: Vec<&str> =
        texts.iter().copied().filter(|n| base(n).to_lowercase().contains("whatsapp")).collect();
    if named.is_empty() {
        texts
    } else {
        named
    }
}

/// Opens a zip export and lists its chat texts, sorted.
pub(super) fn expand_zip(path: &Path, shown: &str) -> Result<Vec<PendingChat>, ExportError> {
    let archive = open_zip(path)?;
    let mut entries: Vec<String> = archive
        .file_names()
        .filter(|name| !name.ends_with('/') && !name.starts_with("__MACOSX/"))
        .filter(|name| !name.rsplit('/').next().unwrap_or(name).starts_with('.'))
        .map(str::to_string)
        .collect();
    entries.sort();
    let names: Vec<&str> = entries.iter().map(String::as_str).collect();
    let texts: Vec<String> = chat_texts(&names).into_iter().map(str::to_string).collect();
    if texts.is_empty() {
        return Err(ExportError::Invalid {
            path: path.to_path_buf(),
            message: text!(
                "export.whatsapp.zip_without_chat",
                "this .zip holds no chat text (.txt), so it is not a WhatsApp 'Export chat' archive; export \
                 the chat again and choose the .zip WhatsApp creates"
            ),
        });
    }
    let index = Arc::new(ZipIndex::new(path.to_path_buf(), &entries));
    Ok(texts
        .into_iter()
        .map(|entry| PendingChat::ZipText {
            index: Arc::clone(&index),
            shown: format!("{shown}/{entry}"),
            entry,
        })
        .collect())
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<std::io::BufReader<std::fs::File>>, ExportError> {
    let file =
        std::fs::File::open(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|error| damaged_zip(path, &error))
}

fn damaged_zip(path: &Path, error: &dyn std::fmt::Display) -> ExportError {
    ExportError::Invalid {
        path: path.to_path_buf(),
        message: text!(
            "export.whatsapp.zip_damaged",
            "this .zip is damaged or is not a zip archive ({error}); export the chat again and copy the .zip \
             without opening or changing it",
            error = error.to_string()
        ),
    }
}

/// A plain .txt chat, streamed from its file; its media are looked for beside it.
pub(super) fn read_text_file(path: &Path, shown: String) -> Result<ChatText, ExportError> {
    std::fs::File::open(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let container = folder.file_name().map(|name| name.to_string_lossy().into_owned());
    Ok(ChatText {
        origin: TextOrigin::File(path.to_path_buf()),
        chat: chat_name(&stem(&file_name(path)), container.as_deref()),
        shown,
        error_path: path.to_path_buf(),
        media: MediaPlace::Folder(ExportRoot::new(&folder)),
    })
}

/// Reads a chat text from inside a zip export; its media are looked for in the same zip.
pub(super) fn read_zip_text(
    index: Arc<ZipIndex>,
    entry: &str,
    shown: String,
) -> Result<ChatText, ExportError> {
    let archive_path = index.archive.clone();
    let error_path = archive_path.join(entry);
    let mut archive = open_zip(&archive_path)?;
    let mut member = archive.by_name(entry).map_err(|error| damaged_zip(&archive_path, &error))?;
    let spool_error = |source: std::io::Error| ExportError::Invalid {
        path: error_path.clone(),
        message: text!(
            "export.whatsapp.zip_copy_failed",
            "cannot copy this chat text out of the zip into the temporary folder {folder} ({error}); make \
             room there, or set TMPDIR to a folder with room, and run again",
            folder = std::env::temp_dir(),
            error = source
        ),
    };
    let mut spool = tempfile::NamedTempFile::new().map_err(spool_error)?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut copied = 0u64;
    loop {
        let read = member.read(&mut chunk).map_err(|error| damaged_zip(&archive_path, &error))?;
        if read == 0 {
            break;
        }
        copied += read as u64;
        if copied > MAX_ZIP_TEXT_BYTES {
            return Err(too_large(&error_path));
        }
        spool.write_all(chunk.get(..read).unwrap_or_default()).map_err(spool_error)?;
    }
    spool.flush().map_err(spool_error)?;
    let entry_name = entry.rsplit('/').next().unwrap_or(entry);
    let zip_stem = stem(&file_name(&archive_path));
    Ok(ChatText {
        origin: TextOrigin::Spooled(spool),
        chat: chat_name(&stem(entry_name), Some(&zip_stem)),
        shown,
        error_path,
        media: MediaPlace::Zip(index),
    })
}

fn too_large(path: &Path) -> ExportError {
    ExportError::Invalid {
        path: path.to_path_buf(),
        message: text!(
            "export.whatsapp.text_too_large",
            "this chat text is larger than 1 GiB, more than any WhatsApp export holds; check that the right \
             file was chosen"
        ),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

fn stem(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

fn has_extension(name: &str, extension: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| ext.eq_ignore_ascii_case(extension))
}
