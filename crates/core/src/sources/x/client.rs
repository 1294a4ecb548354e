//! The X API v2 client: signs every request with OAuth 1.0a, obeys the rate-limit headers (no request
//! before the reset once `remaining` is 0), backs off exponentially with jitter on 429 and 5xx (honouring
//! `retry-after` and the reset), stops at once on 401/403 and on the usage cap, and downloads media up to a
//! size limit. It knows endpoints and status codes, not items: `source` decides what to fetch.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use serde::Serialize;

use super::error::XError;
use super::oauth1::{authorization_header, Freshness, XCredentials};
use super::rate_limit::{RateLimits, RESET_MARGIN};
use super::schema::{Problem, UserAnswer};
use crate::progress::{Progress, ProgressFn};
use crate::retry::RetryPolicy;

/// X's production API.
pub const DEFAULT_API_BASE: &str = "https://api.x.com";

/// The longest API answer Docket reads (a page of 100 posts with includes is far smaller).
const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// The account the credentials belong to (`GET /2/users/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct XAccount {
    pub id: String,
    /// The handle, without `@`.
    pub username: String,
    /// The display name.
    pub name: String,
}

/// How the client retries and how long it waits in one run.
#[derive(Debug, Clone, Copy)]
pub struct ClientPolicy {
    /// Backoff for 429 and 5xx answers and network errors.
    pub retry: RetryPolicy,
    /// Attempts for one request that keeps getting 429 (each waits for the reset).
    pub max_rate_limited_attempts: u32,
    /// The longest single wait for a rate-limit reset; X's windows are 15 minutes.
    pub max_wait: Duration,
}

impl Default for ClientPolicy {
    fn default() -> Self {
        ClientPolicy {
            retry: RetryPolicy {
                max_attempts: 6,
                base_delay: Duration::from_millis(500),
                max_delay: Duration::from_secs(60),
            },
            max_rate_limited_attempts: 10,
            max_wait: Duration::from_secs(16 * 60),
        }
    }
}

/// What a media download found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Download {
    Bytes(Vec<u8>),
    /// Over the limit: the size announced, or at least the bytes seen before stopping.
    TooLarge {
        size: u64,
    },
}

pub struct XClient {
    http: reqwest::Client,
    base: url::Url,
    credentials: XCredentials,
    limits: RateLimits,
    policy: ClientPolicy,
    progress: Option<ProgressFn>,
}

impl std::fmt::Debug for XClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

/// An error and its causes in one line, without the URL.
fn chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn problem_text(body: &[u8]) -> Problem {
    if let Ok(problem) = serde_json::from_slice::<Problem>(body) {
        if problem.title.is_some() || problem.detail.is_some() || problem.message.is_some() {
            return problem;
        }
    }
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<Problem>,
    }
    if let Ok(Errors { errors }) = serde_json::from_slice::<Errors>(body) {
        if let Some(first) = errors.into_iter().next() {
            return first;
        }
    }
    let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
    Problem { detail: Some(text), ..Problem::default() }
}

/// `retry-after` in seconds (or as an HTTP date, which X does not send; treated as absent).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn rfc3339(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl XClient {
    pub fn new(
        api_base: &str,
        credentials: XCredentials,
        limits: RateLimits,
        policy: ClientPolicy,
    ) -> Result<XClient, XError> {
        let bad = |detail: String| XError::BadBaseUrl { url: api_base.to_string(), detail };
        let base = url::Url::parse(api_base.trim()).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "https" | "http") || base.host_str().is_none() {
            return Err(bad("it must be an http(s) address such as https://api.x.com".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(20))
            .user_agent(concat!("Docket/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| bad(chain(&e.without_url())))?;
        Ok(XClient { http, base, credentials, limits, policy, progress: None })
    }

    /// Reports rate-limit state as `Progress::RateLimit` events through `progress`.
    pub fn with_progress(mut self, progress: ProgressFn) -> XClient {
        self.progress = Some(progress);
        self
    }

    pub fn rate_limits(&self) -> &RateLimits {
        &self.limits
    }

    fn report(&self, endpoint: &str) {
        if let Some(progress) = &self.progress {
            progress(Progress::RateLimit { status: self.limits.status(endpoint) });
        }
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> Result<url::Url, XError> {
        let joined = format!("{}{}", self.base.as_str().trim_end_matches('/'), path);
        let mut url = url::Url::parse(&joined)
            .map_err(|e| XError::BadBaseUrl { url: self.base.to_string(), detail: e.to_string() })?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Waits until `endpoint` may be called again; refuses waits longer than the policy allows.
    async fn wait_turn(&self, endpoint: &str) -> Result<(), XError> {
        while let Some(at) = self.limits.next_allowed(endpoint, SystemTime::now()) {
            let wait = at.duration_since(SystemTime::now()).unwrap_or_default();
            if wait > self.policy.max_wait {
                return Err(XError::RateLimited { endpoint: endpoint.to_string(), until: rfc3339(at) });
            }
            self.report(endpoint);
            tracing::info!(endpoint, wait_ms = wait.as_millis() as u64, "waiting for the X rate limit");
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    fn signed(&self, url: &url::Url) -> Result<HeaderValue, XError> {
        let header = authorization_header("GET", url, &[], &self.credentials, &Freshness::now());
        let mut value = HeaderValue::from_str(header.expose()).map_err(|_| XError::UnusableCredentials)?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// `GET path?query`, signed, within the rate limits; the body of a 2xx answer.
    pub async fn get(&self, endpoint: &str, path: &str, query: &[(&str, String)]) -> Result<Vec<u8>, XError> {
        let url = self.url(path, query)?;
        let mut failures = 0u32;
        let mut rate_limited = 0u32;
        loop {
            self.wait_turn(endpoint).await?;
            let request = self.http.get(url.clone()).header(AUTHORIZATION, self.signed(&url)?);
            let answer = match request.send().await {
                Ok(answer) => answer,
                Err(e) => {
                    failures += 1;
                    if failures >= self.policy.retry.max_attempts {
                        return Err(XError::Unreachable {
                            endpoint: endpoint.to_string(),
                            detail: chain(&e.without_url()),
                        });
                    }
                    self.limits.hold(endpoint, SystemTime::now() + self.policy.retry.delay(failures));
                    continue;
                }
            };
            self.limits.observe(endpoint, answer.headers());
            let status = answer.status().as_u16();
            let after = retry_after(answer.headers());
            let body = match read_capped(answer, MAX_ANSWER_BYTES as u64).await {
                Ok(Download::Bytes(body)) => body,
                Ok(Download::TooLarge { size }) => {
                    return Err(XError::BadResponse {
                        endpoint: endpoint.to_string(),
                        detail: format!("the answer is larger than {size} bytes"),
                    })
                }
                Err(e) => {
                    failures += 1;
                    if failures >= self.policy.retry.max_attempts {
                        return Err(XError::Unreachable { endpoint: endpoint.to_string(), detail: e });
                    }
                    self.limits.hold(endpoint, SystemTime::now() + self.policy.retry.delay(failures));
                    continue;
                }
            };
            self.report(endpoint);
            match status {
                200..=299 => return Ok(body),
                401 | 403 => {
                    return Err(XError::Auth {
                        endpoint: endpoint.to_string(),
                        status,
                        detail: problem_text(&body).describe(),
                    })
                }
                429 => {
                    let problem = problem_text(&body);
                    if problem.is_usage_cap() {
                        return Err(XError::UsageCap { detail: problem.describe() });
                    }
                    rate_limited += 1;
                    let now = SystemTime::now();
                    let reset = self.limits.reset_time(endpoint).map(|at| at + RESET_MARGIN);
                    let until = [
                        Some(now + self.policy.retry.delay(rate_limited)),
                        after.map(|d| now + d),
                        reset.filter(|at| *at > now),
                    ]
                    .into_iter()
                    .flatten()
                    .max()
                    .unwrap_or(now);
                    if rate_limited >= self.policy.max_rate_limited_attempts {
                        return Err(XError::RateLimited {
                            endpoint: endpoint.to_string(),
                            until: rfc3339(until),
                        });
                    }
                    tracing::info!(endpoint, "X answered 429; waiting for the reset");
                    self.limits.hold(endpoint, until);
                }
                500..=599 => {
                    failures += 1;
                    if failures >= self.policy.retry.max_attempts {
                        return Err(XError::Server {
                            endpoint: endpoint.to_string(),
                            status,
                            detail: problem_text(&body).describe(),
                            attempts: failures,
                        });
                    }
                    let now = SystemTime::now();
                    let backoff = now + self.policy.retry.delay(failures);
                    self.limits.hold(endpoint, after.map_or(backoff, |d| backoff.max(now + d)));
                }
                _ => {
                    return Err(XError::Rejected {
                        endpoint: endpoint.to_string(),
                        status,
                        detail: problem_text(&body).describe(),
                    })
                }
            }
        }
    }

    /// `GET /2/users/me`: whom the credentials belong to.
    pub async fn me(&self) -> Result<XAccount, XError> {
        const ENDPOINT: &str = "GET /2/users/me";
        let body = self.get(ENDPOINT, "/2/users/me", &[("user.fields", "id,name,username".into())]).await?;
        let answer: UserAnswer = serde_json::from_slice(&body)
            .map_err(|e| XError::BadResponse { endpoint: ENDPOINT.into(), detail: e.to_string() })?;
        match answer.data {
            Some(user) => Ok(XAccount {
                username: user.username.unwrap_or_else(|| user.id.clone()),
                name: user.name.unwrap_or_default(),
                id: user.id,
            }),
            None => Err(XError::BadResponse {
                endpoint: ENDPOINT.into(),
                detail: answer
                    .errors
                    .and_then(|e| e.into_iter().next())
                    .map_or("no user in the answer".into(), |p| p.describe()),
            }),
        }
    }

    /// Whether a media URL is X's own (DM media on `ton.x.com`/`ton.twitter.com`, or the API host itself),
    /// which needs a signed request. Public CDN media (`pbs.twimg.com`, `video.twimg.com`) is fetched unsigned,
    /// so the credentials' identity is never sent elsewhere.
    fn needs_signature(&self, url: &url::Url) -> bool {
        let host = url.host_str().unwrap_or_default();
        (host == self.base.host_str().unwrap_or_default()
            && url.port_or_known_default() == self.base.port_or_known_default())
            || host == "ton.twitter.com"
            || host == "ton.x.com"
    }

    /// Downloads media bytes, at most `limit` of them; larger media is reported with its size and not kept.
    pub async fn download(&self, media_url: &str, limit: u64) -> Result<Download, XError> {
        const ENDPOINT: &str = "GET media";
        let url = url::Url::parse(media_url).map_err(|e| XError::BadResponse {
            endpoint: ENDPOINT.into(),
            detail: format!("media URL {media_url:?} is not valid ({e})"),
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(XError::BadResponse {
                endpoint: ENDPOINT.into(),
                detail: format!("media URL {media_url:?} is not http(s)"),
            });
        }
        let mut failures = 0u32;
        loop {
            let mut request = self.http.get(url.clone());
            if self.needs_signature(&url) {
                self.wait_turn(ENDPOINT).await?;
                request = request.header(AUTHORIZATION, self.signed(&url)?);
            }
            let error = match request.send().await {
                Ok(answer) if answer.status().is_success() => match read_capped(answer, limit).await {
                    Ok(download) => return Ok(download),
                    Err(e) => e,
                },
                Ok(answer) if matches!(answer.status().as_u16(), 401 | 403) => {
                    return Err(XError::Auth {
                        endpoint: ENDPOINT.into(),
                        status: answer.status().as_u16(),
                        detail: format!("media {media_url}"),
                    })
                }
                Ok(answer) if answer.status().is_server_error() || answer.status().as_u16() == 429 => {
                    format!("answered {}", answer.status().as_u16())
                }
                Ok(answer) => {
                    return Err(XError::Rejected {
                        endpoint: ENDPOINT.into(),
                        status: answer.status().as_u16(),
                        detail: format!("media {media_url}"),
                    })
                }
                Err(e) => chain(&e.without_url()),
            };
            failures += 1;
            if failures >= self.policy.retry.max_attempts {
                return Err(XError::Unreachable { endpoint: format!("media {media_url}"), detail: error });
            }
            tokio::time::sleep(self.policy.retry.delay(failures)).await;
        }
    }
}

/// Reads a body up to `limit` bytes; stops early (without reading the rest) when it is larger.
async fn read_capped(mut answer: reqwest::Response, limit: u64) -> Result<Download, String> {
    if let Some(length) = answer.content_length().filter(|&len| len > limit) {
        return Ok(Download::TooLarge { size: length });
    }
    let mut bytes = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > limit {
                    return Ok(Download::TooLarge { size: bytes.len() as u64 });
                }
            }
            Ok(None) => return Ok(Download::Bytes(bytes)),
            Err(e) => return Err(chain(&e.without_url())),
        }
    }
}
