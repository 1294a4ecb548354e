//! The checks one cell of a mapping CSV must pass before its value is read (not empty, UTF-8, not a
//! spreadsheet formula, on one line) and the words for a phone number that does not read. Does not know
//! about rows, columns or duplicates; `csv_table` does.

use super::phone::{is_phone_separator, normalize_phone};

/// The longest cell text quoted back in a message.
const SHOWN_CHARS: usize = 40;

/// Quotes cell text for a message: escaped, and shortened when long.
pub(crate) fn shown(cell: &str) -> String {
    if cell.chars().count() > SHOWN_CHARS {
        let head: String = cell.chars().take(SHOWN_CHARS).collect();
        format!("{head:?}…")
    } else {
        format!("{cell:?}")
    }
}

/// The cell's text, or the problem that stops Docket reading it (empty, not UTF-8, a formula, several lines).
pub(crate) fn cell_text<'a>(fields: &'a [Vec<u8>], index: usize, column: &str) -> Result<&'a str, String> {
    let bytes = fields.get(index).map(Vec::as_slice).unwrap_or_default();
    let text = std::str::from_utf8(bytes).map_err(|_| {
        format!("the {column} cell is not UTF-8 text; save the file as \"CSV UTF-8\" and choose it again")
    })?;
    if text.trim().is_empty() {
        return Err(format!("the {column} cell is empty; fill it in or delete the row"));
    }
    if looks_like_formula(text) {
        return Err(format!(
            "{column} {}: this cell looks like a spreadsheet formula; Docket will not read it. Type the value \
             as plain text",
            shown(text)
        ));
    }
    if text.trim().contains(['\n', '\r']) {
        return Err(format!("the {column} cell {} spans several lines; put it on one line", shown(text)));
    }
    Ok(text)
}

/// Cells a spreadsheet would run as a formula (CSV injection): `=`, `@`, a leading tab or carriage return,
/// or `+`/`-` followed by something that cannot be part of a phone number (`+44 7911…` is a number).
pub(crate) fn looks_like_formula(cell: &str) -> bool {
    if cell.starts_with(['\t', '\r']) {
        return true;
    }
    let mut chars = cell.trim_start_matches(' ').chars();
    match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => chars.next().is_some_and(|c| !(c.is_ascii_digit() || is_phone_separator(c))),
        _ => false,
    }
}

pub(crate) fn phone_problem(text: &str, column: &str, default_region: Option<&str>) -> String {
    let cell = shown(text);
    if is_scientific_notation(text) {
        return format!(
            "{column} {cell} was turned into scientific notation by a spreadsheet, which loses digits; format \
             the column as Text, type the numbers again and save the file"
        );
    }
    if text.starts_with(['+', '\u{ff0b}']) {
        return format!("{column} {cell} is not a valid phone number; check the country code and the digits");
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let plus_hint = if !digits.is_empty() && normalize_phone(&format!("+{digits}"), None).is_some() {
        format!(" (if it is +{digits}, format the column as Text so the spreadsheet keeps the +)")
    } else {
        String::new()
    };
    match default_region {
        None => format!(
            "{column} {cell} has no country code; add the country code, e.g. +44 7911 123456, or set the \
             default region{plus_hint}"
        ),
        Some(region) => format!(
            "{column} {cell} is not a valid phone number in the default region {}; add the country code, \
             e.g. +44 7911 123456, or check the digits{plus_hint}",
            region.trim().to_ascii_uppercase()
        ),
    }
}

/// "4.47911E+11": what Excel writes for a long number typed into a General cell.
fn is_scientific_notation(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let mantissa_ok = !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.');
    mantissa_ok && !exponent.is_empty() && exponent.chars().all(|c| c.is_ascii_digit())
}

/// A header cell as columns are matched: lowercase, without spaces, `_`, `-`, `.` or a byte order mark, so
/// "Mobile Phone", "mobile_phone" and "MobilePhone" are one column.
pub(crate) fn header_key(cell: &str) -> String {
    cell.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '\u{feff}') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The text of a handle or username cell (`@contoso`): a leading `@` is how handles are written, not a
/// spreadsheet formula, so it is set aside before the usual cell checks. `None` for an empty cell.
pub(crate) fn at_handle_cell(
    fields: &[Vec<u8>],
    index: usize,
    column: &str,
) -> Result<Option<String>, String> {
    let mut raw = fields.get(index).cloned().unwrap_or_default();
    let start = raw.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(raw.len());
    if raw.get(start) == Some(&b'@') {
        raw.remove(start);
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    cell_text(&[raw], 0, column).map(|text| Some(text.trim().to_string()))
}

/// `;` when the header line has more semicolons than commas outside quotes (European Excel), else `,`.
pub(crate) fn detect_delimiter(bytes: &[u8]) -> u8 {
    use super::csv_rows::{count_delimiters, split_rows};
    let header = split_rows(bytes, b',')
        .into_iter()
        .find(|row| !row.is_blank(b',') && !row.is_blank(b';'))
        .map(|row| row.bytes)
        .unwrap_or_default();
    if count_delimiters(header, b';') > count_delimiters(header, b',') {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_recognised() {
        for cell in ["=1+2", " =A1", "@SUM(A1)", "\tx", "\r1", "+SUM(A1)", "-A1", "+\"x\""] {
            assert!(looks_like_formula(cell), "{cell:?}");
        }
        for cell in ["+44 7911 123456", "+(44) 7911", "-1", "+", "07911 123456", "alice@contoso.com", ""] {
            assert!(!looks_like_formula(cell), "{cell:?}");
        }
    }

    #[test]
    fn scientific_notation_is_recognised() {
        assert!(is_scientific_notation("4.47911E+11"));
        assert!(is_scientific_notation("4e11"));
        assert!(!is_scientific_notation("+44 7911 123456"));
        assert!(!is_scientific_notation("E+11"));
        assert!(!is_scientific_notation("4.4E+"));
    }

    #[test]
    fn long_or_odd_cells_are_quoted_safely() {
        assert_eq!(shown("a\u{1b}[31mb"), "\"a\\u{1b}[31mb\"");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), SHOWN_CHARS + 3);
    }
}
