//! The chat's name, taken from the export's file name (`WhatsApp Chat with Alice.txt` → `Alice`) in the
//! languages WhatsApp names its exports in. Best effort: an unrecognised name falls back to the file stem.
//! It does not read the chat itself.

/// Export file-name prefixes before the chat's name, compared without regard to ASCII case.
const PREFIXES: [&str; 12] = [
    "WhatsApp Chat with ",
    "WhatsApp Chat - ",
    "WhatsApp-Chat - ",
    "WhatsApp Chat mit ",
    "WhatsApp-Chat mit ",
    "Discussion WhatsApp avec ",
    "Chat de WhatsApp con ",
    "Chat WhatsApp con ",
    "WhatsApp-chat met ",
    "WhatsApp chat met ",
    "Conversa do WhatsApp com ",
    "Conversa no WhatsApp com ",
];

/// The chat name for a chat text with file stem `stem`. iOS names every chat text `_chat.txt`; then the
/// name comes from `container`, the stem of the zip or folder that holds it.
pub(super) fn chat_name(stem: &str, container: Option<&str>) -> String {
    let base = match container {
        Some(container) if stem.eq_ignore_ascii_case("_chat") && !container.trim().is_empty() => container,
        _ => stem,
    };
    let without_prefix = PREFIXES
        .iter()
        .find_map(|prefix| {
            let head = base.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix).then(|| base.get(prefix.len()..)).flatten()
        })
        .unwrap_or(base);
    let name = without_copy_number(without_prefix).trim();
    if name.is_empty() {
        base.trim().to_string()
    } else {
        name.to_string()
    }
}

/// `Alice (2)` → `Alice`: the number a download folder adds to a second copy.
fn without_copy_number(name: &str) -> &str {
    let trimmed = name.trim_end();
    let Some(open) = trimmed.strip_suffix(')').and_then(|inner| inner.rfind(" (")) else {
        return trimmed;
    };
    let digits = trimmed.get(open + 2..trimmed.len() - 1).unwrap_or("");
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        trimmed.get(..open).unwrap_or(trimmed)
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_export_file_names() {
        assert_eq!(chat_name("WhatsApp Chat with Alice", None), "Alice");
        assert_eq!(chat_name("WhatsApp Chat - Project Falcon", None), "Project Falcon");
        assert_eq!(chat_name("WhatsApp-Chat mit Anna Schmidt", None), "Anna Schmidt");
        assert_eq!(chat_name("Discussion WhatsApp avec Zoé", None), "Zoé");
        assert_eq!(chat_name("Chat de WhatsApp con Ana", None), "Ana");
        assert_eq!(chat_name("WhatsApp-chat met Bram (1)", None), "Bram");
        assert_eq!(chat_name("Conversa do WhatsApp com João", None), "João");
        assert_eq!(chat_name("_chat", Some("WhatsApp Chat - Board")), "Board");
        assert_eq!(chat_name("notes (final)", None), "notes (final)");
        assert_eq!(chat_name("WhatsApp Chat with ", None), "WhatsApp Chat with");
    }
}
