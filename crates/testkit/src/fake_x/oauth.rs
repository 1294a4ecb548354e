//! The fake X API's own OAuth 1.0a check, written from RFC 5849 independently of Docket's signer: it parses
//! the `Authorization: OAuth …` header, rebuilds the signature base string from the request it received, and
//! compares HMAC-SHA1 signatures. It also refuses stale timestamps and reused nonces, as X does.

use std::collections::HashSet;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// RFC 3986 unreserved characters stay; every other byte is `%XX` (uppercase).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Undoes `%XX` escapes (the header's values are percent-encoded).
fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `oauth_*` fields of an `Authorization: OAuth k="v", …` header, decoded.
pub fn parse_header(header: &str) -> Option<Vec<(String, String)>> {
    let rest = header.trim().strip_prefix("OAuth ")?;
    let mut fields = Vec::new();
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=')?;
        let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
        fields.push((decode(name.trim())?, decode(value)?));
    }
    Some(fields)
}

/// The secrets the fake knows.
pub struct Keys<'a> {
    pub consumer_key: &'a str,
    pub consumer_secret: &'a str,
    pub token: &'a str,
    pub token_secret: &'a str,
}

/// Why a request's OAuth was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoHeader,
    Malformed,
    UnknownKey,
    UnknownToken,
    UnsupportedMethod,
    StaleTimestamp,
    ReusedNonce,
    BadSignature,
}

/// Checks one request: `base_uri` is `scheme://host:port/path` as the fake serves it, `query` the decoded
/// query parameters. A nonce is remembered only when everything else is right.
pub fn verify(
    method: &str,
    base_uri: &str,
    query: &[(String, String)],
    header: Option<&str>,
    keys: &Keys<'_>,
    now: u64,
    nonces: &mut HashSet<String>,
) -> Result<(), Refusal> {
    let fields = parse_header(header.ok_or(Refusal::NoHeader)?).ok_or(Refusal::Malformed)?;
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    if field("oauth_consumer_key") != Some(keys.consumer_key) {
        return Err(Refusal::UnknownKey);
    }
    if field("oauth_token") != Some(keys.token) {
        return Err(Refusal::UnknownToken);
    }
    if field("oauth_signature_method") != Some("HMAC-SHA1")
        || field("oauth_version").is_some_and(|v| v != "1.0")
    {
        return Err(Refusal::UnsupportedMethod);
    }
    let timestamp: u64 = field("oauth_timestamp").and_then(|t| t.parse().ok()).ok_or(Refusal::Malformed)?;
    if timestamp.abs_diff(now) > 300 {
        return Err(Refusal::StaleTimestamp);
    }
    let nonce = field("oauth_nonce").filter(|n| !n.is_empty()).ok_or(Refusal::Malformed)?;
    let signature = field("oauth_signature").ok_or(Refusal::Malformed)?;

    let mut params: Vec<(String, String)> = query
        .iter()
        .chain(fields.iter().filter(|(name, _)| name != "oauth_signature" && name != "realm"))
        .map(|(n, v)| (encode(n), encode(v)))
        .collect();
    params.sort();
    let normalized = params.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&");
    let base = format!("{method}&{}&{}", encode(base_uri), encode(&normalized));
    let key = format!("{}&{}", encode(keys.consumer_secret), encode(keys.token_secret));
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).map_err(|_| Refusal::Malformed)?;
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected != signature {
        return Err(Refusal::BadSignature);
    }
    if !nonces.insert(format!("{timestamp}:{nonce}")) {
        return Err(Refusal::ReusedNonce);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fake agrees with X's documented example, computed by this module alone.
    #[test]
    fn the_documented_example_verifies() {
        let keys = Keys {
            consumer_key: "xvz1evFS4wEEPTGEFPHBog",
            consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            token_secret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        };
        let header = "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
            oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
            oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", \
            oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
            oauth_version=\"1.0\"";
        let params = vec![
            ("include_entities".to_string(), "true".to_string()),
            ("status".to_string(), "Hello Ladies + Gentlemen, a signed OAuth request!".to_string()),
        ];
        let mut nonces = HashSet::new();
        let uri = "https://api.twitter.com/1.1/statuses/update.json";
        assert_eq!(verify("POST", uri, &params, Some(header), &keys, 1318622958, &mut nonces), Ok(()));
        assert_eq!(
            verify("POST", uri, &params, Some(header), &keys, 1318622958, &mut nonces),
            Err(Refusal::ReusedNonce)
        );
        let tampered = header.replace("hCtSmYh", "hCtSmYi");
        assert_eq!(
            verify("POST", uri, &params, Some(&tampered), &keys, 1318622958, &mut HashSet::new()),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify("POST", uri, &params, Some(header), &keys, 1318622958 + 301, &mut HashSet::new()),
            Err(Refusal::StaleTimestamp)
        );
    }
}
