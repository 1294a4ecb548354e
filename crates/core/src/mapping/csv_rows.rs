//! Splits a CSV file into spreadsheet rows, numbered the way Excel shows them (blank lines count, a quoted
//! cell spanning lines stays in its row), and reads each row's fields with the `csv` crate. Knows nothing
//! about which columns matter; `csv_table` decides that.

use crate::text;
use crate::Text;

/// One spreadsheet row as it appears in the file, before its fields are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawRow<'a> {
    /// The spreadsheet row number (1 for the first line of the file).
    pub number: usize,
    /// The row's bytes without its line ending.
    pub bytes: &'a [u8],
    /// How many rows the spreadsheet shows this record across when a quote is never closed (0 otherwise):
    /// the record then runs to the end of the file.
    pub unclosed_quote_lines: usize,
}

impl RawRow<'_> {
    /// True for a line holding nothing but spaces and delimiters.
    pub fn is_blank(&self, delimiter: u8) -> bool {
        self.bytes.iter().all(|&b| b == delimiter || b.is_ascii_whitespace())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    /// At the start of a field: a `"` here opens a quoted field.
    FieldStart,
    /// Inside an unquoted field: a `"` is an ordinary character.
    Unquoted,
    /// Inside a quoted field: line endings and delimiters are part of the cell.
    Quoted,
    /// Just saw a `"` inside a quoted field: another `"` is an escaped quote, anything else closes it.
    QuoteInQuoted,
}

/// Walks the bytes as RFC 4180 does (a quote opens a quoted field only at a field's start) and calls
/// `at_break` for each delimiter and line ending outside quotes, with its offset, its length and whether it
/// is a line ending. Returns true when the bytes end inside a quoted field.
fn scan(bytes: &[u8], delimiter: u8, mut at_break: impl FnMut(usize, usize, bool)) -> bool {
    let mut state = QuoteState::FieldStart;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let quoted = matches!(state, QuoteState::Quoted);
        if !quoted && (byte == b'\n' || byte == b'\r') {
            let len = if byte == b'\r' && bytes.get(at + 1) == Some(&b'\n') { 2 } else { 1 };
            at_break(at, len, true);
            state = QuoteState::FieldStart;
            at += len;
            continue;
        }
        state = match (state, byte) {
            (QuoteState::Quoted, b'"') => QuoteState::QuoteInQuoted,
            (QuoteState::Quoted, _) => QuoteState::Quoted,
            (QuoteState::QuoteInQuoted, b'"') => QuoteState::Quoted,
            (QuoteState::FieldStart, b'"') => QuoteState::Quoted,
            (_, b) if b == delimiter => {
                at_break(at, 1, false);
                QuoteState::FieldStart
            }
            _ => QuoteState::Unquoted,
        };
        at += 1;
    }
    matches!(state, QuoteState::Quoted)
}

/// Counts the line endings in `bytes` (`\r\n`, `\n` or `\r` each count once).
fn count_line_endings(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at += 1;
        }
        if byte == b'\r' || byte == b'\n' {
            count += 1;
        }
        at += 1;
    }
    count
}

/// Splits `bytes` into spreadsheet rows. The last row is dropped when it is empty (a file ending in a
/// line break has no extra row).
pub(crate) fn split_rows(bytes: &[u8], delimiter: u8) -> Vec<RawRow<'_>> {
    let mut rows = Vec::new();
    let mut start = 0;
    let quote_open = scan(bytes, delimiter, |at, len, is_line_end| {
        if is_line_end {
            let number = rows.len() + 1;
            rows.push(RawRow {
                number,
                bytes: bytes.get(start..at).unwrap_or_default(),
                unclosed_quote_lines: 0,
            });
            start = at + len;
        }
    });
    let tail = bytes.get(start..).unwrap_or_default();
    if !tail.is_empty() {
        // A line break ending the file closes the last line; it does not start another row.
        let mut shown = tail;
        while let [rest @ .., b'\r' | b'\n'] = shown {
            shown = rest;
        }
        let unclosed_quote_lines = if quote_open { count_line_endings(shown) + 1 } else { 0 };
        rows.push(RawRow { number: rows.len() + 1, bytes: tail, unclosed_quote_lines });
    }
    rows
}

/// Counts `delimiter` outside quotes in one line (used to tell `,` files from `;` files by their header).
pub(crate) fn count_delimiters(line: &[u8], delimiter: u8) -> usize {
    let mut count = 0;
    scan(line, delimiter, |_, _, is_line_end| {
        if !is_line_end {
            count += 1;
        }
    });
    count
}

/// Reads rows' fields with the `csv` crate. One reader serves every row of a file: building a `csv` reader
/// builds its state machine, which cost more than reading a short row.
pub(crate) struct FieldReader {
    reader: csv::Reader<RowBytes>,
    record: csv::ByteRecord,
    delimiter: u8,
}

/// The row the reader is on, as a seekable stream so the reader can be rewound for the next row.
#[derive(Default)]
struct RowBytes {
    bytes: Vec<u8>,
    at: usize,
}

impl std::io::Read for RowBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let count = rest.len().min(buf.len());
        buf[..count].copy_from_slice(&rest[..count]);
        self.at += count;
        Ok(count)
    }
}

impl std::io::Seek for RowBytes {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        // The reader only ever rewinds to the start of a freshly loaded row.
        if to != std::io::SeekFrom::Start(0) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "a row is only rewound to its start",
            ));
        }
        self.at = 0;
        Ok(0)
    }
}

impl FieldReader {
    pub fn new(delimiter: u8) -> FieldReader {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(RowBytes::default());
        FieldReader { reader, record: csv::ByteRecord::new(), delimiter }
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The fields of one row. `Err` carries the `csv` crate's complaint when the row is not valid CSV.
    pub fn read(&mut self, row: &RawRow<'_>) -> Result<Vec<Vec<u8>>, Text> {
        let feed = self.reader.get_mut();
        feed.bytes.clear();
        feed.bytes.extend_from_slice(row.bytes);
        self.reader
            .seek_raw(std::io::SeekFrom::Start(0), csv::Position::new())
            .map_err(|error| describe_csv_error(&error))?;
        let fields = match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Vec::new(),
            Ok(true) => self.record.iter().map(<[u8]>::to_vec).collect(),
            Err(error) => return Err(describe_csv_error(&error)),
        };
        if matches!(self.reader.read_byte_record(&mut self.record), Ok(true) | Err(_)) {
            return Err(text!(
                "mapping.row.several_records",
                "the row holds more than one record; check its quotation marks"
            ));
        }
        Ok(fields)
    }
}

fn describe_csv_error(error: &csv::Error) -> Text {
    match error.kind() {
        csv::ErrorKind::Io(io) => {
            text!("mapping.row.unreadable", "the row could not be read ({detail})", detail = io)
        }
        other => text!(
            "mapping.row.invalid_csv",
            "the row is not valid CSV ({detail})",
            detail = format!("{other:?}")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(bytes: &[u8]) -> Vec<(usize, &[u8])> {
        split_rows(bytes, b',').into_iter().map(|row| (row.number, row.bytes)).collect()
    }

    #[test]
    fn blank_lines_count_as_rows() {
        let rows = numbered(b"a,b\r\n\r\nc,d\n\ne,f\n");
        assert_eq!(
            rows,
            vec![(1, &b"a,b"[..]), (2, &b""[..]), (3, &b"c,d"[..]), (4, &b""[..]), (5, &b"e,f"[..])]
        );
    }

    #[test]
    fn a_quoted_cell_spanning_lines_stays_in_its_row() {
        let rows = numbered(b"a,b\n\"two\nlines\",x\nc,d");
        assert_eq!(rows, vec![(1, &b"a,b"[..]), (2, &b"\"two\nlines\",x"[..]), (3, &b"c,d"[..])]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_an_ordinary_character() {
        let rows = numbered(b"o\"brien,x\nnext,y");
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_and_says_so() {
        let rows = split_rows(b"a,b\n\"open,x\nc,d\ne,f\r\n", b',');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.get(1).map(|row| row.unclosed_quote_lines), Some(3));
    }

    #[test]
    fn delimiters_inside_quotes_are_not_counted() {
        assert_eq!(count_delimiters(b"\"a;b\";c;d", b';'), 2);
        assert_eq!(count_delimiters(b"\"a;b\";c;d", b','), 0);
    }

    #[test]
    fn fields_are_read_with_csv_quoting() {
        let row = RawRow { number: 2, bytes: b"\"+44 7911, ext\";\"a\"\"b\";", unclosed_quote_lines: 0 };
        let mut reader = FieldReader::new(b';');
        let fields = reader.read(&row);
        assert_eq!(fields, Ok(vec![b"+44 7911, ext".to_vec(), b"a\"b".to_vec(), Vec::new()]));
        // The same reader goes on with the next row, and an empty row has no fields.
        let next = RawRow { number: 3, bytes: b"x;y", unclosed_quote_lines: 0 };
        assert_eq!(reader.read(&next), Ok(vec![b"x".to_vec(), b"y".to_vec()]));
        assert_eq!(reader.read(&RawRow { number: 4, bytes: b"", unclosed_quote_lines: 0 }), Ok(Vec::new()));
        let two = RawRow { number: 5, bytes: b"a;b\nc;d", unclosed_quote_lines: 0 };
        assert!(reader.read(&two).is_err());
        assert_eq!(reader.read(&next), Ok(vec![b"x".to_vec(), b"y".to_vec()]));
    }
}
