//! Sinks: where rendered messages are stored. A sink writes create-only under a deterministic name and
//! reports whether it created the object or found it already there. It never overwrites, and it knows
//! nothing about mapping or the ledger.
//!
//! What counts as "already there" is one rule for every sink (`judge_existing`): the same bytes, or the same
//! source record (`X-Docket-Record-SHA256`) rendered differently. The rendered bytes of an item depend on
//! more than its source record: the mapping puts participants' Microsoft 365 addresses in From/To, and a
//! newer Docket may add a header. Such a change must never turn a create-only target's stored copy into a
//! conflict, nor replace it: the stored copy is kept as it is and reported with its own digest. Only an
//! object holding another record under the same key is a `Conflict`.

pub mod azure_blob;
pub mod dir;
pub mod graph;

use std::path::PathBuf;

use crate::error::Code;

/// One rendered message bound for one mailbox.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    /// The lowercase Microsoft 365 address the message belongs to.
    pub mailbox: &'a str,
    /// The mailbox folder (`WhatsApp Archiver`, ...).
    pub folder: &'a str,
    /// The item's deterministic key; the object is named `<mailbox>/<folder>/<key>.eml`.
    pub key: &'a str,
    pub source: &'a str,
    pub source_id: &'a str,
    pub bytes: &'a [u8],
    /// SHA-256 of `bytes`, lowercase hex.
    pub sha256: &'a str,
    /// The item's source-record digest (its `X-Docket-Record-SHA256` header), lowercase hex.
    pub record_sha256: &'a str,
    /// Look for the object before writing it: the ledger has tried this item for this mailbox before, knows
    /// nothing of this mailbox yet, or an earlier attempt of this run ended ambiguously. Targets whose
    /// writes are create-only by name (blob, dir) may ignore it; Graph, which names nothing, uses it.
    pub look_first: bool,
}

impl Envelope<'_> {
    /// The object's path relative to the sink's root.
    pub fn object_name(&self) -> String {
        object_name(self.mailbox, self.folder, self.key)
    }
}

/// `<mailbox>/<folder>/<key>.eml`: the one naming rule shared by every sink and by `verify`.
pub fn object_name(mailbox: &str, folder: &str, key: &str) -> String {
    format!("{mailbox}/{folder}/{key}.eml")
}

/// What a create-only write found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The object did not exist and now holds the bytes.
    Created,
    /// The object already held exactly these bytes (same digest).
    AlreadyPresent,
    /// The object already held the same source record rendered differently (the mapping or Docket's
    /// rendering changed since it was written). It is kept as it is; `stored_sha256` is its digest.
    SameRecord { stored_sha256: String },
}

impl Written {
    /// True when the object was there before this write (as the same bytes or the same record).
    pub fn was_present(&self) -> bool {
        !matches!(self, Written::Created)
    }

    /// The digest of what the target now holds for this envelope.
    pub fn stored_sha256<'a>(&'a self, envelope: &'a Envelope<'_>) -> &'a str {
        match self {
            Written::SameRecord { stored_sha256 } => stored_sha256,
            _ => envelope.sha256,
        }
    }
}

/// The `X-Docket-Record-SHA256` a stored message carries, read from its header block only (mail-parser, as
/// the Graph route reads messages back).
pub fn stored_record_digest(message: &[u8]) -> Option<String> {
    let headers = mail_parser::MessageParser::default().parse_headers(message)?;
    let value = headers.header_raw("X-Docket-Record-SHA256")?.trim().to_ascii_lowercase();
    (!value.is_empty()).then_some(value)
}

/// What an object already stored under `name` means for a write of `new_sha256` (whose source record digest
/// is `new_record`), given the stored object's digest and the record digest it carries: the same bytes are
/// `AlreadyPresent`, the same record rendered differently is `SameRecord`, anything else is a `Conflict`.
pub fn judge_existing(
    name: &str,
    new_sha256: &str,
    new_record: &str,
    stored_sha256: &str,
    stored_record: Option<&str>,
) -> Result<Written, SinkError> {
    if stored_sha256.eq_ignore_ascii_case(new_sha256) {
        return Ok(Written::AlreadyPresent);
    }
    match stored_record {
        Some(record) if !new_record.is_empty() && record.eq_ignore_ascii_case(new_record) => {
            Ok(Written::SameRecord { stored_sha256: stored_sha256.to_ascii_lowercase() })
        }
        _ => Err(SinkError::Conflict {
            name: name.to_string(),
            stored: stored_sha256.to_string(),
            new: new_sha256.to_string(),
        }),
    }
}

/// What a write did, with the id the target gave the object when it has one (Graph's message id), and for a
/// mailbox, the state the mailbox reports the message in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub written: Written,
    pub remote_id: Option<String>,
    pub mailbox_state: Option<MailboxState>,
}

/// A message as its mailbox holds it, read back from Graph: what compliance depends on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxState {
    pub is_draft: bool,
    /// `receivedDateTime` (RFC 3339, UTC).
    pub received: Option<String>,
    /// `sentDateTime` (RFC 3339, UTC).
    pub sent: Option<String>,
    pub internet_message_id: Option<String>,
    /// How it was created: `importMime`, `json` or `mime-draft`; `None` when found rather than created.
    pub route: Option<&'static str>,
}

/// An object found in a sink, for `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub name: String,
    /// SHA-256 recorded with the object (metadata) or computed from its bytes.
    pub sha256: Option<String>,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// `detail` fields: Docket's own words as a text, or the service's words as `Text::verbatim`.
    Auth {
        detail: crate::Text,
    },
    Unreachable {
        endpoint: String,
        detail: crate::Text,
    },
    Conflict {
        name: String,
        stored: String,
        new: String,
    },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Transient {
        name: String,
        detail: crate::Text,
    },
    Other {
        name: String,
        detail: crate::Text,
    },
    Config(crate::Text),
    GraphAuth {
        detail: crate::Text,
    },
    MailboxNotFound {
        mailbox: String,
        detail: crate::Text,
    },
    MailboxRefused {
        mailbox: String,
        detail: crate::Text,
    },
    Graph {
        name: String,
        detail: crate::Text,
        transient: bool,
    },
}

impl SinkError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            SinkError::Auth { detail } => text!(
                "sink.auth",
                "the storage account refused Docket's credentials ({detail}). Check the connection string or SAS \
         in the archive copy in the wizard's Delivery step (or DOCKET_STORAGE_CONNECTION_STRING): the key may have been rotated \
         or the SAS may have expired.",
                detail = detail
            ),
            SinkError::Unreachable { endpoint, detail } => text!(
                "sink.unreachable",
                "cannot reach the storage account at {endpoint} ({detail}). Check the network and the account \
         name; Docket will retry on the next run and loses nothing.",
                endpoint = endpoint,
                detail = detail
            ),
            SinkError::Conflict { name, stored, new } => text!(
                "sink.conflict",
                "{name} already exists with different content from another source record (stored sha256 {stored}, \
         new {new}). Docket never overwrites archived data; investigate whether the stored copy was altered.",
                name = name,
                stored = stored,
                new = new
            ),
            SinkError::Io { path, source } => text!(
                "sink.io",
                "cannot write {path}: {source}. Free some disk space or fix the folder's permissions, then run again.",
                path = path,
                source = source.to_string()
            ),
            SinkError::Transient { name, detail } => text!(
                "sink.transient",
                "storage error on {name}: {detail} (temporary; Docket retries)",
                name = name,
                detail = detail
            ),
            SinkError::Other { name, detail } => text!(
                "sink.other",
                "storage error on {name}: {detail}",
                name = name,
                detail = detail
            ),
            SinkError::Config(v0) => text!(
                "sink.config",
                "the storage setting is wrong: {detail}",
                detail = v0
            ),
            SinkError::GraphAuth { detail } => text!(
                "sink.graph_auth",
                "Microsoft Graph would not let Docket in ({detail}). Check the app's tenant, client ID and secret \
         (DOCKET_CLIENT_SECRET or the keychain) and that admin consent was granted, then run again.",
                detail = detail
            ),
            SinkError::MailboxNotFound { mailbox, detail } => text!(
                "sink.mailbox_not_found",
                "{mailbox} is not a Microsoft 365 mailbox Docket can deliver to ({detail}). Fix the mapping (run \
         `docket mailboxes check`), or give the user a mailbox; the item is kept and a later run delivers it.",
                mailbox = mailbox,
                detail = detail
            ),
            SinkError::MailboxRefused { mailbox, detail } => text!(
                "sink.mailbox_refused",
                "Microsoft 365 refused Docket access to {mailbox} ({detail}). An Exchange application access policy \
         or RBAC for Applications scope leaves this mailbox out: add it to the policy's group (or remove the \
         restriction), then run again. Other mailboxes are not affected; the item is kept.",
                mailbox = mailbox,
                detail = detail
            ),
            SinkError::Graph { name, detail, .. } => text!(
                "sink.graph",
                "Microsoft Graph failed on {name}: {detail}",
                name = name,
                detail = detail
            ),
        }
    }
}

crate::display_as_text!(SinkError);

impl SinkError {
    pub fn code(&self) -> Code {
        match self {
            SinkError::Auth { .. } => Code::StorageAuth,
            SinkError::Unreachable { .. } => Code::StorageUnreachable,
            SinkError::Conflict { .. } => Code::StorageConflict,
            SinkError::Io { .. } => Code::Io,
            SinkError::Transient { .. } | SinkError::Other { .. } => Code::Storage,
            SinkError::Config(_) => Code::BadConfig,
            SinkError::GraphAuth { .. } => Code::EntraAuth,
            SinkError::MailboxNotFound { .. }
            | SinkError::MailboxRefused { .. }
            | SinkError::Graph { .. } => Code::Graph,
        }
    }

    /// Whether retrying the same write can never succeed.
    pub fn is_permanent(&self) -> bool {
        !matches!(
            self,
            SinkError::Unreachable { .. }
                | SinkError::Transient { .. }
                | SinkError::Graph { transient: true, .. }
        )
    }

    /// A short stable reason for the ledger and the `failed{reason:n}` counts.
    pub fn reason(&self) -> &'static str {
        match self {
            SinkError::Auth { .. } => "storage_auth",
            SinkError::Unreachable { .. } => "storage_unreachable",
            SinkError::Conflict { .. } => "storage_conflict",
            SinkError::Io { .. } => "io",
            SinkError::Transient { .. } | SinkError::Other { .. } => "storage",
            SinkError::Config(_) => "config",
            SinkError::GraphAuth { .. } => "graph_auth",
            SinkError::MailboxNotFound { .. } => "mailbox_not_found",
            SinkError::MailboxRefused { .. } => "mailbox_access_denied",
            SinkError::Graph { .. } => "graph",
        }
    }
}

/// A place messages are archived to. Implementations: `DirSink` (the embedded default), `BlobSink`
/// (Azure Blob Storage), `MemSink` (tests).
#[async_trait::async_trait]
pub trait Sink: Send + Sync {
    /// A stable identifier of the target for the ledger, e.g. `dir:/abs/path` or `azure:container`.
    fn target_id(&self) -> String;
    /// Makes the target ready (creates the folder or container). Called once per run.
    async fn prepare(&self) -> Result<(), SinkError>;
    /// Writes create-only. An existing object with the same digest is `AlreadyPresent`; with another
    /// digest it is `SinkError::Conflict`.
    async fn put(&self, envelope: &Envelope<'_>) -> Result<Written, SinkError>;
    /// Every stored object, for `verify`.
    async fn list(&self) -> Result<Vec<StoredObject>, SinkError>;
    /// `put`, also returning the id the target gave the object (recorded in the ledger). Targets without
    /// such ids need not implement it.
    async fn put_tracked(&self, envelope: &Envelope<'_>) -> Result<Delivery, SinkError> {
        Ok(Delivery { written: self.put(envelope).await?, remote_id: None, mailbox_state: None })
    }
    /// Whether a message this target stores as a draft counts (apart) rather than failing: only a mailbox
    /// target whose connector allows drafts says yes.
    fn allows_drafts(&self) -> bool {
        false
    }
}

/// An in-memory sink for tests, with the same create-only rule as the real ones.
#[derive(Debug, Default)]
pub struct MemSink {
    objects: std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl MemSink {
    pub fn objects(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        self.objects.lock().map(|o| o.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl Sink for MemSink {
    fn target_id(&self) -> String {
        "mem:".into()
    }

    async fn prepare(&self) -> Result<(), SinkError> {
        Ok(())
    }

    async fn put(&self, envelope: &Envelope<'_>) -> Result<Written, SinkError> {
        let name = envelope.object_name();
        let mut objects = self.objects.lock().map_err(|_| SinkError::Other {
            name: name.clone(),
            detail: crate::Text::verbatim("poisoned"),
        })?;
        match objects.get(&name) {
            Some(existing) => judge_existing(
                &name,
                envelope.sha256,
                envelope.record_sha256,
                &crate::digest::sha256_hex(existing),
                stored_record_digest(existing).as_deref(),
            ),
            None => {
                objects.insert(name, envelope.bytes.to_vec());
                Ok(Written::Created)
            }
        }
    }

    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        let objects = self.objects();
        Ok(objects
            .into_iter()
            .map(|(name, bytes)| StoredObject {
                name,
                sha256: Some(crate::digest::sha256_hex(&bytes)),
                size: bytes.len() as u64,
            })
            .collect())
    }
}
