//! PLACEHOLDER
#[derive(Debug, thiserror::Error)]
pub enum LedgerError { #[error("ledger")] X }
