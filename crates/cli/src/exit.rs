//! Exit codes, the CLI's promise to schedulers: 0 all accounted for, 1 some items failed, 2 bad input or
//! configuration. Errors print as `docket: error[code]: message` on stderr.

use docket_core::{Code, Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    Failed,
    BadInput,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(match exit {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::BadInput => 2,
        })
    }
}

/// Prints the error for the admin (and, with `--json`, as `{"error":{code,message}}` on stdout) and picks
/// the exit code from its stable code.
pub fn report(error: &Error, json: bool) -> Exit {
    report_code(error.code(), &error.to_string(), json)
}

pub fn report_code(code: Code, message: &str, json: bool) -> Exit {
    errln!("docket: error[{}]: {message}", code.as_str());
    if json {
        outln!("{}", serde_json::json!({ "error": { "code": code.as_str(), "message": message } }));
    }
    if code.is_input_problem() {
        Exit::BadInput
    } else {
        Exit::Failed
    }
}
