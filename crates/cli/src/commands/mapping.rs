//! `docket mapping check FILE.csv`: row-numbered problems, exit 2 if any.

use std::path::Path;

use docket_core::mapping::{MappingError, MappingOptions, MappingTable, TelegramIdTable};

use crate::exit::{self, Exit};

pub fn check(file: &Path, default_region: Option<String>, json: bool) -> Exit {
    // The optional TelegramUserId / TelegramUsername columns first: a file may have them and no phone column.
    let telegram = match TelegramIdTable::load(file) {
        Ok(table) => table,
        Err(MappingError::Problems { problems, .. }) => {
            if json {
                let value = serde_json::json!({ "path": file, "problems": problems });
                outln!("{value}");
            } else {
                for problem in &problems {
                    outln!("{}: {problem}", file.display());
                }
                errln!("{}: {} problem(s) in the Telegram columns", file.display(), problems.len());
            }
            return Exit::BadInput;
        }
        Err(e) => return exit::report(&e.into(), json),
    };
    if let Some(table) = telegram.as_ref().filter(|t| !t.has_phone_column) {
        if json {
            let value = serde_json::json!({ "path": file, "telegram_entries": table.len(), "problems": [] });
            outln!("{value}");
        } else {
            errln!("{}: {} Telegram ids and usernames mapped, 0 problems", file.display(), table.len());
        }
        return Exit::Ok;
    }
    if let Some(table) = &telegram {
        errln!("{}: {} Telegram ids and usernames mapped", file.display(), table.len());
    }
    let options = MappingOptions { default_region };
    let report = match MappingTable::check(file, &options) {
        Ok(report) => report,
        Err(e) => return exit::report(&e.into(), json),
    };
    if json {
        outln!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        for problem in &report.problems {
            outln!("{}: {problem}", file.display());
        }
        errln!(
            "{}: {} rows, {} numbers mapped, {} problem(s)",
            file.display(),
            report.rows,
            report.entries,
            report.problems.len()
        );
    }
    if report.problems.is_empty() {
        Exit::Ok
    } else {
        Exit::BadInput
    }
}
