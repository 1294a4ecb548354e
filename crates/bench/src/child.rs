//! The release `docket` binary run as a child process, the way a scheduler runs it, with its peak resident
//! memory (`VmHWM` in `/proc/<pid>/status`) read while it runs. Linux only; it measures, it decides nothing.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use crate::BenchError;

/// `docket` next to this benchmark's own executable (`scripts/bench` builds both in release).
pub fn docket() -> Result<Command, BenchError> {
    let path: PathBuf = std::env::current_exe()?.with_file_name("docket");
    if !path.is_file() {
        return Err(format!(
            "{} is missing: build it first (`cargo build --release -p docket-cli`; scripts/bench does)",
            path.display()
        )
        .into());
    }
    let mut cmd = Command::new(path);
    cmd.env_remove("DOCKET_STORAGE_CONNECTION_STRING")
        .env_remove("DOCKET_STATE_DIR")
        .env("DOCKET_LOG", "warn");
    Ok(cmd)
}

/// A finished child: how it ended, its peak resident memory and its output.
pub struct Watched {
    pub status: ExitStatus,
    pub peak_mb: f64,
    pub stdout: String,
    pub stderr: String,
}

/// Peak resident set so far of process `pid`, in bytes (`None` once it has exited).
pub fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Runs `cmd` to the end, sampling its peak resident memory every few milliseconds.
pub fn run_watched(mut cmd: Command) -> Result<Watched, BenchError> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let pid = child.id();
    let mut out = child.stdout.take().ok_or("no stdout pipe")?;
    let mut err = child.stderr.take().ok_or("no stderr pipe")?;
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut peak = 0u64;
    let status = loop {
        // VmHWM only grows, so the last reading before exit is the peak (to within one sample).
        if let Some(bytes) = peak_rss(pid) {
            peak = peak.max(bytes);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_reader.join().map_err(|_| "the stdout reader failed")?;
    let stderr = err_reader.join().map_err(|_| "the stderr reader failed")?;
    Ok(Watched { status, peak_mb: peak as f64 / 1e6, stdout, stderr })
}

/// Like `run_watched`, but fails unless the child exited 0.
pub fn run_ok(cmd: Command, what: &str) -> Result<Watched, BenchError> {
    let watched = run_watched(cmd)?;
    if !watched.status.success() {
        return Err(format!("{what}: docket exited {}: {}", watched.status, watched.stderr.trim()).into());
    }
    Ok(watched)
}
