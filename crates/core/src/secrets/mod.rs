//! PLACEHOLDER
#[derive(Debug, thiserror::Error)]
pub enum SecretError { #[error("keychain")] Unavailable }
