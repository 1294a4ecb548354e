//! The digest of one source record as read (`Item::record_digest`), computed over a canonical form of
//! the message's JSON so that it does not depend on key order, whitespace or how serde_json was built.
//! It does not decide which records are digested; `record` does.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// SHA-256 of the record's canonical JSON.
pub(super) fn record_digest(value: &Value) -> [u8; 32] {
    Sha256::digest(canonical_json(value)).into()
}

/// The record as bytes that do not depend on key order or whitespace in the file, nor on how
/// serde_json was built: object keys sorted, no spaces.
fn canonical_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (n, (key, member)) in entries.into_iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(Value::String(key.clone()).to_string().as_bytes());
                out.push(b':');
                write_canonical(member, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        leaf => out.extend_from_slice(leaf.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_and_whitespace_do_not_change_the_digest() {
        let a: Value = serde_json::from_str(r#"{"id": 1, "text": ["a", {"type": "bold", "text": "b"}]}"#)
            .unwrap_or_default();
        let b: Value =
            serde_json::from_str(r#"{"text":["a",{"text":"b","type":"bold"}],"id":1}"#).unwrap_or_default();
        assert_eq!(canonical_json(&a), br#"{"id":1,"text":["a",{"text":"b","type":"bold"}]}"#);
        assert_eq!(record_digest(&a), record_digest(&b));
    }
}
