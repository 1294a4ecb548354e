//! The import that is running, if any, held as Tauri managed state and reached through `ImportSlotExt`, so
//! `cancel_import` can stop what `start_import` started. It decides nothing about the run itself: the
//! ledger's run lock is what keeps two runs from sharing a state folder.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use docket_core::connector::CancellationToken;
use tauri::{Manager, Runtime};

/// The running import: its number (to tell runs apart) and its cancellation token.
type Running = Option<(u64, CancellationToken)>;

#[derive(Debug, Default)]
pub struct ImportSlot {
    running: Arc<Mutex<Running>>,
    started: AtomicU64,
}

/// The running import's place in the slot; it empties the slot when the run ends.
#[derive(Debug)]
pub struct RunningImport {
    number: u64,
    token: CancellationToken,
    running: Arc<Mutex<Running>>,
}

impl ImportSlot {
    /// Marks a new import as running and returns its place in the slot; `None` while another is running.
    pub fn begin(&self) -> Option<RunningImport> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return None;
        }
        let number = self.started.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        *running = Some((number, token.clone()));
        Some(RunningImport { number, token, running: self.running.clone() })
    }

    /// Whether an import is running now.
    pub fn is_busy(&self) -> bool {
        lock(&self.running).is_some()
    }

    /// Asks the running import to stop after the items in flight. False when none is running.
    pub fn cancel(&self) -> bool {
        match lock(&self.running).as_ref() {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

impl RunningImport {
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }
}

impl Drop for RunningImport {
    fn drop(&mut self) {
        let mut running = lock(&self.running);
        // Clear only this run's entry: a later run may have taken the slot.
        if running.as_ref().is_some_and(|(number, _)| *number == self.number) {
            *running = None;
        }
    }
}

fn lock(running: &Mutex<Running>) -> MutexGuard<'_, Running> {
    // A poisoned lock only means a thread panicked while holding it; the token inside is still valid.
    running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reaches the app's `ImportSlot` from anything that can reach Tauri's managed state.
pub trait ImportSlotExt<R: Runtime> {
    fn import_slot(&self) -> &ImportSlot;
}

impl<R: Runtime, M: Manager<R>> ImportSlotExt<R> for M {
    fn import_slot(&self) -> &ImportSlot {
        // `crate::build` always manages an `ImportSlot`, so this lookup cannot miss.
        self.state::<ImportSlot>().inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_running_import_and_only_one_runs_at_a_time() {
        let slot = ImportSlot::default();
        assert!(!slot.cancel(), "nothing to cancel before a run");

        let running = slot.begin();
        let token = running.as_ref().map(RunningImport::token);
        assert!(slot.begin().is_none(), "a second import waits for the first");
        assert!(slot.cancel());
        assert_eq!(token.map(|t| t.is_cancelled()), Some(true));

        drop(running);
        assert!(!slot.cancel(), "the slot empties when the run ends");
        assert!(slot.begin().is_some());
    }
}
