//! The secrets the app knows by name, kept write-only: they can be stored and their presence reported, never
//! read back out through the connector. It does not decide where secrets live (a `SecretStore` is handed in).

use crate::text;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::ConfigError;
use crate::error::Error;
use crate::secrets::{names, SecretStore, Sensitive};
use crate::sinks::azure_blob::StorageCredential;
use crate::sinks::SinkError;

/// A secret the wizard may store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SecretName {
    /// The Azure Storage connection string or container SAS URL.
    StorageConnection,
    /// The client secret (its Value) of the admin's Entra ID app registration.
    AzureClientSecret,
    /// X: the API key (consumer key).
    XApiKey,
    /// X: the API secret key (consumer secret).
    XApiSecret,
    /// X: the access token of the archived account.
    XAccessToken,
    /// X: the access token secret.
    XAccessTokenSecret,
    /// Telegram: the bot token @BotFather gave for the organisation's bot (live capture).
    TelegramBotToken,
}

/// The keychain entry of the Entra ID app's client secret.
pub const AZURE_CLIENT_SECRET_ENTRY: &str = "azure-client-secret";

/// The keychain entry of the signed-in admin's refresh token (written by `identity::sign_in_admin`, never
/// stored or read through the wizard's secret commands).
pub use crate::identity::ADMIN_REFRESH_TOKEN_ENTRY;

impl SecretName {
    pub const ALL: [SecretName; 7] = [
        SecretName::StorageConnection,
        SecretName::AzureClientSecret,
        SecretName::XApiKey,
        SecretName::XApiSecret,
        SecretName::XAccessToken,
        SecretName::XAccessTokenSecret,
        SecretName::TelegramBotToken,
    ];

    /// The keychain entry the secret is kept under.
    pub fn entry(self) -> &'static str {
        match self {
            SecretName::StorageConnection => names::STORAGE_CONNECTION,
            SecretName::AzureClientSecret => AZURE_CLIENT_SECRET_ENTRY,
            SecretName::XApiKey => super::x::API_KEY_ENTRY,
            SecretName::XApiSecret => super::x::API_SECRET_ENTRY,
            SecretName::XAccessToken => super::x::ACCESS_TOKEN_ENTRY,
            SecretName::XAccessTokenSecret => super::x::ACCESS_TOKEN_SECRET_ENTRY,
            SecretName::TelegramBotToken => super::telegram_bot::TOKEN_ENTRY,
        }
    }
}

/// Which known secrets are stored: booleans only, never a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SecretStatus {
    pub storage_connection: bool,
    pub azure_client_secret: bool,
    pub telegram_bot_token: bool,
}

/// Checks that `value` is usable as the named secret and stores it. A connection string that does not
/// parse is refused before it reaches the keychain; the error describes it without repeating it.
pub fn store_secret(
    secrets: &dyn SecretStore,
    name: SecretName,
    value: Sensitive<String>,
) -> Result<(), Error> {
    let trimmed = Sensitive::new(value.expose().trim().to_string());
    match name {
        SecretName::StorageConnection => {
            if trimmed.expose().is_empty() {
                return Err(SinkError::Config(text!(
                    "secrets.storage_empty",
                    "the storage connection string is empty; paste the connection string or SAS URL from the \
                     Azure portal"
                ))
                .into());
            }
            StorageCredential::parse(trimmed.expose())?;
        }
        SecretName::AzureClientSecret => checked_client_secret(trimmed.expose())?,
        SecretName::XApiKey
        | SecretName::XApiSecret
        | SecretName::XAccessToken
        | SecretName::XAccessTokenSecret => super::x::checked_credential(name, trimmed.expose())?,
        SecretName::TelegramBotToken => super::telegram_bot::checked_token(trimmed.expose())?,
    }
    secrets.set(name.entry(), &trimmed)?;
    Ok(())
}

/// Reports which known secrets the store holds.
pub fn secret_status(secrets: &dyn SecretStore) -> Result<SecretStatus, Error> {
    let stored = |name: SecretName| -> Result<bool, Error> { Ok(secrets.get(name.entry())?.is_some()) };
    Ok(SecretStatus {
        storage_connection: stored(SecretName::StorageConnection)?,
        azure_client_secret: stored(SecretName::AzureClientSecret)?,
        telegram_bot_token: stored(SecretName::TelegramBotToken)?,
    })
}

/// Refuses an empty client secret, and the secret's ID (a GUID) pasted in place of its Value: Entra ID shows
/// both side by side and only the Value signs in.
fn checked_client_secret(value: &str) -> Result<(), Error> {
    let invalid = |message: crate::Text| -> Error {
        ConfigError::Invalid { field: text!("field.client_secret", "client secret"), message }.into()
    };
    if value.is_empty() {
        return Err(invalid(text!(
            "secrets.client_secret_empty",
            "the client secret is empty; paste the Value of a client secret from the app registration's \
             Certificates & secrets page"
        )));
    }
    if crate::identity::is_guid(value) {
        return Err(invalid(text!(
            "secrets.client_secret_id",
            "this looks like the secret's Secret ID, not its Value; copy the Value column of the client secret \
             (shown only right after it is created; if it is hidden, create a new client secret)"
        )));
    }
    Ok(())
}
