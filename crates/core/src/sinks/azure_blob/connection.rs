//! Storage credentials for `BlobSink`: the `StorageCredential` type, SAS URL parsing and the checks shared
//! with `connection_string`. A credential is an account, a blob endpoint and a secret; errors name the field
//! but never echo a value, the secret never prints or serialises, and nothing here touches the network.

use std::fmt;

use url::{Host, Url};

use crate::sinks::SinkError;
use crate::{text, Text};

/// The storage emulator's public development account (Azurite, Microsoft's docs).
pub const EMULATOR_ACCOUNT: &str = "devstoreaccount1";
/// The development account's well-known key. It is published by Microsoft and protects nothing.
pub const EMULATOR_ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// Where to get a good connection string: the advice that ends most connection string errors.
pub(super) fn where_to_copy_it() -> Text {
    text!(
        "sink.blob.where_to_copy",
        "copy the connection string again from the Azure portal (Storage account → Security + networking → \
         Access keys) or paste a container SAS URL"
    )
}

/// "the SAS URL", as the subject of an endpoint check (the other subjects are setting names).
fn sas_url_field() -> Text {
    text!("sink.blob.sas_url_field", "the SAS URL")
}

/// A secret string. `Debug` prints `<redacted>`; there is no `Display` and no `Serialize`, and only this
/// crate can read it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    pub(super) fn new(text: impl Into<String>) -> SecretText {
        SecretText(text.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How Docket signs in to a storage account. `Debug` shows the account and endpoint, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum StorageCredential {
    /// Shared Key: an account name and one of its access keys, from a connection string.
    AccountKey { account: String, blob_endpoint: Url, key: SecretText },
    /// A shared access signature, from a SAS URL or a connection string's `SharedAccessSignature`.
    /// `container` is the container a container SAS URL points at.
    SharedAccessSignature {
        account: String,
        blob_endpoint: Url,
        container: Option<String>,
        token: SecretText,
    },
}

impl fmt::Debug for StorageCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageCredential::AccountKey { account, blob_endpoint, key } => f
                .debug_struct("AccountKey")
                .field("account", account)
                .field("blob_endpoint", &blob_endpoint.as_str())
                .field("key", key)
                .finish(),
            StorageCredential::SharedAccessSignature { account, blob_endpoint, container, token } => f
                .debug_struct("SharedAccessSignature")
                .field("account", account)
                .field("blob_endpoint", &blob_endpoint.as_str())
                .field("container", container)
                .field("token", token)
                .finish(),
        }
    }
}

impl StorageCredential {
    /// Reads either a SAS URL (`https://…?sv=…&sig=…`) or a connection string.
    pub fn parse(text: &str) -> Result<StorageCredential, SinkError> {
        let text = strip_quotes(text.trim());
        let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            StorageCredential::from_sas_url(text)
        } else {
            StorageCredential::from_connection_string(text)
        }
    }

    pub fn account(&self) -> &str {
        match self {
            StorageCredential::AccountKey { account, .. }
            | StorageCredential::SharedAccessSignature { account, .. } => account,
        }
    }

    /// The blob service endpoint, without any query: `https://acct.blob.core.windows.net/` or, for the
    /// emulator, `http://127.0.0.1:10000/devstoreaccount1`.
    pub fn blob_endpoint(&self) -> &Url {
        match self {
            StorageCredential::AccountKey { blob_endpoint, .. }
            | StorageCredential::SharedAccessSignature { blob_endpoint, .. } => blob_endpoint,
        }
    }

    /// The container a container SAS URL is limited to.
    pub fn container(&self) -> Option<&str> {
        match self {
            StorageCredential::AccountKey { .. } => None,
            StorageCredential::SharedAccessSignature { container, .. } => container.as_deref(),
        }
    }

    /// `scheme://host:port` of the endpoint: safe to show in any message.
    pub fn endpoint_origin(&self) -> String {
        let url = self.blob_endpoint();
        let host = url.host_str().unwrap_or("");
        match url.port_or_known_default() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        }
    }

    /// Reads a SAS URL: a container SAS (`https://acct.blob.core.windows.net/container?…&sig=…`), an
    /// account SAS (no container in the path), or the emulator's path-style form
    /// (`http://127.0.0.1:10000/devstoreaccount1/container?…`).
    pub fn from_sas_url(text: &str) -> Result<StorageCredential, SinkError> {
        let url = Url::parse(text.trim()).map_err(|_| {
            config(text!(
                "sink.blob.sas_url_invalid",
                "the SAS URL is not a valid URL; copy the whole 'Blob SAS URL' from the Azure portal"
            ))
        })?;
        check_origin(&sas_url_field(), &url)?;
        let token = url.query().unwrap_or("");
        if !url.query_pairs().any(|(name, value)| name == "sig" && !value.is_empty()) {
            return Err(config(text!(
                "sink.blob.sas_url_unsigned",
                "the SAS URL has no signature (no sig= in it); copy the whole 'Blob SAS URL' from the Azure \
                 portal's Generate SAS page"
            )));
        }
        let token = SecretText(token.to_string());
        let mut segments: Vec<String> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        let mut blob_endpoint = url.clone();
        blob_endpoint.set_query(None);
        blob_endpoint.set_fragment(None);
        let account = if is_path_style(&url) {
            if segments.is_empty() {
                return Err(config(text!(
                    "sink.blob.sas_url_no_account_in_path",
                    "the SAS URL has no account name in its path \
                     (expected http://host:port/<account>/<container>?…)"
                )));
            }
            let account = check_account_name(&segments.remove(0))?;
            blob_endpoint.set_path(&account);
            account
        } else {
            blob_endpoint.set_path("");
            account_from_endpoint(&url).ok_or_else(|| {
                config(text!("sink.blob.sas_url_no_account", "the SAS URL's host has no account name"))
            })?
        };
        if segments.len() > 1 {
            return Err(config(text!(
                "sink.blob.sas_url_single_blob",
                "the SAS URL points at a single blob; Docket needs a container SAS URL (Generate SAS on the \
                 container, with Read, Add, Create, Write and List permissions)"
            )));
        }
        let container = segments.pop();
        Ok(StorageCredential::SharedAccessSignature { account, blob_endpoint, container, token })
    }
}

/// Storage account names are 3 to 24 lowercase letters and digits.
pub(super) fn check_account_name(name: &str) -> Result<String, SinkError> {
    let valid =
        (3..=24).contains(&name.len()) && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if valid {
        Ok(name.to_string())
    } else {
        // The value is not shown: people paste keys into the wrong box.
        Err(config(text!(
            "sink.blob.bad_account_name",
            "the account name (AccountName, or the SAS URL's host) is not a storage account name: those \
             have 3 to 24 lowercase letters and digits"
        )))
    }
}

/// Reads the endpoint URL given in connection string setting `setting` (`BlobEndpoint`, ...).
pub(super) fn parse_endpoint(setting: &str, text: &str) -> Result<Url, SinkError> {
    let mut url = Url::parse(text).map_err(|_| {
        config(text!("sink.blob.endpoint_invalid", "{setting} is not a valid URL", setting = setting))
    })?;
    check_origin(&Text::verbatim(setting), &url)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config(text!(
            "sink.blob.endpoint_query",
            "{setting} must not carry a query string; put a SAS in SharedAccessSignature instead",
            setting = setting
        )));
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// An endpoint must be https (plain http only on this computer, for the emulator: a SAS or a signed request
/// must never cross a network in clear), name a host, and carry no user name or password. `field` names what
/// is checked: a setting name (shown as it is) or "the SAS URL".
pub(super) fn check_origin(field: &Text, url: &Url) -> Result<(), SinkError> {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    let unsafe_scheme = match url.scheme() {
        "https" => None,
        "http" if loopback => None,
        "http" => Some(text!(
            "sink.blob.plain_http",
            "{field} uses plain http:// to {host}, which would send the SAS or signed requests unencrypted; \
             use https:// (plain http is accepted only for a local emulator on this computer)",
            field = field,
            host = url.host_str().unwrap_or_default()
        )),
        _ => Some(text!(
            "sink.blob.not_https",
            "{field} must start with https:// (or http:// for a local emulator)",
            field = field
        )),
    };
    if let Some(problem) = unsafe_scheme {
        return Err(config(problem));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(config(text!("sink.blob.no_host", "{field} has no host name", field = field)));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config(text!(
            "sink.blob.user_in_url",
            "{field} must not contain a user name or password",
            field = field
        )));
    }
    Ok(())
}

/// Emulators and IP addresses put the account in the path; Azure puts it in the host name.
pub(super) fn is_path_style(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(_)) | Some(Host::Ipv6(_)) => true,
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

pub(super) fn account_from_endpoint(url: &Url) -> Option<String> {
    if is_path_style(url) {
        let first = url.path_segments()?.find(|s| !s.is_empty())?;
        return check_account_name(first).ok();
    }
    let label = url.host_str()?.split('.').next()?;
    check_account_name(label).ok()
}

pub(super) fn strip_quotes(text: &str) -> &str {
    text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text).trim()
}

pub(super) fn config(message: Text) -> SinkError {
    SinkError::Config(message)
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    #[test]
    fn plain_http_is_accepted_only_on_this_computer() {
        let field = Text::verbatim("BlobEndpoint");
        let ok = |u: &str| check_origin(&field, &Url::parse(u).expect("url")).is_ok();
        assert!(ok("https://acct.blob.core.windows.net"));
        assert!(ok("http://127.0.0.1:10000/devstoreaccount1"));
        assert!(ok("http://localhost:10000/devstoreaccount1"));
        assert!(ok("http://[::1]:10000/devstoreaccount1"));
        assert!(!ok("http://acct.blob.core.windows.net"), "a SAS must not travel in clear over a network");
        assert!(!ok("http://10.0.0.5:10000/devstoreaccount1"));
    }
}
