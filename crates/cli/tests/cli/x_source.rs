//! `docket run --source x:ACCOUNT` against the fake X API (docket-testkit), as a scheduler runs it: the
//! credentials and API base come from DOCKET_X_* variables, never the command line; output is JSON and
//! exit codes; `.eml` files land under OUT/<mailbox>/Twitter/.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use docket_testkit::fake_x::{self, FakeX, FakeXOptions, NewMedia};

use super::harness::{docket, json, run_args, stderr};

const MAILBOX: &str = "compliance@contoso.com";

fn with_x_env<'a>(cmd: &'a mut Command, fake: &FakeX) -> &'a mut Command {
    cmd.env("DOCKET_X_API_BASE", &fake.base)
        .env("DOCKET_X_API_KEY", fake_x::API_KEY)
        .env("DOCKET_X_API_SECRET", fake_x::API_SECRET)
        .env("DOCKET_X_ACCESS_TOKEN", fake_x::ACCESS_TOKEN)
        .env("DOCKET_X_ACCESS_TOKEN_SECRET", fake_x::ACCESS_TOKEN_SECRET)
}

fn x_run(fake: &FakeX, state: &Path, out: &Path) -> std::process::Output {
    let target = format!("dir:{}", out.display());
    let args = run_args("x:contoso", &target, state, &["--mailbox", MAILBOX, "--json"]);
    with_x_env(docket().args(args), fake).output().expect("docket runs")
}

/// A finished message file (not a hidden temp file a killed run left behind).
fn is_eml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "eml")
        && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// The archived messages by file name, with their X id (`X-Docket-Source-Id`).
fn archived(out: &Path) -> BTreeMap<String, String> {
    let folder = out.join(MAILBOX).join("Twitter");
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten().filter(|e| is_eml(&e.path())) {
        let bytes = std::fs::read(entry.path()).expect("readable");
        let message = mail_parser::MessageParser::default().parse(&bytes).expect("parses");
        let id = message.header_raw("X-Docket-Source-Id").expect("source id").trim().to_string();
        found.insert(entry.file_name().to_string_lossy().into_owned(), id);
    }
    found
}

fn ids(fake: &FakeX) -> Vec<String> {
    let (posts, mentions, dms) = fake.ids();
    let mut all: Vec<String> = posts.into_iter().chain(mentions).chain(dms).collect();
    all.sort();
    all
}

fn sorted_ids(archived: &BTreeMap<String, String>) -> Vec<String> {
    let mut ids: Vec<String> = archived.values().cloned().collect();
    ids.sort();
    ids
}

#[test]
fn an_x_run_archives_every_item_then_fetches_nothing_old_then_exactly_the_new_ones() {
    let fake = FakeX::start();
    fake.seed(7, 4, 5);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));

    let o = x_run(&fake, &state, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = json(&o);
    assert_eq!(summary["fetched"], 16);
    assert_eq!(summary["delivered"], 16);
    assert!(
        summary["warnings"].as_array().is_some_and(|w| !w.is_empty()),
        "first-run reach warnings: {summary}"
    );
    assert!(stderr(&o).contains("warning: first run for posts"), "{}", stderr(&o));
    let files = archived(&out);
    assert_eq!(sorted_ids(&files), ids(&fake), "every post, mention and DM, once");
    let with_media = files
        .keys()
        .filter(|name| {
            let bytes = std::fs::read(out.join(MAILBOX).join("Twitter").join(name)).expect("readable");
            mail_parser::MessageParser::default().parse(&bytes).is_some_and(|m| m.attachment_count() > 0)
        })
        .count();
    assert!(with_media >= 2, "media arrive as attachments ({with_media})");
    let pages = fake.requests().iter().filter(|r| r.param("pagination_token").is_some()).count();
    assert!(pages >= 3, "several pages were followed ({pages})");

    let before = fake.requests().len();
    let o = x_run(&fake, &state, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["fetched"], 0);
    let (posts, mentions, _) = fake.ids();
    let later = fake.requests().into_iter().skip(before).collect::<Vec<_>>();
    assert!(later
        .iter()
        .filter(|r| r.endpoint == "GET /2/users/:id/tweets")
        .all(|r| r.param("since_id") == posts.first().map(String::as_str)));
    assert!(later
        .iter()
        .filter(|r| r.endpoint == "GET /2/users/:id/mentions")
        .all(|r| r.param("since_id") == mentions.first().map(String::as_str)));

    let added = [
        fake.add_post("after hours", &[NewMedia::Photo { size: 900 }]),
        fake.add_mention("alice_trades", "one more question"),
        fake.add_dm("bob_fx", "call me", &[]),
    ];
    let o = x_run(&fake, &state, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = json(&o);
    assert_eq!((summary["fetched"].as_u64(), summary["delivered"].as_u64()), (Some(3), Some(3)), "{summary}");
    let files = archived(&out);
    assert_eq!(files.len(), 19);
    for id in &added {
        assert!(files.values().any(|v| v == id), "{id} archived");
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn a_429_mid_stream_waits_for_the_reset_and_the_run_completes() {
    let fake = FakeX::start();
    fake.seed(6, 3, 3);
    fake.inject_429(4, 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = x_run(&fake, &tmp.path().join("state"), &tmp.path().join("out"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["delivered"], 12);
    assert_eq!(fake.requests().iter().filter(|r| r.status == 429).count(), 1);
    assert!(fake.violations().is_empty(), "requests before the reset: {:?}", fake.violations());
}

#[test]
fn a_run_killed_mid_window_then_resumed_archives_every_item_exactly_once() {
    let fake = FakeX::start_with(FakeXOptions {
        media_delay: Duration::from_millis(250),
        ..FakeXOptions::default()
    });
    fake.seed(12, 4, 8);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
    let target = format!("dir:{}", out.display());
    let args =
        run_args("x:contoso", &target, &state, &["--mailbox", MAILBOX, "--json", "--concurrency", "1"]);
    let mut child = with_x_env(docket().args(&args), &fake)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let folder = out.join(MAILBOX).join("Twitter");
    let written =
        || std::fs::read_dir(&folder).map(|d| d.flatten().filter(|e| is_eml(&e.path())).count()).unwrap_or(0);
    while child.try_wait().expect("status").is_none() && written() < 3 {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(child.try_wait().expect("status").is_none(), "the run ended before it could be killed");
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let partial = written();
    assert!((3..24).contains(&partial), "killed mid-window with {partial} items written");

    let o = x_run(&fake, &state, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = json(&o);
    assert_eq!(summary["fetched"], 24, "the uncommitted window is fetched again: {summary}");
    assert_eq!(summary["failed"], serde_json::json!({}));
    assert_eq!(sorted_ids(&archived(&out)), ids(&fake), "every item exactly once");
    let o = x_run(&fake, &state, &out);
    assert_eq!(json(&o)["fetched"], 0, "the resumed run committed the checkpoints");
}

#[test]
fn refused_credentials_are_an_authentication_error_with_exit_2_and_no_retries() {
    let fake = FakeX::start();
    fake.seed(2, 1, 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let target = format!("dir:{}", tmp.path().join("out").display());
    let args = run_args("x:contoso", &target, &tmp.path().join("state"), &["--mailbox", MAILBOX, "--json"]);
    let mut wrong = fake_x::API_SECRET.to_string();
    wrong.replace_range(0..1, "G");
    let o = with_x_env(docket().args(args), &fake).env("DOCKET_X_API_SECRET", &wrong).output().expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(json(&o)["error"]["code"], "x_auth");
    assert_eq!(fake.requests().len(), 1, "one refused request, no retry loop");
    assert_eq!(fake.rejected_signatures(), 1);
    let all_output = format!("{}{}", stderr(&o), String::from_utf8_lossy(&o.stdout));
    for secret in [fake_x::API_KEY, fake_x::ACCESS_TOKEN, fake_x::ACCESS_TOKEN_SECRET, wrong.as_str()] {
        assert!(!all_output.contains(secret), "a secret reached the output");
    }
}

#[test]
fn missing_credentials_name_the_variable_to_set() {
    let fake = FakeX::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let target = format!("dir:{}", tmp.path().join("out").display());
    let args = run_args("x:contoso", &target, &tmp.path().join("state"), &["--mailbox", MAILBOX]);
    let o = with_x_env(docket().args(args), &fake)
        .env_remove("DOCKET_X_ACCESS_TOKEN")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("DOCKET_X_ACCESS_TOKEN"), "{}", stderr(&o));
    assert!(fake.requests().is_empty(), "nothing is sent without all four credentials");
}

#[test]
fn preview_shows_the_first_x_item_as_run_would_write_it() {
    let fake = FakeX::start();
    fake.seed(3, 1, 1);
    let o = with_x_env(docket().args(["preview", "--source", "x:contoso", "--mailbox", MAILBOX]), &fake)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    let message = mail_parser::MessageParser::default().parse(&o.stdout).expect("an .eml on stdout");
    let (posts, _, _) = fake.ids();
    assert_eq!(
        message.header_raw("X-Docket-Source-Id").map(str::trim),
        posts.last().map(String::as_str),
        "the oldest post first"
    );
    assert!(stderr(&o).contains(MAILBOX), "{}", stderr(&o));
}
