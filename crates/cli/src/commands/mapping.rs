//! `docket mapping check FILE.csv`: row-numbered problems, exit 2 if any.

use std::path::Path;

use docket_core::mapping::MappingOptions;

use crate::exit::{self, Exit};

pub fn check(file: &Path, default_region: Option<String>, json: bool) -> Exit {
    // The phone column and the optional TelegramUserId / TelegramUsername columns, as a run reads them.
    let options = MappingOptions { default_region };
    let report = match docket_core::mapping::check_file(file, &options) {
        Ok(report) => report,
        Err(e) => return exit::report(&e.into(), json),
    };
    if json {
        outln!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        for problem in &report.problems {
            outln!("{}: {problem}", file.display());
        }
        let telegram = if report.telegram_entries > 0 {
            format!(", {} Telegram ids and usernames mapped", report.telegram_entries)
        } else {
            String::new()
        };
        errln!(
            "{}: {} rows, {} numbers mapped{telegram}, {} problem(s)",
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
