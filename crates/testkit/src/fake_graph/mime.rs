//! Just enough RFC 5322/2045/2047 to read what Exchange reads from a MIME message (the head's fields,
//! unfolded; `Date`; encoded-word subjects; the attachment parts of a multipart body). Exchange's own MIME
//! conversion is described in [MS-OXCMAIL] (learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxcmail).

use base64::Engine as _;
use chrono::{DateTime, Utc};

/// The head's fields in order, each unfolded (RFC 5322 2.2.3) and trimmed, and where the body starts.
pub fn head(mime: &[u8]) -> (Vec<(String, String)>, usize) {
    let (end, gap) = match (find(mime, b"\r\n\r\n"), find(mime, b"\n\n")) {
        (Some(crlf), Some(lf)) if lf < crlf => (lf, 2),
        (Some(crlf), _) => (crlf, 4),
        (None, Some(lf)) => (lf, 2),
        (None, None) => (mime.len(), 0),
    };
    let text = String::from_utf8_lossy(&mime[..end]);
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_string(), value.to_string()));
        }
    }
    for (_, value) in &mut fields {
        *value = value.trim().to_string();
    }
    (fields, (end + gap).min(mime.len()))
}

/// The first field called `name` (case-insensitive).
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A `Date:` value (RFC 5322 3.3), in UTC.
pub fn date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// A field value with its RFC 2047 encoded words (`=?charset?B|Q?...?=`) decoded (UTF-8 and ASCII; other
/// charsets are read as UTF-8, lossily).
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, word) = rest.split_at(start);
        let decoded = word[2..].splitn(3, '?').collect::<Vec<_>>();
        let Some(text) = decoded.get(2).and_then(|t| t.find("?=").map(|end| &t[..end])) else { break };
        let bytes = match decoded[1] {
            "B" | "b" => base64::engine::general_purpose::STANDARD.decode(text).ok(),
            "Q" | "q" => Some(quoted_printable(&text.replace('_', " "))),
            _ => None,
        };
        let Some(bytes) = bytes else { break };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&String::from_utf8_lossy(&bytes));
        last_was_word = true;
        let used = 2 + decoded[0].len() + 1 + decoded[1].len() + 1 + text.len() + 2;
        rest = &word[used..];
    }
    out.push_str(rest);
    out
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The addresses in an address-list field (`Name <a@b>, c@d`).
pub fn addresses(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|part| {
            let part = part.trim();
            let address = match (part.rfind('<'), part.rfind('>')) {
                (Some(open), Some(close)) if open < close => &part[open + 1..close],
                _ => part,
            };
            address.contains('@').then(|| address.trim().to_string())
        })
        .collect()
}

/// A parameter of a structured field (`boundary`, `filename`, `name`), unquoted.
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (key, v) = p.split_once('=')?;
        key.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The attachment parts of a (possibly nested) multipart message: `(name, content type, decoded bytes)`.
pub fn attachments(mime: &[u8]) -> Vec<(String, String, Vec<u8>)> {
    let mut found = Vec::new();
    collect(mime, &mut found, 0);
    found
}

fn collect(entity: &[u8], found: &mut Vec<(String, String, Vec<u8>)>, depth: usize) {
    let (fields, body_start) = head(entity);
    let content_type = field(&fields, "Content-Type").unwrap_or("text/plain");
    let body = &entity[body_start..];
    if content_type.trim_start().to_ascii_lowercase().starts_with("multipart/") {
        let Some(boundary) = parameter(content_type, "boundary").filter(|_| depth < 8) else { return };
        let delimiter = format!("\n--{boundary}");
        let mut framed = b"\n".to_vec();
        framed.extend_from_slice(body);
        let mut rest = &framed[..];
        while let Some(at) = find(rest, delimiter.as_bytes()) {
            rest = &rest[at + delimiter.len()..];
            if rest.starts_with(b"--") {
                break;
            }
            let start = find(rest, b"\n").map_or(rest.len(), |n| n + 1);
            let end = find(&rest[start..], delimiter.as_bytes()).map_or(rest.len(), |n| start + n);
            let part = &rest[start..end];
            collect(part.strip_suffix(b"\r").unwrap_or(part), found, depth + 1);
        }
        return;
    }
    let disposition = field(&fields, "Content-Disposition").unwrap_or("");
    let name = parameter(disposition, "filename").or_else(|| parameter(content_type, "name"));
    let attached = disposition.trim_start().to_ascii_lowercase().starts_with("attachment");
    let Some(name) = name.or_else(|| attached.then(|| "attachment".to_string())) else { return };
    let encoding = field(&fields, "Content-Transfer-Encoding").unwrap_or("7bit").trim().to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => {
            let text: Vec<u8> = body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD.decode(text).unwrap_or_default()
        }
        "quoted-printable" => quoted_printable(&String::from_utf8_lossy(body).replace("=\r\n", "")),
        _ => body.to_vec(),
    };
    let media = content_type.split(';').next().unwrap_or("").trim();
    let media = if media.is_empty() { "application/octet-stream" } else { media };
    found.push((decode_words(&name), media.to_ascii_lowercase(), bytes));
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
