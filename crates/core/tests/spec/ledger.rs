//! Spec: ledger.
