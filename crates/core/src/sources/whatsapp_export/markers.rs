//! The words WhatsApp writes into an export in place of content or beside it, in the languages Docket
//! reads: deleted-message tombstones, the "edited" suffix, "view once" placeholders, media-omitted
//! markers (Android's generic `<Media omitted>` and iOS's `image omitted` and the like, by kind), and
//! attachment markers (iOS `<attached: NAME>`, Android `NAME (file attached)`). It recognises them and
//! says what they mean; it does not decide what an item becomes (see `body` and `chat`).
//!
//! The words themselves, by language, and where they come from, are in `marker_words`.
//!
//! Markers are compared without invisible marks, with runs of spaces taken as one and without regard to
//! case; a tombstone may end in a full stop (`.`, `。`, `۔`) or not.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::header::{is_invisible_mark, strip_marks};
use super::marker_words::{ENGLISH_EXTRA, KIND_ORDER, LANGUAGES};

/// What kind of media a marker says was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaKind {
    /// Android's `<Media omitted>`: the marker does not say which kind.
    Unspecified,
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Gif,
    ContactCard,
    VoiceMessage,
    VideoNote,
}

impl MediaKind {
    /// The kind in words, for notes.
    pub fn noun(self) -> &'static str {
        match self {
            MediaKind::Unspecified => "media",
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio file",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
            MediaKind::Gif => "GIF",
            MediaKind::ContactCard => "contact card",
            MediaKind::VoiceMessage => "voice message",
            MediaKind::VideoNote => "video message",
        }
    }
}

/// A media-omitted marker as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Omission {
    pub kind: MediaKind,
    /// A "view once" photo, video or voice message, which WhatsApp never exports.
    pub view_once: bool,
}

/// Who deleted a message, as its tombstone says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DeletedBy {
    /// "This message was deleted": the sender deleted it for everyone.
    Sender,
    /// "You deleted this message": the person who exported the chat deleted it.
    Exporter,
    /// "This message was deleted by an admin": a group admin deleted it.
    Admin,
}

/// `text` for comparison: no invisible marks, blanks as single spaces, trimmed, lowercase.
fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether `raw` starts with a direction mark (after blanks): iOS puts one before every marker it writes.
fn starts_with_mark(raw: &str) -> bool {
    raw.trim_start_matches(|c: char| c.is_whitespace()).starts_with(['\u{200E}', '\u{200F}'])
}

/// A whole-line marker: what it means, and whether it counts only after iOS's direction mark.
struct LineMarker {
    omission: Omission,
    needs_mark: bool,
}

/// Every whole-line media marker, folded, built once.
static LINE_MARKERS: LazyLock<HashMap<String, LineMarker>> = LazyLock::new(|| {
    let mut markers = HashMap::new();
    let unspecified = Omission { kind: MediaKind::Unspecified, view_once: false };
    for (index, language) in LANGUAGES.iter().enumerate() {
        for marker in language.media_omitted {
            markers.entry(folded(marker)).or_insert(LineMarker { omission: unspecified, needs_mark: false });
        }
        for (kind, marker) in KIND_ORDER.iter().zip(language.kinds) {
            let omission = Omission { kind: *kind, view_once: false };
            markers.entry(folded(marker)).or_insert(LineMarker { omission, needs_mark: index != 0 });
        }
    }
    for (marker, omission) in ENGLISH_EXTRA {
        markers.entry(folded(marker)).or_insert(LineMarker { omission, needs_mark: false });
    }
    markers
});

/// Every tombstone, folded and without its full stop, built once.
static TOMBSTONES: LazyLock<HashMap<String, DeletedBy>> = LazyLock::new(|| {
    let mut tombstones = HashMap::new();
    // Where two languages write the same words, the first language listed wins.
    for language in &LANGUAGES {
        for (markers, by) in [
            (language.admin_deleted, DeletedBy::Admin),
            (language.deleted, DeletedBy::Sender),
            (language.you_deleted, DeletedBy::Exporter),
        ] {
            for marker in markers {
                tombstones.entry(without_full_stop(&folded(marker)).to_string()).or_insert(by);
            }
        }
    }
    tombstones
});

fn without_full_stop(text: &str) -> &str {
    text.trim_end_matches(['.', '\u{3002}', '\u{6D4}']).trim_end()
}

/// A whole line that is a media-omitted or "view once" marker. Kind markers in languages other than
/// English must carry the direction mark iOS writes before them, since some are everyday phrases.
pub(super) fn omitted_media(raw_line: &str) -> Option<Omission> {
    let marker = LINE_MARKERS.get(&folded(raw_line))?;
    (!marker.needs_mark || starts_with_mark(raw_line)).then_some(marker.omission)
}

/// iOS writes a document it left out as `TITLE • N pages ‎document omitted`: the title, when `raw_line`
/// ends that way (the direction mark before the marker is required).
pub(super) fn omitted_document_with_title(raw_line: &str) -> Option<String> {
    let mark_at = raw_line.trim_end().rfind(['\u{200E}', '\u{200F}'])?;
    let (title, marker) = raw_line.split_at(mark_at);
    let title = strip_marks(title).trim().to_string();
    if title.is_empty() {
        return None;
    }
    let marker = folded(marker);
    LANGUAGES.iter().any(|language| folded(language.kinds[3]) == marker).then_some(title)
}

/// A message whose whole text is a deletion tombstone.
pub(super) fn deletion(text: &str) -> Option<DeletedBy> {
    TOMBSTONES.get(without_full_stop(&folded(text))).copied()
}

/// A line that ends in the "edited" suffix: the line without it, and the suffix as written.
pub(super) fn without_edited_suffix(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_end();
    if !trimmed.ends_with('>') {
        return None;
    }
    for marker in LANGUAGES.iter().flat_map(|language| language.edited) {
        let Some(start) = trimmed.len().checked_sub(marker.len()) else {
            continue;
        };
        let Some(tail) = trimmed.get(start..) else {
            continue;
        };
        if tail.to_lowercase() == marker.to_lowercase() {
            let before = trimmed.get(..start).unwrap_or("");
            let kept = before.trim_end_matches(|c: char| c.is_whitespace() || is_invisible_mark(c));
            return Some((kept.to_string(), tail.to_string()));
        }
    }
    None
}

/// An attachment marker pattern split at its `%@`.
fn pattern_parts(pattern: &'static str) -> Option<(&'static str, &'static str)> {
    pattern.split_once("%@")
}

/// iOS `<attached: NAME>` and its translations anywhere in the line: the name, and the line without the
/// marker. The line should be free of invisible marks.
pub(super) fn ios_attachment(line: &str) -> Option<(String, String)> {
    if !line.contains('<') {
        return None;
    }
    for (prefix, suffix) in LANGUAGES.iter().flat_map(|l| l.attached).filter_map(|p| pattern_parts(p)) {
        let mut from = 0;
        while let Some(found) = line.get(from..).and_then(|rest| rest.find(prefix)) {
            let start = from + found;
            let name_start = start + prefix.len();
            from = name_start;
            let Some(name_len) = line.get(name_start..).and_then(|rest| rest.find(suffix)) else {
                break;
            };
            let Some(name) = line.get(name_start..name_start + name_len) else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || name.contains(['<', '>']) {
                continue;
            }
            let end = name_start + name_len + suffix.len();
            let rest = format!("{}{}", line.get(..start)?, line.get(end..)?);
            return Some((name.to_string(), rest.trim().to_string()));
        }
    }
    None
}

/// Android `NAME (file attached)` and its translations, the whole line: the name.
pub(super) fn android_attachment(line: &str) -> Option<String> {
    let line = line.trim();
    LANGUAGES
        .iter()
        .flat_map(|language| language.file_attached)
        .filter_map(|pattern| pattern_parts(pattern))
        .find_map(|(prefix, suffix)| {
            let name = line.strip_prefix(prefix)?.strip_suffix(suffix)?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
}

/// iOS texts that carry the U+200E mark yet come from the sender: attachments, omitted media, deletions.
pub(super) fn is_sender_marker(text: &str) -> bool {
    let clean = strip_marks(text);
    ios_attachment(clean.trim()).is_some()
        || omitted_media(text).is_some()
        || omitted_document_with_title(text).is_some()
        || deletion(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omitted_media_keeps_its_kind() {
        let kind = |line: &str| omitted_media(line).map(|o| (o.kind, o.view_once));
        assert_eq!(kind("<Media omitted>"), Some((MediaKind::Unspecified, false)));
        assert_eq!(kind("<Medien ausgeschlossen>"), Some((MediaKind::Unspecified, false)));
        assert_eq!(kind("\u{200E}image omitted"), Some((MediaKind::Image, false)));
        assert_eq!(kind("GIF omitted"), Some((MediaKind::Gif, false)));
        assert_eq!(kind("\u{200E}imagen omitida"), Some((MediaKind::Image, false)));
        assert_eq!(kind("\u{200F}لم يتم إدراج الفيديوهات"), Some((MediaKind::Video, false)));
        assert_eq!(kind("\u{200F}GIF  نظرانداز"), Some((MediaKind::Gif, false)));
        assert_eq!(kind("<View once voice message omitted>"), Some((MediaKind::VoiceMessage, true)));
        // An everyday phrase in another language is a marker only with iOS's mark before it.
        assert_eq!(kind("video tidak disertakan"), None);
        assert_eq!(kind("the image omitted"), None);
    }

    #[test]
    fn documents_left_out_keep_their_title() {
        let line = "Report.pdf \u{2022} 3 pages \u{200E}document omitted";
        assert_eq!(omitted_document_with_title(line).as_deref(), Some("Report.pdf \u{2022} 3 pages"));
        assert_eq!(omitted_document_with_title("the document omitted"), None);
    }

    #[test]
    fn tombstones_say_who_deleted() {
        assert_eq!(deletion("This message was deleted"), Some(DeletedBy::Sender));
        assert_eq!(deletion("\u{200E}This message was deleted."), Some(DeletedBy::Sender));
        assert_eq!(deletion("You deleted this message"), Some(DeletedBy::Exporter));
        assert_eq!(deletion("Bu mesajı sildiniz."), Some(DeletedBy::Exporter));
        assert_eq!(deletion("このメッセージは削除されました。"), Some(DeletedBy::Sender));
        assert_eq!(deletion("\u{200F}یہ میسج حذف کر دیا گیا ہے۔"), Some(DeletedBy::Sender));
        assert_eq!(deletion("This message was deleted by an admin."), Some(DeletedBy::Admin));
        assert_eq!(deletion("This message was deleted, sorry"), None);
    }

    #[test]
    fn edited_suffix_comes_off_the_line() {
        let (kept, marker) =
            without_edited_suffix("see you at nine <Se editó este mensaje.>").expect("edited");
        assert_eq!((kept.as_str(), marker.as_str()), ("see you at nine", "<Se editó este mensaje.>"));
        let (ios, _) = without_edited_suffix("ok \u{200E}<This message was edited>").expect("edited");
        assert_eq!(ios, "ok");
        assert_eq!(without_edited_suffix("<This message was edited> later"), None);
    }

    #[test]
    fn attachment_markers_in_every_language() {
        let name = |line: &str| ios_attachment(line).map(|(name, _)| name);
        assert_eq!(name("<attached: 01-PHOTO.jpg>").as_deref(), Some("01-PHOTO.jpg"));
        assert_eq!(name("< pièce jointe : 02-PHOTO.jpg >").as_deref(), Some("02-PHOTO.jpg"));
        assert_eq!(name("<03-AUDIO.opus eklendi>").as_deref(), Some("03-AUDIO.opus"));
        assert_eq!(name("<a> <04-x.pdf eklendi>").as_deref(), Some("04-x.pdf"));
        assert_eq!(name("<附件：05-x.jpg>").as_deref(), Some("05-x.jpg"));
        assert_eq!(name("<anexado: >"), None);
        assert_eq!(android_attachment("IMG-1.jpg (arquivo anexado)").as_deref(), Some("IMG-1.jpg"));
        assert_eq!(android_attachment("فایل پیوست شد IMG-2.jpg").as_deref(), Some("IMG-2.jpg"));
    }
}
