//! A fake Entra ID on 127.0.0.1, served from plain threads so any test (async or not) can use it. It speaks the
//! real endpoints' protocol and error shapes (`error`, `error_description` with its AADSTS code, `error_codes`):
//! - `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant (a registered app, one of its secrets,
//!   `{graph}/.default`), the authorization-code grant (the code's client, its exact `redirect_uri`, a PKCE
//!   verifier whose S256 digest is the challenge, each code once) and the refresh-token grant;
//! - `GET /{tenant}/oauth2/v2.0/authorize`: signs the tenant's admin in without a page and redirects to the
//!   loopback `redirect_uri` with a code and the `state` (PKCE S256 is required);
//! - `GET /{tenant}/v2.0/adminconsent` and `GET /{tenant}/adminconsent`: grants the app's declared Graph
//!   application permissions (or declines, when a test says so) and redirects with `admin_consent=True`.
//!
//! Tokens are random strings the double remembers with their expiry, audience, roles and scopes, so the Graph
//! double (`fake_graph`) can reject missing, unknown, expired and under-privileged ones. A double that
//! accepted anything would prove nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::http_wire::{read_request, write_response, Request, Response};

mod flows;

use flows::{admin_consent, authorization_code, authorize, refresh};

pub const TENANT: &str = "11112222-3333-4444-5555-666677778888";
pub const CLIENT_ID: &str = "aaaabbbb-cccc-dddd-eeee-ffff00001111";
pub const SECRET: &str = "Kq8~right.secret_value-0123456789abcdef";
/// The Graph resource whose `.default` scope the double expects (the global cloud's).
pub const GRAPH: &str = "https://graph.microsoft.com";
/// A public client (no secret) the admin signs in with, like Docket's own sign-in app.
pub const PUBLIC_CLIENT_ID: &str = "bbbbcccc-dddd-eeee-ffff-000011112222";
/// The admin the authorize endpoint signs in.
pub const ADMIN_UPN: &str = "admin@contoso.onmicrosoft.com";
/// The Office 365 Import service, a Microsoft app every tenant knows.
pub const IMPORT_SERVICE_CLIENT_ID: &str = "570d0bec-d001-4c4e-985e-3ab17fdc3073";
/// The Graph application permissions `CLIENT_ID` was granted before any test runs.
pub const PRECONSENTED_ROLES: [&str; 4] =
    ["User.Read.All", "MailboxSettings.Read", "Mail.ReadWrite", "Mail-Advanced.ReadWrite.All"];

/// An app registration the double knows.
#[derive(Debug, Clone, Default)]
pub struct App {
    pub app_id: String,
    pub display_name: String,
    /// Client secrets (their values); empty for a public client.
    pub secrets: Vec<String>,
    /// Graph application permissions the app declares (by value, e.g. `Mail.ReadWrite`).
    pub required_roles: BTreeSet<String>,
    /// Graph application permissions an admin consented to; app-only tokens carry these.
    pub granted_roles: BTreeSet<String>,
    pub public_client: bool,
}

/// A token the double issued.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub client_id: String,
    /// The resource it is for (`GRAPH` or a Graph double's base).
    pub audience: String,
    pub expires_at: Instant,
    /// Application permissions (app-only tokens).
    pub roles: BTreeSet<String>,
    /// Delegated permissions (tokens for a signed-in user).
    pub scopes: BTreeSet<String>,
    pub user: Option<String>,
}

/// How the consent page answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentAnswer {
    Grant,
    Decline { error: String, description: String },
}

#[derive(Debug)]
struct PendingCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    scopes: BTreeSet<String>,
    audience: String,
}

#[derive(Debug)]
struct Inner {
    resources: BTreeSet<String>,
    apps: BTreeMap<String, App>,
    codes: HashMap<String, PendingCode>,
    used_codes: HashSet<String>,
    tokens: HashMap<String, IssuedToken>,
    refresh_tokens: HashMap<String, PendingCode>,
    /// Every refresh token ever issued, redeemed or not (canaries for secret-leak tests).
    pub(crate) refresh_issued: Vec<String>,
    token_lifetime: Duration,
    consent_answer: ConsentAnswer,
    consents: Vec<(String, String)>,
    requests: Vec<String>,
    refusals: Vec<String>,
}

/// The double's memory, shared with the Graph double.
#[derive(Debug)]
pub struct EntraState {
    inner: Mutex<Inner>,
    tokens_issued: AtomicUsize,
    counter: AtomicUsize,
}

impl EntraState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The token, when the double issued it (expired or not).
    pub fn token(&self, value: &str) -> Option<IssuedToken> {
        self.lock().tokens.get(value).cloned()
    }

    /// Registers an app (the Graph double does this for `POST /applications`).
    pub fn register_app(&self, app: App) {
        self.lock().apps.insert(app.app_id.clone(), app);
    }

    pub fn app(&self, app_id: &str) -> Option<App> {
        self.lock().apps.get(app_id).cloned()
    }

    /// Adds a client secret to an app (the Graph double does this for `addPassword`).
    pub fn add_secret(&self, app_id: &str, secret: &str) -> bool {
        match self.lock().apps.get_mut(app_id) {
            Some(app) => {
                app.secrets.push(secret.to_string());
                true
            }
            None => false,
        }
    }

    /// Sets the Graph permissions an app declares.
    pub fn set_required_roles(&self, app_id: &str, roles: BTreeSet<String>) {
        if let Some(app) = self.lock().apps.get_mut(app_id) {
            app.required_roles = roles;
        }
    }

    /// A fresh random value (codes, tokens, secrets, ids), unique in this process.
    pub fn random(&self, prefix: &str) -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 18];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        format!("{prefix}{n}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// A running double; it serves until the test process ends.
pub struct FakeEntra {
    /// `http://127.0.0.1:PORT`, to use as the authority base.
    pub authority: String,
    state: Arc<EntraState>,
}

impl FakeEntra {
    pub fn start() -> FakeEntra {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("fake Entra binds");
        let port = listener.local_addr().expect("address").port();
        let mut apps = BTreeMap::new();
        let roles: BTreeSet<String> = PRECONSENTED_ROLES.iter().map(|r| r.to_string()).collect();
        apps.insert(
            CLIENT_ID.to_string(),
            App {
                app_id: CLIENT_ID.into(),
                display_name: "Docket (existing)".into(),
                secrets: vec![SECRET.into()],
                required_roles: roles.clone(),
                granted_roles: roles,
                public_client: false,
            },
        );
        apps.insert(
            PUBLIC_CLIENT_ID.to_string(),
            App {
                app_id: PUBLIC_CLIENT_ID.into(),
                display_name: "Docket sign-in".into(),
                public_client: true,
                ..App::default()
            },
        );
        apps.insert(
            IMPORT_SERVICE_CLIENT_ID.to_string(),
            App {
                app_id: IMPORT_SERVICE_CLIENT_ID.into(),
                display_name: "Office 365 Import Service".into(),
                ..App::default()
            },
        );
        let state = Arc::new(EntraState {
            inner: Mutex::new(Inner {
                resources: [GRAPH.to_string()].into(),
                apps,
                codes: HashMap::new(),
                used_codes: HashSet::new(),
                tokens: HashMap::new(),
                refresh_tokens: HashMap::new(),
                refresh_issued: Vec::new(),
                token_lifetime: Duration::from_secs(3599),
                consent_answer: ConsentAnswer::Grant,
                consents: Vec::new(),
                requests: Vec::new(),
                refusals: Vec::new(),
            }),
            tokens_issued: AtomicUsize::new(0),
            counter: AtomicUsize::new(0),
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        FakeEntra { authority: format!("http://127.0.0.1:{port}"), state }
    }

    /// Every refresh token issued so far, in order (redeemed ones too).
    pub fn refresh_tokens_issued(&self) -> Vec<String> {
        self.state.lock().refresh_issued.clone()
    }

    /// Tokens issued so far (successful requests only).
    pub fn tokens_issued(&self) -> usize {
        self.state.tokens_issued.load(Ordering::SeqCst)
    }

    pub fn state(&self) -> Arc<EntraState> {
        self.state.clone()
    }

    /// Accepts `{resource}/...` scopes besides the global Graph's (a Graph double's base).
    pub fn accept_resource(&self, resource: &str) {
        self.state.lock().resources.insert(resource.trim_end_matches('/').to_string());
    }

    /// How long tokens issued from now on live (default 3599 s).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state.lock().token_lifetime = lifetime;
    }

    /// How the consent page answers from now on.
    pub fn set_consent_answer(&self, answer: ConsentAnswer) {
        self.state.lock().consent_answer = answer;
    }

    /// `(client_id, tenant)` of every consent granted.
    pub fn consents(&self) -> Vec<(String, String)> {
        self.state.lock().consents.clone()
    }

    /// `METHOD /path` of every request, in order (for tests that check which endpoints were used).
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().requests.clone()
    }

    /// Every refusal the double sent, as `error: description` (for tests that check why).
    pub fn refusals(&self) -> Vec<String> {
        self.state.lock().refusals.clone()
    }

    pub fn app(&self, app_id: &str) -> Option<App> {
        self.state.app(app_id)
    }
}

fn serve(mut stream: TcpStream, state: &EntraState) {
    let Some(request) = read_request(&mut stream) else { return };
    state.lock().requests.push(format!("{} {}", request.method, request.path));
    let response = route(&request, state);
    if response.status >= 400 {
        let text = String::from_utf8_lossy(&response.body).into_owned();
        state.lock().refusals.push(text);
    }
    write_response(&mut stream, &response);
}

fn route(request: &Request, state: &EntraState) -> Response {
    let path = request.path.trim_start_matches('/');
    let (tenant, rest) = path.split_once('/').unwrap_or((path, ""));
    match (request.method.as_str(), rest) {
        ("POST", "oauth2/v2.0/token") => token(request, tenant, state),
        ("GET", "oauth2/v2.0/authorize") => authorize(request, tenant, state),
        ("GET", "v2.0/adminconsent") => admin_consent(request, tenant, state, true),
        ("GET", "adminconsent") => admin_consent(request, tenant, state, false),
        _ => Response::json(404, &serde_json::json!({})),
    }
}

fn refuse(status: u16, error: &str, code: u32, description: &str) -> Response {
    Response::json(
        status,
        &serde_json::json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description} Trace ID: 0000 Correlation ID: 0000"),
            "error_codes": [code],
        }),
    )
}

fn unknown_tenant(tenant: &str) -> Response {
    let text = format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.");
    refuse(400, "invalid_request", 90002, &text)
}

fn token(request: &Request, tenant: &str, state: &EntraState) -> Response {
    if tenant != TENANT {
        return unknown_tenant(tenant);
    }
    let form = request.form();
    match field(&form, "grant_type") {
        Some("client_credentials") => client_credentials(&form, state),
        Some("authorization_code") => authorization_code(&form, state),
        Some("refresh_token") => refresh(&form, state),
        _ => refuse(
            400,
            "unsupported_grant_type",
            70003,
            "The provided authorization grant type is not supported.",
        ),
    }
}

type Form = [(String, String)];

fn field<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn client_credentials(form: &Form, state: &EntraState) -> Response {
    let field = |name: &str| field(form, name);
    let resources = state.lock().resources.clone();
    let audience = match field("scope") {
        None => {
            let text = "The request body must contain the following parameter: 'scope'.";
            return refuse(400, "invalid_request", 900144, text);
        }
        Some(scope) => match scope.strip_suffix("/.default").filter(|r| resources.contains(*r)) {
            Some(resource) => resource.to_string(),
            None => {
                let text =
                    format!("The provided value for the input parameter 'scope' is not valid: {scope}.");
                return refuse(400, "invalid_scope", 1002012, &text);
            }
        },
    };
    let client_id = field("client_id").unwrap_or("");
    let Some(app) =
        state.app(client_id).filter(|a| !a.public_client && client_id != IMPORT_SERVICE_CLIENT_ID)
    else {
        let text = format!("Application with identifier '{client_id}' was not found in the directory.");
        return refuse(400, "unauthorized_client", 700016, &text);
    };
    if !field("client_secret").is_some_and(|s| app.secrets.iter().any(|known| known == s)) {
        let text = format!(
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret \
             value, not the client secret ID, for a secret added to app '{client_id}'."
        );
        return refuse(401, "invalid_client", 7000215, &text);
    }
    let (value, lifetime) =
        issue(state, client_id, &audience, app.granted_roles.clone(), BTreeSet::new(), None);
    Response::json(
        200,
        &serde_json::json!({
            "token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": value,
        }),
    )
}

fn issue(
    state: &EntraState,
    client_id: &str,
    audience: &str,
    roles: BTreeSet<String>,
    scopes: BTreeSet<String>,
    user: Option<String>,
) -> (String, u64) {
    let value = state.random("eyJ0eXAi.fake.");
    let mut inner = state.lock();
    let lifetime = inner.token_lifetime;
    inner.tokens.insert(
        value.clone(),
        IssuedToken {
            client_id: client_id.to_string(),
            audience: audience.to_string(),
            expires_at: Instant::now() + lifetime,
            roles,
            scopes,
            user,
        },
    );
    drop(inner);
    state.tokens_issued.fetch_add(1, Ordering::SeqCst);
    (value, lifetime.as_secs().max(1))
}
