//! X's rate limits as the client sees them: the `x-rate-limit-limit`, `-remaining` and `-reset` headers of
//! every response, per endpoint, and the earliest moment the next request may go out (after `remaining: 0`
//! the reset time; after a 429 or 5xx the backoff). `RateLimits` is a cheap shared handle, so the dashboard
//! can show the same state the client obeys. It decides when to wait; it sends nothing itself.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Extra wait after a reset time, which X gives in whole seconds, so a request never lands just before it.
pub const RESET_MARGIN: Duration = Duration::from_millis(250);

pub use crate::progress::RateLimitStatus;

#[derive(Debug, Clone, Default)]
struct Window {
    limit: Option<u32>,
    remaining: Option<u32>,
    /// Unix seconds.
    reset: Option<u64>,
    /// Set by a 429 or 5xx backoff.
    not_before: Option<SystemTime>,
}

/// The rate-limit state of every endpoint the client has called; clones share it.
#[derive(Debug, Clone, Default)]
pub struct RateLimits {
    inner: Arc<Mutex<BTreeMap<String, Window>>>,
}

fn rfc3339(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

impl RateLimits {
    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<String, Window>) -> T) -> T {
        let mut map = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut map)
    }

    /// Every endpoint's state, sorted by endpoint.
    pub fn snapshot(&self) -> Vec<RateLimitStatus> {
        let now = SystemTime::now();
        let names: Vec<String> = self.with(|map| map.keys().cloned().collect());
        names.iter().map(|name| self.status_at(name, now)).collect()
    }

    /// One endpoint's state.
    pub fn status(&self, endpoint: &str) -> RateLimitStatus {
        self.status_at(endpoint, SystemTime::now())
    }

    fn status_at(&self, endpoint: &str, now: SystemTime) -> RateLimitStatus {
        let window = self.with(|map| map.get(endpoint).cloned()).unwrap_or_default();
        RateLimitStatus {
            endpoint: endpoint.to_string(),
            limit: window.limit,
            remaining: window.remaining,
            reset_at: window.reset.map(|secs| rfc3339(unix(secs))),
            next_request_at: self.next_allowed(endpoint, now).map(rfc3339),
        }
    }

    /// Records the `x-rate-limit-*` headers of a response (absent headers leave the old values).
    pub fn observe(&self, endpoint: &str, headers: &reqwest::header::HeaderMap) {
        let number = |name: &str| {
            headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
        };
        let (limit, remaining, reset) =
            (number("x-rate-limit-limit"), number("x-rate-limit-remaining"), number("x-rate-limit-reset"));
        self.with(|map| {
            let window = map.entry(endpoint.to_string()).or_default();
            if let Some(limit) = limit {
                window.limit = u32::try_from(limit).ok();
            }
            if let Some(remaining) = remaining {
                window.remaining = u32::try_from(remaining).ok();
            }
            if reset.is_some() {
                window.reset = reset;
            }
        });
    }

    /// No request to `endpoint` before `until` (a 429's `retry-after`, a backoff).
    pub fn hold(&self, endpoint: &str, until: SystemTime) {
        self.with(|map| {
            let window = map.entry(endpoint.to_string()).or_default();
            window.not_before = Some(window.not_before.map_or(until, |old| old.max(until)));
        });
    }

    /// The reset time of `endpoint`'s window, when X gave one.
    pub fn reset_time(&self, endpoint: &str) -> Option<SystemTime> {
        self.with(|map| map.get(endpoint).and_then(|w| w.reset)).map(unix)
    }

    /// When the next request to `endpoint` may go out, or `None` when it may go now.
    pub fn next_allowed(&self, endpoint: &str, now: SystemTime) -> Option<SystemTime> {
        let window = self.with(|map| map.get(endpoint).cloned())?;
        let after_reset =
            window.reset.filter(|_| window.remaining == Some(0)).map(|secs| unix(secs) + RESET_MARGIN);
        [after_reset, window.not_before].into_iter().flatten().max().filter(|at| *at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(limit: &str, remaining: &str, reset: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from_str(limit).expect("value"));
        h.insert("x-rate-limit-remaining", HeaderValue::from_str(remaining).expect("value"));
        h.insert("x-rate-limit-reset", HeaderValue::from_str(&reset.to_string()).expect("value"));
        h
    }

    #[test]
    fn remaining_zero_holds_requests_until_just_after_the_reset() {
        let limits = RateLimits::default();
        let now = SystemTime::now();
        let reset = now.duration_since(UNIX_EPOCH).expect("after 1970").as_secs() + 5;
        limits.observe("GET /2/users/me", &headers("75", "3", reset));
        assert_eq!(limits.next_allowed("GET /2/users/me", now), None);
        limits.observe("GET /2/users/me", &headers("75", "0", reset));
        assert_eq!(limits.next_allowed("GET /2/users/me", now), Some(unix(reset) + RESET_MARGIN));
        assert_eq!(limits.next_allowed("GET /2/users/me", unix(reset + 1)), None);
        let status = limits.status("GET /2/users/me");
        assert_eq!((status.limit, status.remaining), (Some(75), Some(0)));
        assert!(status.reset_at.is_some() && status.next_request_at.is_some());
        assert_eq!(limits.snapshot().len(), 1);
    }

    #[test]
    fn a_hold_is_never_shortened() {
        let limits = RateLimits::default();
        let now = SystemTime::now();
        limits.hold("e", now + Duration::from_secs(10));
        limits.hold("e", now + Duration::from_secs(1));
        assert_eq!(limits.next_allowed("e", now), Some(now + Duration::from_secs(10)));
    }
}
