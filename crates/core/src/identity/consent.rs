//! Admin consent for Docket's own app's Graph application permissions (`/{tenant}/v2.0/adminconsent`): the
//! consent URL with a random `state`, the result values, and the path where the admin confirms that consent
//! was granted elsewhere. (Docket delivers through Graph itself, so the Office 365 Import service, which
//! the connector docs have the admin consent to, is not used.) Capturing the browser's redirect is `loopback`'s job; opening the browser is the shell's.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::loopback::ConsentListener;
use super::{checked_tenant, Cloud, IdentityError};

/// How long Docket waits for the admin to answer the consent page.
pub const DEFAULT_CONSENT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// A started admin consent: the page to open in the system browser and what Docket waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsentStart {
    /// The Entra ID admin consent page for Docket's app.
    pub url: String,
    /// The random value the answer must carry back.
    pub state: String,
    /// Where the browser is sent back: Docket's listener on 127.0.0.1.
    pub redirect_uri: String,
}

/// How an admin consent ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    /// The admin accepted (`admin_consent=True`), or confirmed by hand that consent was granted.
    Granted,
    /// The admin (or Entra ID) declined; `description` holds Entra ID's words as sent.
    Refused,
    /// An answer arrived that does not belong to this request (wrong or missing `state`); it was not
    /// recorded as consent.
    Rejected,
    /// No answer arrived in time.
    TimedOut,
}

/// How the result was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// Entra ID's redirect to Docket's loopback listener.
    LoopbackRedirect,
    /// The admin ticked that consent was granted elsewhere (e.g. from the link in Microsoft's docs).
    ConfirmedByAdmin,
}

/// The outcome of the admin consent step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsentResult {
    pub status: ConsentStatus,
    pub method: ConsentMethod,
    /// The tenant Entra ID reported (on a granted redirect), or the one being set up.
    pub tenant: Option<String>,
    /// Entra ID's error code, e.g. `access_denied` (refused only).
    pub error: Option<String>,
    /// Entra ID's `error_description` as sent (refused), or Docket's sentence (rejected, timed out).
    pub description: Option<String>,
    /// Docket's sentence (rejected, timed out) with its key and values, for the app to say in the admin's
    /// language; none where `description` is Entra ID's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description_text: Option<crate::Text>,
}

impl ConsentResult {
    pub(crate) fn described(mut self, text: crate::Text) -> ConsentResult {
        self.description = Some(text.message.clone());
        self.description_text = Some(text);
        self
    }
}

impl ConsentResult {
    pub fn granted(&self) -> bool {
        self.status == ConsentStatus::Granted
    }
}

/// Records the admin's word that consent was already granted (the loopback answer is not always possible,
/// e.g. when the consent was given from another computer).
pub fn confirmed_by_admin(tenant: Option<String>) -> ConsentResult {
    ConsentResult {
        status: ConsentStatus::Granted,
        method: ConsentMethod::ConfirmedByAdmin,
        tenant,
        error: None,
        description: None,
        description_text: None,
    }
}

/// A fresh, unguessable `state`: 128 random bits from the OS, in hex.
pub fn new_consent_state() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The admin consent page for an app's Graph application permissions (Docket's own app):
/// `{authority}/{tenant}/v2.0/adminconsent?client_id=...&scope={graph}/.default&redirect_uri=...&state=...`.
/// `.default` asks for every application permission the app registration declares.
pub fn app_admin_consent_url(
    cloud: &Cloud,
    tenant: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
) -> Result<Url, IdentityError> {
    let tenant = checked_tenant(tenant)?;
    let client_id = super::checked_client_id(client_id)?;
    let mut url = cloud.endpoints(&tenant)?.admin_consent;
    url.query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("scope", &cloud.graph_default_scope())
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state);
    Ok(url)
}

/// Starts admin consent for Docket's own app (`client_id`): binds the loopback listener on a random port of
/// 127.0.0.1 and builds the v2.0 consent URL with a fresh `state`. Open `ConsentStart::url` in the system
/// browser, then `wait` on the listener.
pub async fn begin_app_admin_consent(
    cloud: &Cloud,
    tenant: &str,
    client_id: &str,
) -> Result<(ConsentStart, ConsentListener), IdentityError> {
    let state = new_consent_state();
    let listener = ConsentListener::bind(state.clone()).await?;
    let redirect_uri = listener.redirect_uri();
    let url = app_admin_consent_url(cloud, tenant, client_id, &redirect_uri, &state)?;
    Ok((ConsentStart { url: url.into(), state, redirect_uri }, listener))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consent_url_names_the_app_the_graph_scope_the_tenant_and_the_state() {
        let url = app_admin_consent_url(
            &Cloud::Global,
            "contoso.onmicrosoft.com",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "http://127.0.0.1:5000/",
            "abc",
        );
        let url = url.map(String::from).unwrap_or_default();
        assert_eq!(
            url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=\
             0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&\
             redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2F&state=abc"
        );
    }

    #[test]
    fn each_state_is_new_and_unguessable() {
        let (a, b) = (new_consent_state(), new_consent_state());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
