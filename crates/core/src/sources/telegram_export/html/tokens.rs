//! A tokenizer for the HTML Telegram Desktop writes: start and end tags with their attributes, text, and
//! everything else (comments, the doctype) skipped; `script` and `style` bodies are raw text. It also
//! decodes character references. It never fails: any input becomes some sequence of tokens, so a foreign
//! or damaged page is judged by what the tokens say (`page`), not by a parse error. It builds no tree
//! (`tree` does) and knows nothing of messages.
//!
//! Telegram Desktop escapes every user-written character that matters (`& < > " '`), so its own markup
//! is the only markup in a page; that is what makes a small tokenizer enough, and it keeps the byte span
//! of every token, which the record digests and error lines need.

use std::borrow::Cow;
use std::ops::Range;

/// A start tag: its name and the raw text of its attributes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tag<'a> {
    pub name: &'a str,
    attributes: &'a str,
}

impl<'a> Tag<'a> {
    pub(super) fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The decoded value of the attribute `name` (compared ignoring ASCII case); `""` for a bare one.
    pub(super) fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        Attributes { rest: self.attributes }
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| decode(value))
    }

    pub(super) fn has_class(&self, class: &str) -> bool {
        self.attr("class").is_some_and(|classes| classes.split_ascii_whitespace().any(|c| c == class))
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Token<'a> {
    Start {
        tag: Tag<'a>,
        self_closing: bool,
    },
    End {
        name: &'a str,
    },
    /// Text as written, character references not yet decoded.
    Text(&'a str),
    /// A comment, doctype or anything else that carries no content.
    Other,
}

/// The tokens of a page with their byte ranges.
pub(super) struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// Inside `script` or `style`: the end tag that closes the raw text.
    raw_text_end: Option<&'static str>,
}

impl<'a> Tokenizer<'a> {
    pub(super) fn new(src: &'a str) -> Tokenizer<'a> {
        Tokenizer { src, pos: 0, raw_text_end: None }
    }

    fn rest(&self) -> &'a [u8] {
        self.src.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// The position of the first byte at or after `from` that is `>`, or the end of the page.
    fn close_of(&self, from: usize) -> usize {
        let bytes = self.src.as_bytes();
        bytes
            .get(from..)
            .and_then(|tail| tail.iter().position(|&b| b == b'>'))
            .map_or(bytes.len(), |i| from + i + 1)
    }

    fn raw_text(&mut self, end_tag: &'static str) -> (Token<'a>, Range<usize>) {
        let start = self.pos;
        let tail = self.rest();
        let found = tail.windows(end_tag.len()).position(|w| w.eq_ignore_ascii_case(end_tag.as_bytes()));
        let end = found.map_or(self.src.len(), |i| start + i);
        self.pos = end;
        (Token::Text(self.slice(start, end)), start..end)
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or_default()
    }

    /// A start tag beginning at `self.pos` (`<` then a letter).
    fn start_tag(&mut self) -> (Token<'a>, Range<usize>) {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let name_end = (start + 1..bytes.len())
            .find(|&i| bytes.get(i).is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>')))
            .unwrap_or(bytes.len());
        // Find the closing `>`, skipping quoted attribute values.
        let mut quote: Option<u8> = None;
        let mut after_equals = false;
        let mut end = bytes.len();
        for (i, &b) in bytes.iter().enumerate().skip(name_end) {
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'>' => {
                    end = i;
                    break;
                }
                None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
                None if !b.is_ascii_whitespace() => after_equals = b == b'=',
                None => {}
            }
        }
        let self_closing = end > name_end && bytes.get(end - 1) == Some(&b'/');
        let attributes_end = if self_closing { end - 1 } else { end };
        let tag = Tag {
            name: self.slice(start + 1, name_end),
            attributes: self.slice(name_end, attributes_end.max(name_end)),
        };
        self.pos = (end + 1).min(bytes.len());
        if !self_closing && (tag.is("script") || tag.is("style")) {
            self.raw_text_end = Some(if tag.is("script") { "</script" } else { "</style" });
        }
        (Token::Start { tag, self_closing }, start..self.pos)
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = (Token<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.src.len() {
            return None;
        }
        if let Some(end_tag) = self.raw_text_end.take() {
            if !self.rest().starts_with(b"</") {
                return Some(self.raw_text(end_tag));
            }
        }
        let start = self.pos;
        let rest = self.rest();
        if rest.first() != Some(&b'<') {
            let end = rest.iter().position(|&b| b == b'<').map_or(self.src.len(), |i| start + i);
            self.pos = end;
            return Some((Token::Text(self.slice(start, end)), start..end));
        }
        let next = rest.get(1).copied();
        match next {
            Some(b) if b.is_ascii_alphabetic() => Some(self.start_tag()),
            Some(b'/') if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => {
                let bytes = self.src.as_bytes();
                let name_end = (start + 2..bytes.len())
                    .find(|&i| {
                        bytes.get(i).is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
                    })
                    .unwrap_or(bytes.len());
                self.pos = self.close_of(name_end);
                Some((Token::End { name: self.slice(start + 2, name_end) }, start..self.pos))
            }
            Some(b'!') if rest.starts_with(b"<!--") => {
                let tail = rest.get(4..).unwrap_or_default();
                self.pos =
                    tail.windows(3).position(|w| w == b"-->").map_or(self.src.len(), |i| start + 4 + i + 3);
                Some((Token::Other, start..self.pos))
            }
            Some(b'!' | b'?' | b'/') => {
                self.pos = self.close_of(start + 1);
                Some((Token::Other, start..self.pos))
            }
            _ => {
                self.pos = start + 1;
                Some((Token::Text(self.slice(start, start + 1)), start..self.pos))
            }
        }
    }
}

/// The attributes of a tag as (name, raw value) pairs, in order.
struct Attributes<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rest = self.rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() {
                self.rest = rest;
                return None;
            }
            let name_len = rest
                .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '/' | '>'))
                .unwrap_or(rest.len());
            if name_len == 0 {
                // A stray `=` or `>`: skip it.
                self.rest = rest.get(1..).unwrap_or_default();
                continue;
            }
            let name = rest.get(..name_len).unwrap_or_default();
            let after_name = rest
                .get(name_len..)
                .unwrap_or_default()
                .trim_start_matches(|c: char| c.is_ascii_whitespace());
            let Some(after_equals) = after_name.strip_prefix('=') else {
                self.rest = after_name;
                return Some((name, ""));
            };
            let value_start = after_equals.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (value, rest) = match value_start.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = value_start.get(1..).unwrap_or_default();
                    match inner.find(quote) {
                        Some(end) => {
                            (inner.get(..end).unwrap_or_default(), inner.get(end + 1..).unwrap_or_default())
                        }
                        None => (inner, ""),
                    }
                }
                _ => {
                    let end = value_start
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(value_start.len());
                    (value_start.get(..end).unwrap_or_default(), value_start.get(end..).unwrap_or_default())
                }
            };
            self.rest = rest;
            return Some((name, value));
        }
    }
}

/// `raw` with its character references decoded: the numeric ones and the named ones Telegram Desktop
/// writes (`&amp; &lt; &gt; &quot; &apos; &laquo; &raquo;`) plus a few common others. An unknown or
/// malformed reference is kept as written; a numeric one naming no character becomes U+FFFD.
pub(super) fn decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let reference = after.bytes().take(33).position(|b| b == b';').and_then(|semi| {
            let body = after.get(..semi)?;
            Some((character(body)?, semi))
        });
        match reference {
            Some((c, semi)) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference's body (between `&` and `;`) names.
fn character(body: &str) -> Option<char> {
    if let Some(number) = body.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        if digits.is_empty() || digits.len() > 8 {
            return None;
        }
        let value = u32::from_str_radix(digits, radix).ok()?;
        return Some(char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{FFFD}'));
    }
    Some(match body {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "laquo" => '«',
        "raquo" => '»',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "shy" => '\u{AD}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        Tokenizer::new(src)
            .map(|(token, _)| match token {
                Token::Start { tag, self_closing } => {
                    format!("<{}{}>", tag.name, if self_closing { "/" } else { "" })
                }
                Token::End { name } => format!("</{name}>"),
                Token::Text(text) => format!("{text:?}"),
                Token::Other => "#".to_string(),
            })
            .collect()
    }

    #[test]
    fn tags_text_and_comments_are_told_apart() {
        assert_eq!(
            kinds("<!DOCTYPE html><div class=\"a>b\" id='x'>hi &amp; <br>bye</div><!-- c > d -->x < y"),
            ["#", "<div>", "\"hi &amp; \"", "<br>", "\"bye\"", "</div>", "#", "\"x \"", "\"<\"", "\" y\""]
        );
        assert_eq!(
            kinds("<script>if (a < b) {}</script><img src=x />"),
            ["<script>", "\"if (a < b) {}\"", "</script>", "<img/>"]
        );
        assert_eq!(kinds("<div class=\"cut"), ["<div>"]);
    }

    #[test]
    fn attributes_are_found_and_decoded() {
        let Some((Token::Start { tag, .. }, _)) =
            Tokenizer::new("<a href = \"x?a=1&amp;b=2\" onclick=go() data-x class=\"one two\">").next()
        else {
            panic!("a start tag");
        };
        assert_eq!(tag.attr("href").as_deref(), Some("x?a=1&b=2"));
        assert_eq!(tag.attr("onclick").as_deref(), Some("go()"));
        assert_eq!(tag.attr("data-x").as_deref(), Some(""));
        assert!(tag.has_class("two") && !tag.has_class("on"));
    }

    #[test]
    fn references_decode_and_bad_ones_stay() {
        assert_eq!(
            decode("a &lt;b&gt; &quot;c&apos; &laquo;T&raquo; &#x0D;&#128512;"),
            "a <b> \"c' «T» \r😀"
        );
        assert_eq!(decode("&bogus; &amp &#xFFFFFFFFF; &#0;"), "&bogus; &amp &#xFFFFFFFFF; \u{FFFD}");
    }
}
