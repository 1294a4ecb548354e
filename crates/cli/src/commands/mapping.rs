//! `docket mapping check FILE.csv`: row-numbered problems, exit 2 if any.

use std::path::Path;

use docket_core::mapping::{MappingOptions, MappingTable};

use crate::exit::{self, Exit};

pub fn check(file: &Path, default_region: Option<String>, json: bool) -> Exit {
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
