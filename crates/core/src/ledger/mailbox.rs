//! What the ledger knows about mailbox deliveries (Graph targets): the state each message was read back in,
//! and which mailboxes a target has delivered to at all (which (item, mailbox) pairs were tried is
//! `Ledger::item_mailboxes`). The
//! pipeline asks these to decide when a write must look in the mailbox first; `verify` reads the states.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Ledger, LedgerError};

/// A message's state as the mailbox reported it after the write.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReadBack {
    pub is_draft: bool,
    pub received_at: Option<String>,
    pub sent_at: Option<String>,
    pub internet_message_id: Option<String>,
}

/// One delivered (item, mailbox) row of a target, with what `verify` compares against the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxRow {
    pub item_key: String,
    pub mailbox: String,
    pub remote_id: Option<String>,
    pub sha256: Option<String>,
    pub item_time: String,
    pub read_back: Option<ReadBack>,
}

impl Ledger {
    /// Whether `target` has delivered anything to `mailbox` before (a ledger that is new for a mailbox
    /// cannot vouch that the mailbox holds none of the items).
    pub fn knows_mailbox(&self, target: &str, mailbox: &str) -> Result<bool, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT 1 FROM items WHERE target = ?1 AND mailbox = ?2 AND state = 'delivered' LIMIT 1",
        )?;
        Ok(stmt.query_row(params![target, mailbox], |_| Ok(())).optional()?.is_some())
    }

    /// Every delivered (item, mailbox) row of `target` with its read-back state, ordered by item and mailbox.
    pub fn mailbox_rows(&self, target: &str) -> Result<Vec<MailboxRow>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT item_key, mailbox, remote_id, sha256, item_time, is_draft, received_at, sent_at,
                    internet_message_id
             FROM items WHERE target = ?1 AND state = 'delivered' AND mailbox != '' ORDER BY item_key, mailbox",
        )?;
        let rows = stmt.query_map(params![target], |row| {
            let is_draft: Option<bool> = row.get(5)?;
            Ok(MailboxRow {
                item_key: row.get(0)?,
                mailbox: row.get(1)?,
                remote_id: row.get(2)?,
                sha256: row.get(3)?,
                item_time: row.get(4)?,
                read_back: match is_draft {
                    Some(is_draft) => Some(ReadBack {
                        is_draft,
                        received_at: row.get(6)?,
                        sent_at: row.get(7)?,
                        internet_message_id: row.get(8)?,
                    }),
                    None => None,
                },
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
