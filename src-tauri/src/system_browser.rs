//! Opening a page in the admin's own browser (never an embedded webview, so the Microsoft sign-in runs where
//! the admin's password manager and MFA are), held as Tauri managed state and reached through
//! `SystemBrowserExt`. Tests swap in their own opener; it decides nothing about what is opened.

use std::io;
use std::process::{Command, Stdio};
use std::sync::Arc;

use tauri::{Manager, Runtime};

type OpenFn = dyn Fn(&str) -> io::Result<()> + Send + Sync;

#[derive(Clone)]
pub struct SystemBrowser {
    open: Arc<OpenFn>,
}

impl std::fmt::Debug for SystemBrowser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SystemBrowser")
    }
}

impl SystemBrowser {
    /// The platform's own opener: `xdg-open` (Linux, BSD), `open` (macOS), the URL handler (Windows).
    pub fn os() -> SystemBrowser {
        SystemBrowser { open: Arc::new(open_with_os) }
    }

    /// Any other opener (tests).
    pub fn with(open: impl Fn(&str) -> io::Result<()> + Send + Sync + 'static) -> SystemBrowser {
        SystemBrowser { open: Arc::new(open) }
    }

    /// Opens `url`, which must be an https page or a page on this computer.
    pub fn open(&self, url: &str) -> io::Result<()> {
        if !(url.starts_with("https://") || url.starts_with("http://127.0.0.1")) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "only https pages are opened"));
        }
        (self.open)(url)
    }
}

fn open_with_os(url: &str) -> io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(target_os = "windows") {
        // Not `cmd /C start`: cmd would read the URL's `&` as a command separator.
        let mut command = Command::new("rundll32");
        command.arg("url.dll,FileProtocolHandler");
        command
    } else {
        Command::new("xdg-open")
    };
    let mut child =
        command.arg(url).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    // Reap the opener when it exits (it hands the URL to the browser and returns).
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Reaches the app's `SystemBrowser` from anything that can reach Tauri's managed state.
pub trait SystemBrowserExt<R: Runtime> {
    fn system_browser(&self) -> &SystemBrowser;
}

impl<R: Runtime, M: Manager<R>> SystemBrowserExt<R> for M {
    fn system_browser(&self) -> &SystemBrowser {
        // `crate::build_with` always manages a `SystemBrowser`, so this lookup cannot miss.
        self.state::<SystemBrowser>().inner()
    }
}
