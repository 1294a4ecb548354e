//! A fake X API v2 on 127.0.0.1, served from plain threads, that enforces the protocol Docket must follow:
//! every request must carry a valid OAuth 1.0a signature for the known keys (checked by its own code, see
//! `oauth`), with a fresh nonce and timestamp; lists page with `next_token` and honour `since_id`; every
//! answer carries `x-rate-limit-*` headers and a request sent before a window's reset once it is exhausted
//! (or after an injected 429) is recorded as a protocol violation; parameters outside X's documented sets are
//! refused with X's error shape. Payloads follow X's OpenAPI schema (see `data`). Records can be added
//! between runs. Test code only.

mod data;
mod endpoints;
pub mod oauth;

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};

use data::{now_ms, Store};
pub use data::{NewMedia, ME_ID, ME_NAME, ME_USERNAME, PEOPLE};

/// The four credentials the fake accepts (made-up values, shaped like X's).
pub const API_KEY: &str = "fakeXapiKEY0001abcdefghij";
pub const API_SECRET: &str = "fakeXapiSECRET0001abcdefghijklmnopqrstuvwxyzABCD";
pub const ACCESS_TOKEN: &str = "1512345678901234567-fakeACCESStoken0001abcdefghijk";
pub const ACCESS_TOKEN_SECRET: &str = "fakeACCESSsecret0001abcdefghijklmnopqrstuvwxy";

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeXOptions {
    /// Items per page at most (X's `max_results` is honoured below this).
    pub page_size: usize,
    /// Requests per endpoint per rate-limit window.
    pub rate_limit: u32,
    /// The window's length; short in tests.
    pub window: Duration,
    /// Only this many most recent posts (and mentions) are reachable, as X's 3,200 (and 800).
    pub posts_reach: usize,
    pub mentions_reach: usize,
    /// DMs older than this many days are not returned.
    pub dm_days: u64,
    /// A pause before each media file is sent, to make a run slow enough to interrupt.
    pub media_delay: Duration,
}

impl Default for FakeXOptions {
    fn default() -> Self {
        FakeXOptions {
            page_size: 3,
            rate_limit: 1000,
            window: Duration::from_secs(1),
            posts_reach: 3200,
            mentions_reach: 800,
            dm_days: 30,
            media_delay: Duration::ZERO,
        }
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Request {
    /// The rate-limit bucket, e.g. `GET /2/users/:id/tweets`, or `GET /media` for media.
    pub endpoint: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub status: u16,
    /// Unix milliseconds when it arrived.
    pub at_ms: u64,
}

impl Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct Window {
    used: u32,
    /// Unix seconds.
    reset: u64,
    /// No request may arrive before this (Unix milliseconds): an exhausted window or an injected 429.
    blocked_until_ms: u64,
}

#[derive(Default)]
struct State {
    store: Store,
    windows: BTreeMap<String, Window>,
    nonces: HashSet<String>,
    requests: Vec<Request>,
    violations: Vec<String>,
    rejected_signatures: usize,
    inject_429: usize,
    inject_429_after: usize,
    usage_capped: bool,
    /// Pagination tokens handed out: token → (endpoint path, since_id, offset).
    tokens: BTreeMap<String, (String, Option<String>, usize)>,
}

/// A running fake; it serves until the test process ends.
pub struct FakeX {
    /// `http://127.0.0.1:PORT`: the API base URL (`DOCKET_X_API_BASE`).
    pub base: String,
    options: FakeXOptions,
    state: Arc<Mutex<State>>,
}

impl FakeX {
    pub fn start() -> FakeX {
        FakeX::start_with(FakeXOptions::default())
    }

    pub fn start_with(options: FakeXOptions) -> FakeX {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("fake X binds");
        let port = listener.local_addr().expect("address").port();
        let base = format!("http://127.0.0.1:{port}");
        let state = Arc::new(Mutex::new(State::default()));
        let (served, opts, served_base) = (state.clone(), options.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (state, options, base) = (served.clone(), opts.clone(), served_base.clone());
                std::thread::spawn(move || serve(stream, &state, &options, &base));
            }
        });
        FakeX { base, options, state }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A realistic account history: `posts` own posts (replies and a quote among them, photos on some),
    /// `mentions` mentions by others, `dms` direct messages both ways (a photo on some), spread over the
    /// last hours.
    pub fn seed(&self, posts: usize, mentions: usize, dms: usize) {
        let base = self.base.clone();
        let mut state = self.lock();
        let store = &mut state.store;
        let total = (posts + mentions + dms) as u64;
        let mut ago = total * 60_000 + 60_000;
        let mut own: Vec<u64> = Vec::new();
        for i in 0..posts.max(mentions).max(dms) {
            if i < posts {
                let media = if i % 3 == 1 { vec![NewMedia::Photo { size: 2_000 + i * 10 }] } else { vec![] };
                let reply = if i % 4 == 3 { own.last().copied() } else { None };
                let quote = if i % 5 == 4 { own.first().copied() } else { None };
                let mentions_of: Vec<&str> = if i % 2 == 0 { vec![PEOPLE[0].1] } else { vec![] };
                let text = format!("Market update {i}: desk notes for the day");
                own.push(store.add_tweet(ME_ID, &text, &mentions_of, reply, quote, &media, ago, &base));
                ago -= 60_000;
            }
            if i < mentions {
                let (author, _, _) = PEOPLE[i % PEOPLE.len()];
                let reply = own.last().copied().filter(|_| i % 2 == 1);
                store.add_tweet(
                    author,
                    &format!("question {i} about the notes"),
                    &[ME_USERNAME],
                    reply,
                    None,
                    &[],
                    ago,
                    &base,
                );
                ago -= 60_000;
            }
            if i < dms {
                let (other, _, _) = PEOPLE[i % 2];
                let sender = if i % 2 == 0 { other } else { ME_ID };
                let media = if i % 4 == 2 { vec![NewMedia::Photo { size: 3_000 + i }] } else { vec![] };
                store.add_dm(sender, other, &format!("DM {i}: please confirm the trade"), &media, ago, &base);
                ago -= 60_000;
            }
        }
    }

    /// A new post by the account, now. Returns its id.
    pub fn add_post(&self, text: &str, media: &[NewMedia]) -> String {
        let base = self.base.clone();
        self.lock().store.add_tweet(ME_ID, text, &[], None, None, media, 0, &base).to_string()
    }

    /// A new post by `author_username` mentioning the account, now.
    pub fn add_mention(&self, author_username: &str, text: &str) -> String {
        let base = self.base.clone();
        let author = PEOPLE.iter().find(|p| p.1 == author_username).map_or(PEOPLE[0].0, |p| p.0);
        self.lock().store.add_tweet(author, text, &[ME_USERNAME], None, None, &[], 0, &base).to_string()
    }

    /// A new DM from `from_username` (or from the account itself, to PEOPLE[0]) now.
    pub fn add_dm(&self, from_username: &str, text: &str, media: &[NewMedia]) -> String {
        let base = self.base.clone();
        let other = PEOPLE.iter().find(|p| p.1 == from_username);
        let (sender, other) = match other {
            Some(p) => (p.0, p.0),
            None => (ME_ID, PEOPLE[0].0),
        };
        self.lock().store.add_dm(sender, other, text, media, 0, &base).to_string()
    }

    /// Every record id the fake holds: (own posts, mentions, DMs).
    pub fn ids(&self) -> (Vec<String>, Vec<String>, Vec<String>) {
        let state = self.lock();
        let s = |v: Vec<u64>| v.into_iter().map(|id| id.to_string()).collect();
        (s(state.store.own_posts()), s(state.store.mentions()), s(state.store.dms()))
    }

    /// Answers the next `n` API requests, after `after` more ordinary ones, with 429 (remaining 0, reset at
    /// the end of the current window).
    pub fn inject_429(&self, after: usize, n: usize) {
        let mut state = self.lock();
        state.inject_429_after = after;
        state.inject_429 = n;
    }

    /// From now on every API request gets X's usage-cap 429 (`UsageCapExceeded`).
    pub fn set_usage_capped(&self, capped: bool) {
        self.lock().usage_capped = capped;
    }

    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    /// Requests sent while the endpoint was blocked (exhausted window or after a 429), with when and why.
    pub fn violations(&self) -> Vec<String> {
        self.lock().violations.clone()
    }

    /// Requests refused for their OAuth signature, key, token, timestamp or nonce.
    pub fn rejected_signatures(&self) -> usize {
        self.lock().rejected_signatures
    }

    pub fn options(&self) -> &FakeXOptions {
        &self.options
    }
}

struct Incoming {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    authorization: Option<String>,
}

fn read_request(stream: &mut TcpStream) -> Option<Incoming> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let head = loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break String::from_utf8_lossy(&bytes[..end]).into_owned();
        }
        let read = stream.read(&mut chunk).ok()?;
        if read == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..read]);
    };
    let mut lines = head.lines();
    let mut words = lines.next()?.split_whitespace();
    let (method, target) = (words.next()?.to_string(), words.next()?.to_string());
    let authorization = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.trim().to_string());
    let url = url::Url::parse(&format!("http://fake{target}")).ok()?;
    Some(Incoming {
        method,
        path: url.path().to_string(),
        query: url.query_pairs().into_owned().collect(),
        authorization,
    })
}

struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    rate: Option<(u32, u32, u64)>,
    retry_after: Option<u64>,
}

impl Answer {
    fn json(status: u16, value: Value) -> Answer {
        Answer {
            status,
            content_type: "application/json; charset=utf-8",
            body: value.to_string().into_bytes(),
            rate: None,
            retry_after: None,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Error",
    }
}

fn serve(mut stream: TcpStream, state: &Mutex<State>, options: &FakeXOptions, base: &str) {
    let Some(request) = read_request(&mut stream) else { return };
    if request.path.starts_with("/media/") && !options.media_delay.is_zero() {
        std::thread::sleep(options.media_delay);
    }
    let answer = answer(&request, state, options, base);
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        reason(answer.status),
        answer.content_type,
        answer.body.len()
    );
    if let Some((limit, remaining, reset)) = answer.rate {
        head.push_str(&format!("x-rate-limit-limit: {limit}\r\nx-rate-limit-remaining: {remaining}\r\nx-rate-limit-reset: {reset}\r\n"));
    }
    if let Some(after) = answer.retry_after {
        head.push_str(&format!("retry-after: {after}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&answer.body);
}

fn endpoint_of(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["2", "users", "me"] => Some("GET /2/users/me"),
        ["2", "users", _, "tweets"] => Some("GET /2/users/:id/tweets"),
        ["2", "users", _, "mentions"] => Some("GET /2/users/:id/mentions"),
        ["2", "dm_events"] => Some("GET /2/dm_events"),
        ["media", _] => Some("GET /media"),
        _ => None,
    }
}

fn answer(request: &Incoming, state: &Mutex<State>, options: &FakeXOptions, base: &str) -> Answer {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    let now = now_ms();
    let endpoint = endpoint_of(&request.path).unwrap_or("unknown");
    let mut record = Request {
        endpoint: endpoint.to_string(),
        path: request.path.clone(),
        query: request.query.clone(),
        status: 0,
        at_ms: now,
    };
    let answer = route(request, endpoint, &mut state, options, base, now);
    record.status = answer.status;
    state.requests.push(record);
    answer
}

fn problem(status: u16, title: &str, detail: &str, kind: &str) -> Answer {
    Answer::json(status, json!({"title": title, "detail": detail, "type": kind, "status": status}))
}

fn invalid(message: String) -> Answer {
    Answer::json(
        400,
        json!({
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"
        }),
    )
}

fn route(
    request: &Incoming,
    endpoint: &str,
    state: &mut State,
    options: &FakeXOptions,
    base: &str,
    now: u64,
) -> Answer {
    if request.method != "GET" || endpoint == "unknown" {
        return problem(
            404,
            "Not Found Error",
            "no such endpoint",
            "https://api.twitter.com/2/problems/resource-not-found",
        );
    }
    let keys = oauth::Keys {
        consumer_key: API_KEY,
        consumer_secret: API_SECRET,
        token: ACCESS_TOKEN,
        token_secret: ACCESS_TOKEN_SECRET,
    };
    let uri = format!("{base}{}", request.path);
    if let Err(refusal) = oauth::verify(
        "GET",
        &uri,
        &request.query,
        request.authorization.as_deref(),
        &keys,
        now / 1000,
        &mut state.nonces,
    ) {
        state.rejected_signatures += 1;
        let mut answer = problem(401, "Unauthorized", "Unauthorized", "about:blank");
        answer.body = json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": format!("Unauthorized ({refusal:?})")}).to_string().into_bytes();
        return answer;
    }
    if endpoint == "GET /media" {
        let file = request.path.trim_start_matches("/media/");
        return match state.store.files.get(file) {
            Some(f) => Answer {
                status: 200,
                content_type: f.content_type,
                body: f.bytes(),
                rate: None,
                retry_after: None,
            },
            None => problem(
                404,
                "Not Found Error",
                "no such media",
                "https://api.twitter.com/2/problems/resource-not-found",
            ),
        };
    }

    // Rate limits: a request while blocked is a violation (and gets 429, as X answers it).
    let window = state.windows.entry(endpoint.to_string()).or_default();
    if now < window.blocked_until_ms {
        let msg = format!(
            "{endpoint} requested at {now} ms, {} ms before its reset",
            window.blocked_until_ms - now
        );
        let reset = window.reset;
        state.violations.push(msg);
        let mut answer = problem(429, "Too Many Requests", "Too Many Requests", "about:blank");
        answer.rate = Some((options.rate_limit, 0, reset));
        return answer;
    }
    if now / 1000 >= window.reset || window.reset == 0 {
        window.used = 0;
        window.reset = (now + options.window.as_millis() as u64).div_ceil(1000);
    }
    if state.usage_capped {
        return Answer::json(
            429,
            json!({"title": "UsageCapExceeded", "detail": "Usage cap exceeded: Monthly product cap", "type": "https://api.twitter.com/2/problems/usage-capped", "period": "Monthly", "scope": "Product"}),
        );
    }
    if state.inject_429 > 0 {
        if state.inject_429_after > 0 {
            state.inject_429_after -= 1;
        } else {
            state.inject_429 -= 1;
            let window = state.windows.entry(endpoint.to_string()).or_default();
            window.blocked_until_ms = window.reset * 1000;
            let mut answer = problem(429, "Too Many Requests", "Too Many Requests", "about:blank");
            answer.rate = Some((options.rate_limit, 0, window.reset));
            return answer;
        }
    }
    let window = state.windows.entry(endpoint.to_string()).or_default();
    window.used += 1;
    let remaining = options.rate_limit.saturating_sub(window.used);
    if remaining == 0 {
        window.blocked_until_ms = window.reset * 1000;
    }
    let rate = Some((options.rate_limit, remaining, window.reset));
    let mut answer = match endpoint {
        "GET /2/users/me" => endpoints::me(request),
        "GET /2/dm_events" => endpoints::dm_events(request, state, options, now),
        _ => endpoints::timeline(request, endpoint, state, options),
    };
    answer.rate = rate;
    answer
}
