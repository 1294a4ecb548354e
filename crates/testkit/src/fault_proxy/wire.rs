//! HTTP/1.1 message framing for the fault proxy: one message head (start line, headers, how the body is
//! framed), bodies by `Content-Length`, chunked encoding or connection close, and error answers shaped like
//! Azure Storage's. Just enough HTTP to relay and inspect what Docket and Azurite say; nothing more.

use std::io::BufRead;

/// One parsed message head: the start line, the raw head bytes and how its body is framed.
pub(super) struct Head {
    pub start_line: String,
    pub raw: Vec<u8>,
    pub content_length: Option<usize>,
    pub chunked: bool,
    pub close: bool,
}

pub(super) fn read_head(reader: &mut impl BufRead) -> Option<Head> {
    let mut raw = Vec::new();
    let mut start_line = String::new();
    let (mut content_length, mut chunked, mut close) = (None, false, false);
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        raw.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if start_line.is_empty() {
            if text.is_empty() {
                continue; // stray CRLF between messages
            }
            start_line = text;
            continue;
        }
        if text.is_empty() {
            return Some(Head { start_line, raw, content_length, chunked, close });
        }
        if let Some((name, value)) = text.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
            match name.as_str() {
                "content-length" => content_length = value.parse().ok(),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "connection" => close = value.contains("close"),
                _ => {}
            }
        }
    }
}

/// Reads a body as framed on the wire (chunked framing kept as is).
pub(super) fn read_body(reader: &mut impl BufRead, head: &Head, until_eof: bool) -> Option<Vec<u8>> {
    if head.chunked {
        let mut raw = Vec::new();
        loop {
            let mut size_line = Vec::new();
            if reader.read_until(b'\n', &mut size_line).ok()? == 0 {
                return None;
            }
            raw.extend_from_slice(&size_line);
            let text = String::from_utf8_lossy(&size_line);
            let size = usize::from_str_radix(text.trim().split(';').next()?.trim(), 16).ok()?;
            if size == 0 {
                // Trailers, then the final CRLF.
                loop {
                    let mut line = Vec::new();
                    if reader.read_until(b'\n', &mut line).ok()? == 0 {
                        return Some(raw);
                    }
                    raw.extend_from_slice(&line);
                    if line == b"\r\n" || line == b"\n" {
                        return Some(raw);
                    }
                }
            }
            let mut chunk = vec![0u8; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            raw.extend_from_slice(&chunk);
        }
    }
    match head.content_length {
        Some(n) => {
            let mut body = vec![0u8; n];
            reader.read_exact(&mut body).ok()?;
            Some(body)
        }
        None if until_eof => {
            let mut body = Vec::new();
            reader.read_to_end(&mut body).ok()?;
            Some(body)
        }
        None => Some(Vec::new()),
    }
}

/// An error answer shaped like Azure Storage's: status, `x-ms-error-code` and an XML `<Error>` body.
pub(super) fn storage_error(
    status: u16,
    reason: &str,
    code: &str,
    message: &str,
    request_no: u64,
) -> Vec<u8> {
    let body = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\n\
         RequestId:fault-proxy-{request_no}</Message></Error>"
    );
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\
         x-ms-error-code: {code}\r\nx-ms-request-id: fault-proxy-{request_no}\r\nx-ms-version: 2022-11-02\r\n\
         Connection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    #[test]
    fn chunked_and_sized_bodies_are_read_whole() {
        let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nxyz";
        let mut reader = BufReader::new(&wire[..]);
        let head = read_head(&mut reader).expect("first head");
        assert!(head.chunked);
        assert_eq!(read_body(&mut reader, &head, false).expect("chunked"), b"4\r\nabcd\r\n0\r\n\r\n");
        let head = read_head(&mut reader).expect("second head");
        assert_eq!(head.start_line, "HTTP/1.1 201 Created");
        assert_eq!(read_body(&mut reader, &head, false).expect("sized"), b"xyz");
    }
}
