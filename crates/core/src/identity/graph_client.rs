//! The Microsoft Graph client every Graph call goes through: the cloud's Graph base, a bearer token from a
//! `TokenProvider`, the per-mailbox throttle, `Retry-After` on 429/503 (waited out and retried), one retry with
//! a fresh token on 401, and `@odata.nextLink` paging (only ever to the same Graph). Errors carry Graph's code
//! and message, never a token. It knows no endpoint's meaning: callers build paths and read the JSON.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use tokio::time::Instant;
use url::Url;

use super::app_check::chain;
use super::graph_throttle::{Throttle, ThrottlePolicy};
use super::{Cloud, IdentityError, TokenProvider};

/// Longest a single Graph request may take (a 10 MB message, base64-encoded, over a slow uplink).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Throttled answers (429/503) one request rides out before it gives up; the pipeline may try it again later.
const MAX_THROTTLED: u32 = 10;
/// The longest `Retry-After` honoured at once; a longer one is waited in this many seconds' steps.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The Graph API version a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphVersion {
    V1,
    Beta,
}

/// What can go wrong calling Graph. Messages name the request (`GET /users/...`) and Graph's own code.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    Token(#[from] IdentityError),
    Unauthorized { request: String, code: String, message: String },
    Forbidden { request: String, code: String, message: String },
    NotFound { request: String, code: String, message: String },
    Throttled { request: String, attempts: u32 },
    Status { request: String, status: u16, code: String, message: String },
    Unreachable { endpoint: String, detail: String },
    Unexpected { request: String, detail: crate::Text },
}

impl GraphError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            GraphError::Token(e) => e.text(),
            GraphError::Unauthorized { request, code, message } => text!(
                "graph.unauthorized",
                "Microsoft Graph refused Docket's token for {request} ({code}: {message}). Check that the app's admin \
         consent was granted and that the right cloud is selected.",
                request = request,
                code = code,
                message = message
            ),
            GraphError::Forbidden { request, code, message } => text!(
                "graph.forbidden",
                "Microsoft Graph denied {request} ({code}: {message}). Grant the app the Graph permission it needs \
         (admin consent), or check any Exchange application access policy that limits it to some mailboxes.",
                request = request,
                code = code,
                message = message
            ),
            GraphError::NotFound { request, code, message } => text!(
                "graph.not_found",
                "Microsoft Graph has no such object for {request} ({code}: {message})",
                request = request,
                code = code,
                message = message
            ),
            GraphError::Throttled { request, attempts } => text!(
                "graph.throttled",
                "Microsoft Graph kept throttling {request} ({attempts} answers 429/503 in a row); Docket will try again \
         later and loses nothing",
                request = request,
                attempts = attempts
            ),
            GraphError::Status { request, status, code, message } => text!(
                "graph.status",
                "Microsoft Graph answered {request} with {status} ({code}: {message})",
                request = request,
                status = status,
                code = code,
                message = message
            ),
            GraphError::Unreachable { endpoint, detail } => text!(
                "graph.unreachable",
                "Docket could not reach Microsoft Graph at {endpoint} ({detail}). Check the network connection, proxy \
         and firewall, and that the right cloud is selected.",
                endpoint = endpoint,
                detail = detail
            ),
            GraphError::Unexpected { request, detail } => text!(
                "graph.unexpected",
                "{request}: Microsoft Graph's answer could not be read ({detail})",
                request = request,
                detail = detail
            ),
        }
    }
}

crate::display_as_text!(GraphError);

impl GraphError {
    /// Whether trying the same request again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            GraphError::Throttled { .. } | GraphError::Unreachable { .. } => true,
            GraphError::Status { status, .. } => *status >= 500,
            GraphError::Token(e) => matches!(e, IdentityError::Unreachable { .. }),
            _ => false,
        }
    }

    /// Graph's error code, when Graph sent one.
    pub fn graph_code(&self) -> Option<&str> {
        match self {
            GraphError::Unauthorized { code, .. }
            | GraphError::Forbidden { code, .. }
            | GraphError::NotFound { code, .. }
            | GraphError::Status { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(serde_json::Value),
    /// `text/plain` (base64 MIME for message creation).
    Text(String),
}

/// The Graph client for one cloud and one token source.
pub struct GraphClient {
    v1: Url,
    beta: Url,
    origin: String,
    http: reqwest::Client,
    tokens: Arc<dyn TokenProvider>,
    throttle: Throttle,
}

impl std::fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphClient").field("graph", &self.origin).finish_non_exhaustive()
    }
}

/// One Graph answer that was not an error.
#[derive(Debug)]
pub struct GraphAnswer {
    pub status: u16,
    pub json: serde_json::Value,
}

impl GraphClient {
    pub fn new(cloud: &Cloud, tokens: Arc<dyn TokenProvider>) -> Result<GraphClient, IdentityError> {
        GraphClient::with_policy(cloud, tokens, ThrottlePolicy::default())
    }

    pub fn with_policy(
        cloud: &Cloud,
        tokens: Arc<dyn TokenProvider>,
        policy: ThrottlePolicy,
    ) -> Result<GraphClient, IdentityError> {
        let base = cloud.graph_base()?;
        let origin = base.as_str().trim_end_matches('/').to_string();
        let bad = |_| IdentityError::InvalidInput {
            field: crate::text!("field.graph_address", "Microsoft Graph address"),
            message: crate::text!(
                "graph.no_urls",
                "\"{origin}\" does not form Graph URLs; choose one of the Microsoft clouds",
                origin = origin
            ),
        };
        let v1 = base.join("v1.0/").map_err(bad)?;
        let beta = base.join("beta/").map_err(bad)?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| IdentityError::Unreachable {
                endpoint: origin.clone(),
                detail: chain(&e.without_url()),
            })?;
        Ok(GraphClient { v1, beta, origin, http, tokens, throttle: Throttle::new(policy) })
    }

    /// `{graph}/{version}/` followed by `segments`, each percent-encoded as one path segment.
    pub fn url(&self, version: GraphVersion, segments: &[&str]) -> Url {
        let mut url = match version {
            GraphVersion::V1 => self.v1.clone(),
            GraphVersion::Beta => self.beta.clone(),
        };
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// `url` with an OData query: `$name=value` pairs, values percent-encoded with spaces as `%20` (Graph
    /// reads `+` literally in some filters).
    pub fn query_url(&self, version: GraphVersion, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.url(version, segments);
        let encoded: Vec<String> = query
            .iter()
            .map(|(name, value)| {
                let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
                format!("{name}={}", value.replace('+', "%20"))
            })
            .collect();
        url.set_query(Some(&encoded.join("&")));
        url
    }

    /// Sends one request, waiting for the throttle of `mailbox` (or of the tenant when `None`), riding out
    /// 429/503 with their `Retry-After`, and retrying once with a fresh token after a 401.
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        mailbox: Option<&str>,
        body: &Body,
    ) -> Result<GraphAnswer, GraphError> {
        let request = describe(&method, &url);
        if !self.same_origin(&url) {
            return Err(GraphError::Unexpected {
                request,
                detail: crate::text!(
                    "graph.other_origin",
                    "the address is not on the configured Graph; Docket sends its token nowhere else"
                ),
            });
        }
        let scope = mailbox.unwrap_or("").to_string();
        let mut throttled = 0u32;
        let mut refreshed = false;
        // Serialised once: its length paces the mailbox's upload budget, and the same bytes are sent.
        let json = match body {
            Body::Json(value) => Some(serde_json::to_vec(value).map_err(|e| GraphError::Unexpected {
                request: request.clone(),
                detail: crate::text!(
                    "graph.body_not_json",
                    "the request body could not be written as JSON ({detail})",
                    detail = e.to_string()
                ),
            })?),
            _ => None,
        };
        let body_bytes = match body {
            Body::None => 0,
            Body::Json(_) => json.as_ref().map_or(0, Vec::len),
            Body::Text(text) => text.len(),
        };
        loop {
            let slot = self.throttle.acquire_with_body(&scope, body_bytes).await;
            let token = self.tokens.token().await?;
            let mut builder = self.http.request(method.clone(), url.clone()).bearer_auth(token.expose());
            builder = match body {
                Body::None => builder,
                Body::Json(_) => {
                    builder.header("Content-Type", "application/json").body(json.clone().unwrap_or_default())
                }
                Body::Text(text) => builder.header("Content-Type", "text/plain").body(text.clone()),
            };
            let response = builder.send().await;
            let response = match response {
                Ok(response) => response,
                Err(e) => {
                    return Err(GraphError::Unreachable {
                        endpoint: self.origin.clone(),
                        detail: chain(&e.without_url()),
                    })
                }
            };
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
                throttled += 1;
                let wait = retry_after(response.headers(), throttled);
                // Held before the slot is freed, so no request for this mailbox slips out in between.
                self.throttle.hold_until(&scope, Instant::now() + wait);
                drop(slot);
                tracing::info!(%request, status = status.as_u16(), wait_ms = wait.as_millis() as u64, "Graph throttled");
                if throttled >= MAX_THROTTLED {
                    return Err(GraphError::Throttled { request, attempts: throttled });
                }
                continue;
            }
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                self.tokens.invalidate().await;
                continue;
            }
            let text = response.text().await.map_err(|e| GraphError::Unreachable {
                endpoint: self.origin.clone(),
                detail: chain(&e.without_url()),
            })?;
            let json: serde_json::Value = if text.trim().is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or_default()
            };
            if status.is_success() {
                return Ok(GraphAnswer { status: status.as_u16(), json });
            }
            return Err(failure(request, status, &json));
        }
    }

    /// `PUT` one byte range to an attachment upload session's URL. That URL is pre-authenticated, so no token
    /// is sent (Graph: "Don't specify an Authorization request header"); it must be https (or http on
    /// loopback), and the mailbox's throttle and `Retry-After` apply as to any other request for it.
    pub async fn put_range(
        &self,
        upload_url: &Url,
        mailbox: &str,
        start: usize,
        bytes: &[u8],
        total: usize,
    ) -> Result<GraphAnswer, GraphError> {
        let request = "PUT <attachment upload session>".to_string();
        let loopback = matches!(upload_url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if !(upload_url.scheme() == "https" || (upload_url.scheme() == "http" && loopback)) {
            return Err(GraphError::Unexpected {
                request,
                detail: crate::text!("graph.upload_not_https", "the upload address is not https"),
            });
        }
        let range = format!("bytes {start}-{}/{total}", start + bytes.len().saturating_sub(1));
        let mut throttled = 0u32;
        loop {
            let slot = self.throttle.acquire_with_body(mailbox, bytes.len()).await;
            let response = self
                .http
                .put(upload_url.clone())
                .header("Content-Range", &range)
                .header("Content-Type", "application/octet-stream")
                .body(bytes.to_vec())
                .send()
                .await
                .map_err(|e| GraphError::Unreachable {
                    endpoint: self.origin.clone(),
                    detail: chain(&e.without_url()),
                })?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
                throttled += 1;
                let wait = retry_after(response.headers(), throttled);
                self.throttle.hold_until(mailbox, Instant::now() + wait);
                drop(slot);
                if throttled >= MAX_THROTTLED {
                    return Err(GraphError::Throttled { request, attempts: throttled });
                }
                continue;
            }
            let text = response.text().await.unwrap_or_default();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if status.is_success() {
                return Ok(GraphAnswer { status: status.as_u16(), json });
            }
            return Err(failure(request, status, &json));
        }
    }

    /// Whether `url` is on the configured Graph: the same scheme, host and port (a prefix test would let
    /// `https://graph.microsoft.com.attacker.example` through).
    fn same_origin(&self, url: &Url) -> bool {
        Url::parse(&self.origin).is_ok_and(|origin| origin.origin() == url.origin())
    }

    /// `GET` one object.
    pub async fn get(&self, url: Url, mailbox: Option<&str>) -> Result<serde_json::Value, GraphError> {
        Ok(self.send(Method::GET, url, mailbox, &Body::None).await?.json)
    }

    /// `GET` a collection, following `@odata.nextLink` to the end.
    pub async fn list(&self, url: Url, mailbox: Option<&str>) -> Result<Vec<serde_json::Value>, GraphError> {
        let mut items = Vec::new();
        let mut next = Some(url);
        while let Some(url) = next.take() {
            let request = describe(&Method::GET, &url);
            let page = self.get(url, mailbox).await?;
            match page.get("value").and_then(|v| v.as_array()) {
                Some(values) => items.extend(values.iter().cloned()),
                None => {
                    return Err(GraphError::Unexpected {
                        request,
                        detail: crate::text!("graph.no_value_list", "no \"value\" list"),
                    })
                }
            }
            if let Some(link) = page.get("@odata.nextLink").and_then(|v| v.as_str()) {
                let parsed = Url::parse(link).map_err(|_| GraphError::Unexpected {
                    request: request.clone(),
                    detail: crate::text!("graph.bad_next_link", "a bad nextLink"),
                })?;
                next = Some(parsed);
            }
        }
        Ok(items)
    }
}

/// `GET /v1.0/users/...`: the method and path, never the query (it may hold addresses) or the host.
fn describe(method: &Method, url: &Url) -> String {
    format!("{method} {}", url.path())
}

/// How long a 429/503 asks to wait: `Retry-After` in seconds (or an HTTP date), else 2^n seconds.
fn retry_after(headers: &reqwest::header::HeaderMap, attempt: u32) -> Duration {
    let value = headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::trim);
    let asked = value.and_then(|v| {
        v.parse::<u64>().ok().map(Duration::from_secs).or_else(|| {
            let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
            (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().ok()
        })
    });
    // One extra tenth of a second: a retry must arrive after the server's clock says the time has passed.
    let wait = asked.unwrap_or_else(|| Duration::from_secs(1 << attempt.min(6)));
    wait.min(MAX_RETRY_AFTER) + Duration::from_millis(100)
}

fn failure(request: String, status: StatusCode, json: &serde_json::Value) -> GraphError {
    let code = json["error"]["code"].as_str().unwrap_or("").to_string();
    let message = json["error"]["message"].as_str().unwrap_or("").to_string();
    match status {
        StatusCode::UNAUTHORIZED => GraphError::Unauthorized { request, code, message },
        StatusCode::FORBIDDEN => GraphError::Forbidden { request, code, message },
        StatusCode::NOT_FOUND => GraphError::NotFound { request, code, message },
        _ => GraphError::Status { request, status: status.as_u16(), code, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoTokens;

    #[async_trait::async_trait]
    impl TokenProvider for NoTokens {
        async fn token(&self) -> Result<crate::secrets::Sensitive<String>, IdentityError> {
            Err(IdentityError::InvalidInput {
                field: crate::Text::verbatim("token"),
                message: crate::Text::verbatim("none in this test"),
            })
        }
        async fn invalidate(&self) {}
    }

    #[test]
    fn only_the_configured_graph_origin_gets_a_token() {
        let cloud = Cloud::Global;
        let client = GraphClient::new(&cloud, Arc::new(NoTokens)).expect("client");
        let ok = |u: &str| client.same_origin(&Url::parse(u).expect("url"));
        assert!(ok("https://graph.microsoft.com/v1.0/users?$skiptoken=2"));
        assert!(!ok("https://graph.microsoft.com.attacker.example/v1.0/users"), "a prefix is not an origin");
        assert!(!ok("https://graph.microsoft.com:8443/v1.0/users"));
        assert!(!ok("http://graph.microsoft.com/v1.0/users"));
    }

    #[test]
    fn retry_after_reads_seconds_and_falls_back_to_backoff() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers, 2), Duration::from_millis(4100));
        headers.insert(reqwest::header::RETRY_AFTER, reqwest::header::HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers, 1), Duration::from_millis(3100));
        headers.insert(reqwest::header::RETRY_AFTER, reqwest::header::HeaderValue::from_static("99999"));
        assert_eq!(retry_after(&headers, 1), MAX_RETRY_AFTER + Duration::from_millis(100));
    }
}
