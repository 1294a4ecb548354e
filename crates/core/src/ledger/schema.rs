//! The ledger's SQL schema and its one upsert. Kept apart so the statements can be read in one place.

use rusqlite::Connection;

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;
CREATE TABLE IF NOT EXISTS runs (
    run_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    source      TEXT NOT NULL,
    target      TEXT NOT NULL,
    status      TEXT NOT NULL,
    summary     TEXT
);
CREATE TABLE IF NOT EXISTS items (
    target      TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    mailbox     TEXT NOT NULL,
    source      TEXT NOT NULL,
    chat        TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    item_time   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('delivered', 'skipped', 'failed')),
    reason      TEXT,
    detail      TEXT,
    object_name TEXT,
    sha256      TEXT,
    size        INTEGER,
    run_id      INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (target, item_key, mailbox)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_by_state ON items (target, state, reason);
CREATE TABLE IF NOT EXISTS originals (
    item_key TEXT PRIMARY KEY,
    record   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS coverage (
    run_id   INTEGER NOT NULL,
    source   TEXT NOT NULL,
    chat     TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at  TEXT NOT NULL,
    messages INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS coverage_by_chat ON coverage (source, chat, first_at);
CREATE TABLE IF NOT EXISTS checkpoints (
    source TEXT NOT NULL,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, name)
) WITHOUT ROWID;
";

pub(super) fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    migrate(conn)
}

/// Additive changes to ledgers made by earlier versions. Each is applied once, when its column is missing.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    // v0.1 → Graph delivery: the message id Microsoft Graph gave a delivered item.
    if !has_column(conn, "items", "remote_id")? {
        conn.execute_batch("ALTER TABLE items ADD COLUMN remote_id TEXT")?;
    }
    // v0.2 → what the mailbox reported after each Graph write: draft state, times and Message-ID.
    if !has_column(conn, "items", "is_draft")? {
        conn.execute_batch(
            "ALTER TABLE items ADD COLUMN is_draft INTEGER;
             ALTER TABLE items ADD COLUMN received_at TEXT;
             ALTER TABLE items ADD COLUMN sent_at TEXT;
             ALTER TABLE items ADD COLUMN internet_message_id TEXT;
             CREATE INDEX IF NOT EXISTS items_by_mailbox ON items (target, mailbox);",
        )?;
    }
    // v0.3 → the detail as a text (key, values, English; JSON), which the app says in the admin's language.
    if !has_column(conn, "items", "detail_text")? {
        conn.execute_batch("ALTER TABLE items ADD COLUMN detail_text TEXT")?;
    }
    Ok(())
}

fn has_column(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    let names = stmt.query_map([], |row| row.get::<_, String>(0))?;
    for name in names {
        if name? == column {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Inserts or updates one (target, item, mailbox) row. A delivered row is never downgraded.
pub(super) const UPSERT_ITEM: &str = "
INSERT INTO items (target, item_key, mailbox, source, chat, source_id, item_time, state, reason, detail,
                   object_name, sha256, size, run_id, updated_at, remote_id, is_draft, received_at, sent_at,
                   internet_message_id, detail_text)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
ON CONFLICT (target, item_key, mailbox) DO UPDATE SET
    state = excluded.state, reason = excluded.reason, detail = excluded.detail, detail_text = excluded.detail_text,
    object_name = excluded.object_name, sha256 = excluded.sha256, size = excluded.size,
    run_id = excluded.run_id, updated_at = excluded.updated_at,
    remote_id = coalesce(excluded.remote_id, items.remote_id), is_draft = excluded.is_draft,
    received_at = excluded.received_at, sent_at = excluded.sent_at,
    internet_message_id = excluded.internet_message_id
WHERE items.state != 'delivered'
";

/// Every mailbox row an item has in a target, and whether it is delivered: asked once per item and target,
/// so it must use the primary key (no condition on `state`, which could lead SQLite to `items_by_state`).
pub(super) const ITEM_MAILBOXES: &str =
    "SELECT mailbox, state = 'delivered' FROM items WHERE target = ?1 AND item_key = ?2";
