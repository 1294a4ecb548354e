//! The Telegram columns of a mapping CSV: `TelegramUserId` and `TelegramUsername` (either or both, beside
//! the address column and, optionally, the phone column), for live Telegram capture, where the Bot API gives
//! no phone numbers. Rows with both Telegram cells empty are left to the phone mapping. It reuses the phone
//! CSV's row reader and cell checks and reports every problem by row; the resolver applies it to Telegram
//! items (user ids from `Participant::handle` `user123`, usernames from the item's `X-Docket-Telegram-Users`).

use std::collections::BTreeMap;
use std::path::Path;

use super::csv_cells::{at_handle_cell, cell_text, detect_delimiter, header_key, shown};
use super::csv_rows::{split_rows, FieldReader};
use super::csv_table::{address_problem, header_unreadable, ADDRESS_HEADERS, PHONE_HEADERS};
use super::{normalize_address, MappingError, RowProblem};
use crate::text;
use crate::Text;

pub const USER_ID_HEADERS: &[&str] = &["TelegramUserId", "TelegramId"];
pub const USERNAME_HEADERS: &[&str] = &["TelegramUsername", "TelegramHandle"];

/// Telegram user id → address and lowercase username (no `@`) → address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TelegramIdTable {
    by_id: BTreeMap<u64, String>,
    by_username: BTreeMap<String, String>,
    /// Whether the file also has a phone column (then the phone mapping is read from it too).
    pub has_phone_column: bool,
    /// Data rows read (blank rows are not counted).
    pub rows: usize,
}

/// `@Alice_Ops` → `alice_ops`, when it is a Telegram username (5–32 letters, digits and underscores).
pub fn normalize_username(raw: &str) -> Option<String> {
    let name = raw.trim().trim_start_matches('@');
    ((5..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| name.to_ascii_lowercase())
}

/// A Telegram column's text, when the file has that column and the cell is not empty.
fn cell(fields: &[Vec<u8>], index: Option<usize>, column: &str) -> Result<Option<String>, Text> {
    match index {
        Some(index) => at_handle_cell(fields, index, column),
        None => Ok(None),
    }
}

/// `@handle` (an X handle or a Telegram username) is on two rows with different addresses.
pub(crate) fn duplicate_handle(handle: &str, first: usize, row: usize) -> Text {
    text!(
        "mapping.duplicate_handle",
        "@{handle} appears twice with different addresses (rows {first} and {row}); keep the right one",
        handle = handle,
        first = first,
        row = row
    )
}

impl TelegramIdTable {
    /// The Telegram columns of a mapping file's bytes (`path` names it in messages), or `Ok(None)` when it has
    /// none. `Err(Problems)` when any row has a problem, so a run never uses half a mapping.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Option<TelegramIdTable>, MappingError> {
        let invalid = |message: Text| MappingError::Invalid { path: path.to_path_buf(), message };
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let delimiter = detect_delimiter(bytes);
        let rows = split_rows(bytes, delimiter);
        let mut rows = rows.iter().filter(|row| !row.is_blank(delimiter));
        let Some(header) = rows.next() else { return Ok(None) };
        let mut reader = FieldReader::new(delimiter);
        let names: Vec<String> = reader
            .read(header)
            .map_err(|problem| invalid(header_unreadable(header.number, problem)))?
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        let find = |aliases: &[&str]| {
            aliases.iter().find_map(|a| names.iter().position(|n| header_key(n) == header_key(a)))
        };
        let (id_col, name_col) = (find(USER_ID_HEADERS), find(USERNAME_HEADERS));
        if id_col.is_none() && name_col.is_none() {
            return Ok(None);
        }
        let Some(address_col) = find(ADDRESS_HEADERS) else {
            return Err(invalid(text!(
                "mapping.telegram.no_address_column",
                "the header row (row {row}) has Telegram columns but no address column ({address_headers})",
                row = header.number,
                address_headers = ADDRESS_HEADERS.join(", ")
            )));
        };
        let column = |i: Option<usize>| i.and_then(|i| names.get(i).cloned()).unwrap_or_default();
        let (id_name, user_name, address_name) =
            (column(id_col), column(name_col), column(Some(address_col)));
        let phone_col = find(PHONE_HEADERS);
        let mut table =
            TelegramIdTable { has_phone_column: phone_col.is_some(), ..TelegramIdTable::default() };
        let mut problems = Vec::new();
        let mut first_row: BTreeMap<String, usize> = BTreeMap::new();
        for row in rows {
            table.rows += 1;
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
            let id = cell(&fields, id_col, &id_name).and_then(|text| match text {
                None => Ok(None),
                Some(text) => text.parse::<u64>().ok().filter(|&id| id > 0).map(Some).ok_or_else(|| {
                    text!(
                        "mapping.telegram.bad_user_id",
                        "{column} \"{value}\" is not a Telegram user id (a positive whole number)",
                        column = id_name,
                        value = shown(&text)
                    )
                }),
            });
            let username = cell(&fields, name_col, &user_name).and_then(|text| match text {
                None => Ok(None),
                Some(text) => normalize_username(&text).map(Some).ok_or_else(|| {
                    text!(
                        "mapping.telegram.bad_username",
                        "{column} \"{value}\" is not a Telegram username (5 to 32 letters, digits or underscores)",
                        column = user_name,
                        value = shown(&text)
                    )
                }),
            });
            let phone_blank = phone_col
                .is_none_or(|i| fields.get(i).is_none_or(|cell| cell.iter().all(u8::is_ascii_whitespace)));
            let (id, username) = match (id, username) {
                (Ok(None), Ok(None)) if phone_blank => {
                    let wanted: Vec<&str> = [id_name.as_str(), user_name.as_str()]
                        .into_iter()
                        .filter(|n| !n.is_empty())
                        .collect();
                    let problem = match wanted.as_slice() {
                        [id_column, username_column] => text!(
                            "mapping.telegram.row_without_either",
                            "the row has no {id_column} or {username_column} (nor a phone number); fill one in or \
                             delete the row",
                            id_column = id_column,
                            username_column = username_column
                        ),
                        _ => text!(
                            "mapping.telegram.row_without_id",
                            "the row has no {column} (nor a phone number); fill one in or delete the row",
                            column = wanted.concat()
                        ),
                    };
                    report(&address_name, problem);
                    continue;
                }
                (Ok(None), Ok(None)) => continue,
                (Ok(id), Ok(username)) => (id, username),
                (id, username) => {
                    if let Err(m) = id {
                        report(&id_name, m);
                    }
                    if let Err(m) = username {
                        report(&user_name, m);
                    }
                    continue;
                }
            };
            let address = match cell_text(&fields, address_col, &address_name).and_then(|text| {
                normalize_address(text.trim()).map_err(|fault| address_problem(&address_name, text, &fault))
            }) {
                Ok(address) => address,
                Err(m) => {
                    report(&address_name, m);
                    continue;
                }
            };
            // `key` stands for the id or username in `first_row`; `twice` says it appears twice.
            let mut add = |key: String,
                           existing: Option<&String>,
                           column: &str,
                           twice: &dyn Fn(usize, usize) -> Text|
             -> bool {
                match existing {
                    Some(old) if *old != address => {
                        report(column, twice(first_row.get(&key).copied().unwrap_or_default(), row.number));
                        false
                    }
                    Some(_) => false,
                    None => {
                        first_row.insert(key, row.number);
                        true
                    }
                }
            };
            if let Some(id) = id {
                let twice = |first: usize, row: usize| {
                    text!(
                        "mapping.telegram.duplicate_user_id",
                        "user id {id} appears twice with different addresses (rows {first} and {row}); keep the \
                         right one",
                        id = id.to_string(),
                        first = first,
                        row = row
                    )
                };
                if add(format!("user id {id}"), table.by_id.get(&id), &id_name, &twice) {
                    table.by_id.insert(id, address.clone());
                }
            }
            if let Some(name) = username {
                let twice = |first: usize, row: usize| duplicate_handle(&name, first, row);
                if add(format!("@{name}"), table.by_username.get(&name), &user_name, &twice) {
                    table.by_username.insert(name.clone(), address.clone());
                }
            }
        }
        if problems.is_empty() {
            Ok(Some(table))
        } else {
            Err(MappingError::Problems { path: path.to_path_buf(), problems })
        }
    }

    /// The mailbox of a participant whose handle is `user<id>`.
    pub fn lookup_handle(&self, handle: &str) -> Option<&str> {
        let id = handle.strip_prefix("user")?.parse::<u64>().ok()?;
        self.by_id.get(&id).map(String::as_str)
    }

    /// The mailbox of a username (with or without `@`, any case).
    pub fn lookup_username(&self, username: &str) -> Option<&str> {
        self.by_username.get(&normalize_username(username)?).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_id.len() + self.by_username.len()
    }

    /// Every address an id or username maps to (an address may appear more than once).
    pub fn mailboxes(&self) -> impl Iterator<Item = &str> {
        self.by_id.values().chain(self.by_username.values()).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_ids_and_usernames_map_and_bad_rows_are_named() {
        let good = b"MobileNumber,TelegramUserId,TelegramUsername,EmailAddress\n\
            +447700900123,,,phone@contoso.com\n,1001,@Alice_Ops,alice@contoso.com\n,,bob_trades,bob@contoso.com\n";
        let phones = crate::mapping::MappingTable::from_reader(
            "m.csv",
            &good[..],
            &crate::mapping::MappingOptions::default(),
        );
        assert_eq!(phones.map(|t| t.len()).ok(), Some(1), "Telegram-only rows are not phone problems");
        let table = TelegramIdTable::from_bytes(Path::new("m.csv"), good).ok().flatten().expect("a table");
        assert!(table.has_phone_column);
        assert_eq!(table.lookup_handle("user1001"), Some("alice@contoso.com"));
        assert_eq!(table.lookup_username("@alice_ops"), Some("alice@contoso.com"));
        assert_eq!(table.lookup_username("BOB_TRADES"), Some("bob@contoso.com"));
        let bad = b"TelegramUserId,TelegramUsername,Email\nabc,,a@contoso.com\n,x!,b@contoso.com\n1,,c@contoso.com\n1,,d@contoso.com\n";
        match TelegramIdTable::from_bytes(Path::new("m.csv"), bad) {
            Err(MappingError::Problems { problems, .. }) => {
                assert_eq!(problems.iter().map(|p| p.row).collect::<Vec<_>>(), vec![2, 3, 5]);
            }
            other => panic!("expected row problems, got {other:?}"),
        }
        let none =
            TelegramIdTable::from_bytes(Path::new("m.csv"), b"MobileNumber,EmailAddress\n+1,a@b.com\n");
        assert!(matches!(none, Ok(None)));
    }
}
