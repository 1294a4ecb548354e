//! Walking a chat text line by line with 1-based line numbers and byte positions, so a reader can stop
//! after any message and resume there. Accepts `\n` and `\r\n` endings. It knows nothing of headers.

/// One line without its line ending.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextLine<'a> {
    pub number: usize,
    /// Byte offset of the line's first byte.
    pub start: usize,
    /// Byte offset just past the line's last byte (before `\r\n` or `\n`).
    pub end: usize,
    pub content: &'a str,
}

#[derive(Debug, Clone)]
pub(super) struct TextLines<'a> {
    text: &'a str,
    pos: usize,
    number: usize,
}

impl<'a> TextLines<'a> {
    pub fn new(text: &'a str) -> TextLines<'a> {
        TextLines { text, pos: 0, number: 1 }
    }

    /// Continues at a position an earlier walk returned from `position`.
    pub fn resume(text: &'a str, (pos, number): (usize, usize)) -> TextLines<'a> {
        TextLines { text, pos, number }
    }

    /// Where the next line starts, and its number.
    pub fn position(&self) -> (usize, usize) {
        (self.pos, self.number)
    }
}

impl<'a> Iterator for TextLines<'a> {
    type Item = TextLine<'a>;

    fn next(&mut self) -> Option<TextLine<'a>> {
        let rest = self.text.get(self.pos..).filter(|rest| !rest.is_empty())?;
        let (line, advance) = match rest.find('\n') {
            Some(at) => (rest.get(..at)?, at + 1),
            None => (rest, rest.len()),
        };
        let content = line.strip_suffix('\r').unwrap_or(line);
        let item = TextLine { number: self.number, start: self.pos, end: self.pos + content.len(), content };
        self.pos += advance;
        self.number += 1;
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_resumable() {
        let text = "a\r\nbb\n\nc";
        let mut lines = TextLines::new(text);
        let first = lines.next().expect("a first line");
        assert_eq!((first.number, first.content, first.end), (1, "a", 1));
        let rest: Vec<_> = TextLines::resume(text, lines.position()).map(|l| (l.number, l.content)).collect();
        assert_eq!(rest, vec![(2, "bb"), (3, ""), (4, "c")]);
    }
}
