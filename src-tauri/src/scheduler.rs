//! The in-app scheduler: every `TICK` it hands the core's scheduled pass (`docket_core::connector::run_due`,
//! the same code `docket run-due` calls) the app's secrets, its import slot and its window. Due connectors
//! run one after another through the import slot, so a scheduled run never overlaps one started from the
//! window (and the window's Cancel stops it); the state folder's run lock keeps it apart from a `docket
//! run-due` started by a timer. Each step is sent to the window as a `SchedulerEvent` on `SCHEDULER_EVENT`;
//! when the window is closed to the tray the runs go on. A connector whose run failed waits
//! `docket_core::connector::RETRY_AFTER` before the next try.

use std::time::Duration;

use docket_core::connector::{
    self, ts_rs, DueHost, DueMemory, DueOutcome, DueReport, DueTicket, SavedConnector,
};
use docket_core::model::RunSummary;
use docket_core::pipeline::{Progress, ProgressFn};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::off_ui_thread;
use crate::import_slot::ImportSlotExt;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;
use crate::state_folder::StateFolderExt;

/// How often the scheduler looks for due connectors.
pub const TICK: Duration = Duration::from_secs(30);
/// The event the window listens to for scheduled runs.
pub const SCHEDULER_EVENT: &str = "docket://scheduler";

/// What the scheduler tells the window.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(crate = "docket_core::connector::ts_rs")]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SchedulerEvent {
    Started { connector_id: String, name: String },
    Progress { connector_id: String, event: Progress },
    Finished { connector_id: String, summary: RunSummary },
    Failed { connector_id: String, error: IpcError },
}

/// The scheduler's memory across ticks: connectors whose last scheduled run failed, and when.
#[derive(Debug, Default, Clone)]
pub struct Scheduler {
    memory: DueMemory,
}

/// The app as the core's scheduled pass sees it: runs go through the import slot, steps go to the window.
struct AppDueHost<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> DueHost for AppDueHost<R> {
    fn begin(&self) -> Option<DueTicket> {
        let running = self.app.import_slot().begin()?;
        Some(DueTicket { cancel: running.token(), hold: Box::new(running) })
    }

    fn started(&self, connector: &SavedConnector) {
        let (connector_id, name) = (connector.id.clone(), connector.settings.name.clone());
        emit(&self.app, SchedulerEvent::Started { connector_id, name });
    }

    fn progress(&self, connector_id: &str) -> ProgressFn {
        let (events, connector_id) = (self.app.clone(), connector_id.to_string());
        std::sync::Arc::new(move |event: Progress| {
            emit(&events, SchedulerEvent::Progress { connector_id: connector_id.clone(), event });
        })
    }

    fn finished(&self, report: &DueReport) {
        let connector_id = report.connector_id.clone();
        match (&report.summary, &report.error) {
            (Some(summary), _) => {
                emit(&self.app, SchedulerEvent::Finished { connector_id, summary: summary.clone() })
            }
            (None, Some(error)) if report.outcome == DueOutcome::Failed => {
                emit(&self.app, SchedulerEvent::Failed { connector_id, error: error.clone().into() });
            }
            _ => {}
        }
    }
}

/// Starts the scheduler's loop on Tauri's async runtime.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(error) = run_due(&app).await {
                tracing::warn!(code = %error.code, "the scheduler could not read the saved connectors: {}", error.message);
            }
        }
    });
}

/// Runs every connector that is due now, one after another, and returns the id and result of each that ran
/// or failed. While an import started from the window holds the slot, the rest stay due for the next tick.
pub async fn run_due<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Vec<(String, Result<RunSummary, IpcError>)>, IpcError> {
    let folder = app.state_folder().clone();
    // Opening the ledger prepares its schema: off the async runtime's workers, as every command does.
    let opening = folder.clone();
    let ledger = off_ui_thread(move || opening.open_ledger()).await?;
    let store = app.secret_vault().store();
    let memory = app.state::<Scheduler>().inner().memory.clone();
    let host = AppDueHost { app: app.clone() };
    let reports =
        connector::run_due(&folder.connectors(), &ledger, store.as_ref(), &memory, &host, connector::now())
            .await?;
    Ok(reports
        .into_iter()
        .filter_map(|report| match (report.outcome, report.summary, report.error) {
            (DueOutcome::Ran, Some(summary), _) => Some((report.connector_id, Ok(summary))),
            (DueOutcome::Failed, _, Some(error)) => Some((report.connector_id, Err(error.into()))),
            _ => None,
        })
        .collect())
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: SchedulerEvent) {
    if let Err(e) = app.emit(SCHEDULER_EVENT, event) {
        tracing::debug!("no window to tell about a scheduled run: {e}");
    }
}
