//! The pages of a full HTML export that are not chats: `lists/chats.html` (every chat with messages, in
//! the export's order: its name, its kind and the link to its first page) and `export_results.html`
//! (the account owner's name and phone number). Neither page carries a Telegram id. It does not read the
//! chats themselves (`page`) nor check that their links stay inside the export (`html`).

use std::path::Path;

use crate::model::Participant;
use crate::sources::ExportError;
use crate::text;

use super::again;
use super::page::load;
use super::tree::{Document, TreeError};

/// One entry of `lists/chats.html` that links to a chat's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ListedChat {
    /// The link as written, relative to `lists/`.
    pub href: String,
    pub name: String,
    /// `private`, `bot`, `group` or `channel`.
    pub kind: String,
}

fn parse<'a>(path: &Path, text: &'a str) -> Result<Document<'a>, ExportError> {
    Document::parse(text).map_err(|TreeError::TooLarge| ExportError::Invalid {
        path: path.to_path_buf(),
        message: text!(
            "export.telegram.html.list_too_much_markup",
            "this file holds far more markup than Telegram Desktop writes here. {again}",
            again = again()
        ),
    })
}

/// The chats `lists/chats.html` links to, in order (chats without exported messages have no link).
pub(super) fn chats(path: &Path) -> Result<Vec<ListedChat>, ExportError> {
    let text = load(path)?;
    let doc = parse(path, &text)?;
    let mut chats = Vec::new();
    for node in doc.descendants(0) {
        let Some(tag) = doc.tag(node).filter(|t| t.is("a") && t.has_class("entry")) else { continue };
        let Some(href) = tag.attr("href") else { continue };
        let href = href.split('#').next().unwrap_or_default().to_string();
        let part = |class: &str| {
            doc.find(node, &[class]).map(|n| doc.text(n).trim().to_string()).unwrap_or_default()
        };
        chats.push(ListedChat { href, name: part("name"), kind: part("info") });
    }
    Ok(chats)
}

/// The account owner from `export_results.html`'s personal information, when it names one.
pub(super) fn owner(path: &Path) -> Result<Option<Participant>, ExportError> {
    let text = load(path)?;
    let doc = parse(path, &text)?;
    let Some(info) = doc.find(0, &["personal_info"]) else { return Ok(None) };
    let mut first = String::new();
    let mut last = String::new();
    let mut phone = None;
    for row in doc.descendants(info).filter(|&n| doc.tag(n).is_some_and(|t| t.has_class("row"))) {
        let part =
            |class: &str| doc.find(row, &[class]).map(|n| doc.text(n).trim().to_string()).unwrap_or_default();
        let value = part("value");
        match part("label").as_str() {
            "First name" => first = value,
            "Last name" => last = value,
            "Phone number" if !value.is_empty() => phone = Some(value),
            _ => {}
        }
    }
    let name = [first, last].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    let display_name = if name.is_empty() { "Account owner".to_string() } else { name };
    Ok(Some(Participant { display_name, phone, email: None, handle: None, mailbox: None }))
}
