//! Digests every layer shares (a leaf: it imports nothing of Docket's): the SHA-256 that names a rendered
//! message in the ledger, in blob metadata and on a Graph message. Sources, sinks and the pipeline all use
//! it, so it lives below them.

use sha2::{Digest, Sha256};

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
