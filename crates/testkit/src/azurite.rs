//! The real Azure Storage emulator for tests: `azurite-blob` from the workspace's `node_modules`, persisting
//! to a temp folder, on a free 127.0.0.1 port, killed when dropped. It knows nothing about Docket's sinks.
//! (Disk persistence, not `--inMemoryPersistence`: measured here, Azurite's in-memory store slows down more as
//! a container grows, and 20,000-blob runs took half again as long.)

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The emulator's public development account and its well-known key (published by Microsoft).
pub const DEV_ACCOUNT: &str = "devstoreaccount1";
pub const DEV_ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `azurite-blob`, killed when dropped.
pub struct Azurite {
    child: Child,
    port: u16,
    /// Azurite's working folder and log; removed after the process is gone.
    workspace: tempfile::TempDir,
}

impl Azurite {
    /// Starts Azurite on a free loopback port and waits until it accepts connections.
    pub fn start() -> Azurite {
        Azurite::launch(None, &[])
    }

    /// Starts Azurite keeping everything in memory (`--inMemoryPersistence`), for the benchmarks' comparison.
    pub fn start_in_memory() -> Azurite {
        Azurite::launch(None, &["--inMemoryPersistence"])
    }

    /// Starts Azurite serving only the given `(account, base64 key)` pairs (Azurite's `AZURITE_ACCOUNTS`)
    /// instead of the development account, so a test can use a key of its own making.
    pub fn start_with_accounts(accounts: &[(&str, &str)]) -> Azurite {
        let list: Vec<String> = accounts.iter().map(|(name, key)| format!("{name}:{key}")).collect();
        Azurite::launch(Some(list.join(";")), &[])
    }

    fn launch(accounts: Option<String>, extra: &[&str]) -> Azurite {
        let binary = azurite_binary();
        let workspace = tempfile::tempdir().expect("a temp folder for Azurite");
        let port = free_port();
        let log = workspace.path().join("azurite.log");
        let stderr = std::fs::File::create(&log).expect("Azurite's log file");
        let mut command = Command::new(&binary);
        match accounts {
            Some(accounts) => command.env("AZURITE_ACCOUNTS", accounts),
            None => command.env_remove("AZURITE_ACCOUNTS"),
        };
        command.args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()]);
        // Azurite 3.37 refuses a --location together with --inMemoryPersistence.
        if !extra.contains(&"--inMemoryPersistence") {
            command.arg("--location").arg(workspace.path().join("data"));
        }
        let child = command
            .args(extra)
            .args(["--disableTelemetry", "--silent", "--skipApiVersionCheck"])
            .current_dir(workspace.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {}: {e}. Run `npm ci` at the workspace root.", binary.display())
            });
        let mut azurite = Azurite { child, port, workspace };
        azurite.wait_until_listening(&log);
        azurite
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/devstoreaccount1`
    pub fn blob_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/{DEV_ACCOUNT}", self.port)
    }

    /// The full, explicit connection string for the development account.
    pub fn connection_string(&self) -> String {
        format!(
            "DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_ACCOUNT_KEY};BlobEndpoint={}",
            self.blob_endpoint()
        )
    }

    /// A connection string for `account` with `key` on this emulator (see `start_with_accounts`).
    pub fn connection_string_for(&self, account: &str, key: &str) -> String {
        format!(
            "DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};\
             BlobEndpoint=http://127.0.0.1:{}/{account}",
            self.port
        )
    }

    pub fn workspace(&self) -> &Path {
        self.workspace.path()
    }

    fn wait_until_listening(&mut self, log: &Path) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let output = std::fs::read_to_string(log).unwrap_or_default();
                panic!("azurite-blob exited ({status}) before listening:\n{output}");
            }
            if Instant::now() > deadline {
                panic!(
                    "azurite-blob did not listen on 127.0.0.1:{} within {}s",
                    self.port,
                    START_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `node_modules/.bin/azurite-blob` in the nearest folder above this crate that has one.
fn azurite_binary() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let name = if cfg!(windows) { "azurite-blob.cmd" } else { "azurite-blob" };
    manifest
        .ancestors()
        .map(|dir| dir.join("node_modules").join(".bin").join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "node_modules/.bin/{name} was not found above {}. Run `npm ci` at the workspace root to install \
                 Azurite (the Azure Storage emulator the blob tests use).",
                manifest.display()
            )
        })
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("the bound address").port()
}

/// A valid container name unique within this test run: `<prefix>-<pid>-<counter>`, lowercase, ≤ 63 chars.
pub fn unique_container(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut clean: String = prefix
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while clean.contains("--") {
        clean = clean.replace("--", "-");
    }
    let clean = clean.trim_matches('-');
    let clean = if clean.is_empty() { "test" } else { clean };
    let suffix = format!("{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let keep = 63 - suffix.len() - 1;
    let head: String = clean.chars().take(keep).collect();
    format!("{}-{suffix}", head.trim_end_matches('-'))
}
