//! The Bot API client: calls `METHOD` at `<base>/bot<token>/METHOD` with a JSON body, reads Telegram's
//! `{ok, result, error_code, description, parameters}` answers, waits out a 429's `retry_after` before the
//! next request (never earlier), backs off exponentially on network failures and 5xx, stops at once on a
//! refused token (401) and on a conflict (409: a webhook or another poller), and downloads files from
//! `<base>/file/bot<token>/<file_path>`. The token is in every URL, so no URL ever leaves this module: errors
//! carry the method name and Telegram's description, with the token scrubbed from any text just in case.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::error::BotError;
use crate::retry::RetryPolicy;
use crate::secrets::Sensitive;

/// Telegram's production Bot API.
pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";

/// The longest answer Docket reads from a method (a batch of 100 updates is far smaller).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// Extra wait after a `retry_after`, so a request never lands just before it elapses.
const RETRY_MARGIN: Duration = Duration::from_millis(250);

/// How the client retries and how long it waits in one run.
#[derive(Debug, Clone, Copy)]
pub struct BotPolicy {
    /// Backoff for 5xx answers and network errors.
    pub retry: RetryPolicy,
    /// 429 answers to one request before the run stops (each waits its `retry_after`).
    pub max_rate_limited_attempts: u32,
    /// The longest single `retry_after` Docket waits in a run.
    pub max_wait: Duration,
}

impl Default for BotPolicy {
    fn default() -> Self {
        BotPolicy {
            retry: RetryPolicy {
                max_attempts: 6,
                base_delay: Duration::from_millis(500),
                max_delay: Duration::from_secs(30),
            },
            max_rate_limited_attempts: 20,
            max_wait: Duration::from_secs(5 * 60),
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    result: Value,
    description: Option<String>,
    parameters: Option<ResponseParameters>,
}

#[derive(Deserialize)]
struct ResponseParameters {
    retry_after: Option<u64>,
}

pub struct BotClient {
    http: reqwest::Client,
    base: url::Url,
    token: Sensitive<String>,
    policy: BotPolicy,
}

impl std::fmt::Debug for BotClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

/// Whether `token` is shaped like a BotFather token (`123456:ABC-def_…`), so it can sit in a URL path.
pub fn token_is_well_formed(token: &str) -> bool {
    match token.split_once(':') {
        Some((id, secret)) => {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && !secret.is_empty()
                && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        None => false,
    }
}

impl BotClient {
    pub fn new(api_base: &str, token: Sensitive<String>, policy: BotPolicy) -> Result<BotClient, BotError> {
        let bad = |detail: String| BotError::BadBaseUrl { url: api_base.to_string(), detail };
        let mut base = url::Url::parse(api_base.trim()).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "https" | "http") || base.host_str().is_none() {
            return Err(bad("it must be an http(s) address such as https://api.telegram.org".into()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        if !token_is_well_formed(token.expose().trim()) {
            return Err(BotError::BadToken);
        }
        let token = Sensitive::new(token.expose().trim().to_string());
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| bad(chain(&e.without_url())))?;
        Ok(BotClient { http, base, token, policy })
    }

    /// The bot's numeric id: the token's part before the colon (not secret: Telegram shows it as the bot's id).
    pub fn bot_id(&self) -> String {
        self.token.expose().split(':').next().unwrap_or_default().to_string()
    }

    fn url(&self, path: &str) -> Result<url::Url, BotError> {
        // `./` first: `bot123:ABC/...` alone would read as a URL whose scheme is `bot123`.
        self.base.join(&format!("./{path}")).map_err(|e| BotError::BadBaseUrl {
            url: self.base.to_string(),
            detail: self.scrub(&e.to_string()),
        })
    }

    /// `text` with the token replaced, for anything built from a server's or library's words.
    fn scrub(&self, text: &str) -> String {
        let token = self.token.expose();
        if token.is_empty() {
            return text.to_string();
        }
        text.replace(token.as_str(), "<token>")
    }

    /// Calls `method` with `params` (a JSON object); `poll_secs` is a long poll's `timeout`, added to the
    /// request's own time limit. Returns the `result`.
    pub async fn call(&self, method: &str, params: &Value, poll_secs: u64) -> Result<Value, BotError> {
        let url = self.url(&format!("bot{}/{method}", self.token.expose()))?;
        let mut failures = 0u32;
        let mut rate_limited = 0u32;
        loop {
            let request =
                self.http.post(url.clone()).timeout(Duration::from_secs(60 + poll_secs)).json(params);
            let problem = match request.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let body = read_capped(answer).await;
                    let parsed = body.as_deref().ok().and_then(|b| serde_json::from_slice::<Answer>(b).ok());
                    let detail = self.scrub(&match (&parsed, &body) {
                        (Some(Answer { description: Some(d), .. }), _) => d.clone(),
                        (_, Ok(bytes)) => String::from_utf8_lossy(bytes).chars().take(200).collect(),
                        (_, Err(e)) => e.clone(),
                    });
                    match (status, parsed) {
                        (200, Some(answer)) if answer.ok => return Ok(answer.result),
                        (200, _) => return Err(BotError::BadResponse { method: method.into(), detail }),
                        (401 | 404, _) if method == "getMe" || status == 401 => {
                            return Err(BotError::Auth { method: method.into(), status, detail })
                        }
                        (409, _) => return Err(BotError::Conflict { detail }),
                        (429, parsed) => {
                            rate_limited += 1;
                            let seconds =
                                parsed.and_then(|a| a.parameters).and_then(|p| p.retry_after).unwrap_or(1);
                            let wait = Duration::from_secs(seconds);
                            if rate_limited >= self.policy.max_rate_limited_attempts
                                || wait > self.policy.max_wait
                            {
                                return Err(BotError::RateLimited { method: method.into(), seconds });
                            }
                            tracing::info!("Telegram asked to wait {seconds} s before the next {method}");
                            tokio::time::sleep(wait + RETRY_MARGIN).await;
                            continue;
                        }
                        (500.., _) => (Some(status), detail),
                        _ => return Err(BotError::Rejected { method: method.into(), status, detail }),
                    }
                }
                Err(e) => (None, self.scrub(&chain(&e.without_url()))),
            };
            failures += 1;
            if failures >= self.policy.retry.max_attempts {
                return Err(match problem {
                    (Some(status), detail) => {
                        BotError::Server { method: method.into(), status, detail, attempts: failures }
                    }
                    (None, detail) => BotError::Unreachable { method: method.into(), detail },
                });
            }
            let delay = self.policy.retry.delay(failures);
            tracing::info!("{method} failed ({}); trying again in {delay:?}", problem.1);
            tokio::time::sleep(delay).await;
        }
    }

    /// A file's bytes by the `file_path` `getFile` gave.
    pub async fn download(&self, file_path: &str) -> Result<Vec<u8>, BotError> {
        const METHOD: &str = "file download";
        let url =
            self.url(&format!("file/bot{}/{}", self.token.expose(), file_path.trim_start_matches('/')))?;
        let mut failures = 0u32;
        loop {
            let problem = match self.http.get(url.clone()).timeout(Duration::from_secs(300)).send().await {
                Ok(answer) if answer.status().is_success() => match read_capped(answer).await {
                    Ok(bytes) => return Ok(bytes),
                    Err(e) => e,
                },
                Ok(answer) if answer.status().is_server_error() || answer.status().as_u16() == 429 => {
                    format!("answered {}", answer.status().as_u16())
                }
                Ok(answer) => {
                    return Err(BotError::Rejected {
                        method: METHOD.into(),
                        status: answer.status().as_u16(),
                        detail: "the file is no longer downloadable".into(),
                    })
                }
                Err(e) => self.scrub(&chain(&e.without_url())),
            };
            failures += 1;
            if failures >= self.policy.retry.max_attempts {
                return Err(BotError::Unreachable { method: METHOD.into(), detail: problem });
            }
            tokio::time::sleep(self.policy.retry.delay(failures)).await;
        }
    }
}

/// An error and its causes in one line (the caller strips the URL first).
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

async fn read_capped(mut answer: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(format!("the answer is over {MAX_ANSWER_BYTES} bytes"));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) => return Err(chain(&e.without_url())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_for_shape() {
        assert!(token_is_well_formed("123456:ABC-def_789"));
        assert!(!token_is_well_formed("123456ABC"));
        assert!(!token_is_well_formed("12a:ABC"));
        assert!(!token_is_well_formed("123:AB/C"));
    }
}
