//! The loopback listener that captures Entra ID's admin consent redirect on http://127.0.0.1:<random port>/:
//! just enough HTTP/1.1 to read one request line and answer with a small page. It decides granted, refused
//! or rejected from the query and the expected `state`; it opens no browser and records nothing.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{timeout, timeout_at, Instant};

use super::consent::{ConsentMethod, ConsentResult, ConsentStatus};
use super::IdentityError;

/// The most of a request head read before giving up on it.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// How long one browser connection gets to send its request.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The shortest and longest waits for a redirect, whatever a caller (or the webview) asks for.
pub const MIN_REDIRECT_WAIT: Duration = Duration::from_secs(2);
pub const MAX_REDIRECT_WAIT: Duration = Duration::from_secs(30 * 60);

/// `limit` kept within `MIN_REDIRECT_WAIT..=MAX_REDIRECT_WAIT`.
pub fn clamp_wait(limit: Duration) -> Duration {
    limit.clamp(MIN_REDIRECT_WAIT, MAX_REDIRECT_WAIT)
}

/// Waits on 127.0.0.1 for the consent redirect that carries `state`.
#[derive(Debug)]
pub struct ConsentListener {
    listener: TcpListener,
    state: String,
    port: u16,
}

/// What one browser request meant.
enum Answer {
    /// The consent answer: the wait ends with it.
    Decided(ConsentResult),
    /// An answer with another `state` (a forged redirect, an old tab): answered 400 and not used; the wait
    /// goes on for the real one.
    Forged(ConsentResult),
    /// Something else (a favicon, a stray request): answered and ignored.
    Ignored,
}

impl ConsentListener {
    /// Listens on a random free port of 127.0.0.1 (never on another interface).
    pub async fn bind(state: String) -> Result<ConsentListener, IdentityError> {
        let listener =
            TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| IdentityError::Listener(e.to_string()))?;
        let port = listener.local_addr().map_err(|e| IdentityError::Listener(e.to_string()))?.port();
        Ok(ConsentListener { listener, state, port })
    }

    /// The redirect URI Entra ID sends the browser back to.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Waits up to `limit` (clamped, see `clamp_wait`) for the consent answer and answers the browser with a
    /// page telling the admin to return to Docket. Requests that are not an answer are ignored, and so is an
    /// answer with another `state` (answered 400): only the real answer ends the wait. If only forged answers
    /// came before the time ran out, the result is `Rejected`, saying so.
    pub async fn wait(self, limit: Duration) -> Result<ConsentResult, IdentityError> {
        let limit = clamp_wait(limit);
        let deadline = Instant::now() + limit;
        let mut forged = None;
        loop {
            let (stream, _) = match timeout_at(deadline, self.listener.accept()).await {
                Err(_) => return Ok(forged.unwrap_or_else(|| timed_out(limit))),
                Ok(accepted) => accepted.map_err(|e| IdentityError::Listener(e.to_string()))?,
            };
            match self.answer(stream).await {
                Answer::Decided(result) => return Ok(result),
                Answer::Forged(result) => forged = Some(result),
                Answer::Ignored => {}
            }
        }
    }

    async fn answer(&self, mut stream: TcpStream) -> Answer {
        let Some(target) = read_request_target(&mut stream).await else {
            respond(&mut stream, "400 Bad Request", "Docket could not read this request.").await;
            return Answer::Ignored;
        };
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let is_answer =
            param("state").is_some() || param("admin_consent").is_some() || param("error").is_some();
        if path != "/" || !is_answer {
            respond(&mut stream, "404 Not Found", "Docket is waiting for Microsoft's answer.").await;
            return Answer::Ignored;
        }
        let result = self.decide(&param);
        let page = match result.status {
            ConsentStatus::Granted => "Admin consent was granted.",
            ConsentStatus::Refused => "Admin consent was not granted.",
            _ => "This answer does not belong to the consent Docket asked for; it was not recorded.",
        };
        if result.status == ConsentStatus::Rejected && param("state").as_deref() != Some(self.state.as_str())
        {
            respond(&mut stream, "400 Bad Request", page).await;
            return Answer::Forged(result);
        }
        let status = if result.status == ConsentStatus::Rejected { "400 Bad Request" } else { "200 OK" };
        respond(&mut stream, status, page).await;
        Answer::Decided(result)
    }

    fn decide(&self, param: &dyn Fn(&str) -> Option<String>) -> ConsentResult {
        let mut result = ConsentResult {
            status: ConsentStatus::Rejected,
            method: ConsentMethod::LoopbackRedirect,
            tenant: None,
            error: None,
            description: None,
            description_text: None,
        };
        if param("state").as_deref() != Some(self.state.as_str()) {
            return result.described(crate::text!(
                "consent.wrong_state",
                "Only answers that do not carry the state of this consent request arrived (an old browser tab or \
                 another program); they were not recorded as consent. Start the admin consent again."
            ));
        }
        if let Some(error) = param("error") {
            result.status = ConsentStatus::Refused;
            result.description = param("error_description");
            result.error = Some(error);
        } else if param("admin_consent").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            result.status = ConsentStatus::Granted;
            result.tenant = param("tenant");
        } else {
            return result.described(crate::text!(
                "consent.no_answer_in_it",
                "The answer carried neither admin_consent=True nor an error. Start the admin consent again."
            ));
        }
        result
    }
}

fn timed_out(limit: Duration) -> ConsentResult {
    ConsentResult {
        status: ConsentStatus::TimedOut,
        method: ConsentMethod::LoopbackRedirect,
        tenant: None,
        error: None,
        description: None,
        description_text: None,
    }
    .described(crate::text!(
        "consent.timed_out",
        "No answer came back from the consent page within {minutes} minutes. Start the admin consent again, or \
         confirm it by hand if it was granted elsewhere.",
        minutes = limit.as_secs().div_ceil(60)
    ))
}

/// The request target of a `GET` request (`/?state=...`), or `None` when the request is not one.
pub(super) async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        let read = timeout(REQUEST_READ_TIMEOUT, stream.read(&mut chunk)).await.ok()?.ok()?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(chunk.get(..read)?);
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.lines().next()?.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_string())
        }
        _ => None,
    }
}

pub(super) async fn respond(stream: &mut TcpStream, status: &str, line: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Docket</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>Docket</h1><p>{line}</p>\
         <p>You can close this window and return to Docket.</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the result does not depend on it reading the page.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
