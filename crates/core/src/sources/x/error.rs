//! What can go wrong talking to the X API, with a stable `Code` each. Every message says which endpoint
//! answered, what it said (never a credential), and what the admin should do next.

use crate::error::Code;

#[derive(Debug, thiserror::Error)]
pub enum XError {
    Auth { endpoint: String, status: u16, detail: String },
    UsageCap { detail: String },
    RateLimited { endpoint: String, until: String },
    Unreachable { endpoint: String, detail: String },
    Server { endpoint: String, status: u16, detail: String, attempts: u32 },
    Rejected { endpoint: String, status: u16, detail: String },
    BadResponse { endpoint: String, detail: String },
    WrongAccount { expected: String, actual: String },
    MissingCredential { name: crate::Text, env: &'static str },
    UnusableCredentials,
    BadBaseUrl { url: String, detail: String },
}

impl XError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            XError::Auth { endpoint, status, detail } => text!(
                "x.auth",
                "X refused the credentials ({endpoint} answered {status}: {detail}). Check the API key, API secret \
         key, access token and access token secret in the X developer portal (Projects & Apps › Keys and \
         tokens), make sure the app has Read and Direct Messages permission, regenerate the access token if \
         the permission changed, store the four values again and re-run. Docket did not retry.",
                endpoint = endpoint,
                status = status,
                detail = detail
            ),
            XError::UsageCap { detail } => text!(
                "x.usage_cap",
                "X's usage cap is reached ({detail}). Docket stopped cleanly: everything fetched so far is archived \
         and nothing is skipped. The next run after the cap resets (see the X developer portal's usage page) \
         continues where this one stopped, or raise the plan's cap.",
                detail = detail
            ),
            XError::RateLimited { endpoint, until } => text!(
                "x.rate_limited",
                "X kept answering {endpoint} with \"too many requests\" and would next accept a request at {until}, \
         later than Docket waits in one run. Nothing is lost: run again after that time.",
                endpoint = endpoint,
                until = until
            ),
            XError::Unreachable { endpoint, detail } => text!(
                "x.unreachable",
                "Docket could not reach the X API at {endpoint} ({detail}). Check the network connection, proxy and \
         firewall (and the API base URL, if it was changed), then run again.",
                endpoint = endpoint,
                detail = detail
            ),
            XError::Server { endpoint, status, detail, attempts } => text!(
                "x.server",
                "the X API answered {endpoint} with {status} ({detail}) after {attempts} attempts. X may be having \
         trouble; nothing is lost, run again later.",
                endpoint = endpoint,
                status = status,
                detail = detail,
                attempts = attempts
            ),
            XError::Rejected { endpoint, status, detail } => text!(
                "x.rejected",
                "the X API refused {endpoint} with {status}: {detail}. Check the account and settings named, then run again.",
                endpoint = endpoint,
                status = status,
                detail = detail
            ),
            XError::BadResponse { endpoint, detail } => text!(
                "x.bad_response",
                "the X API's answer to {endpoint} could not be read ({detail}). Check that the API base URL points at \
         the X API (https://api.x.com), then run again.",
                endpoint = endpoint,
                detail = detail
            ),
            XError::WrongAccount { expected, actual } => text!(
                "x.wrong_account",
                "the X credentials belong to @{actual}, not {expected}. Use the account the keys were made for in \
         --source x:ACCOUNT (or in the connector), or store the keys of {expected}.",
                actual = actual,
                expected = expected
            ),
            XError::MissingCredential { name, env } => text!(
                "x.missing_credential",
                "the {name} is not set. Store the four X credentials (API key, API secret key, access token, \
         access token secret) in the keychain, or for the CLI set {env}.",
                name = name,
                env = env
            ),
            XError::UnusableCredentials => text!(
                "x.unusable_credentials",
                "an X credential holds a character an HTTP header cannot carry; copy the API key, API secret key, \
         access token and access token secret again from the X developer portal and store them again"
            ),
            XError::BadBaseUrl { url, detail } => text!(
                "x.bad_base_url",
                "the X API base URL \"{url}\" is not valid ({detail}); use https://api.x.com or leave it unset",
                url = url,
                detail = detail
            ),
        }
    }
}

crate::display_as_text!(XError);

impl XError {
    pub fn code(&self) -> Code {
        match self {
            XError::Auth { .. } => Code::XAuth,
            XError::UsageCap { .. } => Code::XUsageCap,
            XError::Unreachable { .. } => Code::XUnreachable,
            XError::RateLimited { .. }
            | XError::Server { .. }
            | XError::Rejected { .. }
            | XError::BadResponse { .. } => Code::XApi,
            XError::WrongAccount { .. }
            | XError::MissingCredential { .. }
            | XError::UnusableCredentials
            | XError::BadBaseUrl { .. } => Code::BadConfig,
        }
    }

    /// Whether retrying the same request could help. The client's own retry loop has already run by the
    /// time an error leaves it, so only a later run can retry these.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, XError::Unreachable { .. } | XError::Server { .. } | XError::RateLimited { .. })
    }
}

impl From<XError> for crate::error::Error {
    fn from(e: XError) -> Self {
        crate::error::Error::Export(crate::sources::ExportError::X(e))
    }
}
