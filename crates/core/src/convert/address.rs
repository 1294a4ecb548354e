//! Who an email is from and to: the Microsoft 365 mailbox the mapping named a participant by, else its own
//! email address when it is a plain, valid one, otherwise a stable `.invalid` identity built from its phone,
//! handle or name; and the source's system identity for lines with no sender. Deciding the mailboxes is
//! `mapping`'s job, not this one's.

use std::borrow::Cow;

use mail_builder::headers::address::Address;
use sha2::{Digest, Sha256};

use super::headers::{header_text, source_label};
use crate::model::{Item, Participant, SourceKind};

/// Longest local part RFC 5321 allows.
const MAX_LOCAL_PART: usize = 64;

/// True when the source named nobody: WhatsApp's "Messages are end-to-end encrypted", a Telegram service
/// line with no actor. Sources write such senders as an empty `Participant`.
pub(super) fn is_system(participant: &Participant) -> bool {
    participant.display_name.trim().is_empty()
        && participant.phone.as_deref().is_none_or(|p| p.trim().is_empty())
        && participant.email.as_deref().is_none_or(|e| e.trim().is_empty())
        && participant.handle.as_deref().is_none_or(|h| h.trim().is_empty())
}

/// How the sender is named in a Subject, or `None` for the system.
pub(super) fn sender_label(sender: &Participant) -> Option<&str> {
    if is_system(sender) {
        return None;
    }
    [
        Some(sender.display_name.as_str()),
        sender.handle.as_deref(),
        sender.phone.as_deref(),
        sender.email.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|s| !s.is_empty())
}

/// The From mailbox.
pub(super) fn sender_mailbox(item: &Item) -> Address<'_> {
    mailbox(&item.sender, item.source)
}

/// The To mailboxes: the recipients, or the sender when the source names none.
pub(super) fn recipient_mailboxes(item: &Item) -> Address<'_> {
    if item.recipients.is_empty() {
        return sender_mailbox(item);
    }
    Address::new_list(item.recipients.iter().map(|r| mailbox(r, item.source)).collect())
}

fn mailbox(participant: &Participant, source: SourceKind) -> Address<'_> {
    if is_system(participant) {
        let label = source_label(source);
        return Address::new_address(Some(label), format!("system@{}", source.identity_domain()));
    }
    let name = header_text(&participant.display_name);
    let name = (!name.is_empty()).then_some(name);
    let email = match participant.mailbox.as_deref().and_then(plain_email) {
        Some(mailbox) => Cow::Borrowed(mailbox),
        None => source_identity(participant, source),
    };
    Address::new_address(name, email)
}

/// The address the source itself gives a participant: its own plain email, else the `.invalid` identity.
fn source_identity(participant: &Participant, source: SourceKind) -> Cow<'_, str> {
    match participant.email.as_deref().and_then(plain_email) {
        Some(email) => Cow::Borrowed(email),
        None => Cow::Owned(invalid_identity(participant, source)),
    }
}

/// For a participant the mapping names by a mailbox, the source identity that mailbox stands in for (kept
/// in `X-Docket-Sender-Identity` / `X-Docket-Recipient-Identity`); `None` for everyone else.
pub(super) fn replaced_identity(participant: &Participant, source: SourceKind) -> Option<Cow<'_, str>> {
    if is_system(participant) {
        return None;
    }
    let mailbox = participant.mailbox.as_deref().and_then(plain_email)?;
    let identity = source_identity(participant, source);
    (!identity.eq_ignore_ascii_case(mailbox)).then_some(identity)
}

/// `email` trimmed, when it is a plain `local@domain` address that needs no quoting: ASCII `atext` and
/// single dots in the local part, letters, digits, hyphens and single dots in the domain.
fn plain_email(email: &str) -> Option<&str> {
    let email = email.trim();
    let (local, domain) = email.split_once('@')?;
    let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
    let dot_atom = |part: &str, allowed: &dyn Fn(u8) -> bool| {
        !part.is_empty() && part.split('.').all(|label| !label.is_empty() && label.bytes().all(allowed))
    };
    let domain_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    (local.len() <= MAX_LOCAL_PART
        && domain.len() <= 255
        && dot_atom(local, &atext)
        && dot_atom(domain, &domain_char))
    .then_some(email)
}

/// `+15550100@whatsapp.invalid` from a phone, `handle@telegram.invalid` from a handle, else a slug of
/// the display name (or a digest of it when no ASCII letter or digit survives).
fn invalid_identity(participant: &Participant, source: SourceKind) -> String {
    let domain = source.identity_domain();
    let local = participant
        .phone
        .as_deref()
        .and_then(phone_local_part)
        .or_else(|| participant.handle.as_deref().and_then(handle_local_part))
        .unwrap_or_else(|| name_local_part(&participant.display_name));
    let mut address = String::with_capacity(local.len() + 1 + domain.len());
    address.push_str(&local);
    address.push('@');
    address.push_str(domain);
    address
}

/// Digits, with the leading `+` when the number has one.
fn phone_local_part(phone: &str) -> Option<String> {
    let phone = phone.trim();
    let mut local = String::with_capacity(phone.len());
    if phone.starts_with('+') {
        local.push('+');
    }
    local.extend(phone.chars().filter(char::is_ascii_digit).take(MAX_LOCAL_PART - 1));
    (local.len() > usize::from(local.starts_with('+'))).then_some(local)
}

/// The handle without a leading `@`, kept to `[A-Za-z0-9._+-]`, with no leading, trailing or double dots.
fn handle_local_part(handle: &str) -> Option<String> {
    let mut local = String::with_capacity(handle.len());
    for c in handle.trim().trim_start_matches('@').chars() {
        if local.len() == MAX_LOCAL_PART {
            break;
        }
        match c {
            '.' if local.is_empty() || local.ends_with('.') => {}
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '_' | '+' | '-' => local.push(c),
            _ => {}
        }
    }
    while local.ends_with('.') {
        local.pop();
    }
    (!local.is_empty()).then_some(local)
}

/// `alice-smith` from "Alice Smith"; `participant-<digest>` when the name has no ASCII letters or digits.
fn name_local_part(name: &str) -> String {
    let mut slug = String::with_capacity(name.len().min(MAX_LOCAL_PART));
    for c in name.chars() {
        if slug.len() == MAX_LOCAL_PART {
            break;
        }
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        let digest = hex::encode(Sha256::digest(name.trim().as_bytes()));
        slug.push_str("participant-");
        slug.push_str(digest.get(..16).unwrap_or(&digest));
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_addresses_count_as_email() {
        assert_eq!(plain_email(" alice@example.com "), Some("alice@example.com"));
        assert_eq!(plain_email("a.b+c@mail.example.org"), Some("a.b+c@mail.example.org"));
        for bad in
            ["", "alice", "a@b@c", "a b@c.com", "a@b.com\r\nBcc: x", ".a@b.com", "a@b..com", "a<@b.com"]
        {
            assert_eq!(plain_email(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn identities_come_from_phone_then_handle_then_name() {
        assert_eq!(phone_local_part("+1 (555) 010-0").as_deref(), Some("+15550100"));
        assert_eq!(phone_local_part("+ --"), None);
        assert_eq!(handle_local_part("@..jo hn.\r\n.doe..").as_deref(), Some("john.doe"));
        assert_eq!(name_local_part("  Alice   Smith! "), "alice-smith");
        assert!(name_local_part("Алиса").starts_with("participant-"));
        assert_ne!(name_local_part("Алиса"), name_local_part("Борис"));
    }
}
