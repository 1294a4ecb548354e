//! Turns `azure_core` errors into `SinkError`s an admin can act on, with the right permanence for the
//! pipeline's retry policy. Nothing it produces carries a URL, SAS token or key: HTTP failures are reported
//! by status and storage error code, transport failures by cause, and any free text is scrubbed. It does not
//! decide what a 409 on a create-only write means; `BlobSink::put` does.

use std::error::Error as StdError;

use azure_core::error::ErrorKind;

use crate::sinks::SinkError;
use crate::{text, Text};

/// The HTTP status and storage error code (`BlobAlreadyExists`, `AuthenticationFailed`…) of a failed call.
pub(super) fn http_status(error: &azure_core::Error) -> Option<(u16, Option<&str>)> {
    match error.kind() {
        ErrorKind::HttpResponse { status, error_code } => Some((u16::from(*status), error_code.as_deref())),
        _ => None,
    }
}

/// Maps a failed call on `name` (a blob or the container) against `endpoint` (`scheme://host:port`).
pub(super) fn classify(error: &azure_core::Error, name: &str, endpoint: &str) -> SinkError {
    let name = name.to_string();
    if let Some((status, code)) = http_status(error) {
        let code_text = code.map(scrub).unwrap_or_default();
        let answer = if code_text.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status} {code_text}")
        };
        return match status {
            401 | 403 => SinkError::Auth {
                detail: Text::verbatim(if code_text.is_empty() { answer } else { code_text }),
            },
            408 | 429 | 500..=599 => SinkError::Transient { name, detail: Text::verbatim(answer) },
            404 if code == Some("ContainerNotFound") => SinkError::Other {
                name,
                detail: text!(
                    "sink.blob.container_not_found",
                    "{answer}: the container does not exist; run again so Docket creates it, or check the \
                     container name",
                    answer = answer
                ),
            },
            _ => SinkError::Other { name, detail: Text::verbatim(answer) },
        };
    }
    if let Some(transport) = find_in_chain::<reqwest::Error>(error) {
        let cause = innermost_cause(transport);
        if transport.is_timeout() {
            return SinkError::Unreachable {
                endpoint: endpoint.to_string(),
                detail: text!("sink.blob.no_answer", "no answer in time"),
            };
        }
        if transport.is_connect() {
            return SinkError::Unreachable { endpoint: endpoint.to_string(), detail: cause };
        }
        // The connection broke mid-request (reset, closed early, body cut short): worth another try.
        return SinkError::Transient {
            name,
            detail: text!("sink.blob.connection_broke", "the connection failed: {cause}", cause = cause),
        };
    }
    match error.kind() {
        ErrorKind::Io => SinkError::Transient {
            name,
            detail: text!("sink.blob.connection_failed", "the connection failed"),
        },
        ErrorKind::Credential => SinkError::Auth {
            detail: text!(
                "sink.blob.cannot_sign",
                "the account key could not sign the request; copy the key again"
            ),
        },
        ErrorKind::DataConversion => SinkError::Other {
            name,
            detail: text!(
                "sink.blob.unreadable_answer",
                "the storage service sent an answer Docket could not read"
            ),
        },
        _ => SinkError::Other { name, detail: text!("sink.blob.call_failed", "the storage call failed") },
    }
}

/// The first error of type `T` in `error`'s source chain.
fn find_in_chain<T: StdError + 'static>(error: &azure_core::Error) -> Option<&T> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The root cause of a transport error, e.g. "connection refused" or a DNS failure. A `reqwest::Error`'s
/// own text names the URL (with any SAS), so only its sources are read, and those are scrubbed too.
fn innermost_cause(transport: &reqwest::Error) -> Text {
    let mut current = transport.source();
    let mut last = None;
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return text!("sink.blob.connection_refused", "connection refused")
                }
                std::io::ErrorKind::ConnectionReset => {
                    return text!("sink.blob.connection_reset", "connection reset")
                }
                std::io::ErrorKind::TimedOut => return text!("sink.blob.timed_out", "timed out"),
                _ => {}
            }
        }
        last = Some(e);
        current = e.source();
    }
    match last {
        Some(e) => Text::verbatim(scrub(&e.to_string())),
        None => text!("sink.blob.unknown_network_error", "unknown network error"),
    }
}

/// Drops anything that could be a URL or a SAS parameter from text that came from outside.
pub(super) fn scrub(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let risky = lower.contains("://")
                || lower.contains('?')
                || lower.contains("sig=")
                || lower.contains("sv=")
                || lower.contains("accountkey");
            if risky {
                "<removed>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_urls_and_signatures() {
        let text =
            "error sending request for url (https://a.blob.core.windows.net/c?sv=1&sig=abc) sig=xyz ok";
        let scrubbed = scrub(text);
        assert!(!scrubbed.contains("sig"), "{scrubbed}");
        assert!(!scrubbed.contains("https"), "{scrubbed}");
        assert!(scrubbed.ends_with("ok"));
    }

    #[test]
    fn forbidden_and_throttled_answers_are_classified_by_status() {
        let forbidden = azure_core::Error::new(
            ErrorKind::http_response(azure_core::StatusCode::Forbidden, Some("AuthenticationFailed".into())),
            "https://acct.blob.core.windows.net/c?sig=SECRET",
        );
        match classify(&forbidden, "c", "https://acct.blob.core.windows.net:443") {
            SinkError::Auth { detail } => assert_eq!(detail.message, "AuthenticationFailed"),
            other => panic!("expected Auth, got {other:?}"),
        }
        let busy = azure_core::Error::from(ErrorKind::http_response(
            azure_core::StatusCode::ServiceUnavailable,
            Some("ServerBusy".into()),
        ));
        assert!(matches!(classify(&busy, "b", "e"), SinkError::Transient { .. }));
        let md5 = azure_core::Error::from(ErrorKind::http_response(
            azure_core::StatusCode::BadRequest,
            Some("Md5Mismatch".into()),
        ));
        match classify(&md5, "b", "e") {
            SinkError::Other { detail, .. } => assert!(detail.message.contains("Md5Mismatch")),
            other => panic!("expected Other, got {other:?}"),
        }
    }
}
