//! What the dashboard asks about saved connectors: their status, last and next run and counts; which are due
//! to run on their schedule; and the reports an admin saves from the run history (the reconciliation CSV and
//! the run log). Reports are written through a temporary file and a rename, so a full disk never leaves a
//! report that looks complete but is not.

use crate::{text, Text};
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::saved::{ConnectorStore, SavedConnector};
use crate::config::ConfigError;
use crate::error::Error;
use crate::ledger::{DayCount, Ledger, LedgerRow, RunRecord};

/// One connector as the dashboard lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectorOverview {
    pub connector: SavedConnector,
    /// The ledger's label of its source; runs are matched by it.
    pub source_label: String,
    pub last_run: Option<RunRecord>,
    /// When the schedule runs it next (RFC 3339, UTC); none for manual connectors.
    pub next_run: Option<String>,
    /// Its ledger rows now, by state (`day` is empty).
    pub totals: DayCount,
    /// From 30 days before the Entra ID app's client secret expires (when Docket knows the date).
    pub secret_warning: Option<crate::identity::SecretExpiryWarning>,
    /// A Telegram bot connector whose last poll is close to Telegram's 24-hour limit (or that never polled
    /// long after it was saved): updates older than 24 hours are lost.
    pub poll_warning: Option<crate::Text>,
}

impl ConnectorOverview {
    /// Due when its next run is at or before `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        due_at(self.next_run.as_deref(), now)
    }
}

/// Whether a next run (RFC 3339) is at or before `now`; never for none (manual connectors).
pub(super) fn due_at(next_run: Option<&str>, now: DateTime<Utc>) -> bool {
    next_run
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|next| next.with_timezone(&Utc) <= now)
}

/// Every saved connector with its last run, next run (in zone `tz`) and counts.
pub fn connector_overviews<Tz: TimeZone>(
    store: &ConnectorStore,
    ledger: &Ledger,
    tz: &Tz,
) -> Result<Vec<ConnectorOverview>, Error> {
    let mut out = Vec::new();
    for connector in store.list()? {
        let (label, last_run, next_run) = schedule_state(&connector, ledger, tz)?;
        let totals = ledger.source_totals(&label)?;
        let secret_warning = connector
            .settings
            .entra
            .as_ref()
            .and_then(|app| app.secret_expires_at.as_deref())
            .and_then(|expires| super::client_secret_warning(expires, Utc::now()).ok().flatten());
        let poll_warning = super::telegram_bot::poll_warning(
            &connector.settings.request,
            ledger,
            connector.created(),
            Utc::now(),
        )?;
        out.push(ConnectorOverview {
            connector,
            source_label: label,
            last_run,
            next_run,
            totals,
            secret_warning,
            poll_warning,
        });
    }
    Ok(out)
}

/// `connector_overviews` with schedules read in the computer's local time zone, as the app runs them.
pub fn connector_overviews_local(
    store: &ConnectorStore,
    ledger: &Ledger,
) -> Result<Vec<ConnectorOverview>, Error> {
    connector_overviews(store, ledger, &chrono::Local)
}

/// A connector's source label, last run and next scheduled run (RFC 3339, UTC).
fn schedule_state<Tz: TimeZone>(
    connector: &SavedConnector,
    ledger: &Ledger,
    tz: &Tz,
) -> Result<(String, Option<RunRecord>, Option<String>), Error> {
    let label = connector.settings.request.label();
    let last_run = ledger.runs_for_source(&label, 1)?.into_iter().next();
    let last_start = last_run
        .as_ref()
        .and_then(|r| DateTime::parse_from_rfc3339(&r.started_at).ok())
        .map(|t| t.with_timezone(&Utc));
    let next_run = connector
        .settings
        .schedule
        .next_run(tz, last_start, connector.created())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    Ok((label, last_run, next_run))
}

/// A connector's next scheduled run (RFC 3339, UTC) in the computer's local time zone, as the app runs it.
pub(super) fn next_run_local(connector: &SavedConnector, ledger: &Ledger) -> Result<Option<String>, Error> {
    Ok(schedule_state(connector, ledger, &chrono::Local)?.2)
}

/// The connectors whose scheduled run is due at `now`, oldest-due first.
pub fn due_connectors(overviews: &[ConnectorOverview], now: DateTime<Utc>) -> Vec<SavedConnector> {
    let mut due: Vec<&ConnectorOverview> = overviews.iter().filter(|o| o.is_due(now)).collect();
    due.sort_by(|a, b| a.next_run.cmp(&b.next_run));
    due.into_iter().map(|o| o.connector.clone()).collect()
}

const CSV_HEADER: [&str; 13] = [
    "item_key",
    "source_id",
    "chat",
    "item_time",
    "mailbox",
    "state",
    "reason",
    "detail",
    "object_name",
    "sha256",
    "size",
    "run_id",
    "updated_at",
];

/// Writes the reconciliation report of `run_id`'s source to `path`: one CSV row per item and mailbox that
/// any run of that source recorded, with its state, reason, object name and digest. Returns the row count.
pub fn write_reconciliation_csv(ledger: &Ledger, run_id: i64, path: &Path) -> Result<u64, Error> {
    confine_report(path, &["csv"], CSV_HEADER[0].as_bytes())?;
    let run = known_run(ledger, run_id)?;
    write_report(path, |file| {
        let mut csv = csv::Writer::from_writer(file);
        csv.write_record(CSV_HEADER).map_err(std::io::Error::other)?;
        let mut count = 0u64;
        let walked = ledger.rows_for_source(&run.source, |row| {
            count += 1;
            csv.write_record(csv_fields(&row)).map_err(std::io::Error::other)
        });
        walked.map_err(|e| std::io::Error::other(e.to_string()))??;
        csv.flush()?;
        Ok(count)
    })
}

/// Writes a plain-text log of one run: what ran, when, its accounting, and every row the run recorded that
/// no later run has changed. Returns the number of item lines.
pub fn write_run_log(ledger: &Ledger, run_id: i64, path: &Path) -> Result<u64, Error> {
    confine_report(path, &["log", "txt"], RUN_LOG_START.as_bytes())?;
    let run = known_run(ledger, run_id)?;
    let rows = ledger.rows_of_run(run_id)?;
    write_report(path, |file| {
        let s = &run.summary;
        writeln!(file, "{RUN_LOG_START}{}", run.run_id)?;
        writeln!(file, "source:   {}", run.source)?;
        writeln!(file, "target:   {}", run.target)?;
        writeln!(file, "started:  {}", run.started_at)?;
        writeln!(file, "finished: {}", run.finished_at.as_deref().unwrap_or("(not finished)"))?;
        writeln!(file, "status:   {}", run.status)?;
        writeln!(
            file,
            "fetched {} = delivered {} + already present {} + skipped {} + failed {}",
            s.fetched,
            s.delivered,
            s.already_present,
            s.skipped.values().sum::<u64>(),
            s.failed.values().sum::<u64>()
        )?;
        for (reason, n) in &s.skipped {
            writeln!(file, "  skipped {reason}: {n}")?;
        }
        for (reason, n) in &s.failed {
            writeln!(file, "  failed {reason}: {n}")?;
        }
        writeln!(file, "\nitems recorded by this run:")?;
        for row in &rows {
            let reason = row.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
            let mailbox = if row.mailbox.is_empty() { "(no mailbox)" } else { &row.mailbox };
            writeln!(file, "{} {} {}{} → {}", row.item_time, row.item_key, row.state, reason, mailbox)?;
            if let Some(detail) = &row.detail {
                writeln!(file, "    {}", one_line(detail))?;
            }
        }
        Ok(rows.len() as u64)
    })
}

fn known_run(ledger: &Ledger, run_id: i64) -> Result<RunRecord, Error> {
    ledger.run(run_id)?.ok_or_else(|| {
        ConfigError::Invalid {
            field: text!("field.run", "run"),
            message: text!(
                "dashboard.no_run",
                "the ledger has no run {run}; reload the run history and choose another",
                run = run_id.to_string()
            ),
        }
        .into()
    })
}

/// How a run log begins; an existing file that does not is not a Docket report, and is never replaced.
const RUN_LOG_START: &str = "Docket run ";

/// Where a report may be written, whoever asks (the save dialog's answer arrives through the webview, which
/// must not be able to overwrite any file the admin can write): a full path, in a folder that exists, with the
/// report's own extension, and either new or an earlier Docket report of the same kind (begins with
/// `start`). A link is never followed. The error says what to choose instead.
fn confine_report(path: &Path, extensions: &[&str], start: &[u8]) -> Result<(), Error> {
    let refuse =
        |message: Text| -> Error { ConfigError::Invalid { field: Text::path(path), message }.into() };
    let existing = crate::config::check_chosen_path(path, extensions, false).map_err(refuse)?;
    if !path.parent().is_some_and(Path::is_dir) {
        return Err(refuse(text!(
            "report.no_folder",
            "this is not a full path in a folder that exists; choose another place in the save dialog"
        )));
    }
    let Some(_) = existing else { return Ok(()) };
    let mut head = vec![0u8; start.len()];
    let same_kind = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| head == start);
    if same_kind {
        Ok(())
    } else {
        Err(refuse(text!(
            "report.not_a_report",
            "a file that is not a Docket report of this kind already has this name, and Docket replaces only its \
             own reports; choose another name"
        )))
    }
}

fn write_report(
    path: &Path,
    body: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<u64>,
) -> Result<u64, Error> {
    crate::config::replace_file(path, None, body).map_err(|e| {
        ConfigError::Invalid {
            field: Text::path(path),
            message: text!(
                "report.not_saved",
                "the report could not be saved: {detail}. Check that the disk has space and that you may write \
                 there, or choose another place",
                detail = e
            ),
        }
        .into()
    })
}

/// The row's fields; cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) start with `'`.
fn csv_fields(row: &LedgerRow) -> Vec<String> {
    let text = |s: &str| {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    };
    vec![
        text(&row.item_key),
        text(&row.source_id),
        text(&row.chat),
        row.item_time.clone(),
        text(&row.mailbox),
        row.state.clone(),
        text(row.reason.as_deref().unwrap_or("")),
        text(&one_line(row.detail.as_deref().unwrap_or(""))),
        text(row.object_name.as_deref().unwrap_or("")),
        row.sha256.clone().unwrap_or_default(),
        row.size.map(|s| s.to_string()).unwrap_or_default(),
        row.run_id.to_string(),
        row.updated_at.clone(),
    ]
}

fn one_line(s: &str) -> String {
    s.split(['\r', '\n']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_quoted_and_details_stay_on_one_line() {
        let row = LedgerRow {
            item_key: "whatsapp-1".into(),
            mailbox: "a@contoso.com".into(),
            state: "skipped".into(),
            reason: Some("unmapped".into()),
            detail: Some("line one\r\nline two".into()),
            detail_text: None,
            chat: "=HYPERLINK(\"http://evil.example\")".into(),
            source_id: "+44 7700 900123".into(),
            item_time: "2026-01-01T00:00:00+00:00".into(),
            object_name: None,
            sha256: None,
            size: None,
            run_id: 3,
            updated_at: "2026-01-01T00:00:01Z".into(),
        };
        let fields = csv_fields(&row);
        assert_eq!(fields.len(), CSV_HEADER.len());
        assert_eq!(fields[2], "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(fields[1], "'+44 7700 900123");
        assert_eq!(fields[7], "line one line two");
        assert_eq!(fields[0], "whatsapp-1");
    }
}
