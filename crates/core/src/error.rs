//! The one error type that leaves the core, with a stable `Code` that the CLI turns into an exit code and
//! the shell sends over IPC as `{code, message, text}`. Each module keeps its own `thiserror` enum, whose
//! sentence is a [`Text`](crate::Text) (`text()`; `Display` is its English); this type only wraps them.
//! Nothing anywhere matches on message text.

use serde::Serialize;

/// Stable, machine-readable error codes. Renaming one is a breaking change for scripts and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ErrorCode")]
pub enum Code {
    /// A source export (WhatsApp .txt/.zip, Telegram result.json or HTML export) cannot be read or parsed.
    BadExport,
    /// The export's day/month order is ambiguous and `--date-order` was not given.
    AmbiguousDateOrder,
    /// The mapping CSV has problems.
    BadMapping,
    /// A setting or argument is wrong (unknown source kind, bad target, bad time zone...).
    BadConfig,
    /// The storage account refused the credentials (403, bad key, expired SAS).
    StorageAuth,
    /// The storage account could not be reached.
    StorageUnreachable,
    /// A blob with the same name but different content already exists.
    StorageConflict,
    /// Any other storage error.
    Storage,
    /// A local file could not be written (disk full, permissions).
    Io,
    /// The OS keychain is unavailable or refused.
    Keychain,
    /// Entra ID refused the tenant, the app or its client secret.
    EntraAuth,
    /// Entra ID could not be reached, or something else answered in its place.
    EntraUnreachable,
    /// The admin consent answer could not be captured.
    Consent,
    /// Microsoft Graph refused or failed a request (a mailbox that does not exist, a missing permission).
    Graph,
    /// The state database (ledger) failed.
    Ledger,
    /// X refused the credentials (401/403): wrong, revoked, or without the needed permission.
    XAuth,
    /// The X API could not be reached.
    XUnreachable,
    /// X's usage cap (monthly post cap) is reached; the run stopped cleanly.
    XUsageCap,
    /// The X API answered with an error, or kept rate-limiting, or sent something unreadable.
    XApi,
    /// The run was cancelled.
    Cancelled,
    /// A bug: should never happen; the message says what to report.
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadExport => "bad_export",
            Code::AmbiguousDateOrder => "ambiguous_date_order",
            Code::BadMapping => "bad_mapping",
            Code::BadConfig => "bad_config",
            Code::StorageAuth => "storage_auth",
            Code::StorageUnreachable => "storage_unreachable",
            Code::StorageConflict => "storage_conflict",
            Code::Storage => "storage",
            Code::Io => "io",
            Code::Keychain => "keychain",
            Code::EntraAuth => "entra_auth",
            Code::EntraUnreachable => "entra_unreachable",
            Code::Consent => "consent",
            Code::Graph => "graph",
            Code::Ledger => "ledger",
            Code::XAuth => "x_auth",
            Code::XUnreachable => "x_unreachable",
            Code::XUsageCap => "x_usage_cap",
            Code::XApi => "x_api",
            Code::Cancelled => "cancelled",
            Code::Internal => "internal",
        }
    }

    /// Bad input or configuration: the admin must change something before a rerun helps (CLI exit 2).
    pub fn is_input_problem(self) -> bool {
        matches!(
            self,
            Code::BadExport
                | Code::AmbiguousDateOrder
                | Code::BadMapping
                | Code::BadConfig
                | Code::StorageAuth
                | Code::StorageUnreachable
                | Code::Keychain
                | Code::EntraAuth
                | Code::EntraUnreachable
                | Code::XAuth
                | Code::XUnreachable
        )
    }
}

/// An error that leaves the core. Its `Display` is a complete sentence for the admin: what went wrong
/// (naming the file, row, line or field) and what to do next. It never contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    Export(#[from] crate::sources::ExportError),
    Mapping(#[from] crate::mapping::MappingError),
    Sink(#[from] crate::sinks::SinkError),
    Ledger(#[from] crate::ledger::LedgerError),
    Secrets(#[from] crate::secrets::SecretError),
    Config(#[from] crate::config::ConfigError),
    Identity(#[from] crate::identity::IdentityError),
    Graph(#[from] crate::identity::GraphError),
    Background(#[from] crate::background::BackgroundError),
    Cancelled,
    Internal(String),
}

crate::display_as_text!(Error);

impl Error {
    /// The sentence for the admin, with its key and values, so the app can say it in the admin's language.
    pub fn text(&self) -> crate::Text {
        match self {
            Error::Export(e) => e.text(),
            Error::Mapping(e) => e.text(),
            Error::Sink(e) => e.text(),
            Error::Ledger(e) => e.text(),
            Error::Secrets(e) => e.text(),
            Error::Config(e) => e.text(),
            Error::Identity(e) => e.text(),
            Error::Graph(e) => e.text(),
            Error::Background(e) => e.text(),
            Error::Cancelled => crate::text!(
                "error.cancelled",
                "the run was cancelled; run it again to continue where it stopped"
            ),
            Error::Internal(detail) => {
                crate::text!("error.internal", "internal error: {detail}", detail = detail)
            }
        }
    }

    pub fn code(&self) -> Code {
        match self {
            Error::Export(e) => e.code(),
            Error::Mapping(_) => Code::BadMapping,
            Error::Sink(e) => e.code(),
            // A state folder with no ledger is the admin's typo, not a broken database.
            Error::Ledger(crate::ledger::LedgerError::Missing(_)) => Code::BadConfig,
            Error::Ledger(_) => Code::Ledger,
            Error::Secrets(_) => Code::Keychain,
            Error::Config(_) => Code::BadConfig,
            Error::Identity(e) => e.code(),
            Error::Graph(crate::identity::GraphError::Token(e)) => e.code(),
            Error::Graph(crate::identity::GraphError::Unauthorized { .. }) => Code::EntraAuth,
            Error::Graph(crate::identity::GraphError::Unreachable { .. }) => Code::EntraUnreachable,
            Error::Graph(_) => Code::Graph,
            Error::Background(e) => e.code(),
            Error::Cancelled => Code::Cancelled,
            Error::Internal(_) => Code::Internal,
        }
    }
}
