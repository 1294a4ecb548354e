//! Which part of each chat's history the archive covers. Every run records, per chat it read from an
//! export, the span from its first to its last message (`coverage` table). Exports of one chat overlap or
//! follow each other; where two spans leave time between them that no export covered, messages may be
//! missing there: a gap. The spans are what the exports held, whatever became of each item (delivered,
//! already present, held); counts of messages come from the items themselves. It does not read exports.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::{Ledger, LedgerError};

/// A covered period: the first and the last message's instants.
pub type Period = (DateTime<Utc>, DateTime<Utc>);

/// What one run read of one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatSpan {
    /// `whatsapp`, `telegram`.
    pub source: String,
    pub chat: String,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    /// Messages the run read from this chat (one export text may hold the same message once only).
    pub messages: u64,
}

/// A period between two exports of a chat that none of them covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CoverageGap {
    /// The last covered message before the gap (RFC 3339, UTC).
    pub after: String,
    /// The first covered message after it (RFC 3339, UTC).
    pub before: String,
}

/// One chat's coverage, as `docket coverage` and the dashboard show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChatCoverage {
    pub source: String,
    pub chat: String,
    /// The earliest and latest message any export of this chat held (RFC 3339, UTC).
    pub first: String,
    pub last: String,
    /// Distinct messages of this chat in the ledger, whatever their state.
    pub messages: u64,
    /// Runs that read this chat.
    pub exports: u64,
    /// Periods no export covered, oldest first.
    pub gaps: Vec<CoverageGap>,
}

/// `when` as the ledger stores it: RFC 3339 in UTC to the second, so text order is time order.
pub fn stamp(when: &DateTime<Utc>) -> String {
    when.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The items' source for a coverage source: the same, except a live bot's spans, which are kept under its
/// connector's label while its items are Telegram's (sharing their keys with the same messages from an
/// export).
fn items_source(coverage_source: &str) -> &str {
    if coverage_source.starts_with(crate::sources::telegram_bot::LABEL_PREFIX) {
        crate::model::SourceKind::Telegram.as_str()
    } else {
        coverage_source
    }
}

fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// The spans merged where they overlap or touch, oldest first.
pub fn merge(mut spans: Vec<Period>) -> Vec<Period> {
    spans.sort();
    let mut merged: Vec<Period> = Vec::with_capacity(spans.len());
    for (first, last) in spans {
        match merged.last_mut() {
            Some(current) if first <= current.1 => current.1 = current.1.max(last),
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// The holes between merged spans.
pub fn gaps(merged: &[Period]) -> Vec<Period> {
    merged.windows(2).map(|pair| (pair[0].1, pair[1].0)).collect()
}

impl Ledger {
    /// Records what run `run_id` read of each chat.
    pub fn record_spans(&self, run_id: i64, spans: &[ChatSpan]) -> Result<(), LedgerError> {
        if spans.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO coverage (run_id, source, chat, first_at, last_at, messages)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for span in spans {
                insert.execute(params![
                    run_id,
                    span.source,
                    span.chat,
                    stamp(&span.first),
                    stamp(&span.last),
                    span.messages as i64
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every span recorded for one chat by runs other than `except_run`, oldest first.
    pub fn chat_spans(&self, source: &str, chat: &str, except_run: i64) -> Result<Vec<Period>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT first_at, last_at FROM coverage WHERE source = ?1 AND chat = ?2 AND run_id != ?3
             ORDER BY first_at",
        )?;
        let rows = stmt.query_map(params![source, chat, except_run], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut spans = Vec::new();
        for row in rows {
            let (first, last) = row?;
            if let (Some(first), Some(last)) = (parse(&first), parse(&last)) {
                spans.push((first, last));
            }
        }
        Ok(spans)
    }

    /// Every chat any export covered, by source then chat, with its gaps.
    pub fn coverage(&self) -> Result<Vec<ChatCoverage>, LedgerError> {
        self.coverage_of(None)
    }

    /// The chats one coverage source covered (an export kind such as `whatsapp`, or a live bot's
    /// `telegram-bot:NAME`), reading only its spans and counting only its kind's items.
    pub fn source_coverage(&self, source: &str) -> Result<Vec<ChatCoverage>, LedgerError> {
        self.coverage_of(Some(source))
    }

    fn coverage_of(&self, source: Option<&str>) -> Result<Vec<ChatCoverage>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT source, chat, first_at, last_at, run_id FROM coverage WHERE ?1 IS NULL OR source = ?1
             ORDER BY source, chat, first_at",
        )?;
        let rows = stmt.query_map(params![source], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })?;
        // (source, chat, spans, runs), in the query's order.
        type Chat = (String, String, Vec<Period>, Vec<i64>);
        let mut chats: Vec<Chat> = Vec::new();
        for row in rows {
            let (source, chat, first, last, run_id) = row?;
            let (Some(first), Some(last)) = (parse(&first), parse(&last)) else { continue };
            match chats.last_mut() {
                Some((s, c, spans, runs)) if *s == source && *c == chat => {
                    spans.push((first, last));
                    if !runs.contains(&run_id) {
                        runs.push(run_id);
                    }
                }
                _ => chats.push((source, chat, vec![(first, last)], vec![run_id])),
            }
        }
        // One pass over the items for every chat's count (no index serves a per-chat count).
        let mut counted = std::collections::HashMap::new();
        let mut count = conn.prepare(
            "SELECT source, chat, count(DISTINCT item_key) FROM items WHERE ?1 IS NULL OR source = ?1
             GROUP BY source, chat",
        )?;
        let rows = count.query_map(params![source.map(items_source)], |row| {
            Ok(((row.get::<_, String>(0)?, row.get::<_, String>(1)?), row.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (chat, messages) = row?;
            counted.insert(chat, messages.max(0) as u64);
        }
        let mut out = Vec::with_capacity(chats.len());
        for (source, chat, spans, runs) in chats {
            let merged = merge(spans);
            let (Some(first), Some(last)) = (merged.first(), merged.last()) else { continue };
            let messages =
                counted.get(&(items_source(&source).to_string(), chat.clone())).copied().unwrap_or(0);
            out.push(ChatCoverage {
                first: stamp(&first.0),
                last: stamp(&last.1),
                messages,
                exports: runs.len() as u64,
                gaps: gaps(&merged)
                    .iter()
                    .map(|(after, before)| CoverageGap { after: stamp(after), before: stamp(before) })
                    .collect(),
                source,
                chat,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, day, 12, 0, 0).single().expect("a real date")
    }

    #[test]
    fn overlapping_and_touching_spans_merge_and_the_rest_leave_gaps() {
        let merged = merge(vec![(at(10), at(20)), (at(1), at(5)), (at(5), at(8)), (at(15), at(25))]);
        assert_eq!(merged, vec![(at(1), at(8)), (at(10), at(25))]);
        assert_eq!(gaps(&merged), vec![(at(8), at(10))]);
        assert!(gaps(&merge(vec![(at(1), at(9))])).is_empty());
    }
}
