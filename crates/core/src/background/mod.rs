//! Scheduled runs without the window: a user-level timer that calls `docket run-due` every 15 minutes. On
//! Linux it writes, enables, reports on and removes a systemd user timer through `systemctl --user`; for
//! macOS and Windows it renders the launchd agent and the Task Scheduler task for the admin to install
//! (`units`). `docket schedule` and the desktop app's "keep running when Docket is closed" both call these.
//! The unit folder and the `systemctl` program can be overridden (`config::env::SYSTEMD_USER_DIR`,
//! `config::env::SYSTEMCTL`). It runs no connector itself.

pub mod units;

use crate::text;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use ts_rs::TS;

use crate::config::env;
use crate::error::Error;
pub use units::{SERVICE_UNIT, TIMER_UNIT};

#[derive(Debug, thiserror::Error)]
pub enum BackgroundError {
    NoUserManager {
        state: String,
        user: String,
    },
    NoSystemctl(String),
    Systemctl {
        args: String,
        detail: String,
    },
    /// A unit file could not be written (`removing: false`) or removed (`true`).
    Io {
        removing: bool,
        path: PathBuf,
        source: std::io::Error,
    },
    Unsupported,
    NoCli,
}

impl BackgroundError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            BackgroundError::NoUserManager { state, user } => text!(
                "background.no_user_manager",
                "`systemctl --user` cannot reach this user's systemd manager (it says \"{state}\"), so no timer can be \
         installed or checked here. This happens in containers, over some SSH sessions and in CI. Sign in to a \
         desktop or a full login session and try again; on a server, run `loginctl enable-linger {user}` (as \
         an administrator) so the user's manager runs without a session, or run `docket run-due` from cron or \
         the server's own scheduler instead",
                state = state,
                user = user
            ),
            BackgroundError::NoSystemctl(v0) => text!(
                "background.no_systemctl",
                "systemctl was not found ({detail}): this system does not run systemd. Run `docket schedule install --print` \
         and add the command it shows to cron or this system's own scheduler",
                detail = v0
            ),
            BackgroundError::Systemctl { args, detail } => text!(
                "background.systemctl",
                "`systemctl {args}` failed: {detail}. Run it yourself to see why, then try again",
                args = args,
                detail = detail
            ),
            BackgroundError::Io { removing: false, path, source } => text!(
                "background.write",
                "cannot write {path}: {detail}. Check that you may write to that folder, then try again",
                path = path,
                detail = source
            ),
            BackgroundError::Io { removing: true, path, source } => text!(
                "background.remove",
                "cannot remove {path}: {detail}. Check that you may write to that folder, then try again",
                path = path,
                detail = source
            ),
            BackgroundError::Unsupported => text!(
                "background.unsupported",
                "this platform has no systemd: Docket does not install its timer here itself. Run `docket schedule \
         install --print` and install the launchd agent (macOS) or the scheduled task (Windows) it shows"
            ),
            BackgroundError::NoCli => text!(
                "background.no_cli",
                "the docket command-line tool was not found beside Docket or on PATH, and the timer needs it. Install \
         the docket CLI (or set DOCKET_CLI_PATH to it), then try again"
            ),
        }
    }
}

crate::display_as_text!(BackgroundError);

impl BackgroundError {
    pub fn code(&self) -> crate::Code {
        match self {
            BackgroundError::Io { .. } => crate::Code::Io,
            _ => crate::Code::BadConfig,
        }
    }
}

/// The timer as `docket schedule status` and the app show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct TimerStatus {
    /// Both unit files are in the unit folder.
    pub installed: bool,
    /// systemd has the timer enabled (it starts with the user's manager).
    pub enabled: bool,
    /// The timer is active (counting down to its next trigger).
    pub active: bool,
    /// Whether `systemctl --user` reached the user's manager (if not, `enabled` and `active` are unknown).
    pub manager_reachable: bool,
    /// The folder the units are in.
    pub unit_dir: String,
    /// The command the installed service runs, as its `ExecStart=` line gives it.
    pub exec_start: Option<String>,
    /// When the timer last fired and fires next, as systemd tells (none when it cannot tell).
    pub last_trigger: Option<String>,
    pub next_trigger: Option<String>,
    /// Whether the user's manager runs without a session (`loginctl enable-linger`); none when unknown.
    pub linger: Option<bool>,
    /// What the admin should know or do next, one sentence each (in English).
    pub advice: Vec<String>,
    /// The same sentences with their keys and values, for the app to say in the admin's language.
    #[serde(default)]
    pub advice_texts: Vec<crate::Text>,
}

impl TimerStatus {
    fn advise(&mut self, text: crate::Text) {
        self.advice.push(text.message.clone());
        self.advice_texts.push(text);
    }
}

/// Where the systemd user units go: `DOCKET_SYSTEMD_USER_DIR`, else `~/.config/systemd/user`.
pub fn unit_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = env::path_override(env::SYSTEMD_USER_DIR, "systemd user units are written to") {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir().map(|d| d.join("systemd").join("user")).ok_or_else(|| {
        crate::config::ConfigError::Invalid {
            field: text!("field.systemd_folder", "systemd user folder"),
            message: text!(
                "background.no_config_folder",
                "this account has no configuration folder (HOME is not set); set HOME and try again"
            ),
        }
        .into()
    })
}

/// `systemctl --user ARGS…` (or `DOCKET_SYSTEMCTL`'s program): its exit success, stdout and stderr.
fn systemctl(args: &[&str]) -> Result<(bool, String, String), BackgroundError> {
    let program =
        env::path_override(env::SYSTEMCTL, "systemctl is run as").unwrap_or_else(|| "systemctl".into());
    let mut full = vec!["--user"];
    full.extend_from_slice(args);
    let output = Command::new(&program)
        .args(&full)
        .output()
        .map_err(|e| BackgroundError::NoSystemctl(format!("{program}: {e}")))?;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).trim().to_string(),
        String::from_utf8_lossy(&output.stderr).trim().to_string(),
    ))
}

fn checked(args: &[&str]) -> Result<String, BackgroundError> {
    let (ok, out, err) = systemctl(args)?;
    if ok {
        Ok(out)
    } else {
        let detail = if err.is_empty() { "no message".to_string() } else { err };
        Err(BackgroundError::Systemctl { args: format!("--user {}", args.join(" ")), detail })
    }
}

/// The login name, as the environment gives it.
fn user() -> Option<String> {
    env::var("USER").or_else(|| env::var("LOGNAME"))
}

/// No systemd here (not Linux) and no `systemctl` override to stand in for it.
fn unsupported() -> bool {
    !cfg!(target_os = "linux") && env::var(env::SYSTEMCTL).is_none()
}

fn user_name() -> String {
    user().unwrap_or_else(|| "$USER".into())
}

/// Whether the user's manager answers: `systemctl --user is-system-running` prints one of systemd's documented
/// states; `offline` (or nothing) means there is no manager to talk to.
fn manager_state() -> Result<Result<(), String>, BackgroundError> {
    let (_, out, err) = systemctl(&["is-system-running"])?;
    let state = out.lines().next().unwrap_or("").trim().to_string();
    match state.as_str() {
        "initializing" | "starting" | "running" | "degraded" | "maintenance" | "stopping" => Ok(Ok(())),
        "" => Ok(Err(if err.is_empty() { "nothing".into() } else { err })),
        _ => Ok(Err(state)),
    }
}

fn require_manager() -> Result<(), BackgroundError> {
    manager_state()?.map_err(|state| BackgroundError::NoUserManager { state, user: user_name() })
}

fn write_unit(dir: &Path, name: &str, text: &str) -> Result<(), BackgroundError> {
    let path = dir.join(name);
    let io = |source| BackgroundError::Io { removing: false, path: path.clone(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    // Units are read by the user's manager only; 0644 is what systemctl edit writes.
    crate::config::replace_file(&path, Some(0o644), |file| std::io::Write::write_all(file, text.as_bytes()))
        .map_err(io)
}

/// Writes the service and timer running `exe run-due --state state` into `dir` (no systemctl call).
pub fn write_units(dir: &Path, exe: &Path, state: &Path) -> Result<(), Error> {
    let command = units::command(exe, state)?;
    write_unit(dir, SERVICE_UNIT, &units::systemd_service(&command))?;
    write_unit(dir, TIMER_UNIT, &units::systemd_timer())?;
    Ok(())
}

/// Installs and starts the timer: checks the user's manager answers, writes both units, then
/// `systemctl --user daemon-reload` and `systemctl --user enable --now docket-run-due.timer`.
pub fn install(exe: &Path, state: &Path) -> Result<TimerStatus, Error> {
    if unsupported() {
        return Err(BackgroundError::Unsupported.into());
    }
    require_manager()?;
    let dir = unit_dir()?;
    write_units(&dir, exe, state)?;
    checked(&["daemon-reload"])?;
    checked(&["enable", "--now", TIMER_UNIT])?;
    status()
}

/// Stops and disables the timer, removes both units and reloads the manager. Nothing installed is fine.
pub fn uninstall() -> Result<TimerStatus, Error> {
    if unsupported() {
        return Err(BackgroundError::Unsupported.into());
    }
    require_manager()?;
    let dir = unit_dir()?;
    if dir.join(TIMER_UNIT).exists() {
        checked(&["disable", "--now", TIMER_UNIT])?;
    }
    for name in [TIMER_UNIT, SERVICE_UNIT] {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(BackgroundError::Io { removing: true, path, source }.into()),
        }
    }
    checked(&["daemon-reload"])?;
    status()
}

/// What is installed, whether systemd has it enabled and when it fires; never changes anything. An
/// unreachable manager is reported in the status (with advice), not as an error.
pub fn status() -> Result<TimerStatus, Error> {
    let dir = unit_dir()?;
    let service = std::fs::read_to_string(dir.join(SERVICE_UNIT)).ok();
    let mut status = TimerStatus {
        installed: service.is_some() && dir.join(TIMER_UNIT).is_file(),
        unit_dir: dir.display().to_string(),
        exec_start: service
            .as_deref()
            .and_then(|s| s.lines().find_map(|l| l.strip_prefix("ExecStart=")).map(str::to_string)),
        linger: linger(),
        ..TimerStatus::default()
    };
    if unsupported() {
        status.advise(BackgroundError::Unsupported.text());
        return Ok(status);
    }
    match manager_state() {
        Ok(Ok(())) => status.manager_reachable = true,
        Ok(Err(state)) => {
            status.advise(BackgroundError::NoUserManager { state, user: user_name() }.text());
        }
        Err(e) => status.advise(e.text()),
    }
    if status.manager_reachable {
        let properties = "--property=UnitFileState,ActiveState,LastTriggerUSec,NextElapseUSecRealtime";
        let shown = checked(&["show", TIMER_UNIT, properties])?;
        let value = |key: &str| {
            shown
                .lines()
                .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
                .map(str::trim)
                .filter(|v| !v.is_empty() && *v != "n/a" && *v != "0")
                .map(str::to_string)
        };
        status.enabled = value("UnitFileState").as_deref() == Some("enabled");
        status.active = value("ActiveState").as_deref() == Some("active");
        status.last_trigger = value("LastTriggerUSec");
        status.next_trigger = value("NextElapseUSecRealtime");
    }
    advise_on(&mut status);
    Ok(status)
}

/// `/var/lib/systemd/linger/USER` exists while lingering is on (loginctl(1), enable-linger).
fn linger() -> Option<bool> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let user = user()?;
    Some(Path::new("/var/lib/systemd/linger").join(user).exists())
}

fn advise_on(status: &mut TimerStatus) {
    if !status.installed {
        status.advise(text!(
            "background.not_installed",
            "no timer is installed: scheduled runs happen only while the Docket app is open. Run `docket \
             schedule install` (or turn on \"Keep running scheduled imports when Docket is closed\" in the app)"
        ));
        return;
    }
    if status.manager_reachable && !status.enabled {
        status.advise(text!(
            "background.not_enabled",
            "the timer's units are installed but not enabled: run `systemctl --user enable --now {unit}` or \
             `docket schedule install` again",
            unit = TIMER_UNIT
        ));
    }
    if status.linger == Some(false) {
        status.advise(text!(
            "background.no_linger",
            "lingering is off for this user, so the timer runs only while you are signed in. To run it after \
             you sign out, an administrator runs `loginctl enable-linger {user}`; then the keychain (Secret \
             Service) may be locked when a run starts, and runs that need secrets fail with a keychain error \
             until you sign in — or give those secrets to the service as DOCKET_* environment variables",
            user = user_name()
        ));
    }
}

/// The `docket` CLI the desktop app's timer runs: `DOCKET_CLI_PATH`, else `docket` beside `app_exe` (the
/// packages install both in one folder), else the first `docket` on PATH.
pub fn find_cli(app_exe: Option<&Path>) -> Result<PathBuf, Error> {
    let name = if cfg!(windows) { "docket.exe" } else { "docket" };
    if let Some(path) = env::path_override(env::CLI_PATH, "the timer runs the docket CLI at") {
        return Ok(PathBuf::from(path));
    }
    let beside = app_exe.and_then(Path::parent).map(|dir| dir.join(name));
    let on_path = env::var("PATH")
        .map(|p| std::env::split_paths(&p).map(|dir| dir.join(name)).collect::<Vec<_>>())
        .unwrap_or_default();
    beside
        .into_iter()
        .chain(on_path)
        .find(|candidate| candidate.is_file() && candidate.is_absolute())
        .ok_or_else(|| BackgroundError::NoCli.into())
}
