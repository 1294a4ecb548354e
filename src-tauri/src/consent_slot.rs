//! The admin consent in progress, held as Tauri managed state and reached through `ConsentSlotExt`, so
//! `admin_consent_wait` can wait on the listener `app_consent_start` bound. A newer start, or the admin's
//! confirmation by hand, ends an older wait. It decides nothing about the answer (see `docket_core::identity`).

use std::sync::{Mutex, MutexGuard};

use docket_core::connector::CancellationToken;
use docket_core::identity::ConsentListener;
use tauri::{Manager, Runtime};

#[derive(Debug, Default)]
pub struct ConsentSlot {
    inner: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    /// The listener started and not yet waited on.
    listener: Option<ConsentListener>,
    /// The tenant of the latest consent started.
    tenant: Option<String>,
    /// Ends the wait in progress, if any.
    waiting: Option<CancellationToken>,
}

impl ConsentSlot {
    /// Keeps a newly started consent, ending any older one.
    pub fn begin(&self, listener: ConsentListener, tenant: String) {
        let mut pending = self.lock();
        if let Some(waiting) = pending.waiting.take() {
            waiting.cancel();
        }
        *pending = Pending { listener: Some(listener), tenant: Some(tenant), waiting: None };
    }

    /// The started consent's listener, and the token that ends its wait early; `None` when none is started.
    pub fn take_for_wait(&self) -> Option<(ConsentListener, CancellationToken)> {
        let mut pending = self.lock();
        let listener = pending.listener.take()?;
        let token = CancellationToken::new();
        pending.waiting = Some(token.clone());
        Some((listener, token))
    }

    /// Ends any started consent or wait (the admin confirmed by hand) and returns its tenant.
    pub fn finish_by_hand(&self) -> Option<String> {
        let mut pending = self.lock();
        if let Some(waiting) = pending.waiting.take() {
            waiting.cancel();
        }
        pending.listener = None;
        pending.tenant.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A poisoned lock only means a thread panicked while holding it; the values inside are still valid.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Reaches the app's `ConsentSlot` from anything that can reach Tauri's managed state.
pub trait ConsentSlotExt<R: Runtime> {
    fn consent_slot(&self) -> &ConsentSlot;
}

impl<R: Runtime, M: Manager<R>> ConsentSlotExt<R> for M {
    fn consent_slot(&self) -> &ConsentSlot {
        // `crate::build_with` always manages a `ConsentSlot`, so this lookup cannot miss.
        self.state::<ConsentSlot>().inner()
    }
}
