//! Entra ID (Azure AD) and Microsoft Graph for the wizard's steps 2, 5 and 6 and for Graph delivery: which
//! cloud to sign in to, a live check that an app's client credentials work, the admin's interactive sign-in
//! (PKCE on a loopback redirect), app registration through Graph, admin consent (the Office 365 Import service
//! and Docket's own app) captured on a loopback redirect, mailbox checks, and the throttled Graph client the
//! Graph sink uses. It never opens a browser (callers pass an opener), keeps tokens only in memory, and stores
//! only what a caller's `SecretStore` is given (the admin's refresh token, a new app's client secret).

mod app_check;
mod app_registration;
mod app_token;
mod cloud;
mod consent;
mod graph_client;
mod graph_throttle;
mod loopback;
mod mailbox_check;
mod signin;

pub use app_check::{check_app_credentials, AppCheck};
pub use app_registration::{
    add_client_secret, list_apps, register_app, secret_expiry_warning, AppSummary, ClientSecretInfo,
    RegisteredApp, SecretExpiryWarning, DOCKET_GRAPH_ROLES, GRAPH_RESOURCE_APP_ID, SECRET_WARNING_DAYS,
};
pub use app_token::{refresh_after, AppCredentials, AppTokenSource, TokenProvider};
pub use cloud::{Cloud, CloudEndpoints, CloudName};
pub use consent::{
    app_admin_consent_url, begin_app_admin_consent, confirmed_by_admin, new_consent_state, ConsentMethod,
    ConsentResult, ConsentStart, ConsentStatus, DEFAULT_CONSENT_TIMEOUT,
};
pub use graph_client::{Body, GraphAnswer, GraphClient, GraphError, GraphVersion};
pub use graph_throttle::{Throttle, ThrottlePolicy};
pub use loopback::ConsentListener;
pub use mailbox_check::{check_mailboxes, MailboxCheck, MailboxReport, MailboxStatus};
pub use signin::{
    sign_in_admin, AdminSession, OpenUrl, SignInSettings, ADMIN_REFRESH_TOKEN_ENTRY,
    ADMIN_SIGN_IN_PERMISSIONS, DEFAULT_SIGN_IN_CLIENT_ID, DEFAULT_SIGN_IN_TIMEOUT,
};

use crate::Code;

/// What can go wrong talking to Entra ID. Every message names the value at fault (never a secret) and says
/// what the admin should do next.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    InvalidInput { field: crate::Text, message: crate::Text },
    InvalidSecret { client_id: String, aadsts: String },
    ExpiredSecret { client_id: String },
    UnknownApp { client_id: String, tenant: String },
    UnknownTenant { tenant: String, aadsts: String },
    Refused { client_id: String, error: String, description: String },
    Unreachable { endpoint: String, detail: String },
    UnexpectedResponse { endpoint: String, detail: String },
    Listener(String),
    NoConsentPending,
    Superseded,
    SignInNeeded,
    SignInTimedOut { minutes: u64 },
    SignInRejected,
    SignInRefused { error: String, description: String },
    Browser(String),
    Keychain(String),
}

impl IdentityError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            IdentityError::InvalidInput { field, message } => text!(
                "identity.invalid_input",
                "{field}: {message}",
                field = field,
                message = message
            ),
            IdentityError::InvalidSecret { client_id, aadsts } => text!(
                "identity.invalid_secret",
                "Microsoft Entra ID refused the client secret of app {client_id} ({aadsts}). Check that you pasted the \
         secret's Value (not its Secret ID) and that it has not expired, or create a new client secret under \
         Certificates & secrets in the app registration; then store it again and re-run the test.",
                client_id = client_id,
                aadsts = aadsts
            ),
            IdentityError::ExpiredSecret { client_id } => text!(
                "identity.expired_secret",
                "the client secret of app {client_id} has expired (AADSTS7000222). Create a new client secret under \
         Certificates & secrets in the app registration, store it in Docket and re-run the test.",
                client_id = client_id
            ),
            IdentityError::UnknownApp { client_id, tenant } => text!(
                "identity.unknown_app",
                "Microsoft Entra ID has no app with Application (client) ID {client_id} in tenant {tenant} \
         (AADSTS700016). Copy the ID from the app registration's Overview page and check that the app was \
         registered in this tenant.",
                client_id = client_id,
                tenant = tenant
            ),
            IdentityError::UnknownTenant { tenant, aadsts } => text!(
                "identity.unknown_tenant",
                "Microsoft Entra ID does not know the tenant \"{tenant}\" ({aadsts}). Copy the Directory (tenant) ID from \
         the app registration's Overview page, and check that the right cloud (global, US Government, China) \
         is selected.",
                tenant = tenant,
                aadsts = aadsts
            ),
            IdentityError::Refused { client_id, error, description } => text!(
                "identity.refused",
                "Microsoft Entra ID refused the sign-in of app {client_id} ({error}): {description}. Check the app \
         registration in the Entra admin center and re-run the test.",
                client_id = client_id,
                error = error,
                description = description
            ),
            IdentityError::Unreachable { endpoint, detail } => text!(
                "identity.unreachable",
                "Docket could not reach Microsoft Entra ID at {endpoint} ({detail}). Check the network connection, \
         proxy and firewall, and that the right cloud is selected; then re-run the test.",
                endpoint = endpoint,
                detail = detail
            ),
            IdentityError::UnexpectedResponse { endpoint, detail } => text!(
                "identity.unexpected_response",
                "{endpoint} did not answer like Microsoft Entra ID ({detail}). Check that the right cloud is selected \
         and that no proxy rewrites the sign-in traffic; report it if it keeps happening.",
                endpoint = endpoint,
                detail = detail
            ),
            IdentityError::Listener(v0) => text!(
                "identity.listener",
                "Docket could not listen on this computer for the admin consent answer ({detail}). Check that no security \
         tool blocks local connections to 127.0.0.1, or confirm the consent by hand instead.",
                detail = v0
            ),
            IdentityError::NoConsentPending => text!(
                "identity.no_consent_pending",
                "no admin consent is waiting for an answer; start the admin consent step again"
            ),
            IdentityError::Superseded => text!(
                "identity.superseded",
                "this admin consent was replaced by a newer one or confirmed by hand; nothing was recorded from it"
            ),
            IdentityError::SignInNeeded => text!(
                "identity.sign_in_needed",
                "the admin is not signed in to Microsoft Entra ID (or the sign-in expired); sign in again"
            ),
            IdentityError::SignInTimedOut { minutes } => text!(
                "identity.sign_in_timed_out",
                "no answer came back from the Microsoft sign-in page within {minutes} minutes; start the sign-in again",
                minutes = minutes
            ),
            IdentityError::SignInRejected => text!(
                "identity.sign_in_rejected",
                "an answer arrived that does not carry the state of this sign-in (an old browser tab or another \
         program); it was not used. Start the sign-in again."
            ),
            IdentityError::SignInRefused { error, description } => text!(
                "identity.sign_in_refused",
                "Microsoft Entra ID did not complete the sign-in ({error}): {description}",
                error = error,
                description = description
            ),
            IdentityError::Browser(v0) => text!(
                "identity.browser",
                "Docket could not open the system browser ({detail}); open the sign-in page by hand or try again",
                detail = v0
            ),
            IdentityError::Keychain(v0) => text!(
                "identity.keychain",
                "the OS keychain could not keep the sign-in ({detail}); unlock the keychain and sign in again",
                detail = v0
            ),
        }
    }
}

crate::display_as_text!(IdentityError);

impl IdentityError {
    pub fn code(&self) -> Code {
        match self {
            IdentityError::InvalidInput { .. } => Code::BadConfig,
            IdentityError::InvalidSecret { .. }
            | IdentityError::ExpiredSecret { .. }
            | IdentityError::UnknownApp { .. }
            | IdentityError::UnknownTenant { .. }
            | IdentityError::Refused { .. } => Code::EntraAuth,
            IdentityError::Unreachable { .. } | IdentityError::UnexpectedResponse { .. } => {
                Code::EntraUnreachable
            }
            IdentityError::Listener(_)
            | IdentityError::NoConsentPending
            | IdentityError::Superseded
            | IdentityError::SignInTimedOut { .. }
            | IdentityError::SignInRejected
            | IdentityError::Browser(_) => Code::Consent,
            IdentityError::SignInNeeded | IdentityError::SignInRefused { .. } => Code::EntraAuth,
            IdentityError::Keychain(_) => Code::Keychain,
        }
    }
}

/// A Directory (tenant) ID as Entra accepts it in a URL path: a GUID or a domain such as contoso.onmicrosoft.com.
pub(crate) fn checked_tenant(tenant: &str) -> Result<String, IdentityError> {
    let tenant = tenant.trim();
    let usable = !tenant.is_empty()
        && tenant.len() <= 253
        && tenant.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !tenant.starts_with('.');
    if usable {
        Ok(tenant.to_string())
    } else {
        Err(IdentityError::InvalidInput {
            field: crate::text!("field.tenant_id", "Directory (tenant) ID"),
            message: crate::text!(
                "identity.not_tenant",
                "\"{tenant}\" is not a tenant ID; copy the Directory (tenant) ID (a GUID such as \
                 00001111-aaaa-2222-bbbb-3333cccc4444) or the tenant's domain (contoso.onmicrosoft.com) from \
                 the app registration's Overview page",
                tenant = tenant
            ),
        })
    }
}

/// An Application (client) ID: a GUID.
pub(crate) fn checked_client_id(client_id: &str) -> Result<String, IdentityError> {
    let client_id = client_id.trim();
    if is_guid(client_id) {
        Ok(client_id.to_ascii_lowercase())
    } else {
        Err(IdentityError::InvalidInput {
            field: crate::text!("field.client_id", "Application (client) ID"),
            message: crate::text!(
                "identity.not_client_id",
                "\"{client_id}\" is not an application ID; copy the Application (client) ID (a GUID such as \
                 00001111-aaaa-2222-bbbb-3333cccc4444) from the app registration's Overview page",
                client_id = client_id
            ),
        })
    }
}

/// True for `8-4-4-4-12` hexadecimal groups, the shape of every Entra ID identifier.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_guids_or_domains_and_nothing_that_changes_the_url() {
        assert!(checked_tenant(" contoso.onmicrosoft.com ").is_ok());
        assert!(checked_tenant("00001111-aaaa-2222-bbbb-3333cccc4444").is_ok());
        for bad in ["", "contoso/../common", "a b", "x?y=1", ".."] {
            assert!(checked_tenant(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn client_ids_must_be_guids() {
        assert_eq!(
            checked_client_id("00001111-AAAA-2222-bbbb-3333cccc4444").ok().as_deref(),
            Some("00001111-aaaa-2222-bbbb-3333cccc4444")
        );
        assert!(checked_client_id("my-app").is_err());
        assert!(checked_client_id("00001111-aaaa-2222-bbbb-3333cccc444").is_err());
    }
}
