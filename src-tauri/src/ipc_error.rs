//! The error every command returns, as it crosses IPC: `{code, message, text}`. The UI branches on `code`
//! (the core's stable `Code`, e.g. `ledger`) and says `text` (the core's sentence for the admin, with its key
//! and values) in the admin's language; `message` is the same sentence in English. It deliberately adds no
//! words of its own and never carries a secret: the core's sentences contain none.

use docket_core::connector::ts_rs;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
pub struct IpcError {
    /// The core's stable error code; the UI branches on it.
    #[ts(as = "docket_core::Code")]
    pub code: String,
    /// A sentence for the admin: what went wrong and what to do next (in English).
    pub message: String,
    /// The same sentence with its key and values, which the UI says in the admin's language.
    pub text: docket_core::Text,
}

impl IpcError {
    /// An error with `code` that says `text` (its English is the `message`).
    pub fn new(code: docket_core::Code, text: docket_core::Text) -> IpcError {
        IpcError { code: code.as_str().to_string(), message: text.message.clone(), text }
    }
}

impl From<docket_core::Error> for IpcError {
    fn from(error: docket_core::Error) -> IpcError {
        IpcError::new(error.code(), error.text())
    }
}

impl From<docket_core::connector::DueError> for IpcError {
    fn from(error: docket_core::connector::DueError) -> IpcError {
        IpcError { code: error.code, message: error.message, text: error.text }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_error_crosses_ipc_as_its_code_and_sentence() {
        let ipc = IpcError::from(docket_core::Error::Cancelled);
        assert_eq!(ipc.code, "cancelled");
        assert_eq!(ipc.message, docket_core::Error::Cancelled.to_string());
        let json = serde_json::to_value(&ipc).unwrap_or_default();
        assert_eq!(json["code"], "cancelled");
        assert_eq!(json["message"], ipc.message);
        assert_eq!(json["text"]["key"], "error.cancelled");
        assert_eq!(json["text"]["message"], ipc.message);
    }
}
