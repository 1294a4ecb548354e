//! The admin's Microsoft sign-in, held as Tauri managed state and reached through `SignInSlotExt`: the
//! sign-in under way (started by `admin_sign_in_start`, awaited by `admin_sign_in_wait`) and the signed-in
//! session the app-registration commands use. The session keeps both its tokens in memory only and ends with
//! `sign_out` (the wizard's end, or the admin's sign-out) or with the app; nothing here is ever serialised. A
//! newer start ends an older sign-in.

use std::sync::{Arc, Mutex, MutexGuard};

use docket_core::identity::{AdminSession, IdentityError};
use tauri::async_runtime::JoinHandle;
use tauri::{Manager, Runtime};

/// What a sign-in task ends with.
pub type SignInOutcome = Result<Arc<AdminSession>, docket_core::Error>;

#[derive(Debug, Default)]
pub struct SignInSlot {
    inner: Mutex<Slot>,
}

#[derive(Debug, Default)]
struct Slot {
    /// The sign-in started and not yet awaited.
    pending: Option<JoinHandle<SignInOutcome>>,
    /// The admin signed in last.
    session: Option<Arc<AdminSession>>,
}

impl SignInSlot {
    /// Keeps a newly started sign-in, ending any older one still waiting for the browser.
    pub fn begin(&self, task: JoinHandle<SignInOutcome>) {
        let mut slot = self.lock();
        if let Some(older) = slot.pending.replace(task) {
            older.abort();
        }
    }

    /// The started sign-in, for its wait; `None` when none is started.
    pub fn take_pending(&self) -> Option<JoinHandle<SignInOutcome>> {
        self.lock().pending.take()
    }

    /// Keeps the signed-in session for the commands that act as the admin.
    pub fn signed_in(&self, session: Arc<AdminSession>) {
        self.lock().session = Some(session);
    }

    /// Ends the signed-in session (and any sign-in still waiting): its tokens are forgotten. Returns whether
    /// there was one.
    pub fn sign_out(&self) -> Option<Arc<AdminSession>> {
        let mut slot = self.lock();
        if let Some(pending) = slot.pending.take() {
            pending.abort();
        }
        slot.session.take()
    }

    /// The signed-in session, or `SignInNeeded`.
    pub fn session(&self) -> Result<Arc<AdminSession>, docket_core::Error> {
        self.lock().session.clone().ok_or_else(|| IdentityError::SignInNeeded.into())
    }

    fn lock(&self) -> MutexGuard<'_, Slot> {
        // A poisoned lock only means a thread panicked while holding it; the values inside are still valid.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Reaches the app's `SignInSlot` from anything that can reach Tauri's managed state.
pub trait SignInSlotExt<R: Runtime> {
    fn sign_in_slot(&self) -> &SignInSlot;
}

impl<R: Runtime, M: Manager<R>> SignInSlotExt<R> for M {
    fn sign_in_slot(&self) -> &SignInSlot {
        // `crate::build_with` always manages a `SignInSlot`, so this lookup cannot miss.
        self.state::<SignInSlot>().inner()
    }
}
