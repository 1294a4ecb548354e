//! The checks one cell of a mapping CSV must pass before its value is read (not empty, UTF-8, not a
//! spreadsheet formula, on one line) and the words for a phone number that does not read. Does not know
//! about rows, columns or duplicates; `csv_table` does.

use super::phone::{is_phone_separator, normalize_phone};
use crate::text;
use crate::Text;

/// The longest cell text quoted back in a message.
const SHOWN_CHARS: usize = 40;

/// Cell text for a message, which puts the quotation marks around it: escaped as Rust escapes a string
/// (control characters and quotation marks cannot garble the message), and shortened when long.
pub(crate) fn shown(cell: &str) -> String {
    let long = cell.chars().count() > SHOWN_CHARS;
    let head: String = cell.chars().take(SHOWN_CHARS).collect();
    let quoted = format!("{head:?}");
    let escaped = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap_or(&quoted);
    if long {
        format!("{escaped}…")
    } else {
        escaped.to_string()
    }
}

/// The cell's text, or the problem that stops Docket reading it (empty, not UTF-8, a formula, several lines).
pub(crate) fn cell_text<'a>(fields: &'a [Vec<u8>], index: usize, column: &str) -> Result<&'a str, Text> {
    let bytes = fields.get(index).map(Vec::as_slice).unwrap_or_default();
    let text = std::str::from_utf8(bytes).map_err(|_| {
        text!(
            "mapping.cell.not_utf8",
            "the {column} cell is not UTF-8 text; save the file as \"CSV UTF-8\" and choose it again",
            column = column
        )
    })?;
    if text.trim().is_empty() {
        return Err(text!(
            "mapping.cell.empty",
            "the {column} cell is empty; fill it in or delete the row",
            column = column
        ));
    }
    if looks_like_formula(text) {
        return Err(text!(
            "mapping.cell.formula",
            "{column} \"{cell}\": this cell looks like a spreadsheet formula; Docket will not read it. Type the \
             value as plain text",
            column = column,
            cell = shown(text)
        ));
    }
    if text.trim().contains(['\n', '\r']) {
        return Err(text!(
            "mapping.cell.several_lines",
            "the {column} cell \"{cell}\" spans several lines; put it on one line",
            column = column,
            cell = shown(text)
        ));
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

pub(crate) fn phone_problem(text: &str, column: &str, default_region: Option<&str>) -> Text {
    let cell = shown(text);
    if is_scientific_notation(text) {
        return text!(
            "mapping.phone.scientific_notation",
            "{column} \"{cell}\" was turned into scientific notation by a spreadsheet, which loses digits; \
             format the column as Text, type the numbers again and save the file",
            column = column,
            cell = cell
        );
    }
    if text.starts_with(['+', '\u{ff0b}']) {
        return text!(
            "mapping.phone.invalid",
            "{column} \"{cell}\" is not a valid phone number; check the country code and the digits",
            column = column,
            cell = cell
        );
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    // The digits read as an international number: the spreadsheet probably dropped the `+`.
    let plus_lost = !digits.is_empty() && normalize_phone(&format!("+{digits}"), None).is_some();
    match (default_region.map(|region| region.trim().to_ascii_uppercase()), plus_lost) {
        (None, false) => text!(
            "mapping.phone.no_country_code",
            "{column} \"{cell}\" has no country code; add the country code, e.g. +44 7911 123456, or set the \
             default region",
            column = column,
            cell = cell
        ),
        (None, true) => text!(
            "mapping.phone.no_country_code_plus_lost",
            "{column} \"{cell}\" has no country code; add the country code, e.g. +44 7911 123456, or set the \
             default region (if it is +{digits}, format the column as Text so the spreadsheet keeps the +)",
            column = column,
            cell = cell,
            digits = digits
        ),
        (Some(region), false) => text!(
            "mapping.phone.invalid_in_region",
            "{column} \"{cell}\" is not a valid phone number in the default region {region}; add the country \
             code, e.g. +44 7911 123456, or check the digits",
            column = column,
            cell = cell,
            region = region
        ),
        (Some(region), true) => text!(
            "mapping.phone.invalid_in_region_plus_lost",
            "{column} \"{cell}\" is not a valid phone number in the default region {region}; add the country \
             code, e.g. +44 7911 123456, or check the digits (if it is +{digits}, format the column as Text so \
             the spreadsheet keeps the +)",
            column = column,
            cell = cell,
            region = region,
            digits = digits
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
pub(crate) fn at_handle_cell(fields: &[Vec<u8>], index: usize, column: &str) -> Result<Option<String>, Text> {
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
        assert_eq!(shown("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(shown("say \"hi\""), "say \\\"hi\\\"");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), SHOWN_CHARS + 1);
    }
}
