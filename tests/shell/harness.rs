//! The test shell: the real builder on Tauri's mock runtime with one window, and a way to invoke a command
//! through the real IPC handler. Secrets go to an in-memory store unless a test passes its own vault.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use docket_core::secrets::MemSecretStore;
use docket_desktop::{SecretVault, SystemBrowser};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub struct Shell {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

/// A file of the repository, e.g. `samples/mapping.csv`.
pub fn workspace_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A shell over `state_dir` whose secrets live in memory.
pub fn shell_with_state_dir(state_dir: &Path) -> Shell {
    shell_with(state_dir, SecretVault::in_store(Arc::new(MemSecretStore::default())))
}

/// A shell whose pages open nowhere: tests never start a real browser.
pub fn shell_with(state_dir: &Path, secrets: SecretVault) -> Shell {
    shell_with_browser(state_dir, secrets, SystemBrowser::with(|_| Ok(())))
}

/// A shell whose "system browser" is `browser` (a test's simulation of the admin's browser).
pub fn shell_with_browser(state_dir: &Path, secrets: SecretVault, browser: SystemBrowser) -> Shell {
    let app = docket_desktop::build_with(mock_builder(), state_dir.to_path_buf(), secrets, browser)
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let window =
        WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("the mock window opens");
    Shell { _app: app, window }
}

impl Shell {
    pub fn handle(&self) -> tauri::AppHandle<MockRuntime> {
        self._app.handle().clone()
    }

    pub fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: command.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a valid URL"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.window, request)
            .map(|body| body.deserialize::<Value>().expect("the response is JSON"))
    }
}
