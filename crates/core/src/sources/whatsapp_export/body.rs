//! What follows a header: who sent it (or that WhatsApp itself wrote it), and a message's text split from
//! the markers WhatsApp writes in it (media left out or attached, a deletion, an edit; the words are in
//! `markers`). It does not find the media files (see `media`) or build items (see `chat`).

use super::header::{strip_marks, Layout};
use super::markers::{
    android_attachment, deletion, ios_attachment, is_sender_marker, omitted_document_with_title,
    omitted_media, without_edited_suffix, DeletedBy, MediaKind, Omission,
};
use crate::model::Participant;

/// The sender name used for lines WhatsApp itself wrote.
pub(super) const SYSTEM_SENDER: &str = "WhatsApp";

/// The first line of a message after its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Body<'a> {
    Message {
        sender: String,
        text: &'a str,
    },
    /// Written by WhatsApp: encryption notices, members added or leaving, subject changes, calls.
    System {
        text: &'a str,
    },
}

/// Splits `Name: text` at the first `: `. A line with none, or whose "name" holds quotation marks (a
/// subject change such as `Alice changed the subject to "Q3: plan"`), is a system line. iOS also writes
/// system texts under a name (the group's), marked with a leading U+200E; marked texts that are
/// attachments, omitted media or deletions stay messages. Android has no such mark, so a text there that
/// starts with a direction mark (right-to-left writing) stays a message.
pub(super) fn classify(body: &str, layout: Layout) -> Body<'_> {
    let split = match body.find(": ") {
        Some(at) => Some((at, at + 2)),
        None => body.strip_suffix(':').map(|name| (name.len(), body.len())),
    };
    let Some((name_end, text_start)) = split else {
        return Body::System { text: body };
    };
    let (Some(name), Some(text)) = (body.get(..name_end), body.get(text_start..)) else {
        return Body::System { text: body };
    };
    let sender = strip_marks(name).trim().to_string();
    let quoted =
        sender.chars().any(|c| matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{AB}' | '\u{BB}'));
    if sender.is_empty() || quoted {
        return Body::System { text: body };
    }
    if layout == Layout::Ios && text.starts_with('\u{200E}') && !is_sender_marker(text) && !is_location(text)
    {
        return Body::System { text };
    }
    Body::Message { sender, text }
}

/// A media marker as it stood in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OmittedMedia {
    pub omission: Omission,
    /// The marker line as written (without the leading U+200E iOS adds).
    pub written: String,
}

/// A message's text with its markers taken out, and what they said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct MessageParts {
    pub text: String,
    pub attachment_names: Vec<String>,
    pub omitted: Vec<OmittedMedia>,
    /// The message is a deletion tombstone: who deleted it, and the tombstone as written.
    pub deleted: Option<(DeletedBy, String)>,
    /// The "edited" suffix as written, when the message ends in one.
    pub edited: Option<String>,
}

/// Reads a message's lines (the first is the text after `Name: `). Marker lines are removed; the rest of
/// a line holding an iOS marker (a document's title, a caption) and all other lines stay, without the
/// leading U+200E iOS adds (other direction marks are the writer's and stay). A tombstone becomes
/// `deleted` and leaves no text; an "edited" suffix on the last line becomes `edited`.
pub(super) fn message_parts(lines: &[&str]) -> MessageParts {
    let mut parts = MessageParts::default();
    if let [only] = lines {
        if let Some(deletion) = deletion(only) {
            parts.deleted = Some((deletion, without_leading_lrm(only.trim()).to_string()));
            return parts;
        }
    }
    let mut kept: Vec<String> = Vec::with_capacity(lines.len());
    let last = lines.len().saturating_sub(1);
    for (index, line) in lines.iter().enumerate() {
        let mut line = (*line).to_string();
        if index == last {
            if let Some((before, marker)) = without_edited_suffix(&line) {
                parts.edited = Some(marker);
                line = before;
                if line.trim().is_empty() {
                    continue;
                }
            }
        }
        if let Some(omission) = omitted_media(&line) {
            parts
                .omitted
                .push(OmittedMedia { omission, written: without_leading_lrm(line.trim()).to_string() });
            continue;
        }
        if let Some(title) = omitted_document_with_title(&line) {
            let written = line.trim();
            let marker_at = written.rfind(['\u{200E}', '\u{200F}']).unwrap_or(0);
            let marker = written.get(marker_at..).unwrap_or(written);
            let omission = Omission { kind: MediaKind::Document, view_once: false };
            parts.omitted.push(OmittedMedia { omission, written: without_leading_lrm(marker).to_string() });
            kept.push(title);
            continue;
        }
        let clean = strip_marks(&line);
        if index == 0 {
            if let Some(name) = android_attachment(&clean) {
                parts.attachment_names.push(name);
                continue;
            }
        }
        if let Some((name, rest)) = ios_attachment(&clean) {
            parts.attachment_names.push(name);
            if !rest.is_empty() {
                kept.push(rest);
            }
            continue;
        }
        kept.push(line.trim_start_matches('\u{200E}').to_string());
    }
    parts.text = kept.join("\n").trim_end().to_string();
    parts
}

fn without_leading_lrm(text: &str) -> &str {
    text.trim_start_matches('\u{200E}')
}

/// iOS's shared location (`location: https://…`), which carries the U+200E mark yet is the sender's.
fn is_location(text: &str) -> bool {
    strip_marks(text).trim().to_lowercase().starts_with("location: ")
}

/// A sender as a participant; names that look like phone numbers also fill `phone`.
pub(super) fn participant(name: &str) -> Participant {
    let mut participant = Participant::named(name);
    if looks_like_phone(name) {
        let spaced = name.replace(['\u{00A0}', '\u{202F}'], " ");
        participant.phone = Some(spaced);
    }
    participant
}

/// Starts with `+` or a digit and holds only digits, spaces, dashes, parentheses and dots.
fn looks_like_phone(name: &str) -> bool {
    let mut chars = name.chars();
    let starts = chars.next().is_some_and(|c| c == '+' || c.is_ascii_digit());
    let rest_fits = chars
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '-' | '(' | ')' | '.'));
    starts && rest_fits && name.chars().filter(char::is_ascii_digit).count() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_colon_space_ends_the_sender() {
        assert_eq!(
            classify("Alice: re: budget", Layout::Android),
            Body::Message { sender: "Alice".into(), text: "re: budget" }
        );
        assert_eq!(classify("Alice added Bob", Layout::Ios), Body::System { text: "Alice added Bob" });
        let subject = "Alice changed the subject to \"Q3: plan\"";
        assert_eq!(classify(subject, Layout::Ios), Body::System { text: subject });
        assert_eq!(classify("Bob:", Layout::Ios), Body::Message { sender: "Bob".into(), text: "" });
    }

    #[test]
    fn ios_marked_texts_are_system_unless_they_are_media() {
        assert!(matches!(classify("Team: \u{200E}Alice added Bob", Layout::Ios), Body::System { .. }));
        assert!(matches!(
            classify("Bob: \u{200E}<attached: 00000003-PHOTO.jpg>", Layout::Ios),
            Body::Message { .. }
        ));
        assert!(matches!(classify("Bob: \u{200E}image omitted", Layout::Ios), Body::Message { .. }));
        assert!(matches!(
            classify("Dana: \u{200F}\u{5E9}\u{5DC}\u{5D5}\u{5DD}", Layout::Ios),
            Body::Message { .. }
        ));
        assert!(matches!(classify("Dana: \u{200E}marked", Layout::Android), Body::Message { .. }));
    }

    #[test]
    fn markers_are_removed_and_captions_kept() {
        let android = message_parts(&["IMG-1.jpg (file attached)", "the site"]);
        assert_eq!(
            (android.text.as_str(), android.attachment_names),
            ("the site", vec!["IMG-1.jpg".to_string()])
        );
        let ios =
            message_parts(&["\u{200E}Report.pdf \u{2022} \u{200E}3 pages \u{200E}<attached: 07-Report.pdf>"]);
        assert_eq!(ios.text, "Report.pdf \u{2022} 3 pages");
        assert_eq!(ios.attachment_names, vec!["07-Report.pdf".to_string()]);
        let omitted = message_parts(&["<Medien ausgeschlossen>"]);
        assert_eq!(omitted.omitted[0].omission.kind, MediaKind::Unspecified);
        assert_eq!(
            (omitted.omitted[0].written.as_str(), omitted.text.as_str()),
            ("<Medien ausgeschlossen>", "")
        );
        let document = message_parts(&["\u{200E}Plan.pdf \u{2022} \u{200E}2 pages \u{200E}document omitted"]);
        assert_eq!(document.text, "Plan.pdf \u{2022} 2 pages");
        assert_eq!(
            (document.omitted[0].omission.kind, document.omitted[0].written.as_str()),
            (MediaKind::Document, "document omitted")
        );
    }

    #[test]
    fn tombstones_and_edit_suffixes_become_facts_not_text() {
        let deleted = message_parts(&["\u{200E}You deleted this message."]);
        assert_eq!(deleted.deleted, Some((DeletedBy::Exporter, "You deleted this message.".to_string())));
        assert!(deleted.text.is_empty());
        let edited = message_parts(&["first line", "second <Dit bericht is bewerkt>"]);
        assert_eq!(edited.text, "first line\nsecond");
        assert_eq!(edited.edited.as_deref(), Some("<Dit bericht is bewerkt>"));
        let quoted = message_parts(&["This message was deleted", "by me, sorry"]);
        assert_eq!((quoted.deleted, quoted.text.as_str()), (None, "This message was deleted\nby me, sorry"));
    }

    #[test]
    fn ios_tombstones_in_any_language_stay_with_their_sender() {
        let body = "Ana: \u{200E}Se eliminó este mensaje.";
        assert!(matches!(classify(body, Layout::Ios), Body::Message { sender, .. } if sender == "Ana"));
        let attached = "Ana: \u{200E}<adjunto: 00000009-PHOTO.jpg>";
        assert!(matches!(classify(attached, Layout::Ios), Body::Message { .. }));
    }

    #[test]
    fn phone_like_names_fill_phone() {
        assert_eq!(participant("+44 7700 900123").phone.as_deref(), Some("+44 7700 900123"));
        assert_eq!(participant("0170-123.45 (6)").phone.as_deref(), Some("0170-123.45 (6)"));
        assert_eq!(participant("Alice 2").phone, None);
        assert_eq!(participant("2nd shift").phone, None);
    }
}
