//! The state folder the app works in, held as Tauri managed state and reached from any `Manager` (app
//! handle, window, webview) through `StateFolderExt`. It deliberately opens nothing at startup: the ledger
//! is opened when a command needs it, so the app starts even when the folder is not usable yet.

use std::path::{Path, PathBuf};

use docket_core::connector::ConnectorStore;
use docket_core::ledger::Ledger;
use tauri::{Manager, Runtime};

/// The folder holding Docket's ledger, fixed for the life of the app.
#[derive(Debug, Clone)]
pub struct StateFolder {
    dir: PathBuf,
}

impl StateFolder {
    pub fn new(dir: PathBuf) -> StateFolder {
        StateFolder { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Opens (creating if needed) the ledger in this folder.
    pub fn open_ledger(&self) -> Result<Ledger, docket_core::Error> {
        Ok(Ledger::open(&self.dir)?)
    }

    /// The saved connectors of this folder (`connectors.json`).
    pub fn connectors(&self) -> ConnectorStore {
        ConnectorStore::new(&self.dir)
    }
}

/// Reaches the app's `StateFolder` from anything that can reach Tauri's managed state.
pub trait StateFolderExt<R: Runtime> {
    fn state_folder(&self) -> &StateFolder;
}

impl<R: Runtime, M: Manager<R>> StateFolderExt<R> for M {
    fn state_folder(&self) -> &StateFolder {
        // `crate::build` always manages a `StateFolder`, so this lookup cannot miss.
        self.state::<StateFolder>().inner()
    }
}
