//! The X connector's entry points for the wizard, the dashboard and the CLI: the four credentials in the
//! keychain (names, checks, presence), the live account check (`GET /2/users/me`), and building the X source
//! from stored credentials. It owns no HTTP or paging of its own (`sources::x` does) and no IPC.

use crate::text;
use serde::Serialize;
use ts_rs::TS;

use super::SecretName;
use crate::config::ConfigError;
use crate::error::Error;
use crate::ledger::Ledger;
use crate::pipeline::ProgressFn;
use crate::secrets::SecretStore;
pub use crate::sources::x::{
    ClientPolicy, RateLimitStatus, RateLimits, XAccount, XCredentials, XError, XSettings, XSource, DAILY_CAP,
    DEFAULT_API_BASE,
};
use crate::sources::x::{Endpoint, XClient, XHistory};

/// Keychain entries of the four X credentials.
pub const API_KEY_ENTRY: &str = "x-api-key";
pub const API_SECRET_ENTRY: &str = "x-api-secret";
pub const ACCESS_TOKEN_ENTRY: &str = "x-access-token";
pub const ACCESS_TOKEN_SECRET_ENTRY: &str = "x-access-token-secret";

/// The CLI's environment variables for the four credentials and the API base URL.
pub const ENV_API_KEY: &str = "DOCKET_X_API_KEY";
pub const ENV_API_SECRET: &str = "DOCKET_X_API_SECRET";
pub const ENV_ACCESS_TOKEN: &str = "DOCKET_X_ACCESS_TOKEN";
pub const ENV_ACCESS_TOKEN_SECRET: &str = "DOCKET_X_ACCESS_TOKEN_SECRET";
pub const ENV_API_BASE: &str = "DOCKET_X_API_BASE";

/// Which of the four X credentials are stored: booleans only, never a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct XCredentialStatus {
    pub api_key: bool,
    pub api_secret: bool,
    pub access_token: bool,
    pub access_token_secret: bool,
}

/// Refuses an X credential that cannot be right: empty, or with spaces or characters X never issues.
pub(super) fn checked_credential(name: SecretName, value: &str) -> Result<(), Error> {
    let label = label(name);
    let invalid =
        |message: crate::Text| -> Error { ConfigError::Invalid { field: label.clone(), message }.into() };
    if value.is_empty() {
        return Err(invalid(text!(
            "x.credential_empty",
            "the {label} is empty; copy it from the X developer portal (Projects & Apps › your app › Keys and tokens)",
            label = label
        )));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(text!(
            "x.credential_characters",
            "the {label} holds spaces or characters X never uses in keys; copy it again from the X developer \
             portal without surrounding text",
            label = label
        )));
    }
    Ok(())
}

fn label(name: SecretName) -> crate::Text {
    match name {
        SecretName::XApiKey => text!("field.x_api_key", "X API key"),
        SecretName::XApiSecret => text!("field.x_api_secret", "X API secret key"),
        SecretName::XAccessToken => text!("field.x_access_token", "X access token"),
        SecretName::XAccessTokenSecret => text!("field.x_access_token_secret", "X access token secret"),
        SecretName::StorageConnection => text!("field.storage_connection", "storage connection string"),
        SecretName::AzureClientSecret => text!("field.client_secret", "client secret"),
        SecretName::TelegramBotToken => text!("field.bot_token", "Telegram bot token"),
    }
}

const ENTRIES: [(SecretName, &str, &str); 4] = [
    (SecretName::XApiKey, API_KEY_ENTRY, ENV_API_KEY),
    (SecretName::XApiSecret, API_SECRET_ENTRY, ENV_API_SECRET),
    (SecretName::XAccessToken, ACCESS_TOKEN_ENTRY, ENV_ACCESS_TOKEN),
    (SecretName::XAccessTokenSecret, ACCESS_TOKEN_SECRET_ENTRY, ENV_ACCESS_TOKEN_SECRET),
];

/// Which X credentials the store holds.
pub fn credential_status(secrets: &dyn SecretStore) -> Result<XCredentialStatus, Error> {
    let stored = |entry: &str| -> Result<bool, Error> { Ok(secrets.get(entry)?.is_some()) };
    Ok(XCredentialStatus {
        api_key: stored(API_KEY_ENTRY)?,
        api_secret: stored(API_SECRET_ENTRY)?,
        access_token: stored(ACCESS_TOKEN_ENTRY)?,
        access_token_secret: stored(ACCESS_TOKEN_SECRET_ENTRY)?,
    })
}

/// The four credentials from the store; a missing one is named (with the CLI's variable for it).
pub fn credentials_from_store(secrets: &dyn SecretStore) -> Result<XCredentials, Error> {
    let mut values = Vec::with_capacity(4);
    for (name, entry, env) in ENTRIES {
        match secrets.get(entry)? {
            Some(value) if !value.expose().trim().is_empty() => values.push(value),
            _ => return Err(XError::MissingCredential { name: label(name), env }.into()),
        }
    }
    let mut values = values.into_iter();
    let mut next = || values.next().ok_or_else(|| Error::Internal("four X credentials expected".into()));
    Ok(XCredentials {
        api_key: next()?,
        api_secret: next()?,
        access_token: next()?,
        access_token_secret: next()?,
    })
}

/// The API base URL: `DOCKET_X_API_BASE` when set (tests point it at a local fake), else X's own.
pub fn api_base_from_env() -> String {
    crate::config::env::endpoint_override(ENV_API_BASE, "X API requests")
        .unwrap_or_else(|| crate::sources::x::DEFAULT_API_BASE.to_string())
}

/// The wizard's live check: whom the stored credentials belong to (`GET /2/users/me` at `api_base`). A 401
/// or 403 is `x_auth`, with no retry.
pub async fn verify_account(secrets: &dyn SecretStore, api_base: &str) -> Result<XAccount, Error> {
    let credentials = credentials_from_store(secrets)?;
    let client = XClient::new(api_base, credentials, RateLimits::default(), ClientPolicy::default())?;
    Ok(client.me().await?)
}

/// The X source for `settings` with the stored credentials; checkpoints and the daily count come from
/// `ledger`. `limits` is the handle the dashboard reads the rate-limit state from.
pub fn open_source(
    secrets: &dyn SecretStore,
    settings: XSettings,
    ledger: Option<&Ledger>,
    limits: RateLimits,
    progress: Option<ProgressFn>,
) -> Result<XSource, Error> {
    let credentials = credentials_from_store(secrets)?;
    let history = match ledger {
        Some(ledger) => history(ledger, &settings)?,
        None => XHistory::default(),
    };
    XSource::open(settings, credentials, history, limits, progress)
}

/// The account's checkpoints and the X items delivered in the last 24 hours, read from the ledger.
pub fn history(ledger: &Ledger, settings: &XSettings) -> Result<XHistory, Error> {
    let namespace = settings.checkpoint_source();
    let mut history = XHistory::default();
    for endpoint in Endpoint::ALL {
        if let Some(value) = ledger.checkpoint(&namespace, endpoint.checkpoint_name())? {
            history.checkpoints.insert(endpoint.checkpoint_name().to_string(), value);
        }
    }
    let day_ago = (chrono::Utc::now() - chrono::Duration::hours(24))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    history.delivered_last_day = ledger.delivered_since(crate::model::SourceKind::X.as_str(), &day_ago)?;
    Ok(history)
}
