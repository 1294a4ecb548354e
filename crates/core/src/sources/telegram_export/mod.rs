//! Telegram Desktop export reader, in either of its formats: "Machine-readable JSON" (`result.json`, read
//! by `json`) or HTML (`messages.html`, `messages2.html`, ... or a full export's `export_results.html`
//! with `chats/chat_NNN/`, read by `html`), a single chat or the full account, with the media folders
//! beside them. The format is told from the files. Both readers produce the same compact `Message`s,
//! which one builder (`chat`) turns lazily into `Item`s. It does not map participants to mailboxes,
//! render mail or read media bytes.
//!
//! What differs between an item read from result.json and the same message read from the HTML export is
//! listed in `html`'s documentation: above all, the HTML export carries no chat id, so its keys are built
//! from the chat's name and never equal the JSON keys of the same messages.

mod chat;
mod clock;
mod html;
mod json;
mod media;
mod message;
mod people;
mod service;

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{ExportError, ExportOptions};
use crate::model::Item;
use crate::text;
pub use chat::KnownChats;
use chat::{ChatCursor, ExportContext};
use media::ExportFolder;

/// The items of one Telegram export, chat by chat, in file order.
#[derive(Debug)]
pub struct TelegramExport {
    context: ExportContext,
    chats: std::vec::IntoIter<ChatSource>,
    current: Option<ChatCursor>,
    warnings: Vec<crate::Text>,
}

/// A chat not yet started, as its reader left it.
#[derive(Debug)]
enum ChatSource {
    Json(json::schema::ChatRecord),
    Html(Box<html::ChatPlan>),
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
                ChatSource::Html(plan) => html::chat(*plan, &self.context),
            });
        }
    }
}

impl TelegramExport {
    /// What the admin should hear about the export before its first item (how its times were read).
    pub fn warnings(&self) -> &[crate::Text] {
        &self.warnings
    }
}

/// Opens `location`: a result.json or messages.html file, or the folder holding an export (result.json,
/// messages.html, or a full HTML export's export_results.html). Reads and checks every file of the
/// export; any problem is reported here, naming the file, the line and the field.
pub fn open(location: &Path, options: &ExportOptions) -> Result<TelegramExport, ExportError> {
    open_known(location, options, KnownChats::default())
}

/// `open`, keying each chat the archive already holds as it holds it (`KnownChats`), whichever format it was
/// imported in before.
pub fn open_known(
    location: &Path,
    options: &ExportOptions,
    known: KnownChats,
) -> Result<TelegramExport, ExportError> {
    match locate(location)? {
        Format::Json(path) => {
            let export = json::read(&path)?;
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let context = ExportContext {
                folder: ExportFolder::new(folder),
                timezone: options.timezone,
                directory: export.directory,
                known,
            };
            let chats: Vec<ChatSource> = export.chats.into_iter().map(ChatSource::Json).collect();
            Ok(TelegramExport { context, chats: chats.into_iter(), current: None, warnings: Vec::new() })
        }
        Format::Html(layout) => {
            let export = html::read(layout, options)?;
            let context = ExportContext {
                folder: export.folder,
                timezone: options.timezone,
                directory: export.directory,
                known,
            };
            let chats: Vec<ChatSource> =
                export.chats.into_iter().map(|plan| ChatSource::Html(Box::new(plan))).collect();
            Ok(TelegramExport { context, chats: chats.into_iter(), current: None, warnings: export.warnings })
        }
    }
}

/// Which reader an export needs.
enum Format {
    Json(PathBuf),
    Html(html::Layout),
}

/// The export at `location`, told from its files: result.json wins where an export holds both formats
/// (Telegram Desktop's "HTML and JSON" choice writes both into one folder).
fn locate(location: &Path) -> Result<Format, ExportError> {
    let metadata = std::fs::metadata(location)
        .map_err(|source| ExportError::Read { path: location.to_path_buf(), source })?;
    if !metadata.is_dir() {
        return Ok(if looks_like_html(location) {
            Format::Html(html::Layout::of_file(location))
        } else {
            Format::Json(location.to_path_buf())
        });
    }
    let candidate = location.join("result.json");
    if candidate.is_file() {
        return Ok(Format::Json(candidate));
    }
    if let Some(layout) = html::Layout::of_folder(location) {
        return Ok(Format::Html(layout));
    }
    Err(ExportError::Invalid {
        path: location.to_path_buf(),
        message: text!(
            "export.telegram.no_export_in_folder",
            "this folder has no result.json and no messages.html, so it is not a Telegram Desktop export. \
             Choose the folder Telegram Desktop created for the export (the one holding result.json, \
             messages.html or export_results.html), or one of those files."
        ),
    })
}

/// Whether the file starts like an HTML page (after any byte-order mark and white space), so a renamed
/// result.json is still read as JSON and a renamed messages.html as HTML.
fn looks_like_html(path: &Path) -> bool {
    let mut head = [0u8; 512];
    let read = std::fs::File::open(path).and_then(|mut file| file.read(&mut head)).unwrap_or(0);
    let text = head.get(..read).unwrap_or_default();
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}
