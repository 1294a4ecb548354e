//! A message's text as the HTML export writes it (`<div class="text">` holding Telegram's formatting:
//! `<strong>`, `<em>`, `<code>`, `<pre>`, `<a>`, spoilers, `<br>` for line breaks) flattened to the plain
//! text result.json's reader gives for the same message: formatting dropped, and a text link whose
//! target differs from its text kept as "text (target)". It does not read dates, senders or media.
//!
//! An `<a>` is taken for a text link only when Telegram writes no other entity that way: mentions
//! (`https://t.me/name` for `@name`), plain URLs (the target is the text), e-mail addresses and phone
//! numbers (`mailto:`/`tel:` and the text), hashtags, bot commands and the like (an empty target with an
//! `onclick`), and custom emoji (a target inside the export, with no scheme) all read as their text.

use super::tokens::decode;
use super::tree::{Document, NodeId};

/// Whether text links keep their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Links {
    /// "text (target)", as result.json's reader flattens a message's text.
    Kept,
    /// Text only, as result.json carries a poll's question and answers.
    Dropped,
}

/// The plain text of the element `node` (a `div.text`, a poll's question or answer), without the line
/// break and indentation Telegram Desktop writes inside the element around the text.
pub(super) fn flatten(doc: &Document<'_>, node: NodeId, links: Links) -> String {
    let first = doc.children(node).next();
    let last = doc.children(node).last();
    let stop = doc.next_after(node);
    let mut out = String::new();
    let mut at = first;
    while let Some(n) = at.filter(|&n| Some(n) != stop) {
        if let Some(raw) = doc.text_of(n) {
            let mut raw = raw;
            if Some(n) == first {
                raw = raw.strip_prefix("\r\n").or_else(|| raw.strip_prefix('\n')).unwrap_or(raw);
            }
            if Some(n) == last {
                raw = strip_closing_indent(raw);
            }
            out.push_str(&decode(raw));
            at = doc.next_in_order(n);
            continue;
        }
        let Some(tag) = doc.tag(n) else {
            at = doc.next_in_order(n);
            continue;
        };
        if tag.is("br") {
            out.push('\n');
        } else if tag.is("a") {
            let text = flatten_inline(doc, n);
            out.push_str(&text);
            if links == Links::Kept {
                let href = tag.attr("href").unwrap_or_default();
                if let Some(target) = link_target(&href, &text, tag.attr("onclick").is_some()) {
                    out.push_str(" (");
                    out.push_str(target);
                    out.push(')');
                }
            }
            at = doc.next_after(n);
            continue;
        }
        at = doc.next_in_order(n);
    }
    out
}

/// The text inside an inline element such as an `<a>`: its text with `<br>` as line breaks.
fn flatten_inline(doc: &Document<'_>, node: NodeId) -> String {
    let mut out = String::new();
    for d in doc.descendants(node) {
        if let Some(raw) = doc.text_of(d) {
            out.push_str(&decode(raw));
        } else if doc.tag(d).is_some_and(|t| t.is("br")) {
            out.push('\n');
        }
    }
    out
}

/// `raw` without a trailing line break followed only by indentation.
fn strip_closing_indent(raw: &str) -> &str {
    let trimmed = raw.trim_end_matches([' ', '\t']);
    trimmed.strip_suffix("\r\n").or_else(|| trimmed.strip_suffix('\n')).unwrap_or(raw)
}

/// The target to keep after a link's text, when the `<a>` is a text link to somewhere else.
fn link_target<'h>(href: &'h str, text: &str, has_onclick: bool) -> Option<&'h str> {
    let href = href.trim();
    let text = text.trim();
    if href.is_empty() || has_onclick || href == text || !has_scheme(href) {
        return None;
    }
    let own = |prefix: &str| href.strip_prefix(prefix).is_some_and(|rest| rest == text);
    if own("mailto:") || own("tel:") {
        return None;
    }
    if let Some(name) = text.strip_prefix('@') {
        if href.contains("://") && href.strip_suffix(name).is_some_and(|start| start.ends_with('/')) {
            return None;
        }
    }
    Some(href)
}

/// Whether `href` starts with a URL scheme (`https:`, `tg:`, `mailto:`).
fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str, links: Links) -> String {
        let doc = Document::parse(html).expect("parses");
        let div = doc.find(0, &["text"]).expect("a text div");
        flatten(&doc, div, links)
    }

    #[test]
    fn formatting_is_dropped_and_text_links_keep_their_target() {
        let html = "<div class=\"text\">\nSee <strong>the plan</strong> at <a href=\"https://wiki.example/falcon\">our \
                    wiki</a> and ping <a href=\"https://t.me/alice\">@alice</a> or <a href=\"https://status.example\">\
                    https://status.example</a><br>Tel <a href=\"tel:+4412\">+4412</a> <a href=\"\" \
                    onclick=\"return ShowHashtag(&quot;x&quot;)\">#x</a> <a href = \"../../stickers/e.webp\">😀</a>\n    </div>";
        assert_eq!(
            text_of(html, Links::Kept),
            "See the plan at our wiki (https://wiki.example/falcon) and ping @alice or https://status.example\n\
             Tel +4412 #x 😀"
        );
        assert!(text_of(html, Links::Dropped).starts_with("See the plan at our wiki and"));
    }

    #[test]
    fn only_the_formatting_line_breaks_are_removed() {
        assert_eq!(
            text_of("<div class=\"text\">\n<br>  two spaces  <br>\n </div>", Links::Kept),
            "\n  two spaces  \n"
        );
        assert_eq!(text_of("<div class=\"text\">a &lt;b&gt; &amp;&#x09;c</div>", Links::Kept), "a <b> &\tc");
    }
}
