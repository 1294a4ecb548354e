//! The result.json reader (Telegram Desktop's "Machine-readable JSON" export, a single chat or the full
//! account): reads and checks the whole file once into compact `Message`s (never one big JSON tree) and
//! hands each chat to the shared item builder (`chat`). Any problem is reported when the file is opened,
//! naming the file, the line and the field. It does not build items itself or read media.

pub(super) mod record;
mod record_digest;
pub(super) mod schema;
mod text;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde::de::DeserializeSeed;
use serde_json::error::Category;

use super::chat::{ChatCursor, ChatHeader, ChatIdentity, ChatIndex, ExportContext};
use super::people::{user_handle, Directory};
use crate::sources::ExportError;
use crate::Text;
use record::strip_position;
use schema::{ChatRecord, ExportFileSeed, Trail};

/// What to tell the admin when the file is not what Telegram Desktop writes (the `{again}` of a problem).
fn again() -> Text {
    crate::text!(
        "export.telegram.json.export_again",
        "Export the data again from Telegram Desktop (Settings > Advanced > Export Telegram data, or a \
         chat's menu > Export chat history), choose the format \"Machine-readable JSON\", wait until it says \
         the export is done, and point Docket at the new result.json."
    )
}

/// A read result.json: its chats in file order and who the export names.
#[derive(Debug)]
pub(super) struct JsonExport {
    pub chats: Vec<ChatRecord>,
    pub directory: Directory,
}

/// Reads and checks the whole of `path`.
pub(super) fn read(path: &Path) -> Result<JsonExport, ExportError> {
    let file = File::open(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    let trail = Trail::default();
    let mut reader = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    let parsed = ExportFileSeed { trail: &trail }.deserialize(&mut reader).and_then(|file| {
        reader.end()?;
        Ok(file)
    });
    let export = parsed.map_err(|e| json_error(path, &e, &trail))?;

    let chats = match (export.chats, export.left_chats) {
        (None, None) => {
            let chat = export.chat;
            if chat.messages.is_none() {
                return Err(invalid(
                    path,
                    crate::text!(
                        "export.telegram.json.no_messages_or_chats",
                        "this file has neither a \"messages\" list (a single-chat export) nor a \"chats\" \
                         list (a full export), so it is not a Telegram Desktop result.json. {again}",
                        again = again()
                    ),
                ));
            }
            if chat.id.is_none() {
                return Err(invalid(
                    path,
                    crate::text!(
                        "export.telegram.json.chat_without_id",
                        "the chat has no \"id\" field. {again}",
                        again = again()
                    ),
                ));
            }
            vec![chat]
        }
        (chats, left) => chats.into_iter().flatten().chain(left.into_iter().flatten()).collect(),
    };
    let directory = Directory::new(export.personal_information.as_ref(), &export.contacts);
    Ok(JsonExport { chats, directory })
}

/// The item builder for one chat of result.json: keys from its chat id.
pub(super) fn chat(chat: ChatRecord, context: &ExportContext) -> ChatCursor {
    let id = chat.id.map(|id| id.into_text()).unwrap_or_default();
    let kind = chat.kind.as_deref().unwrap_or_default();
    let name = match chat.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ if kind == "saved_messages" => "Saved Messages".to_string(),
        _ => format!("Chat {id}"),
    };
    let counterpart = (kind == "personal_chat").then(|| {
        let handle = user_handle(id.parse().ok());
        context.directory.participant(name.clone(), handle.as_deref())
    });
    let messages = chat.messages.unwrap_or_default();
    let mut index = ChatIndex::default();
    for message in &messages {
        index.add(message, &context.directory, &name);
    }
    let header = ChatHeader { identity: ChatIdentity::Id(id), name, counterpart };
    ChatCursor::new(header, index, Box::new(messages.into_iter().map(Ok)), context)
}

/// A shape problem the whole file shares, with what to do about it.
fn invalid(path: &Path, message: Text) -> ExportError {
    ExportError::Invalid { path: path.to_path_buf(), message }
}

/// Not JSON at all (or cut short) is a `Parse` error at the line; JSON of the wrong shape is `Invalid`,
/// naming where in the file and which field.
///
/// `what` is the problem the reader's own checks recorded in `trail` (a message without an id), or else
/// serde_json's words, passed on as they came.
fn json_error(path: &Path, error: &serde_json::Error, trail: &Trail) -> ExportError {
    let detail = strip_position(error);
    let what = match trail.take_problem() {
        Some(problem) if problem.message == detail => problem,
        _ => Text::verbatim(detail.clone()),
    };
    let place = trail.describe();
    let (line, column) = (error.line(), error.column());
    match error.classify() {
        Category::Io => ExportError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::new(error.io_error_kind().unwrap_or(std::io::ErrorKind::Other), detail),
        },
        Category::Eof => ExportError::Parse {
            path: path.to_path_buf(),
            line,
            message: match place {
                Some(place) => crate::text!(
                    "export.telegram.json.ends_early_in",
                    "the file ends too early (in {place}): it is empty or was cut short while being copied. \
                     {again}",
                    again = again(),
                    place = place
                ),
                None => crate::text!(
                    "export.telegram.json.ends_early",
                    "the file ends too early: it is empty or was cut short while being copied. {again}",
                    again = again()
                ),
            },
        },
        Category::Syntax => ExportError::Parse {
            path: path.to_path_buf(),
            line,
            message: match place {
                Some(place) => crate::text!(
                    "export.telegram.json.not_json_in",
                    "column {column}: this is not valid JSON ({what}) (in {place}). The file may be damaged \
                     or edited. {again}",
                    again = again(),
                    column = column,
                    what = what,
                    place = place
                ),
                None => crate::text!(
                    "export.telegram.json.not_json",
                    "column {column}: this is not valid JSON ({what}). The file may be damaged or edited. \
                     {again}",
                    again = again(),
                    column = column,
                    what = what
                ),
            },
        },
        Category::Data => ExportError::Invalid {
            path: path.to_path_buf(),
            message: match place {
                Some(place) => crate::text!(
                    "export.telegram.json.wrong_shape_in",
                    "line {line}, column {column} (in {place}): {what}. Telegram Desktop does not write \
                     files like this. {again}",
                    again = again(),
                    line = line,
                    column = column,
                    place = place,
                    what = what
                ),
                None => crate::text!(
                    "export.telegram.json.wrong_shape",
                    "line {line}, column {column}: {what}. Telegram Desktop does not write files like this. \
                     {again}",
                    again = again(),
                    line = line,
                    column = column,
                    what = what
                ),
            },
        },
    }
}
