//! A fake Microsoft Graph on 127.0.0.1 (plain threads), paired with a `FakeEntra` whose tokens it accepts. It
//! enforces what real Graph enforces and what Docket must respect:
//! - every request carries a bearer token the Entra double issued for this Graph (audience), not expired, with
//!   the permission the endpoint needs (application roles or delegated scopes); otherwise 401/403 with Graph's
//!   error shape;
//! - lists page with `@odata.nextLink`;
//! - a "storm" answers 429 with `Retry-After`; a request for the same mailbox that arrives before that time has
//!   passed is recorded as a protocol violation (after a 250 ms grace for requests already in flight), as are
//!   more than 4 concurrent requests for one mailbox and more than the request budget per window;
//! - the endpoints Docket uses, over a real in-memory directory (users, mailboxes, folders, messages,
//!   applications, service principals) that tests can inspect (`directory`);
//! - requests over 4 MB get 413; attachment upload URLs take no token and count against their mailbox
//!   (`throttle`, `directory/uploads`);
//! - an Exchange application access policy can block a mailbox (learn.microsoft.com/graph/auth-limit-mailbox-access):
//!   every request under `/users/{it}/` then answers 403 ErrorAccessDenied.

mod auth;
mod directory;
mod mime;
mod odata;
mod properties;
mod throttle;

use std::collections::{BTreeSet, HashMap};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use directory::{StoredApplication, StoredAttachment, StoredMessage, User, GRAPH_APP_ID, GRAPH_ROLES};
pub use properties::normalize_property_id;

use crate::fake_entra::{EntraState, FakeEntra};
use crate::http_wire::{read_request, write_response, Request, Response};
use auth::authenticate;
pub(crate) use auth::Caller;
use throttle::{admit, Throttle};

/// Concurrent requests Graph allows per app and mailbox.
pub const MAX_CONCURRENT_PER_MAILBOX: usize = 4;
/// The largest request body Graph takes (4 MB).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) dir: directory::Directory,
    throttle: Throttle,
    violations: Vec<String>,
    requests: Vec<String>,
    /// Requests per mailbox scope (the `/users/{id}` segment, lowercase, or an upload URL's mailbox).
    per_mailbox: HashMap<String, usize>,
    expired_tokens_seen: usize,
    page_size: usize,
    /// How long each mailbox request is held before it is answered (to make overlaps certain).
    latency: Duration,
}

pub(crate) struct Shared {
    inner: Mutex<Inner>,
    entra: Arc<EntraState>,
    base: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running double; it serves until the test process ends.
pub struct FakeGraph {
    /// `http://127.0.0.1:PORT`, the Graph base (without `/v1.0`).
    pub base: String,
    shared: Arc<Shared>,
}

impl FakeGraph {
    /// Starts a Graph double that trusts `entra`'s tokens (and tells `entra` to issue tokens for it).
    pub fn start(entra: &FakeEntra) -> FakeGraph {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("fake Graph binds");
        let port = listener.local_addr().expect("address").port();
        let base = format!("http://127.0.0.1:{port}");
        entra.accept_resource(&base);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                dir: directory::Directory::new(entra.state()),
                throttle: Throttle::new(),
                violations: Vec::new(),
                requests: Vec::new(),
                per_mailbox: HashMap::new(),
                expired_tokens_seen: 0,
                page_size: 10,
                latency: Duration::ZERO,
            }),
            entra: entra.state(),
            base: base.clone(),
        });
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = serving.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        FakeGraph { base, shared }
    }

    /// Adds a licensed user with a mailbox.
    pub fn add_user(&self, upn: &str, display_name: &str) {
        self.shared.lock().dir.add_user(upn, display_name, true);
    }

    /// Adds a user with no Exchange Online mailbox (no licence).
    pub fn add_user_without_mailbox(&self, upn: &str, display_name: &str) {
        self.shared.lock().dir.add_user(upn, display_name, false);
    }

    /// Adds an app registration that already exists in the tenant (with no secret).
    pub fn add_application(&self, display_name: &str) -> StoredApplication {
        self.shared.lock().dir.add_application(display_name, &[])
    }

    /// The next `count` mailbox requests are answered `status` (429 or 503) with `Retry-After: seconds`.
    pub fn storm(&self, count: usize, retry_after_seconds: u64, status: u16) {
        let mut inner = self.shared.lock();
        inner.throttle.storm_remaining = count;
        inner.throttle.storm_retry_after = retry_after_seconds;
        inner.throttle.storm_status = status;
    }

    /// Sets the per-mailbox request budget (real Graph: 10,000 per 10 minutes).
    pub fn set_budget(&self, requests: usize, window: Duration) {
        let mut inner = self.shared.lock();
        inner.throttle.budget = requests;
        inner.throttle.window = window;
    }

    /// Lists answer at most this many entries per page (default 10).
    pub fn set_page_size(&self, size: usize) {
        self.shared.lock().page_size = size.max(1);
    }

    /// Holds every mailbox request this long before answering it, so concurrent requests overlap for sure.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency;
    }

    /// Makes `importMime` unknown, as in a cloud or tenant without the beta action.
    pub fn disable_import_mime(&self) {
        self.shared.lock().dir.import_mime_enabled = false;
    }

    /// Makes `importMime` give each message the import time as its received time, not its `Date`.
    pub fn stamp_import_time_as_received(&self) {
        self.shared.lock().dir.import_stamps_now = true;
    }

    /// Makes `importMime` for `mailbox` answer 403 ErrorAccessDenied while everything else there works (RBAC
    /// for Applications can scope Mail-Advanced.ReadWrite.All away from some mailboxes).
    pub fn refuse_import_mime_for(&self, mailbox: &str) {
        self.shared.lock().dir.import_refused.insert(mailbox.to_ascii_lowercase());
    }

    /// Blocks `mailbox` with an Exchange application access policy: every request under `/users/{mailbox}/`
    /// (and its upload URLs) answers 403 ErrorAccessDenied.
    pub fn block_mailbox(&self, mailbox: &str) {
        self.shared.lock().dir.blocked.insert(mailbox.to_ascii_lowercase());
    }

    /// Sets the per-mailbox upload volume (real Graph: 150 MB of PATCH/POST/PUT bodies per 5 minutes).
    pub fn set_upload_limit(&self, bytes: usize, window: Duration) {
        let mut inner = self.shared.lock();
        inner.throttle.upload_limit = bytes;
        inner.throttle.upload_window = window;
    }

    /// Sets the mailboxes' maximum message size, attachments included (Exchange Online's default: 35 MB).
    pub fn set_max_message_size(&self, bytes: usize) {
        self.shared.lock().dir.max_message_size = bytes;
    }

    /// Moves a message to the folder named `folder` (created when missing) as a user would in Outlook; it gets
    /// a new id (Exchange's default ids change on a move), which is returned (`None`: no such message).
    pub fn move_message(&self, mailbox: &str, id: &str, folder: &str) -> Option<String> {
        self.shared.lock().dir.move_message(mailbox, id, folder)
    }

    /// Every protocol violation seen (requests before Retry-After elapsed, too many at once, over budget, over
    /// the upload volume).
    pub fn violations(&self) -> Vec<String> {
        self.shared.lock().violations.clone()
    }

    /// 429/503 answers sent so far.
    pub fn throttled_answers(&self) -> usize {
        self.shared.lock().throttle.throttled_answers
    }

    /// Requests that presented an expired token.
    pub fn expired_tokens_seen(&self) -> usize {
        self.shared.lock().expired_tokens_seen
    }

    /// `METHOD /path` of every request, in order.
    pub fn requests(&self) -> Vec<String> {
        self.shared.lock().requests.clone()
    }

    /// Requests that reached the double for `mailbox` as the path named it (`/users/{mailbox}/...` and its
    /// upload URLs), throttled ones included.
    pub fn request_count_for(&self, mailbox: &str) -> usize {
        self.shared.lock().per_mailbox.get(&mailbox.to_ascii_lowercase()).copied().unwrap_or(0)
    }

    /// The messages in `mailbox`'s folder named `folder`, in creation order.
    pub fn messages(&self, mailbox: &str, folder: &str) -> Vec<StoredMessage> {
        self.shared.lock().dir.messages(mailbox, folder)
    }

    /// Every message in `mailbox`, folder by folder, each in creation order.
    pub fn all_messages(&self, mailbox: &str) -> Vec<StoredMessage> {
        self.shared.lock().dir.all_messages(mailbox)
    }

    /// The display names of `mailbox`'s top-level folders.
    pub fn folders(&self, mailbox: &str) -> Vec<String> {
        self.shared.lock().dir.folder_names(mailbox)
    }

    /// Every app registration in the directory.
    pub fn applications(&self) -> Vec<StoredApplication> {
        self.shared.lock().dir.applications.clone()
    }

    /// The app ids that have a service principal.
    pub fn service_principals(&self) -> BTreeSet<String> {
        self.shared.lock().dir.service_principals.keys().cloned().collect()
    }
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    let Some(request) = read_request(&mut stream) else { return };
    let arrived = Instant::now();
    let scope = mailbox_scope(shared, &request);
    let early = admit(&mut shared.lock(), &request, scope.as_deref(), arrived);
    let response = match early {
        Some(response) => response,
        None => {
            let latency = shared.lock().latency;
            if scope.is_some() && !latency.is_zero() {
                std::thread::sleep(latency);
            }
            let response = answer(shared, &request);
            if let Some(scope) = &scope {
                let mut inner = shared.lock();
                if let Some(n) = inner.throttle.in_flight.get_mut(scope) {
                    *n = n.saturating_sub(1);
                }
            }
            response
        }
    };
    write_response(&mut stream, &response);
    if response.status == 429 || response.status == 503 {
        if let (Some(scope), Some(seconds)) =
            (&scope, response.headers.iter().find(|(k, _)| k == "Retry-After").map(|(_, v)| v.clone()))
        {
            let seconds: u64 = seconds.parse().unwrap_or(1);
            let written = Instant::now();
            let mut inner = shared.lock();
            let deadline = arrived + Duration::from_secs(seconds);
            let entry = inner.throttle.throttled_until.entry(scope.clone()).or_insert((deadline, written));
            if deadline >= entry.0 {
                *entry = (deadline, written);
            }
        }
    }
}

/// The mailbox a request is about, for per-mailbox throttling: `/users/{id}/...` below the user, or the mailbox
/// of an attachment upload URL (`/upload/{token}`).
fn mailbox_scope(shared: &Shared, request: &Request) -> Option<String> {
    let segments = request.segments();
    match segments.as_slice() {
        [upload, token] if upload == "upload" => shared.lock().dir.upload_scope(token),
        [_version, users, user, _, ..] if users == "users" => Some(user.to_ascii_lowercase()),
        _ => None,
    }
}

/// Graph's error shape.
pub(crate) fn graph_error(status: u16, code: &str, message: &str) -> Response {
    Response::json(
        status,
        &serde_json::json!({"error": {"code": code, "message": message, "innerError": {"request-id": "0000"}}}),
    )
}

fn answer(shared: &Shared, request: &Request) -> Response {
    let segments = request.segments();
    if let [upload, token] = segments.as_slice() {
        if upload == "upload" {
            return shared.lock().dir.upload_put(token, request, &shared.base);
        }
    }
    let caller = match authenticate(shared, request) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Some((version, rest)) = segments.split_first() else {
        return graph_error(400, "BadRequest", "Invalid version.");
    };
    let beta = match version.as_str() {
        "v1.0" => false,
        "beta" => true,
        _ => return graph_error(400, "BadRequest", "Invalid version."),
    };
    let page_size = shared.lock().page_size;
    let context = directory::Context { caller: &caller, request, beta, base: &shared.base, page_size };
    let mut inner = shared.lock();
    inner.dir.route(rest, &context)
}

/// Pages `items` per `$skiptoken` and the page size, adding `@odata.nextLink` while more remain.
pub(crate) fn page(items: Vec<serde_json::Value>, context: &directory::Context<'_>) -> Response {
    let skip: usize = context.request.param("$skiptoken").and_then(|s| s.parse().ok()).unwrap_or(0);
    let top: usize = context.request.param("$top").and_then(|s| s.parse().ok()).unwrap_or(context.page_size);
    let size = top.clamp(1, context.page_size);
    let total = items.len();
    let value: Vec<_> = items.into_iter().skip(skip).take(size).collect();
    let mut body = serde_json::json!({ "value": value });
    if skip + size < total {
        let kept: Vec<(String, String)> =
            context.request.query.iter().filter(|(k, _)| k != "$skiptoken").cloned().collect();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(kept);
        query.append_pair("$skiptoken", &(skip + size).to_string());
        body["@odata.nextLink"] =
            serde_json::Value::from(format!("{}{}?{}", context.base, context.request.path, query.finish()));
    }
    Response::json(200, &body)
}

/// A `$filter` of the form `name eq 'value'` (with `''` for a quote), or `None` for any other filter.
pub(crate) fn eq_filter(filter: &str, name: &str) -> Option<String> {
    let rest = filter.trim().strip_prefix(name)?.trim_start().strip_prefix("eq")?.trim();
    let quoted = rest.strip_prefix('\'')?.strip_suffix('\'')?;
    if quoted.replace("''", "").contains('\'') {
        return None;
    }
    Some(quoted.replace("''", "'"))
}
