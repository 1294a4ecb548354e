//! A fake Entra ID token endpoint on 127.0.0.1, served from plain threads so any test (async or not) can use
//! it. Like the real `POST /{tenant}/oauth2/v2.0/token`, it issues a token only for the client-credentials
//! grant of `CLIENT_ID` with `SECRET` in `TENANT` for `{GRAPH}/.default`, and answers everything else with the
//! status and JSON error shape Entra ID sends (`error`, `error_description` with its AADSTS code,
//! `error_codes`). A double that accepted anything would prove nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub const TENANT: &str = "11112222-3333-4444-5555-666677778888";
pub const CLIENT_ID: &str = "aaaabbbb-cccc-dddd-eeee-ffff00001111";
pub const SECRET: &str = "Kq8~right.secret_value-0123456789abcdef";
/// The Graph resource whose `.default` scope the double expects (the global cloud's).
pub const GRAPH: &str = "https://graph.microsoft.com";

/// A running double; it serves until the test process ends.
pub struct FakeEntra {
    /// `http://127.0.0.1:PORT`, to use as the authority base.
    pub authority: String,
    tokens_issued: Arc<AtomicUsize>,
}

impl FakeEntra {
    pub fn start() -> FakeEntra {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("fake Entra binds");
        let port = listener.local_addr().expect("address").port();
        let tokens_issued = Arc::new(AtomicUsize::new(0));
        let issued = tokens_issued.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let issued = issued.clone();
                std::thread::spawn(move || serve(stream, &issued));
            }
        });
        FakeEntra { authority: format!("http://127.0.0.1:{port}"), tokens_issued }
    }

    /// Tokens issued so far (successful requests only).
    pub fn tokens_issued(&self) -> usize {
        self.tokens_issued.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, issued: &AtomicUsize) {
    let Some((request_line, body)) = read_request(&mut stream) else { return };
    let (status, json) = token_answer(&request_line, &body);
    if status == "200 OK" {
        issued.fetch_add(1, Ordering::SeqCst);
    }
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{json}",
        json.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

fn token_answer(request_line: &str, body: &str) -> (&'static str, String) {
    let refuse = |status, error: &str, code: u32, description: String| {
        let json = serde_json::json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description} Trace ID: 0000 Correlation ID: 0000"),
            "error_codes": [code],
        });
        (status, json.to_string())
    };
    let mut words = request_line.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let tenant = path.strip_prefix('/').and_then(|p| p.strip_suffix("/oauth2/v2.0/token"));
    let Some(tenant) = tenant.filter(|_| method == "POST") else {
        return ("404 Not Found", "{}".into());
    };
    if tenant != TENANT {
        let text = format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.");
        return refuse("400 Bad Request", "invalid_request", 90002, text);
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if field("grant_type") != Some("client_credentials") {
        let text = "The provided authorization grant type is not supported.".to_string();
        return refuse("400 Bad Request", "unsupported_grant_type", 70003, text);
    }
    match field("scope") {
        None => {
            let text = "The request body must contain the following parameter: 'scope'.".to_string();
            return refuse("400 Bad Request", "invalid_request", 900144, text);
        }
        Some(scope) if scope != format!("{GRAPH}/.default") => {
            let text = format!("The provided value for the input parameter 'scope' is not valid: {scope}.");
            return refuse("400 Bad Request", "invalid_scope", 1002012, text);
        }
        Some(_) => {}
    }
    if field("client_id") != Some(CLIENT_ID) {
        let text = format!(
            "Application with identifier '{}' was not found in the directory.",
            field("client_id").unwrap_or("")
        );
        return refuse("400 Bad Request", "unauthorized_client", 700016, text);
    }
    if field("client_secret") != Some(SECRET) {
        let text = format!(
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret \
             value, not the client secret ID, for a secret added to app '{CLIENT_ID}'."
        );
        return refuse("401 Unauthorized", "invalid_client", 7000215, text);
    }
    let token = serde_json::json!({
        "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAi.fake.token",
    });
    ("200 OK", token.to_string())
}

/// Reads one HTTP/1.1 request: its request line and its body (by `Content-Length`).
fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return Some((head.lines().next()?.to_string(), body.to_string()));
            }
        }
        let read = stream.read(&mut chunk).ok()?;
        if read == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..read]);
    }
}
