//! Microsoft 365 addresses as the mapping accepts them: a simple but real check (one `@`, a local part,
//! a dotted domain, no spaces or control characters) and the lowercase form addresses are compared in.
//! Does not ask the directory whether the mailbox exists; that check comes later, against Microsoft Graph.

use crate::text;
use crate::Text;

/// The longest address SMTP allows (RFC 5321 path limit).
const MAX_ADDRESS_CHARS: usize = 254;

/// Why text is not a usable address; `text` says it in words for the admin ("has no @"), as the end of a
/// sentence that names the address first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressFault {
    NoAt,
    SeveralAts,
    NoLocalPart,
    NoDomain,
    DomainWithoutDot,
    BadDomain,
    Whitespace,
    ControlCharacter,
    TooLong,
}

impl AddressFault {
    /// What is wrong, as the end of a sentence whose subject is the address: "has no @".
    pub fn text(&self) -> Text {
        match self {
            AddressFault::NoAt => text!("mapping.address.no_at", "has no @"),
            AddressFault::SeveralAts => text!("mapping.address.several_ats", "has more than one @"),
            AddressFault::NoLocalPart => text!("mapping.address.no_local_part", "has nothing before the @"),
            AddressFault::NoDomain => text!("mapping.address.no_domain", "has nothing after the @"),
            AddressFault::DomainWithoutDot => text!(
                "mapping.address.domain_without_dot",
                "has a domain without a dot (expected e.g. contoso.com)"
            ),
            AddressFault::BadDomain => text!(
                "mapping.address.bad_domain",
                "has a domain with an empty part or a character domains cannot contain"
            ),
            AddressFault::Whitespace => text!("mapping.address.whitespace", "contains a space"),
            AddressFault::ControlCharacter => {
                text!("mapping.address.control_character", "contains an invisible control character")
            }
            AddressFault::TooLong => {
                text!("mapping.address.too_long", "is longer than the 254 characters an address may have")
            }
        }
    }

    /// The whole sentence: "the address has no @".
    pub fn sentence(&self) -> Text {
        text!("mapping.address.fault", "the address {fault}", fault = self.text())
    }
}

impl std::fmt::Display for AddressFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sentence().message)
    }
}

/// Checks `raw` (already trimmed) and returns it lowercased.
pub fn normalize_address(raw: &str) -> Result<String, AddressFault> {
    if raw.chars().count() > MAX_ADDRESS_CHARS {
        return Err(AddressFault::TooLong);
    }
    if raw.chars().any(char::is_control) {
        return Err(AddressFault::ControlCharacter);
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(AddressFault::Whitespace);
    }
    let mut parts = raw.split('@');
    let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => (local, domain),
        (Some(_), None, _) | (None, _, _) => return Err(AddressFault::NoAt),
        (Some(_), Some(_), Some(_)) => return Err(AddressFault::SeveralAts),
    };
    if local.is_empty() {
        return Err(AddressFault::NoLocalPart);
    }
    if domain.is_empty() {
        return Err(AddressFault::NoDomain);
    }
    if !domain.contains('.') {
        return Err(AddressFault::DomainWithoutDot);
    }
    let label_is_sound = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !domain.split('.').all(label_is_sound) {
        return Err(AddressFault::BadDomain);
    }
    Ok(raw.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_addresses_are_lowercased() {
        assert_eq!(normalize_address("Alice.Smith@Contoso.com").as_deref(), Ok("alice.smith@contoso.com"));
        assert_eq!(
            normalize_address("o'brien+chat@mail.contoso.co.uk").as_deref(),
            Ok("o'brien+chat@mail.contoso.co.uk")
        );
    }

    #[test]
    fn each_fault_is_named() {
        let cases = [
            ("alice.contoso.com", AddressFault::NoAt),
            ("alice@@contoso.com", AddressFault::SeveralAts),
            ("@contoso.com", AddressFault::NoLocalPart),
            ("alice@", AddressFault::NoDomain),
            ("alice@contoso", AddressFault::DomainWithoutDot),
            ("alice@contoso..com", AddressFault::BadDomain),
            ("alice@contoso.com.", AddressFault::BadDomain),
            ("alice@con_toso.com", AddressFault::BadDomain),
            ("alice smith@contoso.com", AddressFault::Whitespace),
            ("alice\u{7}@contoso.com", AddressFault::ControlCharacter),
        ];
        for (raw, fault) in cases {
            assert_eq!(normalize_address(raw), Err(fault), "{raw:?}");
        }
        assert_eq!(
            normalize_address(&format!("{}@contoso.com", "a".repeat(300))),
            Err(AddressFault::TooLong)
        );
    }
}
