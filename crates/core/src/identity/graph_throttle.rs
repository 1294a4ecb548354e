//! Graph's throttling rules for one app, kept per mailbox: at most 4 requests in flight, at most 10,000 requests
//! per 10 minutes, at most 150 MB uploaded per 5 minutes, and after a 429/503 nothing more until its
//! `Retry-After` has passed (Microsoft's documented Outlook service limits). It only waits; it sends
//! nothing and decides nothing about retries (the Graph client does).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The limits, per app and mailbox. The defaults are Microsoft's documented Outlook limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Requests in flight at once.
    pub max_concurrent: usize,
    /// Requests per `window`.
    pub budget: usize,
    pub window: Duration,
    /// Request-body bytes per `upload_window` (PATCH, POST and PUT bodies all count).
    pub upload_bytes: usize,
    pub upload_window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            max_concurrent: 4,
            budget: 10_000,
            window: Duration::from_secs(600),
            upload_bytes: 150 * 1024 * 1024,
            upload_window: Duration::from_secs(300),
        }
    }
}

#[derive(Debug)]
struct ScopeState {
    permits: Arc<Semaphore>,
    /// Nothing is sent before this instant (the latest `Retry-After`).
    not_before: Mutex<Option<Instant>>,
    /// The requests of the current window: how many are in flight, and when each finished. A request is
    /// timed when its answer came back, which is never before Graph counted it, so the window Docket keeps
    /// is never shorter than Graph's.
    budget: Mutex<Window>,
    /// Body bytes sent, and when, within the upload window.
    uploads: Mutex<VecDeque<(Instant, usize)>>,
}

#[derive(Debug, Default)]
struct Window {
    in_flight: usize,
    finished: VecDeque<Instant>,
}

/// The throttle of one Graph client.
#[derive(Debug, Default)]
pub struct Throttle {
    policy: ThrottlePolicy,
    scopes: Mutex<HashMap<String, Arc<ScopeState>>>,
}

/// Permission to send one request for a mailbox; dropping it (when the answer is in) frees the slot and
/// times the request for the budget.
#[derive(Debug)]
pub struct Slot {
    // `None` only if the semaphore were closed, which this module never does.
    _permit: Option<OwnedSemaphorePermit>,
    state: Arc<ScopeState>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut window = self.state.budget.lock().unwrap_or_else(|p| p.into_inner());
        window.in_flight = window.in_flight.saturating_sub(1);
        window.finished.push_back(Instant::now());
    }
}

/// How often a request waiting for budget held by requests still in flight looks again.
const BUDGET_POLL: Duration = Duration::from_millis(20);

impl Throttle {
    pub fn new(policy: ThrottlePolicy) -> Throttle {
        Throttle { policy, scopes: Mutex::new(HashMap::new()) }
    }

    pub fn policy(&self) -> ThrottlePolicy {
        self.policy
    }

    fn scope(&self, scope: &str) -> Arc<ScopeState> {
        let mut scopes = self.scopes.lock().unwrap_or_else(|p| p.into_inner());
        scopes
            .entry(scope.to_ascii_lowercase())
            .or_insert_with(|| {
                Arc::new(ScopeState {
                    permits: Arc::new(Semaphore::new(self.policy.max_concurrent.max(1))),
                    not_before: Mutex::new(None),
                    budget: Mutex::new(Window::default()),
                    uploads: Mutex::new(VecDeque::new()),
                })
            })
            .clone()
    }

    /// Waits until a request for `scope` may be sent: a free slot, any `Retry-After` passed, and room in the
    /// budget; then counts the request against the budget.
    pub async fn acquire(&self, scope: &str) -> Slot {
        self.acquire_with_body(scope, 0).await
    }

    /// `acquire` for a request carrying `body_bytes`: it also waits until the mailbox's upload window has
    /// room for them (a body larger than the whole budget goes alone, once the window is empty).
    pub async fn acquire_with_body(&self, scope: &str, body_bytes: usize) -> Slot {
        let state = self.scope(scope);
        let permit = state.permits.clone().acquire_owned().await.ok();
        if body_bytes > 0 {
            self.reserve_upload(&state, body_bytes).await;
        }
        loop {
            let gate = *state.not_before.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(until) = gate.filter(|t| *t > Instant::now()) {
                tokio::time::sleep_until(until).await;
                continue;
            }
            let wait = {
                let mut window = state.budget.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                while window.finished.front().is_some_and(|t| now.duration_since(*t) >= self.policy.window) {
                    window.finished.pop_front();
                }
                if window.finished.len() + window.in_flight < self.policy.budget.max(1) {
                    window.in_flight += 1;
                    None
                } else {
                    Some(window.finished.front().map(|oldest| *oldest + self.policy.window))
                }
            };
            match wait {
                None => return Slot { _permit: permit, state },
                Some(Some(until)) => tokio::time::sleep_until(until).await,
                Some(None) => tokio::time::sleep(BUDGET_POLL).await,
            }
        }
    }

    async fn reserve_upload(&self, state: &ScopeState, bytes: usize) {
        loop {
            let wait = {
                let mut uploads = state.uploads.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                while uploads
                    .front()
                    .is_some_and(|(t, _)| now.duration_since(*t) >= self.policy.upload_window)
                {
                    uploads.pop_front();
                }
                let used: usize = uploads.iter().map(|(_, n)| n).sum();
                if uploads.is_empty() || used + bytes <= self.policy.upload_bytes {
                    uploads.push_back((now, bytes));
                    None
                } else {
                    uploads.front().map(|(oldest, _)| *oldest + self.policy.upload_window)
                }
            };
            match wait {
                None => return,
                Some(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Holds every request for `scope` back until `until` (a `Retry-After`).
    pub fn hold_until(&self, scope: &str, until: Instant) {
        let state = self.scope(scope);
        let mut gate = state.not_before.lock().unwrap_or_else(|p| p.into_inner());
        if gate.is_none_or(|t| t < until) {
            *gate = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_budget_holds_requests_until_the_window_moves_on() {
        let throttle = Throttle::new(ThrottlePolicy {
            budget: 3,
            window: Duration::from_secs(60),
            ..ThrottlePolicy::default()
        });
        let start = Instant::now();
        for _ in 0..3 {
            drop(throttle.acquire("a@contoso.com").await);
        }
        assert_eq!(Instant::now(), start, "the first three pass at once");
        drop(throttle.acquire("a@contoso.com").await);
        assert!(Instant::now() >= start + Duration::from_secs(60), "the fourth waits for the window");
        drop(throttle.acquire("b@contoso.com").await);
        assert!(Instant::now() < start + Duration::from_secs(61), "another mailbox has its own budget");
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_four_requests_are_in_flight_per_mailbox() {
        let throttle = Throttle::default();
        let mut slots = Vec::new();
        for _ in 0..4 {
            slots.push(throttle.acquire("a@contoso.com").await);
        }
        let fifth = tokio::time::timeout(Duration::from_secs(1), throttle.acquire("a@contoso.com")).await;
        assert!(fifth.is_err(), "a fifth request waits");
        let other = tokio::time::timeout(Duration::from_secs(1), throttle.acquire("b@contoso.com")).await;
        assert!(other.is_ok());
        slots.pop();
        let fifth = tokio::time::timeout(Duration::from_secs(1), throttle.acquire("a@contoso.com")).await;
        assert!(fifth.is_ok(), "a freed slot lets it go");
    }

    #[tokio::test(start_paused = true)]
    async fn uploads_stay_within_150_mb_per_5_minutes_per_mailbox() {
        let throttle = Throttle::default();
        let start = Instant::now();
        let chunk = 4 * 1024 * 1024 - 1;
        for _ in 0..37 {
            drop(throttle.acquire_with_body("a@contoso.com", chunk).await);
        }
        assert_eq!(Instant::now(), start, "37 chunks of just under 4 MB fit in 150 MB");
        drop(throttle.acquire_with_body("a@contoso.com", chunk).await);
        assert!(Instant::now() >= start + Duration::from_secs(300), "the 38th waits for the window");
        drop(throttle.acquire_with_body("b@contoso.com", chunk).await);
        assert!(Instant::now() < start + Duration::from_secs(301), "another mailbox has its own budget");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_every_request_for_the_mailbox() {
        let throttle = Throttle::default();
        let start = Instant::now();
        throttle.hold_until("A@contoso.com", start + Duration::from_secs(7));
        drop(throttle.acquire("a@contoso.com").await);
        assert!(Instant::now() >= start + Duration::from_secs(7));
    }
}
