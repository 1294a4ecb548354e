//! A fake Entra ID token endpoint on 127.0.0.1 for the shell's tests, served from a plain thread so tests
//! need no async runtime. Like the real one it issues a token only for the client-credentials grant of
//! `CLIENT_ID` with `SECRET` in `TENANT` for Graph's `.default` scope, and refuses a wrong secret with
//! Entra ID's `invalid_client` / AADSTS7000215 JSON. (docket-core's spec has the fuller double.)

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

pub const TENANT: &str = "11112222-3333-4444-5555-666677778888";
pub const CLIENT_ID: &str = "aaaabbbb-cccc-dddd-eeee-ffff00001111";
pub const SECRET: &str = "Kq8~right.secret_value-0123456789abcdef";

/// Starts the double and returns its authority base (`http://127.0.0.1:PORT`). It serves until the test
/// process ends.
pub fn start() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("fake Entra binds");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn serve(mut stream: TcpStream) {
    let Some((request_line, body)) = read_request(&mut stream) else { return };
    let (status, json) = answer(&request_line, &body);
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

fn answer(request_line: &str, body: &str) -> (&'static str, String) {
    let form: Vec<(String, String)> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (form_decoded(name), form_decoded(value)))
        .collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let refuse = |status, error: &str, description: &str| {
        (status, serde_json::json!({ "error": error, "error_description": description }).to_string())
    };
    if request_line != format!("POST /{TENANT}/oauth2/v2.0/token HTTP/1.1") {
        return refuse("400 Bad Request", "invalid_request", "AADSTS90002: Tenant not found.");
    }
    if field("grant_type") != Some("client_credentials")
        || field("scope") != Some("https://graph.microsoft.com/.default")
    {
        return refuse("400 Bad Request", "invalid_request", "AADSTS900144: grant_type or scope is wrong.");
    }
    if field("client_id") != Some(CLIENT_ID) {
        return refuse("400 Bad Request", "unauthorized_client", "AADSTS700016: Application not found.");
    }
    if field("client_secret") != Some(SECRET) {
        return refuse(
            "401 Unauthorized",
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided.",
        );
    }
    ("200 OK", r#"{"token_type":"Bearer","expires_in":3599,"access_token":"fake.token"}"#.to_string())
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub fn form_decoded(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut input = text.bytes();
    while let Some(byte) = input.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex: String = input.by_ref().take(2).map(char::from).collect();
                bytes.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

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
        bytes.extend_from_slice(chunk.get(..read)?);
    }
}
