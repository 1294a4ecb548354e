//! OAuth 1.0a request signing (HMAC-SHA1) exactly as RFC 5849 §3.4 and X's "Creating a signature" page define
//! it: RFC 3986 percent-encoding, the query and form-body parameters with the `oauth_*` ones in the base
//! string, and a fresh nonce and timestamp for every request. It signs; it sends nothing and keeps no secret.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::distributions::Alphanumeric;
use rand::Rng;
use sha1::Sha1;

use crate::secrets::Sensitive;

/// The four credentials X's docs name: API key and secret (the consumer), access token and its secret.
/// They never print: `Debug` shows only that they are present.
#[derive(Clone)]
pub struct XCredentials {
    pub api_key: Sensitive<String>,
    pub api_secret: Sensitive<String>,
    pub access_token: Sensitive<String>,
    pub access_token_secret: Sensitive<String>,
}

impl std::fmt::Debug for XCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("XCredentials { <four secrets redacted> }")
    }
}

/// The per-request values OAuth 1.0a requires to be fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    pub nonce: String,
    pub timestamp: u64,
}

impl Freshness {
    /// A random 32-character alphanumeric nonce and the current Unix time.
    pub fn now() -> Freshness {
        let nonce: String = rand::thread_rng().sample_iter(&Alphanumeric).take(32).map(char::from).collect();
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        Freshness { nonce, timestamp }
    }
}

/// RFC 3986 §2.1 percent-encoding as RFC 5849 §3.6 requires: every byte except the unreserved characters
/// `A-Z a-z 0-9 - . _ ~` becomes `%XX` with uppercase hex.
pub fn percent_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// The base string URI (RFC 5849 §3.4.1.2): lowercase scheme and host, the port only when it is not the
/// scheme's default, and the path; no query or fragment.
pub fn base_string_uri(url: &url::Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default().to_ascii_lowercase());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(if url.path().is_empty() { "/" } else { url.path() });
    out
}

/// The signature base string (RFC 5849 §3.4.1): `METHOD&uri&params`, where params are every request
/// parameter and `oauth_*` parameter (never `oauth_signature`), each name and value percent-encoded,
/// sorted by name then value, joined with `=` and `&`, and the whole encoded again.
pub fn signature_base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "oauth_signature")
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    encoded.sort();
    let joined = encoded.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&");
    format!("{}&{}&{}", method.to_ascii_uppercase(), percent_encode(base_uri), percent_encode(&joined))
}

/// HMAC-SHA1 of the base string with the key `consumer_secret&token_secret` (both encoded), in base64.
pub fn hmac_sha1_signature(base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!("{}&{}", percent_encode(consumer_secret), percent_encode(token_secret));
    // HMAC accepts keys of any length, so this cannot fail; an empty signature would be refused anyway.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(base_string.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `oauth_*` parameters of one request, signature included, in the order they are sent.
pub fn oauth_parameters(
    method: &str,
    url: &url::Url,
    body_params: &[(String, String)],
    credentials: &XCredentials,
    fresh: &Freshness,
) -> Vec<(String, String)> {
    let mut oauth = vec![
        ("oauth_consumer_key".to_string(), credentials.api_key.expose().clone()),
        ("oauth_nonce".to_string(), fresh.nonce.clone()),
        ("oauth_signature_method".to_string(), "HMAC-SHA1".to_string()),
        ("oauth_timestamp".to_string(), fresh.timestamp.to_string()),
        ("oauth_token".to_string(), credentials.access_token.expose().clone()),
        ("oauth_version".to_string(), "1.0".to_string()),
    ];
    let mut all: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    all.extend(body_params.iter().cloned());
    all.extend(oauth.iter().cloned());
    let base = signature_base_string(method, &base_string_uri(url), &all);
    let signature =
        hmac_sha1_signature(&base, credentials.api_secret.expose(), credentials.access_token_secret.expose());
    oauth.insert(2, ("oauth_signature".to_string(), signature));
    oauth
}

/// The `Authorization: OAuth …` header value (RFC 5849 §3.5.1). It names the access token, so it is
/// returned as `Sensitive` and must be marked sensitive on the request.
pub fn authorization_header(
    method: &str,
    url: &url::Url,
    body_params: &[(String, String)],
    credentials: &XCredentials,
    fresh: &Freshness,
) -> Sensitive<String> {
    let params = oauth_parameters(method, url, body_params, credentials, fresh);
    let fields = params
        .iter()
        .map(|(name, value)| format!("{}=\"{}\"", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join(", ");
    Sensitive::new(format!("OAuth {fields}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented_credentials() -> XCredentials {
        XCredentials {
            api_key: Sensitive::new("xvz1evFS4wEEPTGEFPHBog".into()),
            api_secret: Sensitive::new("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw".into()),
            access_token: Sensitive::new("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb".into()),
            access_token_secret: Sensitive::new("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE".into()),
        }
    }

    /// X's "Creating a signature" example: POST statuses/update with `include_entities=true` in the query
    /// and `status` in the form body. The page's published signature is for the `api.twitter.com` host.
    #[test]
    fn the_documented_signature_test_vector_passes() -> Result<(), url::ParseError> {
        let url = url::Url::parse("https://api.twitter.com/1.1/statuses/update.json?include_entities=true")?;
        let body = [("status".to_string(), "Hello Ladies + Gentlemen, a signed OAuth request!".to_string())];
        let fresh =
            Freshness { nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg".into(), timestamp: 1318622958 };
        let credentials = documented_credentials();
        let params = oauth_parameters("POST", &url, &body, &credentials, &fresh);
        let signature = params.iter().find(|(name, _)| name == "oauth_signature").map(|(_, v)| v.as_str());
        assert_eq!(signature, Some("hCtSmYh+iHYCEqBWrE7C7hYmtUk="));

        let mut all: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        all.extend(body.iter().cloned());
        all.extend(params.iter().filter(|(n, _)| n != "oauth_signature").cloned());
        let base = signature_base_string("POST", &base_string_uri(&url), &all);
        assert_eq!(
            base,
            "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26\
             oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\
             %26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-\
             GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B\
             %2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        );

        let header = authorization_header("POST", &url, &body, &credentials, &fresh);
        assert!(header.expose().contains("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\""));
        assert!(header.expose().starts_with("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\""));
        Ok(())
    }

    #[test]
    fn percent_encoding_follows_rfc_3986() {
        assert_eq!(percent_encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(percent_encode("An encoded string!"), "An%20encoded%20string%21");
        assert_eq!(percent_encode("Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
        assert_eq!(percent_encode("☃"), "%E2%98%83");
        assert_eq!(percent_encode("a-b.c_d~e"), "a-b.c_d~e");
    }

    #[test]
    fn the_base_uri_keeps_only_a_non_default_port() -> Result<(), url::ParseError> {
        let url = url::Url::parse("HTTP://Example.COM:80/r%20v/X?id=123")?;
        assert_eq!(base_string_uri(&url), "http://example.com/r%20v/X");
        let url = url::Url::parse("http://127.0.0.1:8080/2/users/me")?;
        assert_eq!(base_string_uri(&url), "http://127.0.0.1:8080/2/users/me");
        Ok(())
    }

    #[test]
    fn every_request_gets_a_fresh_nonce() {
        let (a, b) = (Freshness::now(), Freshness::now());
        assert_ne!(a.nonce, b.nonce);
        assert_eq!(a.nonce.len(), 32);
        assert!(format!("{:?}", documented_credentials()).contains("redacted"));
        assert!(!format!("{:?}", documented_credentials()).contains("xvz1"));
    }
}
