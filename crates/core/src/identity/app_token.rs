//! Access tokens for Graph: the `TokenProvider` trait the Graph client asks, and `AppTokenSource`, the
//! client-credentials token of Docket's app, kept in memory and fetched again before it expires. It never
//! stores a token or the client secret anywhere but in memory.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::app_check::request_app_token;
use super::{Cloud, IdentityError};
use crate::secrets::Sensitive;

/// A source of bearer tokens for one Graph.
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync {
    /// A token that is valid now (fetched again when the cached one is due).
    async fn token(&self) -> Result<Sensitive<String>, IdentityError>;
    /// Forgets the cached token (Graph refused it), so the next `token` fetches a new one.
    async fn invalidate(&self);
}

/// When a token of `lifetime` is fetched again: 5 minutes before it expires, or halfway through a short one.
pub fn refresh_after(lifetime: Duration) -> Duration {
    let early = lifetime.saturating_sub(Duration::from_secs(300));
    early.max(lifetime / 2)
}

/// What Docket's app signs in with. The secret comes from the keychain or the CLI's environment.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub cloud: Cloud,
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: Sensitive<String>,
}

#[derive(Debug)]
struct Cached {
    value: Sensitive<String>,
    refresh_at: Instant,
}

/// The app-only token of Docket's app, refreshed before it expires.
#[derive(Debug)]
pub struct AppTokenSource {
    credentials: AppCredentials,
    cached: Mutex<Option<Cached>>,
}

impl AppTokenSource {
    pub fn new(credentials: AppCredentials) -> AppTokenSource {
        AppTokenSource { credentials, cached: Mutex::new(None) }
    }

    pub fn credentials(&self) -> &AppCredentials {
        &self.credentials
    }
}

#[async_trait::async_trait]
impl TokenProvider for AppTokenSource {
    async fn token(&self) -> Result<Sensitive<String>, IdentityError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.value.clone());
        }
        let c = &self.credentials;
        let fetched = request_app_token(&c.cloud, &c.tenant_id, &c.client_id, &c.client_secret).await?;
        // Entra ID always says how long a token lives; without it, ask again after a minute.
        let lifetime = fetched.expires_in.unwrap_or(Duration::from_secs(60));
        *cached = Some(Cached {
            value: fetched.access_token.clone(),
            refresh_at: Instant::now() + refresh_after(lifetime),
        });
        Ok(fetched.access_token)
    }

    async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_five_minutes_early_or_halfway_through_short_ones() {
        assert_eq!(refresh_after(Duration::from_secs(3599)), Duration::from_secs(3299));
        assert_eq!(refresh_after(Duration::from_secs(4)), Duration::from_secs(2));
        assert_eq!(refresh_after(Duration::from_secs(400)), Duration::from_secs(200));
    }
}
