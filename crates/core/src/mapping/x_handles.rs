//! The X-handle mapping: a CSV of X handles to Microsoft 365 addresses, for the X connector's optional
//! per-participant delivery (a DM goes to the mailbox of every participant that maps). It reuses the phone
//! CSV's row reader and cell checks and reports every problem by row; the resolver applies it to X items only.

use std::collections::BTreeMap;
use std::path::Path;

use super::address::normalize_address;
use super::csv_cells::{at_handle_cell, cell_text, detect_delimiter, header_key, shown};
use super::csv_rows::{split_rows, FieldReader};
use super::csv_table::{address_problem, header_unreadable, ADDRESS_HEADERS};
use super::telegram_ids::duplicate_handle;
use super::{MappingError, RowProblem};
use crate::text;
use crate::Text;

/// Header names accepted for the handle column (compared ignoring case, spaces, `_`, `-` and `.`).
pub const HANDLE_HEADERS: &[&str] =
    &["XHandle", "TwitterHandle", "XUsername", "TwitterUsername", "Handle", "Username"];

/// Lowercase handle (no `@`) → lowercase address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XHandleTable {
    entries: BTreeMap<String, String>,
}

/// `@Contoso` → `contoso`, when it is a valid X handle (1–15 letters, digits and underscores).
pub fn normalize_handle(raw: &str) -> Option<String> {
    let handle = raw.trim().trim_start_matches('@');
    ((1..=15).contains(&handle.len()) && handle.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| handle.to_ascii_lowercase())
}

impl XHandleTable {
    /// Reads the CSV; `Err(Problems)` when any row has a problem, so a run never uses half a mapping.
    pub fn load(path: &Path) -> Result<XHandleTable, MappingError> {
        let bytes =
            std::fs::read(path).map_err(|source| MappingError::Read { path: path.to_path_buf(), source })?;
        XHandleTable::from_bytes(path, &bytes)
    }

    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<XHandleTable, MappingError> {
        let invalid = |message: Text| MappingError::Invalid { path: path.to_path_buf(), message };
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let delimiter = detect_delimiter(bytes);
        let rows = split_rows(bytes, delimiter);
        let mut rows = rows.iter().filter(|row| !row.is_blank(delimiter));
        let header = rows.next().ok_or_else(|| {
            invalid(text!(
                "mapping.x.no_rows",
                "the file has no rows; it needs a header row such as XHandle,EmailAddress"
            ))
        })?;
        let mut reader = FieldReader::new(delimiter);
        let names: Vec<String> = reader
            .read(header)
            .map_err(|problem| invalid(header_unreadable(header.number, problem)))?
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        let find = |aliases: &[&str]| {
            aliases.iter().find_map(|alias| names.iter().position(|n| header_key(n) == header_key(alias)))
        };
        let (Some(handle_col), Some(address_col)) = (find(HANDLE_HEADERS), find(ADDRESS_HEADERS)) else {
            return Err(invalid(text!(
                "mapping.x.missing_columns",
                "the header row (row {row}) needs an X handle column ({handle_headers}) and an address column \
                 ({address_headers})",
                row = header.number,
                handle_headers = HANDLE_HEADERS.join(", "),
                address_headers = ADDRESS_HEADERS.join(", ")
            )));
        };
        let (handle_name, address_name) = (names[handle_col].clone(), names[address_col].clone());
        let mut table = XHandleTable::default();
        let mut problems = Vec::new();
        let mut first_row: BTreeMap<String, usize> = BTreeMap::new();
        for row in rows {
            let mut report = |field: &str, text: Text| {
                problems.push(RowProblem::new(row.number, Some(field.to_string()), text))
            };
            let fields = match reader.read(row) {
                Ok(fields) => fields,
                Err(problem) => {
                    problems.push(RowProblem::new(row.number, None, problem));
                    continue;
                }
            };
            let handle = at_handle_cell(&fields, handle_col, &handle_name)
                .map(Option::unwrap_or_default)
                .and_then(|text| {
                    normalize_handle(&text).ok_or_else(|| {
                        text!(
                            "mapping.x.bad_handle",
                            "{column} \"{value}\" is not an X handle (1 to 15 letters, digits or underscores)",
                            column = handle_name,
                            value = shown(text.trim())
                        )
                    })
                });
            let address = cell_text(&fields, address_col, &address_name).and_then(|text| {
                normalize_address(text.trim()).map_err(|fault| address_problem(&address_name, text, &fault))
            });
            match (handle, address) {
                (Ok(handle), Ok(address)) => match table.entries.get(&handle) {
                    Some(existing) if *existing != address => report(
                        &handle_name,
                        duplicate_handle(
                            &handle,
                            first_row.get(&handle).copied().unwrap_or_default(),
                            row.number,
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        first_row.insert(handle.clone(), row.number);
                        table.entries.insert(handle, address);
                    }
                },
                (handle, address) => {
                    if let Err(m) = handle {
                        report(&handle_name, m);
                    }
                    if let Err(m) = address {
                        report(&address_name, m);
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(table)
        } else {
            Err(MappingError::Problems { path: path.to_path_buf(), problems })
        }
    }

    /// The mailbox a handle (with or without `@`, any case) maps to.
    pub fn lookup(&self, handle: &str) -> Option<&str> {
        self.entries.get(&normalize_handle(handle)?).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_map_and_bad_rows_are_named() {
        let good = b"XHandle,EmailAddress\n@Alice_Trades,alice@contoso.com\n";
        let table = XHandleTable::from_bytes(Path::new("x.csv"), good);
        assert_eq!(
            table.ok().and_then(|t| t.lookup("alice_trades").map(str::to_string)).as_deref(),
            Some("alice@contoso.com")
        );
        let bad = b"Handle,Email\nnot a handle,alice@contoso.com\nbob,not-an-address\n";
        match XHandleTable::from_bytes(Path::new("x.csv"), bad) {
            Err(MappingError::Problems { problems, .. }) => {
                assert_eq!(problems.iter().map(|p| p.row).collect::<Vec<_>>(), vec![2, 3]);
            }
            other => panic!("expected row problems, got {other:?}"),
        }
        assert_eq!(normalize_handle("@Contoso"), Some("contoso".into()));
        assert_eq!(normalize_handle("way_too_long_for_x"), None);
    }
}
