//! Reading a chat text line by line as a stream: 1-based line numbers, `\n` and `\r\n` endings, a leading
//! byte order mark dropped, and each line checked as UTF-8 on its own (a bad byte is a Parse error naming
//! its line). Only the current line is held, so memory does not grow with the chat. It knows nothing of
//! headers.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use crate::sources::ExportError;
use crate::{text, Text};

/// The longest line Docket reads. A WhatsApp message's lines are far shorter; a longer one means the file
/// is not a chat text.
const MAX_LINE_BYTES: u64 = 64 << 20;

/// One line without its line ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TextLine {
    pub number: usize,
    pub content: String,
    /// The line's ending as written: `"\r\n"`, `"\n"`, or `""` for a last line without one.
    pub ending: &'static str,
}

/// The lines of one chat text, read one at a time.
pub(super) struct TextLines {
    reader: Box<dyn BufRead + Send>,
    /// The path errors name.
    path: PathBuf,
    number: usize,
    buffer: Vec<u8>,
    /// Set after the last line or an error: nothing more is read.
    finished: bool,
}

impl TextLines {
    pub fn new(reader: Box<dyn BufRead + Send>, path: &Path) -> TextLines {
        TextLines { reader, path: path.to_path_buf(), number: 0, buffer: Vec::new(), finished: false }
    }

    fn read_line(&mut self) -> Result<Option<TextLine>, ExportError> {
        self.buffer.clear();
        let limit = MAX_LINE_BYTES + 1;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|source| ExportError::Read { path: self.path.clone(), source })?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let ending = if self.buffer.ends_with(b"\r\n") {
            "\r\n"
        } else if self.buffer.ends_with(b"\n") {
            "\n"
        } else if read as u64 >= limit {
            return Err(self.parse_error(text!(
                "export.whatsapp.line_too_long",
                "this line is longer than 64 MiB, far longer than any WhatsApp message line; check that the \
                 right file was chosen"
            )));
        } else {
            ""
        };
        self.buffer.truncate(self.buffer.len() - ending.len());
        let mut bytes = std::mem::take(&mut self.buffer);
        if self.number == 1 && bytes.starts_with("\u{FEFF}".as_bytes()) {
            bytes.drain(.."\u{FEFF}".len());
        }
        match String::from_utf8(bytes) {
            Ok(content) => Ok(Some(TextLine { number: self.number, content, ending })),
            Err(_) => Err(self.parse_error(text!(
                "export.whatsapp.line_not_utf8",
                "this line is not UTF-8 text. WhatsApp writes UTF-8: export the chat again, and do not open \
                 and re-save the file in another program before Docket reads it"
            ))),
        }
    }

    fn parse_error(&self, message: Text) -> ExportError {
        ExportError::Parse { path: self.path.clone(), line: self.number, message }
    }
}

impl Iterator for TextLines {
    type Item = Result<TextLine, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let line = self.read_line().transpose();
        if !matches!(line, Some(Ok(_))) {
            self.finished = true;
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &'static [u8]) -> Vec<Result<TextLine, ExportError>> {
        TextLines::new(Box::new(std::io::Cursor::new(bytes)), Path::new("chat.txt")).collect()
    }

    fn line(number: usize, content: &str, ending: &'static str) -> TextLine {
        TextLine { number, content: content.to_string(), ending }
    }

    #[test]
    fn lines_are_numbered_with_their_endings() {
        let lines: Vec<TextLine> =
            lines_of(b"\xEF\xBB\xBFa\r\nbb\n\nc").into_iter().collect::<Result<_, _>>().expect("UTF-8");
        assert_eq!(
            lines,
            vec![line(1, "a", "\r\n"), line(2, "bb", "\n"), line(3, "", "\n"), line(4, "c", "")]
        );
    }

    #[test]
    fn a_final_line_ending_adds_no_empty_line() {
        assert_eq!(lines_of(b"a\n").len(), 1);
        assert!(lines_of(b"").is_empty());
    }

    #[test]
    fn a_bad_byte_names_its_line_and_ends_the_walk() {
        let lines = lines_of(b"ok\nfine\nbad \xFF here\nnever read\n");
        assert_eq!(lines.len(), 3);
        match &lines[2] {
            Err(ExportError::Parse { line, path, .. }) => {
                assert_eq!((*line, path.as_path()), (3, Path::new("chat.txt")));
            }
            other => panic!("expected a parse error on line 3, got {other:?}"),
        }
    }
}
