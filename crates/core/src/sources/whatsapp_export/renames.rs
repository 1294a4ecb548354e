//! A group's earlier names, as WhatsApp's own lines in the chat record them ("Alice changed the subject
//! from “Desk” to “Trading Desk”", "Alice created group “Desk”"), and the name the archive already knows a
//! chat by. An export is named after the group's current name, so without these a renamed group would start
//! new keys and archive its history again. English lines only (other languages' wording is not read: the
//! chat then keeps its file's name). It does not build keys (see `chat`).

use std::collections::{HashMap, HashSet};

use super::chat_name::chat_name;

/// The phrases that name an earlier group name, each followed by the name in quotes.
const FORMER_NAME_AFTER: [&str; 3] =
    [" changed the subject from ", " changed the group name from ", " created group "];

/// The group name a system line says the chat had before (or was created with), if it says one.
pub(super) fn former_name(system_text: &str) -> Option<String> {
    let text = system_text.trim();
    let rest =
        FORMER_NAME_AFTER.iter().find_map(|phrase| text.find(phrase).map(|at| &text[at + phrase.len()..]))?;
    quoted(rest)
}

/// The text between the opening quote at the start of `text` and its closing quote.
fn quoted(text: &str) -> Option<String> {
    let mut chars = text.chars();
    let close = match chars.next()? {
        '"' => '"',
        '\u{201C}' => '\u{201D}',
        '\u{00AB}' => '\u{00BB}',
        _ => return None,
    };
    let inner: String = chars.take_while(|c| *c != close).collect();
    let name = inner.trim();
    (!name.is_empty() && inner.len() < text.len()).then(|| name.to_string())
}

/// The WhatsApp chats an archive holds: their names, and the name each export file stood for when it was
/// archived under another one (a group renamed between exports).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownChats {
    names: HashSet<String>,
    by_file_name: HashMap<String, String>,
}

impl KnownChats {
    /// From the ledger's (chat, source id path) pairs: the path (`WhatsApp Chat with B.txt`,
    /// `WhatsApp Chat - B.zip/_chat.txt`) names the file the chat was read from.
    pub fn from_paths<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> KnownChats {
        let mut known = KnownChats::default();
        for (chat, path) in pairs {
            known.names.insert(chat.to_string());
            let file_name = name_from_path(path);
            if !file_name.is_empty() && file_name != chat {
                known.by_file_name.entry(file_name).or_insert_with(|| chat.to_string());
            }
        }
        known
    }

    /// The name a chat text's items are archived under. `file_name` is the name its export file gives,
    /// `former` the earlier names its own lines record, oldest first. The archive's name for this chat wins:
    /// the file's name when the archive has it, else the name this file stood for before, else an earlier
    /// name the archive has; a chat the archive does not know keeps its file's name.
    pub(super) fn identity(&self, file_name: &str, former: &[String]) -> String {
        if self.names.contains(file_name) {
            return file_name.to_string();
        }
        if let Some(archived) = self.by_file_name.get(file_name) {
            return archived.clone();
        }
        for name in former {
            if self.names.contains(name) {
                return name.clone();
            }
            if let Some(archived) = self.by_file_name.get(name) {
                return archived.clone();
            }
        }
        file_name.to_string()
    }
}

/// The chat name an export path gives, as `locations` names chat texts: the file's stem, or for an iOS
/// `_chat.txt` the stem of the zip or folder holding it.
fn name_from_path(path: &str) -> String {
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next().unwrap_or_default();
    let container = parts.next().map(|c| c.trim_end_matches(".zip").trim_end_matches(".ZIP"));
    chat_name(file.trim_end_matches(".txt").trim_end_matches(".TXT"), container)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_changes_and_group_creation_name_the_former_name() {
        assert_eq!(
            former_name("Alice changed the subject from \"Desk\" to \"Trading Desk\""),
            Some("Desk".into())
        );
        assert_eq!(
            former_name("You changed the subject from \u{201C}Desk\u{201D} to \u{201C}FX\u{201D}"),
            Some("Desk".into())
        );
        assert_eq!(former_name("Bob changed the group name from \"A\" to \"B\""), Some("A".into()));
        assert_eq!(former_name("Alice created group \"Desk\""), Some("Desk".into()));
        assert_eq!(former_name("Alice changed the subject to \u{201C}FX\u{201D}"), None);
        assert_eq!(former_name("Messages are end-to-end encrypted."), None);
    }

    #[test]
    fn the_archive_name_wins_over_the_file_name() {
        let known = KnownChats::from_paths([
            ("Desk", "WhatsApp Chat with Desk.txt"),
            ("Desk", "WhatsApp Chat - Trading Desk.zip/_chat.txt"),
        ]);
        assert_eq!(known.identity("Desk", &[]), "Desk");
        assert_eq!(known.identity("Trading Desk", &[]), "Desk", "the file archived under Desk before");
        assert_eq!(known.identity("FX Desk", &["Trading Desk".into()]), "Desk");
        assert_eq!(known.identity("Other", &[]), "Other");
        assert_eq!(KnownChats::default().identity("Trading Desk", &["Desk".into()]), "Trading Desk");
    }
}
