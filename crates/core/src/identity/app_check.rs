//! The live check of an Entra ID app's client credentials: one client-credentials grant (oauth2 crate)
//! against `{authority}/{tenant}/oauth2/v2.0/token` for `{graph}/.default`. It reports that a token was
//! issued and for how long, and drops the token; it does not check which Graph permissions were granted.

use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, HttpClientError, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{checked_client_id, checked_tenant, Cloud, IdentityError};
use crate::secrets::Sensitive;

/// How long the sign-in service gets to answer.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// A passed credentials check: Entra ID issued an app-only token. The token itself is never kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppCheck {
    pub tenant_id: String,
    pub client_id: String,
    /// How long the issued token would have been valid, when Entra ID said.
    pub expires_in_seconds: Option<u64>,
}

/// Asks Entra ID for an app-only token with the app's client secret, proving the tenant, the app and the
/// secret belong together. Every refusal comes back as an `IdentityError` that never carries the secret.
pub async fn check_app_credentials(
    cloud: &Cloud,
    tenant_id: &str,
    client_id: &str,
    client_secret: &Sensitive<String>,
) -> Result<AppCheck, IdentityError> {
    let token = request_app_token(cloud, tenant_id, client_id, client_secret).await?;
    Ok(AppCheck {
        tenant_id: token.tenant,
        client_id: token.client,
        expires_in_seconds: token.expires_in.map(|d| d.as_secs()),
    })
}

/// An app-only token for `{graph}/.default`, as Entra ID issued it.
pub(crate) struct AppToken {
    pub tenant: String,
    pub client: String,
    pub access_token: Sensitive<String>,
    pub expires_in: Option<Duration>,
}

/// One client-credentials grant. Every refusal comes back as an `IdentityError` that never carries the
/// secret.
pub(crate) async fn request_app_token(
    cloud: &Cloud,
    tenant_id: &str,
    client_id: &str,
    client_secret: &Sensitive<String>,
) -> Result<AppToken, IdentityError> {
    let tenant = checked_tenant(tenant_id)?;
    let client = checked_client_id(client_id)?;
    let secret = client_secret.expose().trim();
    if secret.is_empty() {
        return Err(IdentityError::InvalidInput {
            field: crate::text!("field.client_secret", "client secret"),
            message: crate::text!(
                "identity.no_secret_given",
                "no client secret was given; paste the Value of a client secret from the app registration's \
                 Certificates & secrets page"
            ),
        });
    }
    let token_url = cloud.endpoints(&tenant)?.token;
    let endpoint = token_url.to_string();
    let oauth = BasicClient::new(ClientId::new(client.clone()))
        .set_client_secret(ClientSecret::new(secret.to_string()))
        .set_token_uri(TokenUrl::from_url(token_url))
        .set_auth_type(AuthType::RequestBody);
    let http = token_http_client(&endpoint)?;
    let answer = oauth
        .exchange_client_credentials()
        .add_scope(Scope::new(cloud.graph_default_scope()))
        .request_async(&http)
        .await;
    match answer {
        Ok(token) => Ok(AppToken {
            access_token: Sensitive::new(token.access_token().secret().clone()),
            expires_in: token.expires_in(),
            tenant,
            client,
        }),
        Err(error) => Err(refusal(error, &tenant, &client, secret, endpoint)),
    }
}

/// The HTTP client for token requests. No redirects: a token endpoint that redirects is not one to send a
/// secret to (oauth2's advice).
pub(crate) fn token_http_client(endpoint: &str) -> Result<reqwest::Client, IdentityError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TOKEN_TIMEOUT)
        .build()
        .map_err(|e| IdentityError::Unreachable {
            endpoint: endpoint.to_string(),
            detail: chain(&e.without_url()),
        })
}

pub(crate) fn refusal(
    error: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
    tenant: &str,
    client: &str,
    secret: &str,
    endpoint: String,
) -> IdentityError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let description = response.error_description().cloned().unwrap_or_default();
            let error = response.error().to_string();
            let aadsts = aadsts_code(&description);
            match aadsts.as_deref() {
                Some("AADSTS7000222") => IdentityError::ExpiredSecret { client_id: client.into() },
                Some("AADSTS700016") => {
                    IdentityError::UnknownApp { client_id: client.into(), tenant: tenant.into() }
                }
                Some(code @ ("AADSTS90002" | "AADSTS900023")) => {
                    IdentityError::UnknownTenant { tenant: tenant.into(), aadsts: code.into() }
                }
                Some(code @ "AADSTS7000215") => {
                    IdentityError::InvalidSecret { client_id: client.into(), aadsts: code.into() }
                }
                None if error == "invalid_client" => {
                    IdentityError::InvalidSecret { client_id: client.into(), aadsts: error }
                }
                _ => IdentityError::Refused {
                    client_id: client.into(),
                    error,
                    description: redacted(&description, secret),
                },
            }
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => {
            IdentityError::Unreachable { endpoint, detail: chain(&e.without_url()) }
        }
        RequestTokenError::Request(other) => IdentityError::Unreachable { endpoint, detail: chain(&other) },
        RequestTokenError::Parse(e, _) => {
            IdentityError::UnexpectedResponse { endpoint, detail: format!("unreadable answer: {e}") }
        }
        RequestTokenError::Other(detail) => IdentityError::UnexpectedResponse { endpoint, detail },
    }
}

/// The `AADSTSnnnn` code Entra ID puts at the start of its error descriptions.
pub(crate) fn aadsts_code(description: &str) -> Option<String> {
    let start = description.find("AADSTS")?;
    let digits: String = description.get(start + 6..)?.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

/// Entra ID's own words, with the secret removed should a server ever echo it back.
pub(crate) fn redacted(description: &str, secret: &str) -> String {
    if secret.is_empty() {
        description.to_string()
    } else {
        description.replace(secret, "<redacted>")
    }
}

/// An error and its causes in one line (reqwest's top-level message alone says little).
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aadsts_code_is_read_from_the_start_of_a_description() {
        let description = "AADSTS7000215: Invalid client secret provided. Trace ID: 1";
        assert_eq!(aadsts_code(description).as_deref(), Some("AADSTS7000215"));
        assert_eq!(aadsts_code("no code here"), None);
        assert_eq!(aadsts_code("AADSTS"), None);
    }

    #[test]
    fn an_echoed_secret_is_removed_from_entras_words() {
        assert_eq!(redacted("bad s3cr3t value", "s3cr3t"), "bad <redacted> value");
    }
}
