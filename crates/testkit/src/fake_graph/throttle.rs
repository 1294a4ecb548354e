//! Admission before a request reaches the directory, per Graph's documented limits: the 4 MB request limit
//! ("the maximum bytes in any given request is less than 4 MB", learn.microsoft.com/graph/outlook-large-attachments;
//! 413 with Graph's error shape) and the Outlook limits per app and mailbox (learn.microsoft.com/graph/throttling-limits
//! "Outlook service limits"): 10,000 requests per 10 minutes, four concurrent requests, 150 MB uploaded (PATCH,
//! POST, PUT) per 5 minutes; plus `Retry-After` (learn.microsoft.com/graph/throttling): a request for a mailbox
//! that arrives before the time it named is a protocol violation.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::{graph_error, Inner, MAX_BODY, MAX_CONCURRENT_PER_MAILBOX};
use crate::http_wire::{Request, Response};

/// Requests already on the wire when a 429 was sent may still arrive this long after it.
const IN_FLIGHT_GRACE: Duration = Duration::from_millis(250);

#[derive(Debug)]
pub(super) struct Throttle {
    /// Requests still to be answered 429, and the Retry-After they get.
    pub storm_remaining: usize,
    pub storm_retry_after: u64,
    pub storm_status: u16,
    /// Per mailbox: (deadline from Retry-After, when the 429 was written).
    pub throttled_until: HashMap<String, (Instant, Instant)>,
    pub in_flight: HashMap<String, usize>,
    pub budget: usize,
    pub window: Duration,
    recent: HashMap<String, VecDeque<Instant>>,
    pub throttled_answers: usize,
    /// Bytes a mailbox may take in PATCH/POST/PUT bodies per `upload_window` (real Graph: 150 MB per 5 min).
    pub upload_limit: usize,
    pub upload_window: Duration,
    uploaded: HashMap<String, VecDeque<(Instant, usize)>>,
}

impl Throttle {
    pub fn new() -> Throttle {
        Throttle {
            storm_remaining: 0,
            storm_retry_after: 1,
            storm_status: 429,
            throttled_until: HashMap::new(),
            in_flight: HashMap::new(),
            budget: 10_000,
            window: Duration::from_secs(600),
            recent: HashMap::new(),
            throttled_answers: 0,
            upload_limit: 150 * 1024 * 1024,
            upload_window: Duration::from_secs(300),
            uploaded: HashMap::new(),
        }
    }
}

/// Decides whether the request is refused before it reaches the directory (too large, or throttled), and
/// records protocol violations. `None` lets it through (and counts it in flight).
pub(super) fn admit(
    inner: &mut Inner,
    request: &Request,
    scope: Option<&str>,
    arrived: Instant,
) -> Option<Response> {
    inner.requests.push(format!("{} {}", request.method, request.path));
    if let Some(scope) = scope {
        *inner.per_mailbox.entry(scope.to_string()).or_default() += 1;
    }
    if request.body.len() > MAX_BODY {
        return Some(graph_error(413, "RequestEntityTooLarge", "The request is larger than 4 MB."));
    }
    let scope = scope?;
    let path = request.path.clone();
    if let Some((deadline, written)) = inner.throttle.throttled_until.get(scope).copied() {
        if arrived < deadline {
            if arrived > written + IN_FLIGHT_GRACE {
                let early = deadline.duration_since(arrived).as_millis();
                inner
                    .violations
                    .push(format!("{} {path} arrived {early} ms before Retry-After elapsed", request.method));
            }
            inner.throttle.throttled_answers += 1;
            let left = deadline.duration_since(arrived).as_secs_f64().ceil().max(1.0) as u64;
            return Some(throttled(429, left));
        }
    }
    let window = inner.throttle.window;
    let budget = inner.throttle.budget;
    let recent = inner.throttle.recent.entry(scope.to_string()).or_default();
    while recent.front().is_some_and(|t| arrived.duration_since(*t) > window) {
        recent.pop_front();
    }
    if recent.len() >= budget {
        let reset =
            recent.front().map(|t| window.saturating_sub(arrived.duration_since(*t))).unwrap_or(window);
        inner.violations.push(format!(
            "{} {path}: more than {budget} requests in {window:?} for {scope}",
            request.method
        ));
        inner.throttle.throttled_answers += 1;
        return Some(throttled(429, reset.as_secs().max(1)));
    }
    recent.push_back(arrived);
    if inner.throttle.storm_remaining > 0 {
        inner.throttle.storm_remaining -= 1;
        inner.throttle.throttled_answers += 1;
        let (status, seconds) = (inner.throttle.storm_status, inner.throttle.storm_retry_after);
        return Some(throttled(status, seconds));
    }
    if let Some(response) = upload_volume(inner, request, scope, arrived) {
        return Some(response);
    }
    let in_flight = inner.throttle.in_flight.entry(scope.to_string()).or_default();
    *in_flight += 1;
    let now = *in_flight;
    if now > MAX_CONCURRENT_PER_MAILBOX {
        inner.violations.push(format!("{} {path}: {now} concurrent requests for {scope}", request.method));
    }
    None
}

/// The per-mailbox upload volume: PATCH, POST and PUT bodies within the window, over the limit → 429.
fn upload_volume(inner: &mut Inner, request: &Request, scope: &str, arrived: Instant) -> Option<Response> {
    if !matches!(request.method.as_str(), "PATCH" | "POST" | "PUT") || request.body.is_empty() {
        return None;
    }
    let (limit, window) = (inner.throttle.upload_limit, inner.throttle.upload_window);
    let uploaded = inner.throttle.uploaded.entry(scope.to_string()).or_default();
    while uploaded.front().is_some_and(|(t, _)| arrived.duration_since(*t) > window) {
        uploaded.pop_front();
    }
    let sum: usize = uploaded.iter().map(|(_, n)| n).sum();
    if sum + request.body.len() <= limit {
        uploaded.push_back((arrived, request.body.len()));
        return None;
    }
    let reset =
        uploaded.front().map(|(t, _)| window.saturating_sub(arrived.duration_since(*t))).unwrap_or(window);
    inner.violations.push(format!(
        "{} {}: more than {limit} bytes uploaded in {window:?} for {scope}",
        request.method, request.path
    ));
    inner.throttle.throttled_answers += 1;
    Some(throttled(429, reset.as_secs_f64().ceil().max(1.0) as u64))
}

pub(super) fn throttled(status: u16, seconds: u64) -> Response {
    let code = if status == 429 { "ApplicationThrottled" } else { "ServiceUnavailable" };
    graph_error(status, code, "Application is over its MailboxConcurrency limit.")
        .with_header("Retry-After", &seconds.to_string())
}
