//! One page of a chat in the HTML export (`messages.html`, `messages2.html`, ...): read from disk (UTF-8,
//! at most `MAX_PAGE_BYTES`), checked to be a whole Telegram Desktop chat page (a chat header, the
//! message history, and the closing `</html>` a page cut short lacks), and read block by block into
//! `Message`s in page order, with the chat's name and the link to the next page. One page is in memory
//! at a time. It does not decide how a chat's pages follow each other (`html`) nor build items.

use std::path::Path;

use crate::sources::telegram_export::message::Message;
use crate::sources::ExportError;
use crate::{text, Text};

use super::again;
use super::record::{self, ChatState, Page};
use super::tree::{Document, TreeError, MAX_NODES};

/// A page of 1000 messages is a few megabytes; a file far larger is not a Telegram messages page.
const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// What a page holds besides its messages.
#[derive(Debug, Default)]
pub(super) struct PageInfo {
    /// The name in the page header (the chat's name).
    pub chat_name: Option<String>,
    /// The target of the page's "Next messages" link.
    pub next_page: Option<String>,
}

fn invalid(path: &Path, message: Text) -> ExportError {
    ExportError::Invalid { path: path.to_path_buf(), message }
}

/// The text of the page at `path`, whose folder is `base` (relative to the export folder).
pub(super) fn load(path: &Path) -> Result<String, ExportError> {
    let size = std::fs::metadata(path)
        .map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?
        .len();
    if size > MAX_PAGE_BYTES {
        return Err(invalid(
            path,
            text!(
                "export.telegram.html.page_too_large",
                "this file is {size} bytes, far larger than a Telegram Desktop messages page (those hold \
                 1000 messages), so it is not one. {again}",
                again = again(),
                size = size
            ),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let line = 1 + error.as_bytes().get(..valid).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        ExportError::Parse {
            path: path.to_path_buf(),
            line,
            message: text!(
                "export.telegram.html.page_not_utf8",
                "this is not UTF-8 text, which Telegram Desktop always writes; the file is damaged or not an \
                 export page. {again}",
                again = again()
            ),
        }
    })
}

/// Reads the page `text` of `page`, carrying `state` from the page before.
pub(super) fn read(
    text: &str,
    page: &Page<'_>,
    state: &mut ChatState,
) -> Result<(PageInfo, Vec<Message>), ExportError> {
    let doc = Document::parse(text).map_err(|TreeError::TooLarge| {
        invalid(
            page.file,
            text!(
                "export.telegram.html.page_too_much_markup",
                "this file holds more than {limit} pieces of markup, far more than a Telegram Desktop \
                 messages page, so it is not one. {again}",
                again = again(),
                limit = MAX_NODES
            ),
        )
    })?;
    let mut info = PageInfo::default();
    let mut has_history = false;
    let mut messages = Vec::new();
    let mut at = doc.next_in_order(0);
    while let Some(node) = at {
        let Some(tag) = doc.tag(node) else {
            at = doc.next_in_order(node);
            continue;
        };
        if tag.has_class("page_header") && info.chat_name.is_none() {
            let name = doc.find(node, &["text", "bold"]).map(|n| doc.text(n).trim().to_string());
            info.chat_name = Some(name.unwrap_or_default());
            at = doc.next_after(node);
        } else if tag.has_class("message")
            && (tag.has_class("default") || tag.has_class("service"))
            && tag.attr("id").is_some_and(|id| id.starts_with("message"))
        {
            messages.extend(record::read(&doc, node, page, state)?);
            at = doc.next_after(node);
        } else if tag.is("a") && tag.has_class("pagination") {
            if doc.text(node).contains("Next") {
                info.next_page = tag.attr("href").map(|h| h.into_owned());
            }
            at = doc.next_after(node);
        } else {
            has_history |= tag.has_class("history");
            at = doc.next_in_order(node);
        }
    }
    if !has_history && messages.is_empty() {
        return Err(invalid(
            page.file,
            text!(
                "export.telegram.html.page_without_history",
                "this is not a page of a Telegram Desktop chat export: it has no message history. Choose the \
                 folder Telegram Desktop created for the export (the one holding messages.html or \
                 export_results.html). {again}",
                again = again()
            ),
        ));
    }
    if info.chat_name.is_none() {
        return Err(invalid(
            page.file,
            text!(
                "export.telegram.html.page_without_chat_name",
                "this page has no chat name in its header, so it is not a page Telegram Desktop wrote. \
                 {again}",
                again = again()
            ),
        ));
    }
    let end = text.trim_end();
    if !end.get(end.len().saturating_sub(7)..).is_some_and(|tail| tail.eq_ignore_ascii_case("</html>")) {
        return Err(ExportError::Parse {
            path: page.file.to_path_buf(),
            line: 1 + text.bytes().filter(|&b| b == b'\n').count(),
            message: text!(
                "export.telegram.html.page_ends_early",
                "the file ends too early: it was cut short while being copied or written. {again}",
                again = again()
            ),
        });
    }
    Ok((info, messages))
}
