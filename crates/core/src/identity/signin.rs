//! Interactive admin sign-in (oauth2 crate): the authorization-code flow with PKCE (S256) in the system
//! browser, the redirect captured on `http://127.0.0.1:<random port>/` (RFC 8252) with `state` checked, and
//! the browser answered with a page saying it can be closed. Both tokens stay in memory, in the session: the
//! refresh token carries `Application.ReadWrite.All` on the admin's behalf, so it is never written anywhere
//! and ends with the session (the wizard's end, sign-out, or quitting Docket). A refresh token an earlier
//! version left in the keychain (`ADMIN_REFRESH_TOKEN_ENTRY`) is deleted at the next sign-in. Opening the
//! browser is the caller's job (a callback), so the core never starts a process.

use std::sync::Arc;
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, RefreshToken,
    Scope, TokenResponse, TokenUrl,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::time::{timeout_at, Instant};

use super::app_check::{refusal, token_http_client};
use super::app_token::refresh_after;
use super::loopback::{read_request_target, respond};
use super::{checked_client_id, checked_tenant, new_consent_state, Cloud, IdentityError, TokenProvider};
use crate::secrets::{SecretStore, Sensitive};

/// The keychain entry where versions before 0.2 kept the admin's refresh token; deleted at sign-in.
pub const ADMIN_REFRESH_TOKEN_ENTRY: &str = "entra-admin-refresh-token";

/// The public client the admin signs in with unless another is configured: Microsoft Graph Command Line
/// Tools, a Microsoft app present in every tenant that may ask for delegated Graph permissions and redirect
/// to a loopback address.
pub const DEFAULT_SIGN_IN_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// The delegated Graph permissions the admin's sign-in asks for: register and list apps, look users up.
pub const ADMIN_SIGN_IN_PERMISSIONS: [&str; 2] = ["Application.ReadWrite.All", "User.Read.All"];

/// How long Docket waits for the admin to finish signing in.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Opens a URL in the system browser; the app passes its browser opener, tests a simulated browser.
pub type OpenUrl<'a> = &'a (dyn Fn(&str) -> Result<(), String> + Send + Sync);

/// Where and as whom the admin signs in.
#[derive(Debug, Clone)]
pub struct SignInSettings {
    pub cloud: Cloud,
    pub tenant_id: String,
    /// The public client to sign in with (`DEFAULT_SIGN_IN_CLIENT_ID` unless the admin set another).
    pub client_id: String,
    pub timeout: Duration,
}

impl SignInSettings {
    pub fn new(cloud: Cloud, tenant_id: &str) -> SignInSettings {
        SignInSettings {
            cloud,
            tenant_id: tenant_id.to_string(),
            client_id: DEFAULT_SIGN_IN_CLIENT_ID.to_string(),
            timeout: DEFAULT_SIGN_IN_TIMEOUT,
        }
    }

    fn oauth(&self, redirect_uri: Option<String>) -> Result<(OAuth, String), IdentityError> {
        let tenant = checked_tenant(&self.tenant_id)?;
        let client = checked_client_id(&self.client_id)?;
        let endpoints = self.cloud.endpoints(&tenant)?;
        let token_endpoint = endpoints.token.to_string();
        let mut oauth = BasicClient::new(ClientId::new(client))
            .set_auth_uri(AuthUrl::from_url(endpoints.authorize))
            .set_token_uri(TokenUrl::from_url(endpoints.token))
            .set_auth_type(AuthType::RequestBody);
        if let Some(uri) = redirect_uri {
            oauth = oauth
                .set_redirect_uri(RedirectUrl::new(uri).map_err(|_| listener_error("bad redirect URI"))?);
        }
        Ok((oauth, token_endpoint))
    }

    fn scopes(&self) -> Vec<Scope> {
        let mut scopes: Vec<Scope> =
            ADMIN_SIGN_IN_PERMISSIONS.iter().map(|p| Scope::new(self.cloud.graph_scope(p))).collect();
        scopes.push(Scope::new("offline_access".into()));
        scopes
    }
}

type OAuth = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn listener_error(detail: &str) -> IdentityError {
    IdentityError::Listener(detail.to_string())
}

#[derive(Debug)]
struct Access {
    token: Sensitive<String>,
    refresh_at: Instant,
}

/// A signed-in admin: Graph calls on their behalf. Both tokens live only here: the refresh token renews the
/// access token when it is due, and goes with the session.
pub struct AdminSession {
    settings: SignInSettings,
    refresh: Mutex<Option<Sensitive<String>>>,
    access: Mutex<Option<Access>>,
}

impl std::fmt::Debug for AdminSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminSession").field("tenant", &self.settings.tenant_id).finish_non_exhaustive()
    }
}

impl AdminSession {
    pub fn cloud(&self) -> &Cloud {
        &self.settings.cloud
    }

    pub fn tenant_id(&self) -> &str {
        &self.settings.tenant_id
    }

    async fn renew(&self) -> Result<Access, IdentityError> {
        let mut refresh = self.refresh.lock().await;
        let Some(current) = refresh.clone() else {
            return Err(IdentityError::SignInNeeded);
        };
        let (oauth, endpoint) = self.settings.oauth(None)?;
        let http = token_http_client(&endpoint)?;
        let answer = oauth
            .exchange_refresh_token(&RefreshToken::new(current.expose().clone()))
            .add_scopes(self.settings.scopes())
            .request_async(&http)
            .await;
        match answer {
            Ok(token) => Ok(keep(&mut refresh, &token)),
            Err(oauth2::RequestTokenError::ServerResponse(_)) => {
                *refresh = None;
                Err(IdentityError::SignInNeeded)
            }
            Err(error) => {
                Err(refusal(error, &self.settings.tenant_id, &self.settings.client_id, "", endpoint))
            }
        }
    }

    /// Forgets both tokens now (sign-out); later calls need a new sign-in.
    pub async fn sign_out(&self) {
        *self.refresh.lock().await = None;
        *self.access.lock().await = None;
    }
}

#[async_trait::async_trait]
impl TokenProvider for AdminSession {
    async fn token(&self) -> Result<Sensitive<String>, IdentityError> {
        let mut access = self.access.lock().await;
        if let Some(current) = access.as_ref().filter(|a| Instant::now() < a.refresh_at) {
            return Ok(current.token.clone());
        }
        let renewed = self.renew().await?;
        let token = renewed.token.clone();
        *access = Some(renewed);
        Ok(token)
    }

    async fn invalidate(&self) {
        *self.access.lock().await = None;
    }
}

/// Keeps a token answer in memory: a new (rotated) refresh token replaces the old one; the access token is
/// returned with the moment to renew it.
fn keep(refresh: &mut Option<Sensitive<String>>, token: &oauth2::basic::BasicTokenResponse) -> Access {
    if let Some(rotated) = token.refresh_token() {
        *refresh = Some(Sensitive::new(rotated.secret().clone()));
    }
    let lifetime = token.expires_in().unwrap_or(Duration::from_secs(60));
    Access {
        token: Sensitive::new(token.access_token().secret().clone()),
        refresh_at: Instant::now() + refresh_after(lifetime),
    }
}

/// Signs the admin in: opens the authorize page (PKCE S256, a fresh `state`) through `open_url`, waits on
/// the loopback listener for the code, and redeems it. The tokens stay in the returned session; `secrets` is
/// only cleared of a refresh token an earlier version kept there.
pub async fn sign_in_admin(
    settings: SignInSettings,
    open_url: OpenUrl<'_>,
    secrets: Arc<dyn SecretStore>,
) -> Result<AdminSession, IdentityError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| listener_error(&e.to_string()))?;
    let port = listener.local_addr().map_err(|e| listener_error(&e.to_string()))?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/");
    let (oauth, endpoint) = settings.oauth(Some(redirect_uri))?;
    let state = new_consent_state();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let expected = state.clone();
    let (url, _) = oauth
        .authorize_url(move || CsrfToken::new(expected))
        .add_scopes(settings.scopes())
        .set_pkce_challenge(challenge)
        .url();
    open_url(url.as_str()).map_err(IdentityError::Browser)?;
    let code = wait_for_code(&listener, &state, settings.timeout).await?;
    let http = token_http_client(&endpoint)?;
    let answer = oauth
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await;
    let token = answer.map_err(|e| refusal(e, &settings.tenant_id, &settings.client_id, "", endpoint))?;
    if let Err(error) = secrets.delete(ADMIN_REFRESH_TOKEN_ENTRY) {
        tracing::warn!("an old refresh token could not be removed from the keychain: {error}");
    }
    let mut refresh = None;
    let access = keep(&mut refresh, &token);
    Ok(AdminSession { settings, refresh: Mutex::new(refresh), access: Mutex::new(Some(access)) })
}

/// Waits (at most `limit`, clamped) for the browser's redirect carrying `state`; stray requests (a favicon)
/// are answered and ignored, and a redirect with another `state` is answered 400 and not used: the wait goes
/// on for the real one. If only such forged redirects came, the time-out says so (`SignInRejected`).
async fn wait_for_code(
    listener: &TcpListener,
    state: &str,
    limit: Duration,
) -> Result<String, IdentityError> {
    let limit = super::loopback::clamp_wait(limit);
    let deadline = Instant::now() + limit;
    let mut forged = false;
    loop {
        let (stream, _) = match timeout_at(deadline, listener.accept()).await {
            Err(_) if forged => return Err(IdentityError::SignInRejected),
            Err(_) => return Err(IdentityError::SignInTimedOut { minutes: limit.as_secs().div_ceil(60) }),
            Ok(accepted) => accepted.map_err(|e| listener_error(&e.to_string()))?,
        };
        match answer(stream, state).await {
            Some(Err(IdentityError::SignInRejected)) => forged = true,
            Some(result) => return result,
            None => {}
        }
    }
}

async fn answer(mut stream: TcpStream, state: &str) -> Option<Result<String, IdentityError>> {
    let Some(target) = read_request_target(&mut stream).await else {
        respond(&mut stream, "400 Bad Request", "Docket could not read this request.").await;
        return None;
    };
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if path != "/" || (param("code").is_none() && param("error").is_none()) {
        respond(&mut stream, "404 Not Found", "Docket is waiting for Microsoft's answer.").await;
        return None;
    }
    if param("state").as_deref() != Some(state) {
        respond(
            &mut stream,
            "400 Bad Request",
            "This answer does not belong to the sign-in Docket started; it was not used.",
        )
        .await;
        return Some(Err(IdentityError::SignInRejected));
    }
    if let Some(error) = param("error") {
        respond(&mut stream, "200 OK", "Signing in to Microsoft was not completed.").await;
        return Some(Err(IdentityError::SignInRefused {
            error,
            description: param("error_description").unwrap_or_default(),
        }));
    }
    respond(&mut stream, "200 OK", "You are signed in to Microsoft Entra ID.").await;
    param("code").map(Ok)
}
