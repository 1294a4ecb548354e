//! Read-only views of the ledger for the dashboard and for the reports an admin saves: the runs of one
//! source, items imported per day, the items held back (unmapped, oversize, failed) with their kept
//! originals, and every row of a source for the reconciliation report.

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::{Ledger, LedgerError, RunRecord};
use crate::model::{Item, RunSummary};

/// Items whose ledger rows changed on one day (UTC), by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Delivered as normal messages (drafts are not among them).
    pub delivered: u64,
    /// In a mailbox only as drafts (allowed by the connector): never counted as delivered.
    pub drafts: u64,
    pub skipped: u64,
    pub failed: u64,
}

/// One ledger row as the reconciliation report and the held-items view show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LedgerRow {
    pub item_key: String,
    /// The destination mailbox; empty when the item has none (unmapped).
    pub mailbox: String,
    /// `delivered`, `skipped` or `failed`.
    pub state: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
    /// `detail` with its key and values, for the app to say in the admin's language (none in rows recorded
    /// before Docket kept it, and for details the ledger writes itself).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail_text: Option<crate::Text>,
    pub chat: String,
    pub source_id: String,
    pub item_time: String,
    /// The blob or file name the message was written to (delivered rows).
    pub object_name: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    /// The run that last changed this row.
    pub run_id: i64,
    pub updated_at: String,
}

const ROW_COLUMNS: &str = "i.item_key, i.mailbox, i.state, i.reason, i.detail, i.chat, i.source_id, \
                           i.item_time, i.object_name, i.sha256, i.size, i.run_id, i.updated_at, i.detail_text";

fn ledger_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerRow> {
    Ok(LedgerRow {
        item_key: row.get(0)?,
        mailbox: row.get(1)?,
        state: row.get(2)?,
        reason: row.get(3)?,
        detail: row.get(4)?,
        // Read leniently: a text this Docket cannot read leaves the English detail.
        detail_text: row.get::<_, Option<String>>(13)?.and_then(|json| serde_json::from_str(&json).ok()),
        chat: row.get(5)?,
        source_id: row.get(6)?,
        item_time: row.get(7)?,
        object_name: row.get(8)?,
        sha256: row.get(9)?,
        size: row.get::<_, Option<i64>>(10)?.map(|s| s.max(0) as u64),
        run_id: row.get(11)?,
        updated_at: row.get(12)?,
    })
}

/// One `runs` row, selected as `run_id, started_at, finished_at, source, target, status, summary`.
pub(super) fn run_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RunRecord> {
    let run_id: i64 = row.get(0)?;
    let summary: Option<String> = row.get(6)?;
    let mut summary: RunSummary = summary.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    summary.run_id = run_id;
    Ok(RunRecord {
        run_id,
        started_at: row.get(1)?,
        finished_at: row.get(2)?,
        source: row.get(3)?,
        target: row.get(4)?,
        status: row.get(5)?,
        summary,
    })
}

impl Ledger {
    /// One run by id.
    pub fn run(&self, run_id: i64) -> Result<Option<RunRecord>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT run_id, started_at, finished_at, source, target, status, summary FROM runs WHERE run_id = ?1",
        )?;
        let mut rows = stmt.query_map(params![run_id], run_record)?;
        Ok(rows.next().transpose()?)
    }

    /// The runs of one source (its label, e.g. `whatsapp:/exports/chat.zip`), newest first.
    pub fn runs_for_source(&self, source: &str, limit: usize) -> Result<Vec<RunRecord>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT run_id, started_at, finished_at, source, target, status, summary FROM runs
             WHERE source = ?1 ORDER BY run_id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![source, limit as i64], run_record)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Rows of `source`'s runs by state: how many are delivered, skipped and failed now.
    pub fn source_totals(&self, source: &str) -> Result<DayCount, LedgerError> {
        let conn = self.conn();
        let counts = conn.query_row(
            "SELECT SUM(i.state = 'delivered' AND i.is_draft IS NOT 1), SUM(i.state = 'delivered' AND IFNULL(i.is_draft, 0) = 1),
                    SUM(i.state = 'skipped'), SUM(i.state = 'failed')
             FROM items i JOIN runs r ON r.run_id = i.run_id WHERE r.source = ?1",
            params![source],
            |row| {
                let n = |i: usize| row.get::<_, Option<i64>>(i).map(|v| v.unwrap_or(0).max(0) as u64);
                Ok(DayCount { day: String::new(), delivered: n(0)?, drafts: n(1)?, skipped: n(2)?, failed: n(3)? })
            },
        )?;
        Ok(counts)
    }

    /// Rows changed per day (UTC) over the last `days` days, for the runs of `source` (all sources when
    /// `None`), oldest day first. Days without any change are left out.
    pub fn daily_counts(&self, source: Option<&str>, days: u32) -> Result<Vec<DayCount>, LedgerError> {
        let since =
            (chrono::Utc::now() - chrono::Duration::days(i64::from(days))).format("%Y-%m-%d").to_string();
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT substr(i.updated_at, 1, 10) AS day,
                    SUM(i.state = 'delivered' AND i.is_draft IS NOT 1), SUM(i.state = 'delivered' AND IFNULL(i.is_draft, 0) = 1),
                    SUM(i.state = 'skipped'), SUM(i.state = 'failed')
             FROM items i JOIN runs r ON r.run_id = i.run_id
             WHERE (?1 IS NULL OR r.source = ?1) AND substr(i.updated_at, 1, 10) >= ?2
             GROUP BY day ORDER BY day",
        )?;
        let rows = stmt.query_map(params![source, since], |row| {
            Ok(DayCount {
                day: row.get(0)?,
                delivered: row.get::<_, i64>(1)?.max(0) as u64,
                drafts: row.get::<_, i64>(2)?.max(0) as u64,
                skipped: row.get::<_, i64>(3)?.max(0) as u64,
                failed: row.get::<_, i64>(4)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every row written by runs of `source`, ordered by item time then mailbox: the reconciliation report.
    /// `each` is called per row so a large ledger is never held in memory at once.
    pub fn rows_for_source(
        &self,
        source: &str,
        mut each: impl FnMut(LedgerRow) -> std::io::Result<()>,
    ) -> Result<std::io::Result<()>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM items i JOIN runs r ON r.run_id = i.run_id
             WHERE r.source = ?1 ORDER BY i.item_time, i.item_key, i.mailbox"
        ))?;
        let rows = stmt.query_map(params![source], ledger_row)?;
        for row in rows {
            if let Err(e) = each(row?) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// The rows one run wrote (and that no later run has changed since).
    pub fn rows_of_run(&self, run_id: i64) -> Result<Vec<LedgerRow>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM items i WHERE i.run_id = ?1 ORDER BY i.item_time, i.item_key"
        ))?;
        let rows = stmt.query_map(params![run_id], ledger_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Items of `source`'s runs that are not delivered (unmapped, oversize, failed), newest first.
    pub fn held_for_source(&self, source: &str, limit: usize) -> Result<Vec<LedgerRow>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM items i JOIN runs r ON r.run_id = i.run_id
             WHERE r.source = ?1 AND i.state != 'delivered' ORDER BY i.item_time DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![source, limit as i64], ledger_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The kept originals of `source`'s items that a changed mapping could still import: unmapped ones and
    /// failed ones. Oversize items stay on record; a new mapping does not make them smaller.
    pub fn replayable(&self, source: &str) -> Result<Vec<Item>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT DISTINCT o.item_key, o.record FROM items i
             JOIN runs r ON r.run_id = i.run_id JOIN originals o ON o.item_key = i.item_key
             WHERE r.source = ?1 AND (i.state = 'failed' OR (i.state = 'skipped' AND i.reason = 'unmapped'))
               AND NOT EXISTS (SELECT 1 FROM items d WHERE d.item_key = i.item_key AND d.target = i.target
                               AND d.state = 'delivered' AND d.mailbox = i.mailbox)
             ORDER BY o.item_key",
        )?;
        let rows = stmt.query_map(params![source], |row| row.get::<_, String>(1))?;
        let mut items = Vec::new();
        for record in rows {
            // A kept original that no longer parses (written by an older Docket) stays on record, unreplayed.
            if let Ok(item) = serde_json::from_str::<Item>(&record?) {
                items.push(item);
            }
        }
        Ok(items)
    }
}
