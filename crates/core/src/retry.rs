//! Retry policy: exponential backoff with full jitter for transient errors. Whether an error is transient
//! is the error's own answer (`is_permanent()`); this module never reads messages.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, including the first.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The pause before attempt `attempt + 1` (attempt counts from 1): base·2^(attempt−1), capped, with
    /// jitter between half and all of it.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let jitter = rand::thread_rng().gen_range(0.5..=1.0);
        capped.mul_f64(jitter)
    }

    /// Runs `op` until it succeeds, fails permanently, or runs out of attempts.
    /// Each retry is logged at `info` with the error's own (secret-free) text, so a run's log shows every
    /// transient failure and what was done about it.
    pub async fn run<T, E, F, Fut>(&self, mut op: F, is_permanent: impl Fn(&E) -> bool) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        E: std::fmt::Display,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Ok(value) => return Ok(value),
                Err(e) if is_permanent(&e) || attempt >= self.max_attempts => return Err(e),
                Err(e) => {
                    let delay = self.delay(attempt);
                    tracing::info!(
                        attempt,
                        of = self.max_attempts,
                        delay_ms = delay.as_millis() as u64,
                        "retrying after a transient failure: {e}"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_capped() {
        let policy = RetryPolicy::default();
        for attempt in 1..20 {
            let d = policy.delay(attempt);
            assert!(d <= policy.max_delay, "attempt {attempt}: {d:?}");
        }
        assert!(policy.delay(1) <= Duration::from_millis(200));
        assert!(policy.delay(4) >= Duration::from_millis(800));
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_retried_and_permanent_ones_are_not() {
        let policy = RetryPolicy::default();
        let mut calls = 0;
        let result: Result<u32, bool> = policy
            .run(
                || {
                    calls += 1;
                    let n = calls;
                    async move {
                        if n < 3 {
                            Err(false)
                        } else {
                            Ok(n)
                        }
                    }
                },
                |permanent| *permanent,
            )
            .await;
        assert_eq!(result, Ok(3));

        let mut calls = 0;
        let result: Result<u32, bool> = policy
            .run(
                || {
                    calls += 1;
                    async { Err(true) }
                },
                |permanent| *permanent,
            )
            .await;
        assert_eq!(result, Err(true));
        assert_eq!(calls, 1);
    }
}
