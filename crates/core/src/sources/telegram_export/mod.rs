//! Telegram Desktop export reader: `result.json` (a single-chat export or the full account export) and
//! the media folders beside it, turned lazily into `Item`s with keys built from chat id and message id.
//! It does not map participants to mailboxes, render mail or read media bytes.
//!
//! The file is read once into compact typed messages (never one big JSON tree), which replies and
//! recipients need; items are then produced one at a time.

mod chat;
mod clock;
mod media;
mod message;
mod people;
mod record_digest;
mod schema;
mod service;
mod text;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::de::DeserializeSeed;
use serde_json::error::Category;

use super::{ExportError, ExportOptions};
use crate::model::Item;
use chat::{ChatCursor, ExportContext};
use media::ExportFolder;
use message::strip_position;
use people::Directory;
use schema::{ChatRecord, ExportFileSeed, Trail};

/// What to tell the admin when the file is not what Telegram Desktop writes.
const EXPORT_AGAIN: &str = "Export the data again from Telegram Desktop (Settings > Advanced > Export \
     Telegram data, or a chat's menu > Export chat history), choose the format \"Machine-readable JSON\", \
     wait until it says the export is done, and point Docket at the new result.json.";

/// The items of one Telegram export, chat by chat, in file order.
#[derive(Debug)]
pub struct TelegramExport {
    context: ExportContext,
    chats: std::vec::IntoIter<ChatRecord>,
    current: Option<ChatCursor>,
}

impl Iterator for TelegramExport {
    type Item = Result<Item, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.as_mut().and_then(|chat| chat.next_item(&self.context)) {
                return Some(Ok(item));
            }
            let chat = self.chats.next()?;
            self.current = Some(ChatCursor::new(chat, &self.context));
        }
    }
}

/// Opens `location`: a result.json file or the folder holding it. Reads and checks the whole file;
/// any problem is reported here, naming the file, the line and the field.
pub fn open(location: &Path, options: &ExportOptions) -> Result<TelegramExport, ExportError> {
    let path = locate(location)?;
    let file = File::open(&path).map_err(|source| ExportError::Read { path: path.clone(), source })?;
    let trail = Trail::default();
    let mut reader = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    let parsed = ExportFileSeed { trail: &trail }.deserialize(&mut reader).and_then(|file| {
        reader.end()?;
        Ok(file)
    });
    let export = parsed.map_err(|e| json_error(&path, &e, &trail))?;

    let chats = match (export.chats, export.left_chats) {
        (None, None) => {
            let chat = export.chat;
            if chat.messages.is_none() {
                return Err(invalid(
                    &path,
                    "this file has neither a \"messages\" list (a single-chat export) nor a \"chats\" \
                     list (a full export), so it is not a Telegram Desktop result.json.",
                ));
            }
            if chat.id.is_none() {
                return Err(invalid(&path, "the chat has no \"id\" field."));
            }
            vec![chat]
        }
        (chats, left) => chats.into_iter().flatten().chain(left.into_iter().flatten()).collect(),
    };

    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let context = ExportContext {
        folder: ExportFolder::new(folder),
        timezone: options.timezone,
        directory: Directory::new(export.personal_information.as_ref(), &export.contacts),
    };
    Ok(TelegramExport { context, chats: chats.into_iter(), current: None })
}

/// The result.json to read: `location` itself, or the one inside the folder `location`.
fn locate(location: &Path) -> Result<PathBuf, ExportError> {
    let metadata = std::fs::metadata(location)
        .map_err(|source| ExportError::Read { path: location.to_path_buf(), source })?;
    if !metadata.is_dir() {
        return Ok(location.to_path_buf());
    }
    let candidate = location.join("result.json");
    if candidate.is_file() {
        return Ok(candidate);
    }
    let message = if location.join("messages.html").is_file() {
        "this folder holds an HTML export (messages.html). Docket reads the JSON export only. \
         In Telegram Desktop, export again and choose the format \"Machine-readable JSON\"."
    } else {
        "this folder has no result.json. Choose the folder Telegram Desktop created for the export \
         (the one holding result.json), or the result.json file itself."
    };
    Err(ExportError::Invalid { path: location.to_path_buf(), message: message.to_string() })
}

/// A shape problem the whole file shares, with what to do about it.
fn invalid(path: &Path, problem: &str) -> ExportError {
    ExportError::Invalid { path: path.to_path_buf(), message: format!("{problem} {EXPORT_AGAIN}") }
}

/// Not JSON at all (or cut short) is a `Parse` error at the line; JSON of the wrong shape is `Invalid`,
/// naming where in the file and which field.
fn json_error(path: &Path, error: &serde_json::Error, trail: &Trail) -> ExportError {
    let what = strip_position(error);
    let place = trail.describe();
    let place = if place.is_empty() { String::new() } else { format!(" (in {place})") };
    match error.classify() {
        Category::Io => ExportError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::new(error.io_error_kind().unwrap_or(std::io::ErrorKind::Other), what),
        },
        Category::Eof => ExportError::Parse {
            path: path.to_path_buf(),
            line: error.line(),
            message: format!(
                "the file ends too early{place}: it is empty or was cut short while being copied. \
                 {EXPORT_AGAIN}"
            ),
        },
        Category::Syntax => ExportError::Parse {
            path: path.to_path_buf(),
            line: error.line(),
            message: format!(
                "column {}: this is not valid JSON ({what}){place}. The file may be damaged or edited. \
                 {EXPORT_AGAIN}",
                error.column()
            ),
        },
        Category::Data => ExportError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "line {}, column {}{place}: {what}. Telegram Desktop does not write files like this. \
                 {EXPORT_AGAIN}",
                error.line(),
                error.column()
            ),
        },
    }
}
