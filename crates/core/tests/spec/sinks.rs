//! Spec: sinks. Both real sinks write create-only under `<mailbox>/<folder>/<key>.eml`: the same bytes
//! again are "already present", different bytes are a conflict that leaves the original alone, and errors
//! tell the admin what to do without ever showing a secret. The blob sink is tested against Azurite.

mod blob_sink;
mod dir_sink;
mod storage_credentials;

use docket_core::sinks::Envelope;
use docket_core::sources::sha256_hex;

/// An envelope's owned parts, so tests can build one and vary a field.
pub struct Message {
    pub mailbox: String,
    pub folder: String,
    pub key: String,
    pub source_id: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// The source-record digest the message carries (`X-Docket-Record-SHA256`), or empty.
    pub record: String,
}

impl Message {
    pub fn new(key: &str, body: &str) -> Message {
        let bytes = format!("Subject: {key}\r\n\r\n{body}\r\n").into_bytes();
        Message {
            mailbox: "alice@contoso.com".into(),
            folder: "WhatsApp Archiver".into(),
            key: key.into(),
            source_id: "chat 7/Zoë".into(),
            sha256: sha256_hex(&bytes),
            bytes,
            record: String::new(),
        }
    }

    /// A message carrying the source-record digest `record`, with `body` as its (rendered) content: two
    /// bodies with one record are the same source message rendered differently.
    pub fn with_record(key: &str, record: &str, body: &str) -> Message {
        let bytes =
            format!("Subject: {key}\r\nX-Docket-Record-SHA256: {record}\r\n\r\n{body}\r\n").into_bytes();
        Message { sha256: sha256_hex(&bytes), bytes, record: record.into(), ..Message::new(key, body) }
    }

    pub fn envelope(&self) -> Envelope<'_> {
        Envelope {
            mailbox: &self.mailbox,
            folder: &self.folder,
            key: &self.key,
            source: "whatsapp",
            source_id: &self.source_id,
            bytes: &self.bytes,
            sha256: &self.sha256,
            record_sha256: &self.record,
            look_first: false,
        }
    }
}
