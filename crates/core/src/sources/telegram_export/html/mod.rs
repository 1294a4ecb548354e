//! The HTML export reader (Telegram Desktop's default export format): a single chat (`messages.html`,
//! `messages2.html`, ... beside `photos/`, `files/`, `video_files/`, `voice_messages/`,
//! `round_video_messages/`, `stickers/`) or a full export (`export_results.html`, `lists/chats.html`,
//! `chats/chat_NNN/messages*.html`). Opening reads every page once, one page at a time, to check it and to
//! learn each chat's roster and the date of every message id (replies need both before the first item);
//! items are then made by reading the pages again, one at a time, into the shared item builder (`chat`).
//! Memory holds one page and, per chat, its roster and an id-to-date index. Media are named, confined to
//! the export folder and read later, never here. It does not read result.json (`json`).
//!
//! # How an item from the HTML export differs from the same message read from result.json
//! Where both carry the same information the item is the same, down to the rendered email. These differ,
//! because the HTML export does not carry what result.json does (checked against Telegram Desktop's
//! `export_output_html.cpp`):
//! - **Keys.** No HTML page carries a chat id (a full export's `chat_NNN` folders are list positions). Keys
//!   are built from the chat's name as its pages' header shows it and the message id, and the source id
//!   reads `html:<chat>:<message id>`. So no HTML key equals the result.json key of the same message on its
//!   own; what keeps one chat imported in both formats from being archived twice is the ledger: the
//!   connector tells the reader how the archive already keys a chat of that name (`KnownChats`), and the
//!   second format adopts the first one's keys (a chat id for an HTML chat already imported from
//!   result.json, the page name for a result.json chat already imported as HTML). That needs the chat's
//!   name to read the same in both (a personal chat's does not: see Chat names), and a ledger that holds
//!   the first import. HTML keys are the same for every HTML export
//!   of a chat, single-chat or full, while the chat keeps its name; a renamed chat's messages get new
//!   keys. Two chats of one name share the chat part of their keys, and their messages are told apart by
//!   id and time only: ids are unique across an account's personal chats and basic groups, so only two
//!   supergroups or channels of one name with a message of the same id sent in the same second collide.
//! - **People.** No user ids: participants have no Telegram handle, so their addresses are made from
//!   their names, contacts' phone numbers cannot be matched, and two people of one name are one. Only the
//!   owner's phone number (a full export's `export_results.html`) is known, given to the owner's name.
//! - **Times.** No exact instants. Since Telegram Desktop 3.7.6 a title states the UTC offset of the
//!   exporting computer's standard time, also on daylight-saving dates; it is taken as stated unless the
//!   time zone Docket is given has that standard offset (then every time is read in that zone, daylight
//!   saving included), and the run warns when summer times may be an hour off. Older exports state no
//!   offset: times are read in the given zone and each item says so.
//! - **Service messages** (joins, title changes, pins...) carry only their day: they are dated at the
//!   start of it, with a note. Their sentences are read back into result.json's events where Docket knows
//!   them and kept as Telegram wrote them otherwise. Phone calls keep their time; one that lasted no
//!   time and was neither missed nor declined says only "phone call" (result.json adds "hangup" or
//!   "disconnect").
//! - **Edits** are not in the HTML export: no "edited at" note.
//! - **Forwards** show the original's date ("first sent at" note, which result.json lacks). A message
//!   saved to Saved Messages from another chat shows its original sender as the sender, not as a forward.
//! - **A reply to another chat's message** names no message id.
//! - **Chat names.** A personal chat is named "First Last" (result.json: the first name only); Saved
//!   Messages in a single-chat export is named after the owner; a single-chat export does not say what
//!   kind of chat it is, so the other person of a personal chat is a recipient only if they wrote.
//! - **Media.** No MIME types (attachments' types come from their file names); a sticker shown as a
//!   picture carries no emoji; a missing audio file is named "audio file".
//! - **Text.** A text link whose target is a mention's `t.me` link, or `mailto:`/`tel:` and its own text,
//!   reads as plain text; Unicode line and paragraph separators read as line breaks.
//! - **Record digest**: SHA-256 of the message's block as written in its page.

mod date;
mod lists;
mod media;
mod page;
mod record;
mod service;
mod text;
mod tokens;
mod tree;
mod zone;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::chat::{ChatCursor, ChatHeader, ChatIdentity, ChatIndex, ExportContext};
use super::media::ExportFolder;
use super::message::Message;
use super::people::Directory;
use crate::sources::confine::{relative_segments, ExportRoot, Refusal};
use crate::sources::{ExportError, ExportOptions};
use crate::Text;
use media::export_path;
use record::{ChatState, Page};
use zone::{Times, ZonePolicy};

/// What to tell the admin when a page is not what Telegram Desktop writes (the `{again}` of a problem).
fn again() -> Text {
    crate::text!(
        "export.telegram.html.export_again",
        "Export the chat again from Telegram Desktop (a chat's menu > Export chat history, or Settings > \
         Advanced > Export Telegram data), wait until it says the export is done, copy the whole export \
         folder, and point Docket at it."
    )
}

/// Where an HTML export's pages are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Layout {
    /// One chat. `root` is the export folder media paths are confined to; `folder` the chat's folder below
    /// it; `first` its first page. `alone`: read only that page (a renamed page given directly).
    Chat { root: PathBuf, folder: Vec<String>, first: String, alone: bool },
    /// A full export in `root`.
    Full { root: PathBuf },
}

impl Layout {
    /// The HTML export in the folder `dir`, if it holds one.
    pub(super) fn of_folder(dir: &Path) -> Option<Layout> {
        if dir.join("messages.html").is_file() {
            let (root, folder) = chat_folder(dir);
            return Some(Layout::Chat { root, folder, first: "messages.html".into(), alone: false });
        }
        let full =
            dir.join("export_results.html").is_file() || dir.join("lists").join("chats.html").is_file();
        full.then(|| Layout::Full { root: dir.to_path_buf() })
    }

    /// The export an HTML page given directly belongs to: a full export for `export_results.html`, the
    /// chat from its first page for `messagesN.html` (inside its full export when it is a chat of one).
    pub(super) fn of_file(file: &Path) -> Layout {
        let parent =
            file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name == "export_results.html" {
            return Layout::Full { root: parent };
        }
        let is_page = name
            .strip_prefix("messages")
            .and_then(|n| n.strip_suffix(".html"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        let (first, alone) = if is_page && parent.join("messages.html").is_file() {
            ("messages.html".to_string(), false)
        } else {
            (name, true)
        };
        let (root, folder) = chat_folder(&parent);
        Layout::Chat { root, folder, first, alone }
    }
}

/// The export folder and the chat's folder below it for the chat in `dir`: a full export's
/// `chats/chat_NNN` (whose pages link to media from the export's top folder) or a folder of its own.
fn chat_folder(dir: &Path) -> (PathBuf, Vec<String>) {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let full_root = dir
        .parent()
        .filter(|chats| chats.file_name().is_some_and(|n| n == "chats"))
        .and_then(Path::parent)
        .filter(|root| root.join("export_results.html").is_file());
    match full_root {
        Some(root) => (root.to_path_buf(), vec!["chats".into(), name]),
        None => (dir.to_path_buf(), Vec::new()),
    }
}

/// A read HTML export.
#[derive(Debug)]
pub(super) struct HtmlExport {
    pub chats: Vec<ChatPlan>,
    pub folder: ExportFolder,
    pub directory: Directory,
    pub warnings: Vec<crate::Text>,
}

/// A checked chat, ready to be read again into items.
#[derive(Debug)]
pub(super) struct ChatPlan {
    header: ChatHeader,
    index: ChatIndex,
    pages: Vec<PathBuf>,
    /// The chat's folder relative to the export folder (pages' links are relative to it).
    base: Vec<String>,
    policy: ZonePolicy,
}

/// One chat to read: its folder, first page, and its entry in `lists/chats.html`.
struct ChatEntry {
    folder: Vec<String>,
    first: String,
    alone: bool,
    listed: Option<lists::ListedChat>,
}

/// Reads and checks every page of the export `layout` names.
pub(super) fn read(layout: Layout, options: &ExportOptions) -> Result<HtmlExport, ExportError> {
    let (root, entries, owner) = match layout {
        Layout::Chat { root, folder, first, alone } => {
            (root, vec![ChatEntry { folder, first, alone, listed: None }], None)
        }
        Layout::Full { root } => {
            let results = root.join("export_results.html");
            let owner = if results.is_file() { lists::owner(&results)? } else { None };
            let entries = full_export_chats(&root)?;
            (root, entries, owner)
        }
    };
    let folder = ExportFolder::new(&root);
    let directory = Directory::of_owner(owner);
    let mut warnings = Vec::new();
    let mut chats = Vec::new();
    for entry in entries {
        chats.push(plan(entry, folder.root(), &directory, options.timezone, &mut warnings)?);
    }
    Ok(HtmlExport { chats, folder, directory, warnings })
}

/// The chats of a full export, from `lists/chats.html` or, without it, every `chats/*/messages.html`.
fn full_export_chats(root: &Path) -> Result<Vec<ChatEntry>, ExportError> {
    let list = root.join("lists").join("chats.html");
    if !list.is_file() {
        let mut folders: Vec<String> = std::fs::read_dir(root.join("chats"))
            .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        folders.sort();
        return Ok(folders
            .into_iter()
            .filter(|f| root.join("chats").join(f).join("messages.html").is_file())
            .map(|f| ChatEntry {
                folder: vec!["chats".into(), f],
                first: "messages.html".into(),
                alone: false,
                listed: None,
            })
            .collect());
    }
    let mut entries = Vec::new();
    for listed in lists::chats(&list)? {
        let Some(path) = export_path(&["lists".to_string()], &listed.href) else {
            return Err(ExportError::Invalid {
                path: list,
                message: crate::text!(
                    "export.telegram.html.chat_link_outside",
                    "it links to the chat page \"{link}\", which is outside the export folder, so Docket \
                     does not read it. {again}",
                    again = again(),
                    link = listed.href
                ),
            });
        };
        let mut folder: Vec<String> = path.split('/').map(str::to_string).collect();
        let first = folder.pop().unwrap_or_default();
        entries.push(ChatEntry { folder, first, alone: false, listed: Some(listed) });
    }
    Ok(entries)
}

/// The page `name` in the chat folder `folder`, confined to the export folder.
fn page_path(root: &ExportRoot, folder: &[String], name: &str) -> Result<PathBuf, (PathBuf, Text)> {
    let relative = folder.iter().map(String::as_str).chain([name]).collect::<Vec<_>>().join("/");
    root.file(&relative).map_err(|_| (root.path().join(&relative), page_refusal(root, &relative)))
}

/// Why `ExportRoot::file` refused the page `relative`, in the words it uses.
fn page_refusal(root: &ExportRoot, relative: &str) -> Text {
    let shown = relative.trim();
    match relative_segments(shown) {
        None => crate::text!(
            "export.telegram.html.page_path_outside",
            "its path \"{path}\" points outside the export folder, so Docket did not read it",
            path = shown
        ),
        Some(segments) if segments.is_empty() => {
            crate::text!("export.telegram.html.page_without_path", "the export gives no path for it")
        }
        Some(segments) => {
            let path = segments.iter().fold(root.path().to_path_buf(), |path, segment| path.join(segment));
            match root.confined(&path) {
                Err(Refusal::Outside) => crate::text!(
                    "export.telegram.html.page_link_outside",
                    "\"{path}\" links to a file outside the export folder, so Docket did not read it",
                    path = shown
                ),
                _ => crate::text!(
                    "export.telegram.html.page_absent",
                    "\"{path}\" is not in the export folder",
                    path = shown
                ),
            }
        }
    }
}

/// Reads every page of one chat: its name, roster, index and how its times are read.
fn plan(
    entry: ChatEntry,
    root: &ExportRoot,
    directory: &Directory,
    zone: Tz,
    warnings: &mut Vec<crate::Text>,
) -> Result<ChatPlan, ExportError> {
    let missing = |(path, reason): (PathBuf, Text)| ExportError::Invalid {
        path,
        message: crate::text!(
            "export.telegram.html.page_unreadable",
            "this chat page cannot be read: {reason}. {again}",
            again = again(),
            reason = reason
        ),
    };
    let mut pages = vec![page_path(root, &entry.folder, &entry.first).map_err(missing)?];
    let mut state = ChatState::default();
    let mut index = ChatIndex::default();
    let mut times = Times::default();
    let mut header: Option<(String, String)> = None;
    let mut number = 1;
    loop {
        let path = pages.last().cloned().unwrap_or_default();
        let text = page::load(&path)?;
        let (info, messages) = page::read(&text, &Page { file: &path, base: &entry.folder }, &mut state)?;
        let (_, display) = header.get_or_insert_with(|| {
            let page_name = info.chat_name.clone().unwrap_or_default();
            let display = match entry.listed.as_ref().map(|l| l.name.as_str()) {
                Some("Saved messages") => "Saved Messages".to_string(),
                Some(listed) if !listed.is_empty() => listed.to_string(),
                _ if page_name.is_empty() => "Deleted Account".to_string(),
                _ => page_name.clone(),
            };
            (page_name, display)
        });
        for message in &messages {
            index.add(message, directory, display);
            times.add(message);
        }
        if entry.alone {
            break;
        }
        number += 1;
        match page_path(root, &entry.folder, &format!("messages{number}.html")) {
            Ok(next) => pages.push(next),
            Err(_) if info.next_page.is_none() => break,
            Err((_, reason)) => {
                return Err(ExportError::Invalid {
                    path,
                    message: crate::text!(
                        "export.telegram.html.next_page_missing",
                        "this page links to its next page, {page}, but {reason}: the export was not copied \
                         whole. Copy the whole export folder again, or export again.",
                        page = format!("messages{number}.html"),
                        reason = reason
                    ),
                })
            }
        }
    }
    let (page_name, name) = header.unwrap_or_default();
    let counterpart = entry
        .listed
        .as_ref()
        .filter(|l| {
            l.kind == "private"
                && !["Saved messages", "Replies", "Verification Codes"].contains(&l.name.as_str())
        })
        .map(|_| directory.participant(name.clone(), None));
    let policy = times.policy(zone, root.path(), warnings);
    let header = ChatHeader { identity: ChatIdentity::Named(page_name), name, counterpart };
    Ok(ChatPlan { header, index, pages, base: entry.folder, policy })
}

/// The item builder for one chat of the HTML export, reading its pages again one at a time.
pub(super) fn chat(plan: ChatPlan, context: &ExportContext) -> ChatCursor {
    let messages = PageMessages {
        pages: plan.pages.into_iter(),
        current: Vec::new().into_iter(),
        state: ChatState::default(),
        base: plan.base,
        policy: plan.policy,
        failed: false,
    };
    ChatCursor::new(plan.header, plan.index, Box::new(messages), context)
}

/// A chat's messages, one page in memory at a time.
struct PageMessages {
    pages: std::vec::IntoIter<PathBuf>,
    current: std::vec::IntoIter<Message>,
    state: ChatState,
    base: Vec<String>,
    policy: ZonePolicy,
    failed: bool,
}

impl Iterator for PageMessages {
    type Item = Result<Message, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(mut message) = self.current.next() {
                self.policy.apply(&mut message);
                return Some(Ok(message));
            }
            if self.failed {
                return None;
            }
            let path = self.pages.next()?;
            let page = Page { file: &path, base: &self.base };
            match page::load(&path).and_then(|text| page::read(&text, &page, &mut self.state)) {
                Ok((_, messages)) => self.current = messages.into_iter(),
                Err(error) => {
                    self.failed = true;
                    return Some(Err(error));
                }
            }
        }
    }
}
