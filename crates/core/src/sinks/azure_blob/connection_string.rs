//! The connection string half of `StorageCredential`: `Name=Value;…` as the Azure portal shows it, plus the
//! `UseDevelopmentStorage=true` shorthand, which the SDK does not expand. Only setting names Docket knows
//! are ever repeated in an error; values never are. SAS URLs and the shared checks live in `connection`.

use base64::Engine as _;
use url::Url;

use super::connection::{
    account_from_endpoint, check_account_name, config, parse_endpoint, strip_quotes, where_to_copy_it,
    SecretText, StorageCredential, EMULATOR_ACCOUNT, EMULATOR_ACCOUNT_KEY,
};
use crate::sinks::SinkError;
use crate::text;

const EMULATOR_BLOB_PORT: u16 = 10000;

/// Connection string settings, as Microsoft spells them (matched case-insensitively).
const KNOWN_SETTINGS: [&str; 15] = [
    "DefaultEndpointsProtocol",
    "AccountName",
    "AccountKey",
    "SharedAccessSignature",
    "EndpointSuffix",
    "BlobEndpoint",
    "UseDevelopmentStorage",
    "DevelopmentStorageProxyUri",
    "BlobSecondaryEndpoint",
    "QueueEndpoint",
    "QueueSecondaryEndpoint",
    "TableEndpoint",
    "TableSecondaryEndpoint",
    "FileEndpoint",
    "FileSecondaryEndpoint",
];

impl StorageCredential {
    /// Reads `Name=Value;…` as shown in the Azure portal. Names are case-insensitive.
    pub fn from_connection_string(text: &str) -> Result<StorageCredential, SinkError> {
        let fields = ConnectionFields::parse(strip_quotes(text.trim()))?;
        if fields.use_development_storage {
            return fields.development_storage();
        }
        let key = fields.account_key.map(check_account_key).transpose()?;
        let sas = fields.sas.map(check_sas_token).transpose()?;
        let blob_endpoint = match fields.blob_endpoint {
            Some(endpoint) => parse_endpoint("BlobEndpoint", endpoint)?,
            None => fields.default_blob_endpoint()?,
        };
        let account = match fields.account_name {
            Some(name) => check_account_name(name)?,
            None if key.is_none() => account_from_endpoint(&blob_endpoint).ok_or_else(|| {
                config(text!(
                    "sink.blob.no_account_name_add",
                    "the connection string has no AccountName; add AccountName=<storage account name>"
                ))
            })?,
            None => {
                return Err(config(text!(
                    "sink.blob.no_account_name",
                    "the connection string has no AccountName; {advice}",
                    advice = where_to_copy_it()
                )))
            }
        };
        match (key, sas) {
            (Some(key), None) => Ok(StorageCredential::AccountKey { account, blob_endpoint, key }),
            (None, Some(token)) => Ok(StorageCredential::SharedAccessSignature {
                account,
                blob_endpoint,
                container: None,
                token,
            }),
            (Some(_), Some(_)) => Err(config(text!(
                "sink.blob.key_and_sas",
                "the connection string has both AccountKey and SharedAccessSignature; keep only one of them"
            ))),
            (None, None) => Err(config(text!(
                "sink.blob.no_key_or_sas",
                "the connection string has neither AccountKey nor SharedAccessSignature; {advice}",
                advice = where_to_copy_it()
            ))),
        }
    }
}

/// The fields of a connection string that matter for blobs.
#[derive(Default)]
struct ConnectionFields<'a> {
    protocol: Option<&'a str>,
    account_name: Option<&'a str>,
    account_key: Option<&'a str>,
    sas: Option<&'a str>,
    endpoint_suffix: Option<&'a str>,
    blob_endpoint: Option<&'a str>,
    use_development_storage: bool,
    development_proxy: Option<&'a str>,
    /// Names given, to catch duplicates.
    seen: Vec<&'static str>,
}

impl<'a> ConnectionFields<'a> {
    fn parse(text: &'a str) -> Result<ConnectionFields<'a>, SinkError> {
        if text.is_empty() {
            return Err(config(text!(
                "sink.blob.connection_empty",
                "the connection string is empty; {advice}",
                advice = where_to_copy_it()
            )));
        }
        let mut fields = ConnectionFields::default();
        for (index, part) in text.split(';').enumerate() {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let number = index + 1;
            let Some((name, value)) = part.split_once('=') else {
                return Err(config(text!(
                    "sink.blob.part_not_name_value",
                    "part {number} of the connection string is not Name=Value; {advice}",
                    number = number,
                    advice = where_to_copy_it()
                )));
            };
            // Only names Docket knows are ever shown: an unknown "name" may be a pasted secret fragment.
            let Some(name) = KNOWN_SETTINGS.iter().find(|known| known.eq_ignore_ascii_case(name.trim()))
            else {
                return Err(config(text!(
                    "sink.blob.unknown_setting",
                    "part {number} of the connection string has a setting name Docket does not know (is it \
                     misspelt?); the names it knows are {known}",
                    number = number,
                    known = KNOWN_SETTINGS.join(", ")
                )));
            };
            let value = value.trim();
            if value.is_empty() {
                return Err(config(text!(
                    "sink.blob.setting_empty",
                    "the connection string's {name} is empty",
                    name = *name
                )));
            }
            if fields.seen.contains(name) {
                return Err(config(text!(
                    "sink.blob.setting_twice",
                    "the connection string has {name} twice",
                    name = *name
                )));
            }
            fields.seen.push(name);
            match *name {
                "DefaultEndpointsProtocol" => fields.protocol = Some(value),
                "AccountName" => fields.account_name = Some(value),
                "AccountKey" => fields.account_key = Some(value),
                "SharedAccessSignature" => fields.sas = Some(value),
                "EndpointSuffix" => fields.endpoint_suffix = Some(value),
                "BlobEndpoint" => fields.blob_endpoint = Some(value),
                "DevelopmentStorageProxyUri" => fields.development_proxy = Some(value),
                "UseDevelopmentStorage" => {
                    fields.use_development_storage = match value.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(config(text!(
                                "sink.blob.development_storage_value",
                                "UseDevelopmentStorage must be true or false"
                            )))
                        }
                    }
                }
                // Other services' endpoints: present in portal strings, irrelevant to blobs.
                _ => {}
            }
        }
        Ok(fields)
    }

    /// `UseDevelopmentStorage=true`: the emulator's development account on 127.0.0.1:10000, or on the
    /// host of `DevelopmentStorageProxyUri`.
    fn development_storage(&self) -> Result<StorageCredential, SinkError> {
        if self.account_name.is_some()
            || self.account_key.is_some()
            || self.sas.is_some()
            || self.blob_endpoint.is_some()
        {
            return Err(config(text!(
                "sink.blob.development_storage_combined",
                "UseDevelopmentStorage=true cannot be combined with AccountName, AccountKey, \
                 SharedAccessSignature or BlobEndpoint; use one form or the other"
            )));
        }
        let mut blob_endpoint = match self.development_proxy {
            Some(proxy) => parse_endpoint("DevelopmentStorageProxyUri", proxy)?,
            None => Url::parse("http://127.0.0.1").map_err(|_| {
                config(text!(
                    "sink.blob.emulator_address",
                    "internal error: Docket could not build the storage emulator's address"
                ))
            })?,
        };
        blob_endpoint.set_port(Some(EMULATOR_BLOB_PORT)).map_err(|()| {
            config(text!("sink.blob.proxy_port", "DevelopmentStorageProxyUri cannot take a port"))
        })?;
        blob_endpoint.set_path(EMULATOR_ACCOUNT);
        Ok(StorageCredential::AccountKey {
            account: EMULATOR_ACCOUNT.to_string(),
            blob_endpoint,
            key: SecretText::new(EMULATOR_ACCOUNT_KEY),
        })
    }

    /// `<protocol>://<account>.blob.<suffix>` when no `BlobEndpoint` is given.
    fn default_blob_endpoint(&self) -> Result<Url, SinkError> {
        let protocol = match self.protocol.map(str::to_ascii_lowercase).as_deref() {
            None | Some("https") => "https",
            Some("http") => "http",
            Some(_) => {
                return Err(config(text!(
                    "sink.blob.endpoints_protocol",
                    "DefaultEndpointsProtocol must be https or http"
                )))
            }
        };
        let Some(account) = self.account_name else {
            return Err(config(text!(
                "sink.blob.no_account_or_endpoint",
                "the connection string has neither AccountName nor BlobEndpoint; {advice}",
                advice = where_to_copy_it()
            )));
        };
        let account = check_account_name(account)?;
        let suffix = self.endpoint_suffix.unwrap_or("core.windows.net");
        if !suffix.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
            return Err(config(text!(
                "sink.blob.endpoint_suffix",
                "EndpointSuffix must be a domain such as core.windows.net"
            )));
        }
        parse_endpoint("EndpointSuffix", &format!("{protocol}://{account}.blob.{suffix}"))
    }
}

fn check_account_key(key: &str) -> Result<SecretText, SinkError> {
    match base64::engine::general_purpose::STANDARD.decode(key) {
        Ok(bytes) if !bytes.is_empty() => Ok(SecretText::new(key)),
        _ => Err(config(text!(
            "sink.blob.bad_account_key",
            "the connection string's AccountKey is not a storage account key (it is base64 text, usually \
             ending in \"==\"); {advice}",
            advice = where_to_copy_it()
        ))),
    }
}

fn check_sas_token(token: &str) -> Result<SecretText, SinkError> {
    let token = token.strip_prefix('?').unwrap_or(token);
    if url::form_urlencoded::parse(token.as_bytes()).any(|(name, value)| name == "sig" && !value.is_empty()) {
        Ok(SecretText::new(token))
    } else {
        Err(config(text!(
            "sink.blob.sas_unsigned",
            "the connection string's SharedAccessSignature has no signature (no sig= in it)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Arg;

    #[test]
    fn a_malformed_connection_string_says_what_is_wrong_in_its_own_words() {
        let error = StorageCredential::from_connection_string("AccountName=contosoarchive;nonsense")
            .expect_err("a part without Name=Value");
        let SinkError::Config(inner) = &error else { panic!("expected a Config error, got {error:?}") };
        assert_eq!(inner.key, "sink.blob.part_not_name_value");
        assert_eq!(inner.values["number"], Arg::Number(2));
        assert!(
            matches!(&inner.values["advice"], Arg::Text(advice) if advice.key == "sink.blob.where_to_copy"),
            "{inner:?}"
        );
        let text = error.text();
        assert_eq!(text.key, "sink.config");
        assert!(matches!(&text.values["detail"], Arg::Text(detail) if detail.key == inner.key), "{text:?}");
        assert_eq!(error.to_string(), text.message);
        assert!(text.message.starts_with("the storage setting is wrong: part 2 of the connection string"));
    }
}
