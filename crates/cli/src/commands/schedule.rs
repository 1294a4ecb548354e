//! `docket schedule install|uninstall|status`: the user-level timer that calls `docket run-due` every 15
//! minutes, through the core's `background` module (the desktop app calls the same functions). `install
//! --print` shows the units for every platform and changes nothing. Exit 0 done, 2 when the timer cannot be
//! installed or checked here (no user manager, no systemd, bad paths), with what to do next.

use std::path::PathBuf;

use docket_core::background::{self, units, TimerStatus};

use super::state_dir;
use crate::args::{ScheduleArgs, ScheduleInstallArgs};
use crate::exit::{self, Exit};

/// The timer runs this very binary, by its absolute path.
fn current_exe() -> Result<PathBuf, docket_core::Error> {
    std::env::current_exe().map_err(|e| {
        docket_core::config::ConfigError::cli(
            "docket binary",
            format!("the path of this docket binary cannot be read ({e}); run it by its full path"),
        )
        .into()
    })
}

fn absolute_state(state: &Option<PathBuf>) -> Result<PathBuf, docket_core::Error> {
    let dir = state_dir(state)?;
    Ok(std::path::absolute(&dir).unwrap_or(dir))
}

pub fn install(args: ScheduleInstallArgs) -> Exit {
    let paths = current_exe().and_then(|exe| Ok((exe, absolute_state(&args.state)?)));
    let (exe, state) = match paths {
        Ok(paths) => paths,
        Err(e) => return exit::report(&e, args.json),
    };
    if args.print {
        return print_units(&exe, &state, args.json);
    }
    match background::install(&exe, &state) {
        Ok(status) => {
            if !args.json {
                outln!(
                    "installed {} and {} in {}: docket run-due runs every {} minutes on {}",
                    units::SERVICE_UNIT,
                    units::TIMER_UNIT,
                    status.unit_dir,
                    units::EVERY_MINUTES,
                    state.display()
                );
            }
            show(&status, args.json)
        }
        Err(e) => exit::report(&e, args.json),
    }
}

pub fn uninstall(args: ScheduleArgs) -> Exit {
    match background::uninstall() {
        Ok(status) => {
            if !args.json {
                outln!("removed the Docket timer from {}", status.unit_dir);
            }
            show(&status, args.json)
        }
        Err(e) => exit::report(&e, args.json),
    }
}

/// 0 when systemd could be asked, 2 when it could not (the status still says what is installed).
pub fn status(args: ScheduleArgs) -> Exit {
    match background::status() {
        Ok(status) => {
            let exit = show(&status, args.json);
            if status.manager_reachable {
                exit
            } else {
                Exit::BadInput
            }
        }
        Err(e) => exit::report(&e, args.json),
    }
}

fn show(status: &TimerStatus, json: bool) -> Exit {
    if json {
        outln!("{}", serde_json::to_string(status).unwrap_or_default());
        return Exit::Ok;
    }
    let yes = |b: bool| if b { "yes" } else { "no" };
    let unknown = |b: bool| if status.manager_reachable { yes(b) } else { "unknown (no user manager)" };
    outln!("installed:     {} ({})", yes(status.installed), status.unit_dir);
    outln!("enabled:       {}", unknown(status.enabled));
    outln!("active:        {}", unknown(status.active));
    if let Some(exec) = &status.exec_start {
        outln!("runs:          {exec}");
    }
    outln!("last trigger:  {}", status.last_trigger.as_deref().unwrap_or("never, or systemd cannot tell"));
    outln!("next trigger:  {}", status.next_trigger.as_deref().unwrap_or("none, or systemd cannot tell"));
    if let Some(linger) = status.linger {
        outln!("lingering:     {}", yes(linger));
    }
    for advice in &status.advice {
        errln!("docket: {advice}");
    }
    Exit::Ok
}

fn print_units(exe: &std::path::Path, state: &std::path::Path, json: bool) -> Exit {
    let command = match units::command(exe, state) {
        Ok(command) => command,
        Err(e) => return exit::report(&e.into(), json),
    };
    let service = units::systemd_service(&command);
    let timer = units::systemd_timer();
    let plist = units::launchd_plist(&command);
    let task = units::windows_task_xml(&command);
    let schtasks = units::schtasks_command(&command);
    if json {
        outln!(
            "{}",
            serde_json::json!({
                "command": command,
                "systemd": { "service": service, "timer": timer },
                "launchd": { "label": units::LAUNCHD_LABEL, "plist": plist },
                "windows": { "task_xml": task, "schtasks": schtasks },
            })
        );
        return Exit::Ok;
    }
    outln!("# Linux (systemd user timer): ~/.config/systemd/user/{}", units::SERVICE_UNIT);
    outln!("{service}");
    outln!("# ~/.config/systemd/user/{}", units::TIMER_UNIT);
    outln!("{timer}");
    outln!("# then: systemctl --user daemon-reload && systemctl --user enable --now {}", units::TIMER_UNIT);
    outln!("");
    outln!("# macOS (launchd agent): ~/Library/LaunchAgents/{}.plist", units::LAUNCHD_LABEL);
    outln!("{plist}");
    outln!("# then: launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/{}.plist", units::LAUNCHD_LABEL);
    outln!("");
    outln!("# Windows (Task Scheduler), in a command prompt:");
    outln!("{schtasks}");
    outln!(
        "# or save this as docket-run-due.xml and run: schtasks /Create /TN \"{}\" /XML docket-run-due.xml",
        units::WINDOWS_TASK
    );
    outln!("{task}");
    Exit::Ok
}
