//! The text of the timer on each platform, all running `docket run-due --state STATE` every 15 minutes: the
//! systemd user service and timer (Linux), a launchd agent (macOS) and a Task Scheduler task with the
//! `schtasks` command that imports it (Windows). Pure functions of the binary's and the state folder's
//! paths; writing and enabling them is `background/mod.rs`'s job.

use crate::text;
use std::path::Path;

use crate::config::ConfigError;

/// The systemd unit names.
pub const SERVICE_UNIT: &str = "docket-run-due.service";
pub const TIMER_UNIT: &str = "docket-run-due.timer";
/// How often the timer fires, in minutes (schedules are daily or hourly; a 15-minute check catches each
/// within a quarter of an hour).
pub const EVERY_MINUTES: u32 = 15;
/// The launchd agent's label (and its plist's file name without `.plist`).
pub const LAUNCHD_LABEL: &str = "com.docket.run-due";
/// The Windows task's name.
pub const WINDOWS_TASK: &str = "Docket run-due";

/// The command the timer runs: the binary, `run-due`, `--state` and the folder.
pub fn command(exe: &Path, state: &Path) -> Result<Vec<String>, ConfigError> {
    let named = |what: crate::Text, p: &Path| {
        let s = p.to_str().ok_or_else(|| ConfigError::Invalid {
            field: what.clone(),
            message: text!(
                "background.not_utf8",
                "{path} is not valid UTF-8; move it to a path a timer can name",
                path = p
            ),
        })?;
        if s.contains(['\n', '\r']) || !p.is_absolute() {
            return Err(ConfigError::Invalid {
                field: what,
                message: text!(
                    "background.not_absolute",
                    "\"{path}\" must be an absolute path on one line for a timer to run it",
                    path = s
                ),
            });
        }
        Ok(s.to_string())
    };
    Ok(vec![
        named(text!("field.docket_binary", "docket binary"), exe)?,
        "run-due".into(),
        "--state".into(),
        named(text!("field.state_folder", "state folder"), state)?,
    ])
}

/// One `ExecStart=` argument: double-quoted, with systemd's specifier (`%`) and variable (`$`) characters
/// and the quote rules escaped (systemd.service(5), "Command lines").
fn systemd_quote(arg: &str) -> String {
    let mut out = String::from("\"");
    for c in arg.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `docket-run-due.service`: a oneshot that runs the command once.
pub fn systemd_service(command: &[String]) -> String {
    let exec = command.iter().map(|a| systemd_quote(a)).collect::<Vec<_>>().join(" ");
    format!(
        "# Written by `docket schedule install`; `docket schedule uninstall` removes it.\n\
         [Unit]\n\
         Description=Docket: run the saved connectors that are due\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exec}\n"
    )
}

/// `docket-run-due.timer`: every 15 minutes, catching up after the computer was off (`Persistent=true`).
pub fn systemd_timer() -> String {
    format!(
        "# Written by `docket schedule install`; `docket schedule uninstall` removes it.\n\
         [Unit]\n\
         Description=Docket: check for due connectors every {EVERY_MINUTES} minutes\n\
         \n\
         [Timer]\n\
         OnCalendar=*:0/{EVERY_MINUTES}\n\
         Persistent=true\n\
         Unit={SERVICE_UNIT}\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n"
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The launchd agent (`~/Library/LaunchAgents/com.docket.run-due.plist`).
pub fn launchd_plist(command: &[String]) -> String {
    let args: String =
        command.iter().map(|a| format!("    <string>{}</string>\n", xml_escape(a))).collect::<String>();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \x20 <key>Label</key>\n\
         \x20 <string>{LAUNCHD_LABEL}</string>\n\
         \x20 <key>ProgramArguments</key>\n\
         \x20 <array>\n{args}\x20 </array>\n\
         \x20 <key>StartInterval</key>\n\
         \x20 <integer>{}</integer>\n\
         \x20 <key>RunAtLoad</key>\n\
         \x20 <true/>\n\
         </dict>\n\
         </plist>\n",
        EVERY_MINUTES * 60
    )
}

/// Windows's quoting of one argument in a command line (the program's own parser, CommandLineToArgvW).
fn windows_quote(arg: &str) -> String {
    if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
        return arg.to_string();
    }
    format!("\"{}\"", arg.replace('"', "\\\""))
}

/// The Task Scheduler task (import with `schtasks /Create /TN "Docket run-due" /XML FILE`): every 15
/// minutes, as the signed-in user, only while they are logged on (their Credential Manager is then open).
pub fn windows_task_xml(command: &[String]) -> String {
    let (program, args) = command.split_first().map(|(p, a)| (p.as_str(), a)).unwrap_or(("docket.exe", &[]));
    let arguments = args.iter().map(|a| windows_quote(a)).collect::<Vec<_>>().join(" ");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n\
         \x20 <RegistrationInfo><Description>Docket: run the saved connectors that are due</Description></RegistrationInfo>\n\
         \x20 <Triggers>\n\
         \x20   <TimeTrigger>\n\
         \x20     <StartBoundary>2026-01-01T00:00:00</StartBoundary>\n\
         \x20     <Repetition><Interval>PT{EVERY_MINUTES}M</Interval></Repetition>\n\
         \x20     <Enabled>true</Enabled>\n\
         \x20   </TimeTrigger>\n\
         \x20 </Triggers>\n\
         \x20 <Principals><Principal id=\"Author\"><LogonType>InteractiveToken</LogonType></Principal></Principals>\n\
         \x20 <Settings>\n\
         \x20   <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n\
         \x20   <StartWhenAvailable>true</StartWhenAvailable>\n\
         \x20   <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n\
         \x20 </Settings>\n\
         \x20 <Actions Context=\"Author\">\n\
         \x20   <Exec><Command>{}</Command><Arguments>{}</Arguments></Exec>\n\
         \x20 </Actions>\n\
         </Task>\n",
        xml_escape(program),
        xml_escape(&arguments)
    )
}

/// The one-line `schtasks` equivalent of the task, for a command prompt.
pub fn schtasks_command(command: &[String]) -> String {
    let line = command.iter().map(|a| windows_quote(a)).collect::<Vec<_>>().join(" ");
    format!(
        "schtasks /Create /TN \"{WINDOWS_TASK}\" /SC MINUTE /MO {EVERY_MINUTES} /TR \"{}\"",
        line.replace('"', "\\\"")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_start_quotes_paths_with_spaces_and_escapes_systemd_specifiers() {
        let cmd = command(Path::new("/opt/Docket 1/docket"), Path::new("/home/a/100%$x")).expect("paths");
        let service = systemd_service(&cmd);
        assert!(
            service.contains(
                "ExecStart=\"/opt/Docket 1/docket\" \"run-due\" \"--state\" \"/home/a/100%%$$x\"\n"
            ),
            "{service}"
        );
        assert!(command(Path::new("docket"), Path::new("/s")).is_err(), "a relative binary is refused");
    }

    #[test]
    fn the_other_platforms_get_the_same_command_every_15_minutes() {
        let cmd = command(Path::new("/usr/bin/docket"), Path::new("/srv/a&b")).expect("paths");
        let plist = launchd_plist(&cmd);
        assert!(plist.contains("<string>/srv/a&amp;b</string>") && plist.contains("<integer>900</integer>"));
        let task = windows_task_xml(&cmd);
        assert!(task.contains("<Interval>PT15M</Interval>"));
        assert!(task.contains("<Arguments>run-due --state /srv/a&amp;b</Arguments>"), "{task}");
        assert_eq!(
            schtasks_command(&cmd),
            "schtasks /Create /TN \"Docket run-due\" /SC MINUTE /MO 15 /TR \"/usr/bin/docket run-due --state /srv/a&b\""
        );
    }
}
