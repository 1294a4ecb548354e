//! Reads a user-mapping CSV into phone → mailbox entries and row-numbered problems: finds the delimiter and
//! the phone and address columns, checks every cell, and collects every problem rather than the first.
//! Does not read files or decide the public error shape (`mod.rs`), nor resolve items (`resolve`).

use std::collections::{BTreeMap, HashMap};

use super::address::normalize_address;
use super::csv_cells::{cell_text, detect_delimiter, header_key, phone_problem, shown};
use super::csv_rows::{split_rows, FieldReader, RawRow};
use super::phone::normalize_phone;
use super::RowProblem;
use crate::text;
use crate::Text;

/// Header names accepted for the phone column, most specific first (compared ignoring case, spaces,
/// underscores, hyphens and dots). Microsoft's connector documentation uses `MobileNumber`.
pub const PHONE_HEADERS: &[&str] = &[
    "MobileNumber",
    "MobilePhoneNumber",
    "MobilePhone",
    "Mobile",
    "PhoneNumber",
    "Phone",
    "Msisdn",
    "Number",
];

/// Header names accepted for the Microsoft 365 address column, most specific first. Microsoft's connector
/// documentation uses `EmailAddress`.
pub const ADDRESS_HEADERS: &[&str] = &[
    "EmailAddress",
    "Microsoft365Address",
    "Office365Address",
    "PrimarySmtpAddress",
    "UserPrincipalName",
    "UPN",
    "Email",
    "Mailbox",
    "Address",
];

/// What a mapping CSV holds once read.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedTable {
    /// E.164 number → lowercase address.
    pub entries: BTreeMap<String, String>,
    /// Non-blank rows after the header.
    pub rows: usize,
    pub problems: Vec<RowProblem>,
    /// The header cells as written in the file.
    pub phone_column: String,
    pub address_column: String,
}

struct Columns {
    /// The header also has a Telegram column (`telegram_ids`): a row with an empty phone cell is a
    /// Telegram-only row, checked there, not here.
    telegram: bool,
    phone: usize,
    phone_name: String,
    address: usize,
    address_name: String,
}

/// Reads the CSV bytes. `Err` (a sentence for the admin) when no row can be read: no header, or no phone
/// or address column in it.
pub(crate) fn parse_table(bytes: &[u8], default_region: Option<&str>) -> Result<ParsedTable, Text> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(text!(
            "mapping.file.utf16",
            "the file is saved as UTF-16 text; in Excel choose Save As > \"CSV UTF-8 (Comma delimited)\" and \
             choose the new file"
        ));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let delimiter = detect_delimiter(bytes);
    let rows = split_rows(bytes, delimiter);
    let mut rows = rows.iter().filter(|row| !row.is_blank(delimiter));
    let Some(header) = rows.next() else {
        return Err(text!(
            "mapping.file.no_rows",
            "the file has no rows; it needs a header row with {expected} and then one row per user",
            expected = expected()
        ));
    };
    if header.unclosed_quote_lines > 0 {
        return Err(text!(
            "mapping.header.unclosed_quote",
            "a quotation mark in the header row (row {row}) is never closed, so the whole file reads as its \
             header; close the quotation mark",
            row = header.number
        ));
    }
    let mut fields = FieldReader::new(delimiter);
    let header_fields = fields.read(header).map_err(|problem| header_unreadable(header.number, problem))?;
    let columns = find_columns(&header_fields, header.number)?;

    let mut table = ParsedTable {
        phone_column: columns.phone_name.clone(),
        address_column: columns.address_name.clone(),
        ..ParsedTable::default()
    };
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for row in rows {
        table.rows += 1;
        if let Some((number, address)) =
            read_row(row, &mut fields, &columns, default_region, &mut table.problems)
        {
            add_entry(&mut table, &mut first_seen, row.number, number, address);
        }
    }
    Ok(table)
}

/// The header row `row` is not valid CSV; `problem` says why.
pub(crate) fn header_unreadable(row: usize, problem: Text) -> Text {
    text!(
        "mapping.header.unreadable",
        "the header row (row {row}) cannot be read: {problem}",
        row = row,
        problem = problem
    )
}

/// The columns a mapping file needs, with every header name accepted for each.
fn expected() -> Text {
    text!(
        "mapping.header.expected",
        "a phone column ({phone_headers}) and an address column ({address_headers})",
        phone_headers = PHONE_HEADERS.join(", "),
        address_headers = ADDRESS_HEADERS.join(", ")
    )
}

/// The two columns `find_column` looks for.
#[derive(Clone, Copy)]
enum ColumnKind {
    Phone,
    Address,
}

fn find_columns(fields: &[Vec<u8>], header_row: usize) -> Result<Columns, Text> {
    let names: Vec<String> = fields.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
    let phone = find_column(&names, PHONE_HEADERS, ColumnKind::Phone, header_row)?;
    let address = find_column(&names, ADDRESS_HEADERS, ColumnKind::Address, header_row)?;
    match (phone, address) {
        (Some((phone, phone_name)), Some((address, address_name))) => {
            let telegram = [super::USER_ID_HEADERS, super::USERNAME_HEADERS]
                .concat()
                .iter()
                .any(|alias| names.iter().any(|name| header_key(name) == header_key(alias)));
            Ok(Columns { telegram, phone, phone_name, address, address_name })
        }
        (phone, address) => {
            let missing = match (phone, address) {
                (None, None) => {
                    text!("mapping.header.no_phone_and_no_address", "no phone column and no address column")
                }
                (None, Some(_)) => text!("mapping.header.no_phone", "no phone column"),
                _ => text!("mapping.header.no_address", "no address column"),
            };
            // Header names are the file's words, each quoted as a cell is.
            let found: Vec<String> =
                names.iter().take(12).map(|name| format!("\"{}\"", shown(name))).collect();
            let looks_like_data = names
                .iter()
                .any(|name| normalize_phone(name, None).is_some() || normalize_address(name).is_ok());
            let fix = if looks_like_data {
                text!(
                    "mapping.header.fix_data_row",
                    "The first row looks like data, not a header: add a header row such as \
                     MobileNumber,EmailAddress above it and choose the file again"
                )
            } else {
                text!(
                    "mapping.header.fix_rename",
                    "Rename the columns (for example MobileNumber and EmailAddress) and choose the file again"
                )
            };
            let found = match found.is_empty() {
                true => text!("mapping.header.holds_nothing", "nothing"),
                false => Text::verbatim(found.join(", ")),
            };
            Err(text!(
                "mapping.header.missing_columns",
                "the header row (row {row}) has {missing}; it needs {expected}. The header row holds: {found}. {fix}",
                row = header_row,
                missing = missing,
                expected = expected(),
                found = found,
                fix = fix
            ))
        }
    }
}

/// The column whose header is the best-ranked alias. Two columns with the same alias are ambiguous.
fn find_column(
    names: &[String],
    aliases: &[&str],
    kind: ColumnKind,
    header_row: usize,
) -> Result<Option<(usize, String)>, Text> {
    let keys: Vec<String> = aliases.iter().map(|alias| header_key(alias)).collect();
    for key in &keys {
        let matching: Vec<usize> = (0..names.len())
            .filter(|&index| names.get(index).map(|name| header_key(name)).as_ref() == Some(key))
            .collect();
        match matching.as_slice() {
            [] => continue,
            [index] => return Ok(Some((*index, names.get(*index).cloned().unwrap_or_default()))),
            [first, second, ..] => {
                let name = |index: usize| shown(names.get(index).map(String::as_str).unwrap_or_default());
                let (first_name, second_name) = (name(*first), name(*second));
                let (first_column, second_column) = (column_letter(*first), column_letter(*second));
                return Err(match kind {
                    ColumnKind::Phone => text!(
                        "mapping.header.two_phone_columns",
                        "the header row (row {row}) has two phone columns, \"{first}\" and \"{second}\" (columns \
                         {first_column} and {second_column}); rename or delete one of them and choose the file again",
                        row = header_row,
                        first = first_name,
                        second = second_name,
                        first_column = first_column,
                        second_column = second_column
                    ),
                    ColumnKind::Address => text!(
                        "mapping.header.two_address_columns",
                        "the header row (row {row}) has two address columns, \"{first}\" and \"{second}\" (columns \
                         {first_column} and {second_column}); rename or delete one of them and choose the file again",
                        row = header_row,
                        first = first_name,
                        second = second_name,
                        first_column = first_column,
                        second_column = second_column
                    ),
                });
            }
        }
    }
    Ok(None)
}

/// The spreadsheet letter of a zero-based column: 0 → A, 25 → Z, 26 → AA.
fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Checks one data row; returns its (E.164 number, lowercase address) when every check passes.
fn read_row(
    row: &RawRow<'_>,
    reader: &mut FieldReader,
    columns: &Columns,
    default_region: Option<&str>,
    problems: &mut Vec<RowProblem>,
) -> Option<(String, String)> {
    let mut report = |field: Option<&str>, text: Text| {
        problems.push(RowProblem::new(row.number, field.map(str::to_string), text))
    };
    if row.unclosed_quote_lines > 0 {
        let last = row.number + row.unclosed_quote_lines - 1;
        report(
            None,
            if last > row.number {
                text!(
                    "mapping.row.unclosed_quote_rows",
                    "a quotation mark in this row is never closed, so rows {first}-{last} read as one cell; close \
                     the quotation mark",
                    first = row.number,
                    last = last
                )
            } else {
                text!("mapping.row.unclosed_quote", "a quotation mark in this row is never closed; close it")
            },
        );
        return None;
    }
    let delimiter = reader.delimiter();
    let fields = match reader.read(row) {
        Ok(fields) => fields,
        Err(problem) => {
            report(None, problem);
            return None;
        }
    };
    let needed = columns.phone.max(columns.address) + 1;
    if fields.len() < needed {
        let (count, phone, address) = (fields.len(), &columns.phone_name, &columns.address_name);
        report(
            None,
            if delimiter == b';' {
                text!(
                    "mapping.row.too_few_fields_semicolons",
                    "the row has only {count} of the {needed} fields needed to reach the {phone} and {address} \
                     columns; the file separates fields with semicolons (;), so check this row does too",
                    count = count,
                    needed = needed,
                    phone = phone,
                    address = address
                )
            } else {
                text!(
                    "mapping.row.too_few_fields_commas",
                    "the row has only {count} of the {needed} fields needed to reach the {phone} and {address} \
                     columns; the file separates fields with commas (,), so check this row does too",
                    count = count,
                    needed = needed,
                    phone = phone,
                    address = address
                )
            },
        );
        return None;
    }
    if columns.telegram
        && fields.get(columns.phone).is_none_or(|cell| cell.iter().all(u8::is_ascii_whitespace))
    {
        return None;
    }
    let phone_cell = cell_text(&fields, columns.phone, &columns.phone_name).and_then(|text| {
        let text = text.trim();
        // A leading apostrophe is how spreadsheet users keep a `+` from turning into a formula.
        let text = text.strip_prefix('\'').unwrap_or(text).trim();
        normalize_phone(text, default_region)
            .ok_or_else(|| phone_problem(text, &columns.phone_name, default_region))
    });
    let address_cell = cell_text(&fields, columns.address, &columns.address_name).and_then(|text| {
        normalize_address(text.trim()).map_err(|fault| address_problem(&columns.address_name, text, &fault))
    });
    match (phone_cell, address_cell) {
        (Ok(number), Ok(address)) => Some((number, address)),
        (phone, address) => {
            if let Err(problem) = phone {
                report(Some(&columns.phone_name), problem);
            }
            if let Err(problem) = address {
                report(Some(&columns.address_name), problem);
            }
            None
        }
    }
}

/// The address cell `text` of `column` is not an address: the column, the cell, then what is wrong.
pub(crate) fn address_problem(column: &str, text: &str, fault: &super::AddressFault) -> Text {
    text!(
        "mapping.address.invalid_cell",
        "{column} \"{address}\" {fault}",
        column = column,
        address = shown(text.trim()),
        fault = fault.text()
    )
}

fn add_entry(
    table: &mut ParsedTable,
    first_seen: &mut HashMap<String, usize>,
    row: usize,
    number: String,
    address: String,
) {
    match table.entries.get(&number) {
        None => {
            first_seen.insert(number.clone(), row);
            table.entries.insert(number, address);
        }
        // The same number and address twice: harmless, counted once.
        Some(existing) if *existing == address => {}
        Some(existing) => {
            let first = first_seen.get(&number).copied().unwrap_or_default();
            let text = text!(
                "mapping.phone.duplicate",
                "{number} appears twice with different addresses (rows {first} and {row}: {existing} and \
                 {address}); keep the row with the right address and delete the other",
                number = number,
                first = first,
                row = row,
                existing = existing,
                address = address
            );
            table.problems.push(RowProblem::new(row, Some(table.phone_column.clone()), text));
        }
    }
}
