//! A message's `text` as Telegram writes it (a string, or a list mixing strings and entity objects) and
//! its flattening to plain text. It does not read `text_entities`, which repeats the same content.

use std::fmt;

use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

#[derive(Debug)]
pub(super) enum RawText {
    Plain(String),
    Parts(Vec<RawTextPart>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawText, D::Error> {
        deserializer.deserialize_any(RawTextVisitor)
    }
}

struct RawTextVisitor;

impl<'de> Visitor<'de> for RawTextVisitor {
    type Value = RawText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, or a list of strings and text pieces")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawText, E> {
        Ok(RawText::Plain(s.to_string()))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<RawText, S::Error> {
        let mut parts = Vec::new();
        while let Some(part) = seq.next_element()? {
            parts.push(part);
        }
        Ok(RawText::Parts(parts))
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawTextPart {
    Plain(String),
    Entity(RawEntity),
    /// Anything else in the list (a future Telegram addition) carries no text Docket can show.
    Other(IgnoredAny),
}

/// `{"type": "bold" | "link" | "text_link" | "mention" | ..., "text": "...", "href": "..."}`
#[derive(Debug, Deserialize)]
pub(super) struct RawEntity {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    href: Option<String>,
}

/// Plain text: entities contribute their text; a `text_link` whose target differs from its text
/// becomes "text (href)" so the link survives in the archive.
pub(super) fn flatten(text: &RawText) -> String {
    match text {
        RawText::Plain(s) => s.clone(),
        RawText::Parts(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    RawTextPart::Plain(s) => out.push_str(s),
                    RawTextPart::Entity(entity) => push_entity(&mut out, entity),
                    RawTextPart::Other(_) => {}
                }
            }
            out
        }
    }
}

fn push_entity(out: &mut String, entity: &RawEntity) {
    let text = entity.text.as_deref().unwrap_or_default();
    out.push_str(text);
    let href = entity.href.as_deref().map(str::trim).unwrap_or_default();
    if entity.kind.as_deref() == Some("text_link") && !href.is_empty() && href != text.trim() {
        out.push_str(" (");
        out.push_str(href);
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(json: &str) -> String {
        match serde_json::from_str::<RawText>(json) {
            Ok(text) => flatten(&text),
            Err(e) => format!("parse error: {e}"),
        }
    }

    #[test]
    fn a_plain_string_is_kept_as_is() {
        assert_eq!(flat(r#""hello there""#), "hello there");
    }

    #[test]
    fn entities_are_flattened_and_text_links_keep_their_target() {
        let json = r#"["See ", {"type":"bold","text":"the plan"}, " at ",
            {"type":"text_link","text":"our wiki","href":"https://wiki.example/plan"},
            " or ", {"type":"link","text":"https://x.example"}, " ", {"type":"mention","text":"@bob"}]"#;
        assert_eq!(
            flat(json),
            "See the plan at our wiki (https://wiki.example/plan) or https://x.example @bob"
        );
    }

    #[test]
    fn a_text_link_whose_text_is_its_target_is_not_repeated() {
        let json = r#"[{"type":"text_link","text":"https://a.example","href":"https://a.example"}]"#;
        assert_eq!(flat(json), "https://a.example");
    }

    #[test]
    fn text_of_another_kind_is_refused_in_plain_words() {
        assert_eq!(
            flat("42"),
            "parse error: invalid type: integer `42`, expected a string, or a list of strings and text pieces \
             at line 1 column 2"
        );
    }

    #[test]
    fn unknown_list_members_are_skipped() {
        assert_eq!(flat(r#"["a", 7, null, "b"]"#), "ab");
    }
}
