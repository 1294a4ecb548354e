//! The in-app scheduler: every `TICK` it asks the core which saved connectors are due (daily at a local
//! time, or every N hours, see `docket_core::connector::Schedule`) and runs them one after another through
//! the same import slot as the wizard, so a scheduled run never overlaps another. Each step is sent to the
//! window as a `SchedulerEvent` on `SCHEDULER_EVENT`; when the window is closed to the tray the runs go on.
//! A connector whose run could not start (its export is missing, say) is not retried for `RETRY_AFTER`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use docket_core::connector::{self, ts_rs};
use docket_core::model::RunSummary;
use docket_core::pipeline::Progress;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::import::{run_request, RunKind};
use crate::commands::off_ui_thread;
use crate::import_slot::ImportSlotExt;
use crate::ipc_error::IpcError;
use crate::state_folder::StateFolderExt;

/// How often the scheduler looks for due connectors.
pub const TICK: Duration = Duration::from_secs(30);
/// How long a connector whose run failed to start waits before the scheduler tries it again.
pub const RETRY_AFTER: Duration = Duration::from_secs(30 * 60);
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

/// Connectors whose last scheduled attempt failed, and when.
#[derive(Debug, Default, Clone)]
pub struct Scheduler {
    failed_at: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Scheduler {
    fn waiting(&self, id: &str) -> bool {
        let failed = self.failed_at.lock().unwrap_or_else(|p| p.into_inner());
        failed.get(id).is_some_and(|at| at.elapsed() < RETRY_AFTER)
    }

    fn note(&self, id: &str, ok: bool) {
        let mut failed = self.failed_at.lock().unwrap_or_else(|p| p.into_inner());
        if ok {
            failed.remove(id);
        } else {
            failed.insert(id.to_string(), Instant::now());
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

/// Runs every connector that is due now, one after another, and returns each one's id and result. Stops
/// early when an import started from the window holds the slot; the rest stay due for the next tick.
pub async fn run_due<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Vec<(String, Result<RunSummary, IpcError>)>, IpcError> {
    let folder = app.state_folder().clone();
    let due = off_ui_thread(move || {
        connector::due_connectors_local(&folder.connectors(), &folder.open_ledger()?, connector::now())
    })
    .await?;
    let scheduler = app.state::<Scheduler>().inner().clone();
    let mut results = Vec::new();
    for saved in due {
        if app.import_slot().is_busy() {
            // An import started from the window runs; the rest stay due for the next tick.
            break;
        }
        if scheduler.waiting(&saved.id) {
            continue;
        }
        let id = saved.id.clone();
        tracing::info!(connector = %id, "scheduled run starting");
        emit(app, SchedulerEvent::Started { connector_id: id.clone(), name: saved.settings.name.clone() });
        let events = app.clone();
        let progress_id = id.clone();
        let progress = Arc::new(move |event: Progress| {
            emit(&events, SchedulerEvent::Progress { connector_id: progress_id.clone(), event });
        });
        let result = run_request(app, &saved.settings.request, RunKind::Import, progress).await;
        match &result {
            Ok(summary) => {
                emit(app, SchedulerEvent::Finished { connector_id: id.clone(), summary: summary.clone() });
            }
            Err(error) => {
                tracing::warn!(connector = %id, code = %error.code, "scheduled run failed: {}", error.message);
                emit(app, SchedulerEvent::Failed { connector_id: id.clone(), error: error.clone() });
            }
        }
        scheduler.note(&id, result.is_ok());
        results.push((id, result));
    }
    Ok(results)
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: SchedulerEvent) {
    if let Err(e) = app.emit(SCHEDULER_EVENT, event) {
        tracing::debug!("no window to tell about a scheduled run: {e}");
    }
}
