//! User mapping: the mapping CSV (mobile number → Microsoft 365 address) with row-numbered problems, phone
//! normalisation to E.164, and the policy that picks an item's mailboxes (CSV first, then automatic mapping).
//! Does not check that mailboxes exist in the directory (identity does that) nor deliver anything.

mod address;
mod csv_cells;
mod csv_rows;
mod csv_table;
mod phone;
mod resolve;
mod telegram_ids;
mod x_handles;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::text;
use crate::Text;

pub use address::{normalize_address, AddressFault};
pub use csv_table::{ADDRESS_HEADERS, PHONE_HEADERS};
pub use phone::{is_known_region, normalize_phone};
pub use resolve::{Resolution, Resolver};
pub use telegram_ids::{normalize_username, TelegramIdTable, USERNAME_HEADERS, USER_ID_HEADERS};
pub use x_handles::{normalize_handle, XHandleTable, HANDLE_HEADERS};

/// A mapping file larger than this is not a mapping file (a million users fit in a tenth of it).
const MAX_MAPPING_BYTES: u64 = 256 * 1024 * 1024;

/// How many problems an error message lists before it says "and N more".
const LISTED_PROBLEMS: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingOptions {
    /// ISO 3166 alpha-2 region ("US", "GB") for numbers written without a `+` country code.
    pub default_region: Option<String>,
}

impl MappingOptions {
    /// The region, with a blank setting read as none.
    fn region(&self) -> Option<&str> {
        self.default_region.as_deref().map(str::trim).filter(|region| !region.is_empty())
    }
}

/// One problem in one spreadsheet row (the header is row 1). `field` is the column's header when the
/// problem is in one cell, as written in the file. `message` is `text` in English (the CLI's JSON has it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RowProblem {
    pub row: usize,
    pub field: Option<String>,
    pub message: String,
    pub text: Text,
}

impl RowProblem {
    pub fn new(row: usize, field: Option<String>, text: Text) -> RowProblem {
        RowProblem { row, field, message: text.message.clone(), text }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}", self.row, self.message)
    }
}

/// What `docket mapping check` and the wizard's preview show: every problem, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MappingReport {
    pub path: PathBuf,
    /// Data rows read (blank rows are not counted).
    pub rows: usize,
    /// Distinct phone numbers that map to an address.
    pub entries: usize,
    pub problems: Vec<RowProblem>,
    /// The header of the column read as the phone number, as written in the file.
    pub phone_column: String,
    /// The header of the column read as the Microsoft 365 address, as written in the file.
    pub address_column: String,
    /// Telegram user ids and usernames that map to an address (the optional `TelegramUserId` and
    /// `TelegramUsername` columns; 0 without them).
    #[serde(default)]
    pub telegram_entries: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    Read { path: PathBuf, source: std::io::Error },
    Problems { path: PathBuf, problems: Vec<RowProblem> },
    Invalid { path: PathBuf, message: Text },
}

impl MappingError {
    /// A mapping error never goes away by retrying: the file or the setting must change.
    pub fn is_permanent(&self) -> bool {
        true
    }

    pub fn text(&self) -> Text {
        match self {
            MappingError::Read { path, source } => text!(
                "mapping.read",
                "cannot read the mapping file {path}: {detail}; check the path and that Docket may read the file",
                path = path,
                detail = source
            ),
            MappingError::Problems { path, problems } => problems_text(path, problems),
            MappingError::Invalid { path, message } => text!(
                "mapping.invalid",
                "the mapping file {path} cannot be used: {problem}",
                path = path,
                problem = message
            ),
        }
    }
}

crate::display_as_text!(MappingError);

/// The file's problems for the app: how many and the first. Its English `message` is the list the CLI prints
/// (`describe_problems`): up to ten problems, one a line.
fn problems_text(path: &Path, problems: &[RowProblem]) -> Text {
    let text = match problems {
        [] => text!(
            "mapping.problems_unlisted",
            "the mapping file {path} has problems. Fix the rows and choose the file again.",
            path = path
        ),
        [only] => text!(
            "mapping.one_problem",
            "the mapping file {path} has a problem in row {row}: {problem}. Fix the row and choose the file again.",
            path = path,
            row = only.row,
            problem = only.text
        ),
        [first, ..] => text!(
            "mapping.problems",
            "the mapping file {path} has {count} problems; the first is in row {row}: {first}. Fix the rows and \
             choose the file again.",
            path = path,
            count = problems.len(),
            row = first.row,
            first = first.text
        ),
    };
    text.with_message(describe_problems(path, problems))
}

fn describe_problems(path: &Path, problems: &[RowProblem]) -> String {
    let count = problems.len();
    let mut text = format!(
        "the mapping file {} has {count} problem{}:",
        path.display(),
        if count == 1 { "" } else { "s" }
    );
    for problem in problems.iter().take(LISTED_PROBLEMS) {
        text.push_str(&format!("\n  {problem}"));
    }
    if count > LISTED_PROBLEMS {
        text.push_str(&format!("\n  and {} more", count - LISTED_PROBLEMS));
    }
    text.push_str("\nfix these rows and choose the file again");
    text
}

/// The phone → mailbox table read from a mapping CSV with no problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingTable {
    source: PathBuf,
    default_region: Option<String>,
    /// E.164 number → lowercase address.
    entries: BTreeMap<String, String>,
    mailboxes: BTreeSet<String>,
}

/// Checks a mapping CSV as a run reads it: the optional Telegram columns (`TelegramUserId`,
/// `TelegramUsername`) and the phone column, when the file has one (a file may have only the Telegram
/// columns). Every problem of either is reported; `Err` only when the file cannot be read or its header
/// cannot be used. `docket mapping check` and the wizard's mapping step both use it. The file is read once.
pub fn check_file(path: &Path, options: &MappingOptions) -> Result<MappingReport, MappingError> {
    let bytes = read_file(path)?;
    let telegram = match TelegramIdTable::from_bytes(path, &bytes) {
        Ok(table) => table,
        Err(MappingError::Problems { path, problems }) => {
            return Ok(MappingReport {
                path,
                rows: 0,
                entries: 0,
                problems,
                phone_column: String::new(),
                address_column: String::new(),
                telegram_entries: 0,
            })
        }
        Err(e) => return Err(e),
    };
    match telegram {
        Some(table) if !table.has_phone_column => Ok(MappingReport {
            path: path.to_path_buf(),
            rows: table.rows,
            entries: 0,
            problems: Vec::new(),
            phone_column: String::new(),
            address_column: String::new(),
            telegram_entries: table.len(),
        }),
        telegram => {
            let (_, mut report) = parse(path, &bytes, options)?;
            report.telegram_entries = telegram.map_or(0, |t| t.len());
            Ok(report)
        }
    }
}

/// A mapping CSV as a run uses it, read once: its Telegram ids and usernames (when it has those columns) and
/// its phone table (when it has a phone column, or no Telegram columns). `Err(Problems)` when any row of
/// either has a problem, so a run never uses half a mapping.
#[derive(Debug)]
pub struct MappingFile {
    pub phones: Option<MappingTable>,
    pub telegram: Option<TelegramIdTable>,
}

impl MappingFile {
    pub fn load(path: &Path, options: &MappingOptions) -> Result<MappingFile, MappingError> {
        let bytes = read_file(path)?;
        let telegram = TelegramIdTable::from_bytes(path, &bytes)?;
        let phones = match telegram.as_ref().is_none_or(|t| t.has_phone_column) {
            true => Some(load_bytes(path, &bytes, options)?),
            false => None,
        };
        Ok(MappingFile { phones, telegram })
    }

    /// Every address the file can deliver to: the Telegram columns' then the phone column's, each once.
    pub fn mailboxes(&self) -> Vec<String> {
        let telegram = self.telegram.iter().flat_map(TelegramIdTable::mailboxes);
        let phones = self.phones.iter().flat_map(MappingTable::mailboxes);
        let mut out: Vec<String> = Vec::new();
        for address in telegram.chain(phones) {
            if !out.iter().any(|a| a == address) {
                out.push(address.to_string());
            }
        }
        out
    }
}

/// Every address a mapping CSV can deliver to (see `MappingFile::mailboxes`).
pub fn file_mailboxes(path: &Path, options: &MappingOptions) -> Result<Vec<String>, MappingError> {
    Ok(MappingFile::load(path, options)?.mailboxes())
}

impl MappingTable {
    /// Reads the file and reports every problem. `Err` only when the file cannot be read or has no usable
    /// header row (or the default region is not a region).
    pub fn check(path: &Path, options: &MappingOptions) -> Result<MappingReport, MappingError> {
        let bytes = read_file(path)?;
        parse(path, &bytes, options).map(|(_, report)| report)
    }

    /// Like `check`, for bytes already in hand; `name` stands for the file in messages.
    pub fn check_bytes(
        name: &str,
        bytes: &[u8],
        options: &MappingOptions,
    ) -> Result<MappingReport, MappingError> {
        parse(Path::new(name), bytes, options).map(|(_, report)| report)
    }

    /// Reads the file; `Err(Problems)` when any row has a problem, so a run never uses half a mapping.
    pub fn load(path: &Path, options: &MappingOptions) -> Result<MappingTable, MappingError> {
        let bytes = read_file(path)?;
        load_bytes(path, &bytes, options)
    }

    /// Like `load`, for bytes already in hand; `name` stands for the file in messages.
    pub fn from_reader(
        name: &str,
        bytes: &[u8],
        options: &MappingOptions,
    ) -> Result<MappingTable, MappingError> {
        load_bytes(Path::new(name), bytes, options)
    }

    /// The mailbox `raw` maps to, after normalising it with the table's default region.
    pub fn lookup_phone(&self, raw: &str) -> Option<&str> {
        let number = normalize_phone(raw, self.default_region.as_deref())?;
        self.entries.get(&number).map(String::as_str)
    }

    /// The number of distinct phone numbers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every distinct address, sorted, for directory checks.
    pub fn mailboxes(&self) -> impl Iterator<Item = &str> {
        self.mailboxes.iter().map(String::as_str)
    }

    /// Every (E.164 number, address) pair, sorted by number.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(number, address)| (number.as_str(), address.as_str()))
    }

    /// The file the table was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The region numbers without a country code are read in.
    pub fn default_region(&self) -> Option<&str> {
        self.default_region.as_deref()
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, MappingError> {
    let read_error = |source| MappingError::Read { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_MAPPING_BYTES + 1).read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > MAX_MAPPING_BYTES {
        return Err(MappingError::Invalid {
            path: path.to_path_buf(),
            message: text!(
                "mapping.file.too_large",
                "it is larger than {megabytes} MB, which is far more than a mapping file needs; check that this \
                 is the right file",
                megabytes = MAX_MAPPING_BYTES / (1024 * 1024)
            ),
        });
    }
    Ok(bytes)
}

fn load_bytes(path: &Path, bytes: &[u8], options: &MappingOptions) -> Result<MappingTable, MappingError> {
    let (table, report) = parse(path, bytes, options)?;
    if report.problems.is_empty() {
        Ok(table)
    } else {
        Err(MappingError::Problems { path: report.path, problems: report.problems })
    }
}

fn parse(
    path: &Path,
    bytes: &[u8],
    options: &MappingOptions,
) -> Result<(MappingTable, MappingReport), MappingError> {
    let invalid = |message| MappingError::Invalid { path: path.to_path_buf(), message };
    let region = options.region();
    if let Some(region) = region {
        if !is_known_region(region) {
            return Err(invalid(text!(
                "mapping.default_region.unknown",
                "the default region \"{region}\" is not a two-letter country code such as US or GB; correct the \
                 default region and check the file again",
                region = csv_cells::shown(region)
            )));
        }
    }
    let parsed = csv_table::parse_table(bytes, region).map_err(invalid)?;
    let report = MappingReport {
        path: path.to_path_buf(),
        rows: parsed.rows,
        entries: parsed.entries.len(),
        problems: parsed.problems,
        phone_column: parsed.phone_column,
        address_column: parsed.address_column,
        telegram_entries: 0,
    };
    let table = MappingTable {
        source: path.to_path_buf(),
        default_region: region.map(str::to_ascii_uppercase),
        mailboxes: parsed.entries.values().cloned().collect(),
        entries: parsed.entries,
    };
    Ok((table, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Arg;

    #[test]
    fn a_row_problem_carries_its_text_with_key_and_values() {
        let csv = b"MobileNumber,EmailAddress\n+447700900123,bob.contoso.com\n";
        let report = MappingTable::check_bytes("m.csv", csv, &MappingOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let [problem] = report.problems.as_slice() else {
            panic!("one problem expected: {:?}", report.problems)
        };
        assert_eq!((problem.row, problem.field.as_deref()), (2, Some("EmailAddress")));
        assert_eq!(problem.text.key, "mapping.address.invalid_cell");
        assert_eq!(problem.text.values["address"], Arg::Plain("bob.contoso.com".into()));
        assert_eq!(problem.text.values["column"], Arg::Plain("EmailAddress".into()));
        let Arg::Text(fault) = &problem.text.values["fault"] else {
            panic!("the fault is a text of its own")
        };
        assert_eq!(fault.key, "mapping.address.no_at");
        assert_eq!(problem.message, problem.text.message);
        assert_eq!(problem.message, "EmailAddress \"bob.contoso.com\" has no @");

        let error =
            MappingTable::from_reader("m.csv", csv, &MappingOptions::default()).expect_err("a problem");
        let text = error.text();
        assert_eq!(text.key, "mapping.one_problem");
        assert_eq!(text.values["row"], Arg::Number(2));
        assert_eq!(text.values["problem"], Arg::Text(problem.text.clone()));
        assert_eq!(text.message, error.to_string());
        assert!(
            text.message.starts_with("the mapping file m.csv has 1 problem:\n  row 2: EmailAddress"),
            "{text:?}"
        );
    }
}
