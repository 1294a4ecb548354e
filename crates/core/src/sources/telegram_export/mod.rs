//! Telegram Desktop export reader: `result.json` (a single-chat export or the full account export, read by
//! `json`) and the media folders beside it. The reader produces compact, format-neutral `Message`s, which
//! one builder (`chat`) turns lazily into `Item`s with keys built from chat id and message id. It does
//! not map participants to mailboxes, render mail or read media bytes.

mod chat;
mod clock;
mod json;
mod media;
mod message;
mod people;
mod service;

use std::path::{Path, PathBuf};

use super::{ExportError, ExportOptions};
use crate::model::Item;
use chat::{ChatCursor, ExportContext};
use media::ExportFolder;

/// The items of one Telegram export, chat by chat, in file order.
#[derive(Debug)]
pub struct TelegramExport {
    context: ExportContext,
    chats: std::vec::IntoIter<ChatSource>,
    current: Option<ChatCursor>,
}

/// A chat not yet started, as its reader left it.
#[derive(Debug)]
enum ChatSource {
    Json(json::schema::ChatRecord),
}

impl Iterator for TelegramExport {
    type Item = Result<Item, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.as_mut().and_then(|chat| chat.next_item(&self.context)) {
                return Some(item);
            }
            let chat = self.chats.next()?;
            self.current = Some(match chat {
                ChatSource::Json(record) => json::chat(record, &self.context),
            });
        }
    }
}

/// Opens `location`: a result.json file or the folder holding it. Reads and checks the whole file;
/// any problem is reported here, naming the file, the line and the field.
pub fn open(location: &Path, options: &ExportOptions) -> Result<TelegramExport, ExportError> {
    let path = locate(location)?;
    let export = json::read(&path)?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let context = ExportContext {
        folder: ExportFolder::new(folder),
        timezone: options.timezone,
        directory: export.directory,
    };
    let chats: Vec<ChatSource> = export.chats.into_iter().map(ChatSource::Json).collect();
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
