//! The metadata Docket stores on each blob (`source`, `source_id`, `sha256`, `mailbox`) and its value
//! encoding. Blob metadata travels as HTTP headers, so values must be plain ASCII: anything else is
//! percent-encoded as UTF-8 (`+44 7700` becomes `+44%207700`). It does not read or write blobs.

use azure_core::request_options::Metadata;

use crate::sinks::Envelope;

pub const META_SOURCE: &str = "source";
pub const META_SOURCE_ID: &str = "source_id";
pub const META_SHA256: &str = "sha256";
pub const META_MAILBOX: &str = "mailbox";

/// The metadata written with an envelope's blob.
pub(super) fn for_envelope(envelope: &Envelope<'_>) -> Metadata {
    let mut metadata = Metadata::new();
    metadata.insert(META_SOURCE, encode_metadata_value(envelope.source));
    metadata.insert(META_SOURCE_ID, encode_metadata_value(envelope.source_id));
    metadata.insert(META_SHA256, encode_metadata_value(envelope.sha256));
    metadata.insert(META_MAILBOX, encode_metadata_value(envelope.mailbox));
    metadata
}

/// Keeps ASCII letters, digits and `-._~@+`; percent-encodes every other byte of the UTF-8 text.
pub fn encode_metadata_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@' | b'+') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Reverses `encode_metadata_value`. Text that is not valid percent-encoding is returned as it is.
pub fn decode_metadata_value(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = match (byte, bytes.get(index + 1), bytes.get(index + 2)) {
            (b'%', Some(&high), Some(&low)) => hex_value(high).zip(hex_value(low)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match escaped {
            Some(value) => {
                decoded.push(value);
                index += 3;
            }
            None => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|_| value.to_string())
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_metadata_is_percent_encoded_and_round_trips() {
        for value in ["alice@contoso.com", "+44 7700 900123", "Zoë 🙂", "a%b", "chat/42:7"] {
            let encoded = encode_metadata_value(value);
            assert!(encoded.bytes().all(|b| b.is_ascii_graphic()), "{encoded}");
            assert_eq!(decode_metadata_value(&encoded), value);
        }
        assert_eq!(encode_metadata_value("alice@contoso.com"), "alice@contoso.com");
        assert_eq!(encode_metadata_value("+44 7700"), "+44%207700");
    }

    #[test]
    fn malformed_escapes_are_kept_verbatim() {
        assert_eq!(decode_metadata_value("100%"), "100%");
        assert_eq!(decode_metadata_value("%zz"), "%zz");
    }
}
