//! The release `docket` binary run as a child process, the way a scheduler runs it, with its exact peak
//! resident memory (through the `--peak-rss-of` wrapper, or `VmHWM` sampled from `/proc` for a run that is
//! watched as it goes). Linux only; it measures, it decides nothing.

use std::path::PathBuf;
use std::process::{Command, ExitCode, ExitStatus, Stdio};

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

/// The file the `--peak-rss-of` wrapper writes its child's peak resident memory (kB) to.
const PEAK_FILE_ENV: &str = "DOCKET_BENCH_PEAK_FILE";

/// Peak resident set so far of process `pid`, in bytes (`None` once it has exited).
pub fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `docket-bench --peak-rss-of PROGRAM ARGS...`: runs the program as this process's only child, then writes
/// the kernel's exact peak resident memory of it (`getrusage(RUSAGE_CHILDREN)`, kB) to `PEAK_FILE_ENV` and
/// exits as the child did. Sampling `/proc` would miss a process that lives a few milliseconds.
pub fn peak_wrapper(mut args: impl Iterator<Item = String>) -> ExitCode {
    let Some(program) = args.next() else {
        eprintln!("docket-bench --peak-rss-of: no program given");
        return ExitCode::from(2);
    };
    let status = match Command::new(&program).args(args).status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("docket-bench --peak-rss-of: cannot run {program}: {e}");
            return ExitCode::from(2);
        }
    };
    let max_kb = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map(|usage| usage.max_rss())
        .unwrap_or(0);
    if let Ok(path) = std::env::var(PEAK_FILE_ENV) {
        let _ = std::fs::write(path, max_kb.to_string());
    }
    ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1))
}

/// Runs `cmd` to the end under the `--peak-rss-of` wrapper and returns its exact peak resident memory.
pub fn run_watched(cmd: Command) -> Result<Watched, BenchError> {
    let peak_file = tempfile::NamedTempFile::new()?;
    let mut wrapped = Command::new(std::env::current_exe()?);
    wrapped.arg("--peak-rss-of").arg(cmd.get_program()).args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    wrapped.env(PEAK_FILE_ENV, peak_file.path()).stdin(Stdio::null());
    let output = wrapped.output()?;
    let kb: f64 =
        std::fs::read_to_string(peak_file.path())?.trim().parse().map_err(|_| "no peak was recorded")?;
    Ok(Watched {
        status: output.status,
        peak_mb: kb * 1024.0 / 1e6,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}
/// Like `run_watched`, but fails unless the child exited 0.
pub fn run_ok(cmd: Command, what: &str) -> Result<Watched, BenchError> {
    let watched = run_watched(cmd)?;
    if !watched.status.success() {
        return Err(format!("{what}: docket exited {}: {}", watched.status, watched.stderr.trim()).into());
    }
    Ok(watched)
}
