//! A fake Telegram Bot API on 127.0.0.1, served from plain threads, that enforces the protocol as
//! core.telegram.org/bots/api documents it: the token in the path (`/bot<TOKEN>/METHOD`, a wrong one is 401
//! `Unauthorized`); parameters in the query string, a form or a JSON body; `getUpdates` with `offset` (which
//! confirms, and drops, every update below it), `limit` (1–100), a long-poll `timeout` and `allowed_updates`
//! (remembered until changed); updates older than 24 hours expire; 409 while a webhook is set; 429 with
//! `parameters.retry_after` (a request before it elapses is recorded as a violation); `getMe`,
//! `getWebhookInfo`, `getFile` (400 "file is too big" over 20 MB) and the download route
//! `/file/bot<TOKEN>/<file_path>`. Tests push updates (business ones too) and inspect requests and
//! violations. Test code only.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::http_wire::{read_request, write_response, Request as Wire, Response};

/// The token the fake accepts (made up, shaped like BotFather's).
pub const TOKEN: &str = "7123456789:AAFakeTokenForDocketTests_0123456789ab";
/// The bot's own user id (the token's number) and username.
pub const BOT_ID: i64 = 7_123_456_789;
pub const BOT_USERNAME: &str = "docket_archive_bot";
/// Bot API files are downloadable up to this size.
pub const MAX_DOWNLOAD: u64 = 20 * 1024 * 1024;
/// Telegram keeps undelivered updates this long.
pub const UPDATE_LIFETIME_SECS: u64 = 24 * 3600;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method (`getUpdates`), or `file` for a download.
    pub method: String,
    pub params: BTreeMap<String, String>,
    pub status: u16,
    /// Whether the path carried the right token.
    pub token_ok: bool,
    /// Unix milliseconds when it arrived.
    pub at_ms: u64,
}

struct Stored {
    id: i64,
    /// Unix seconds it was received by "Telegram".
    at: u64,
    kind: String,
    body: Value,
}

struct FileEntry {
    path: String,
    bytes: Vec<u8>,
    /// The declared size (may exceed `bytes.len()` to stand for a big file).
    size: u64,
}

#[derive(Default)]
struct State {
    updates: Vec<Stored>,
    next_update_id: i64,
    webhook: Option<String>,
    allowed_updates: Option<Vec<String>>,
    files: BTreeMap<String, FileEntry>,
    requests: Vec<Request>,
    violations: Vec<String>,
    /// 429s still to answer, and the `retry_after` each announces.
    inject_429: usize,
    retry_after: u64,
    /// No request may arrive before this (Unix milliseconds) after a 429.
    blocked_until_ms: u64,
    polls_in_flight: usize,
    /// The highest `update_id` handed to the client so far.
    max_delivered: i64,
}

/// A running fake; it serves until the test process ends.
pub struct FakeTelegramBot {
    /// `http://127.0.0.1:PORT`: the API base URL (`DOCKET_TELEGRAM_API_BASE`).
    pub base: String,
    state: Arc<(Mutex<State>, Condvar)>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default()
}

fn now_secs() -> u64 {
    now_ms() / 1000
}

impl FakeTelegramBot {
    pub fn start() -> FakeTelegramBot {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("fake Telegram binds");
        let port = listener.local_addr().expect("address").port();
        let base = format!("http://127.0.0.1:{port}");
        let state =
            Arc::new((Mutex::new(State { next_update_id: 100_000, ..State::default() }), Condvar::new()));
        let served = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = served.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        FakeTelegramBot { base, state }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues an update of `kind` (`message`, `channel_post`, `business_message`...) whose body is `body`,
    /// received `age_secs` ago. Returns its `update_id`.
    pub fn push(&self, kind: &str, body: Value, age_secs: u64) -> i64 {
        let id = {
            let mut state = self.lock();
            state.next_update_id += 1;
            let id = state.next_update_id;
            state.updates.push(Stored {
                id,
                at: now_secs().saturating_sub(age_secs),
                kind: kind.into(),
                body,
            });
            id
        };
        self.state.1.notify_all();
        id
    }

    /// Registers a file for `getFile`; `size` may exceed the bytes to stand for a large file.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>, size: u64) {
        let path = format!("documents/file_{}.bin", self.lock().files.len());
        self.lock().files.insert(file_id.into(), FileEntry { path, bytes, size });
    }

    /// Sets (`Some`) or removes the webhook, as `setWebhook` / `deleteWebhook` would.
    pub fn set_webhook(&self, url: Option<&str>) {
        self.lock().webhook = url.map(str::to_string);
    }

    /// The next `n` requests are answered 429 with `retry_after` seconds.
    pub fn inject_429(&self, n: usize, retry_after: u64) {
        let mut state = self.lock();
        state.inject_429 = n;
        state.retry_after = retry_after;
    }

    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.lock().violations.clone()
    }

    /// Updates not yet confirmed (and not expired).
    pub fn pending(&self) -> usize {
        let cutoff = now_secs().saturating_sub(UPDATE_LIFETIME_SECS);
        self.lock().updates.iter().filter(|u| u.at >= cutoff).count()
    }
}

fn ok(result: Value) -> Response {
    Response::json(200, &json!({ "ok": true, "result": result }))
}

fn fail(status: u16, description: &str) -> Response {
    Response::json(status, &json!({ "ok": false, "error_code": status, "description": description }))
}

/// Query, form and JSON body parameters, as Telegram accepts all three (JSON values kept as JSON text).
fn params(request: &Wire) -> BTreeMap<String, String> {
    let mut params: BTreeMap<String, String> = request.query.iter().cloned().collect();
    let content_type = request.header("content-type").unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&request.body) {
            for (k, v) in map {
                params.insert(k, v.as_str().map_or_else(|| v.to_string(), str::to_string));
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        params.extend(request.form());
    }
    params
}

fn serve(mut stream: TcpStream, state: &(Mutex<State>, Condvar)) {
    let Some(request) = read_request(&mut stream) else { return };
    let response = answer(&request, state);
    write_response(&mut stream, &response);
}

fn answer(request: &Wire, shared: &(Mutex<State>, Condvar)) -> Response {
    let at_ms = now_ms();
    let (is_file, rest) = match request.path.strip_prefix("/file/bot") {
        Some(rest) => (true, rest),
        None => (false, request.path.strip_prefix("/bot").unwrap_or_default()),
    };
    let (token, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let token_ok = token == TOKEN;
    let method = if is_file { "file".to_string() } else { tail.to_string() };
    let params = params(request);
    let mut state = shared.0.lock().unwrap_or_else(|p| p.into_inner());
    let log = |state: &mut State, status: u16| {
        state.requests.push(Request {
            method: method.clone(),
            params: params.clone(),
            status,
            token_ok,
            at_ms,
        });
    };
    if !token_ok {
        log(&mut state, 401);
        return if is_file { fail(404, "Not Found") } else { fail(401, "Unauthorized") };
    }
    if at_ms < state.blocked_until_ms {
        let message = format!(
            "{method} arrived {} ms before the retry_after of the last 429 elapsed",
            state.blocked_until_ms - at_ms
        );
        state.violations.push(message);
    }
    if state.inject_429 > 0 {
        state.inject_429 -= 1;
        let after = state.retry_after;
        state.blocked_until_ms = at_ms + after * 1000;
        log(&mut state, 429);
        return Response::json(
            429,
            &json!({ "ok": false, "error_code": 429,
                     "description": format!("Too Many Requests: retry after {after}"),
                     "parameters": { "retry_after": after } }),
        );
    }
    if is_file {
        let found = state.files.values().find(|f| f.path == tail).map(|f| f.bytes.clone());
        log(&mut state, if found.is_some() { 200 } else { 404 });
        return match found {
            Some(bytes) => Response {
                status: 200,
                headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                body: bytes,
            },
            None => fail(404, "Not Found"),
        };
    }
    let (status, response) = match method.as_str() {
        "getMe" => (
            200,
            ok(json!({ "id": BOT_ID, "is_bot": true, "first_name": "Docket Archive",
                       "username": BOT_USERNAME, "can_join_groups": true,
                       "can_read_all_group_messages": true, "supports_inline_queries": false,
                       "can_connect_to_business": true })),
        ),
        "getWebhookInfo" => (
            200,
            ok(json!({ "url": state.webhook.clone().unwrap_or_default(), "has_custom_certificate": false,
                       "pending_update_count": state.updates.len() })),
        ),
        "deleteWebhook" => {
            state.webhook = None;
            (200, ok(json!(true)))
        }
        "getFile" => match params.get("file_id").and_then(|id| state.files.get(id)) {
            Some(file) if file.size > MAX_DOWNLOAD => (400, fail(400, "Bad Request: file is too big")),
            Some(file) => {
                let id = params.get("file_id").cloned().unwrap_or_default();
                (
                    200,
                    ok(json!({ "file_id": id, "file_unique_id": format!("u{id}"), "file_size": file.size,
                               "file_path": file.path })),
                )
            }
            None => (400, fail(400, "Bad Request: invalid file_id")),
        },
        "getUpdates" => {
            let (status, response, guard) = get_updates(state, &params, shared);
            state = guard;
            (status, response)
        }
        _ => (404, fail(404, "Not Found")),
    };
    log(&mut state, status);
    response
}

fn get_updates<'a>(
    mut state: MutexGuard<'a, State>,
    params: &BTreeMap<String, String>,
    shared: &'a (Mutex<State>, Condvar),
) -> (u16, Response, MutexGuard<'a, State>) {
    if state.webhook.is_some() {
        let text = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to \
                    delete the webhook first";
        return (409, fail(409, text), state);
    }
    if state.polls_in_flight > 0 {
        let text = "Conflict: terminated by other getUpdates request; make sure that only one bot instance \
                    is running";
        return (409, fail(409, text), state);
    }
    let number = |name: &str| params.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let limit = number("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = number("timeout").unwrap_or(0).max(0) as u64;
    if let Some(allowed) = params.get("allowed_updates") {
        match serde_json::from_str::<Vec<String>>(allowed) {
            Ok(list) => state.allowed_updates = Some(list).filter(|l| !l.is_empty()),
            Err(_) => return (400, fail(400, "Bad Request: can't parse allowed updates"), state),
        }
    }
    if let Some(offset) = number("offset") {
        if offset > state.max_delivered + 1 && state.updates.iter().any(|u| u.id < offset) {
            let message = format!(
                "getUpdates confirmed offset {offset}, past updates it was never given (last given {})",
                state.max_delivered
            );
            state.violations.push(message);
        }
        if offset >= 0 {
            state.updates.retain(|u| u.id >= offset);
        } else {
            let keep = offset.unsigned_abs() as usize;
            let drop = state.updates.len().saturating_sub(keep);
            state.updates.drain(..drop);
        }
    }
    let deadline = now_ms() + timeout * 1000;
    state.polls_in_flight += 1;
    loop {
        let cutoff = now_secs().saturating_sub(UPDATE_LIFETIME_SECS);
        state.updates.retain(|u| u.at >= cutoff);
        let allowed = state.allowed_updates.clone();
        let wanted = |u: &&Stored| allowed.as_ref().is_none_or(|list| list.contains(&u.kind));
        let batch: Vec<Value> = state
            .updates
            .iter()
            .filter(wanted)
            .take(limit)
            .map(|u| {
                let mut update = json!({ "update_id": u.id });
                update[u.kind.as_str()] = u.body.clone();
                update
            })
            .collect();
        let now = now_ms();
        if !batch.is_empty() || now >= deadline {
            state.polls_in_flight -= 1;
            let last = batch.last().and_then(|u| u["update_id"].as_i64()).unwrap_or_default();
            state.max_delivered = state.max_delivered.max(last);
            return (200, ok(Value::Array(batch)), state);
        }
        let wait = Duration::from_millis(deadline - now);
        state = shared.1.wait_timeout(state, wait).unwrap_or_else(|p| p.into_inner()).0;
    }
}

/// A Bot API `User`.
pub fn user(id: i64, first_name: &str, username: Option<&str>) -> Value {
    let mut user = json!({ "id": id, "is_bot": false, "first_name": first_name });
    if let Some(username) = username {
        user["username"] = json!(username);
    }
    user
}

/// A Bot API `Chat`: `kind` is `private`, `group`, `supergroup` or `channel`.
pub fn chat(id: i64, kind: &str, title: &str) -> Value {
    if kind == "private" {
        json!({ "id": id, "type": kind, "first_name": title })
    } else {
        json!({ "id": id, "type": kind, "title": title })
    }
}

/// A Bot API `Message` with text, sent `date` (Unix seconds).
pub fn text_message(message_id: i64, chat: &Value, from: Option<&Value>, date: i64, text: &str) -> Value {
    let mut message = json!({ "message_id": message_id, "chat": chat, "date": date, "text": text });
    if let Some(from) = from {
        message["from"] = from.clone();
    }
    message
}

/// Unix seconds now, for building messages.
pub fn unix_now() -> i64 {
    now_secs() as i64
}
