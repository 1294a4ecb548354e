//! `docket run --source telegram-bot:NAME` against the Bot API double (docket-testkit), as cron or a systemd
//! timer runs it: the token and API base come from DOCKET_TELEGRAM_* variables, never the command line; the
//! run drains what is waiting and exits; a mapping CSV's TelegramUserId / TelegramUsername columns pick the
//! mailboxes; a webhook is exit 2 with advice; an old last poll warns; the token is nowhere in any output,
//! log line (trace level), ledger or file.

use std::path::Path;
use std::process::Command;

use docket_core::ledger::Ledger;
use docket_testkit::fake_telegram_bot::{self as fake, chat, text_message, unix_now, user, FakeTelegramBot};
use serde_json::json;

use super::harness::{docket, json, run_args, stderr};

const GROUP: i64 = -1_001_234_567_890;

fn with_bot_env<'a>(cmd: &'a mut Command, bot: &FakeTelegramBot, token: &str) -> &'a mut Command {
    cmd.env("DOCKET_TELEGRAM_API_BASE", &bot.base).env("DOCKET_TELEGRAM_BOT_TOKEN", token)
}

fn bot_run(bot: &FakeTelegramBot, state: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let target = format!("dir:{}", out.display());
    let mut flags = vec!["--json"];
    flags.extend_from_slice(extra);
    let args = run_args("telegram-bot:desk", &target, state, &flags);
    with_bot_env(docket().args(args), bot, fake::TOKEN).output().expect("docket runs")
}

fn seed(bot: &FakeTelegramBot) {
    let now = unix_now();
    let alice = user(1001, "Alice", Some("alice_ops"));
    let bob = user(1002, "Bob", None);
    let group = chat(GROUP, "supergroup", "Trading desk");
    let first = text_message(11, &group, Some(&alice), now - 600, "please confirm the EUR trade");
    bot.push("message", first.clone(), 600);
    let mut reply = text_message(12, &group, Some(&bob), now - 500, "confirmed");
    reply["reply_to_message"] = first.clone();
    bot.push("message", reply, 500);
    bot.add_file("photo-1", vec![7u8; 3000], 3000);
    bot.push(
        "message",
        json!({ "message_id": 13, "chat": group, "from": alice, "date": now - 400, "caption": "ticket",
                "photo": [{ "file_id": "photo-1", "file_unique_id": "p1", "file_size": 3000, "width": 9, "height": 9 }] }),
        400,
    );
    let mut edited = first;
    edited["text"] = json!("please confirm the EUR/USD trade");
    edited["edit_date"] = json!(now - 300);
    bot.push("edited_message", edited, 300);
    let channel = chat(-1_009_876_543_210, "channel", "Desk announcements");
    bot.push(
        "channel_post",
        json!({ "message_id": 5, "chat": channel, "sender_chat": channel, "date": now - 250, "text": "open at 8" }),
        250,
    );
    let owner = user(2001, "Dana", Some("dana_sales"));
    bot.push(
        "business_connection",
        json!({ "id": "bc-1", "user": owner, "date": now - 240, "is_enabled": true }),
        240,
    );
    let customer = user(555, "Carl", Some("carl_client"));
    let mut private = chat(555, "private", "Carl");
    private["username"] = json!("carl_client");
    let mut business = text_message(77, &private, Some(&customer), now - 200, "2m at 1.08?");
    business["business_connection_id"] = json!("bc-1");
    bot.push("business_message", business, 200);
    bot.push(
        "deleted_business_messages",
        json!({ "business_connection_id": "bc-1", "chat": private, "message_ids": [77] }),
        100,
    );
}

fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push((path.display().to_string(), std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    found
}

#[test]
fn telegram_bot_run_drains_into_mapped_mailboxes_once() {
    let bot = FakeTelegramBot::start();
    seed(&bot);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
    let csv = tmp.path().join("mapping.csv");
    std::fs::write(
        &csv,
        "TelegramUserId,TelegramUsername,EmailAddress\n,@alice_ops,alice@contoso.com\n1002,,bob@contoso.com\n\
         ,carl_client,sales@contoso.com\n",
    )
    .expect("csv");
    let mapping = csv.display().to_string();
    let o = bot_run(&bot, &state, &out, &["--mapping", &mapping]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = json(&o);
    // 4 group items (3 messages and the edit), a channel post, the connection record, a business message
    // and its deletion record (which reaches the customer's mapped mailbox). The channel post and the
    // connection record name nobody mapped: held as unmapped.
    assert_eq!(summary["fetched"], 8, "{summary}");
    assert_eq!(summary["skipped"]["unmapped"], 2, "{summary}");
    assert_eq!(summary["delivered"], 6, "{summary}");
    let folder = out.join("alice@contoso.com").join("Telegram Archiver");
    let alice: Vec<String> =
        files(&folder).into_iter().map(|(_, b)| String::from_utf8_lossy(&b).into_owned()).collect();
    assert!(alice.iter().any(|m| m.contains("X-Docket-Edit-Of")), "the edit reached Alice");
    let sales: Vec<String> = files(&out.join("sales@contoso.com"))
        .into_iter()
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert_eq!(sales.len(), 2, "the business message and its deletion record reached Sales");
    assert!(sales.iter().any(|m| m.contains("X-Docket-Telegram-Deleted: 77")), "the deletion record");
    assert_eq!(bot.pending(), 0, "every update was confirmed after the run");

    let again = bot_run(&bot, &state, &out, &["--mapping", &mapping]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!((json(&again)["fetched"].clone(), json(&again)["delivered"].clone()), (json!(0), json!(0)));
    assert!(bot.violations().is_empty(), "{:?}", bot.violations());
}

#[test]
fn telegram_bot_webhook_conflict_exits_2_with_advice() {
    let bot = FakeTelegramBot::start();
    bot.set_webhook(Some("https://hooks.example.com/telegram"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = bot_run(&bot, &tmp.path().join("state"), &tmp.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("deleteWebhook") && err.contains("other poller"), "{err}");
    assert!(!bot.requests().iter().any(|r| r.method == "deleteWebhook"), "the webhook is never deleted");
}

#[test]
fn telegram_bot_warns_when_the_last_poll_is_near_the_24_hour_limit() {
    let bot = FakeTelegramBot::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
    let first = bot_run(&bot, &state, &out, &["--mailbox", "compliance@contoso.com"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(!stderr(&first).contains("last successful poll"), "a fresh poll does not warn");
    // A poll long ago (any time over 20 hours back warns).
    let old = "2026-01-01T00:00:00Z";
    Ledger::open(&state).expect("ledger").set_checkpoint("telegram-bot:desk", "polled_at", old).expect("set");
    let o = bot_run(&bot, &state, &out, &["--mailbox", "compliance@contoso.com"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: the last successful poll"), "{}", stderr(&o));
    assert!(json(&o)["warnings"].to_string().contains("24 hours"), "{}", json(&o));
}

#[test]
fn telegram_bot_token_never_appears_in_output_logs_or_files() {
    let bot = FakeTelegramBot::start();
    seed(&bot);
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let wrong = "7123456789:AAdocketCanaryWrongBotToken_41d7e3";
    let traced = |token: &str, state: &Path| {
        let target = format!("dir:{}", tmp.path().join("out").display());
        let args =
            run_args("telegram-bot:desk", &target, state, &["--mailbox", "c@contoso.com", "--json", "-vvv"]);
        let mut cmd = docket();
        cmd.args(args)
            .env("DOCKET_LOG", "trace")
            .env("RUST_LOG", "trace")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"));
        with_bot_env(&mut cmd, &bot, token).output().expect("docket runs")
    };
    let state = tmp.path().join("state");
    let works = traced(fake::TOKEN, &state);
    assert!(works.status.success(), "{}", stderr(&works));
    let refused = traced(wrong, &tmp.path().join("state-2"));
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    bot.set_webhook(Some("https://hooks.example.com/x"));
    let conflict = traced(fake::TOKEN, &state);
    assert_eq!(conflict.status.code(), Some(2), "{}", stderr(&conflict));
    let lines: usize =
        [&works, &refused, &conflict].iter().map(|o| o.stderr.split(|b| *b == b'\n').count()).sum();
    assert!(lines > 50, "trace logging was on ({lines} lines)");

    let secrets =
        [fake::TOKEN, wrong, fake::TOKEN.split(':').nth(1).unwrap_or_default(), "AAdocketCanaryWrong"];
    let mut leaks = Vec::new();
    let mut check = |place: &str, bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        for secret in secrets {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            if text.contains(secret) || text.contains(&encoded) {
                leaks.push(format!("{place} holds a token"));
            }
        }
    };
    for (what, o) in [("works", &works), ("refused", &refused), ("conflict", &conflict)] {
        check(&format!("stdout of {what}"), &o.stdout);
        check(&format!("stderr of {what}"), &o.stderr);
    }
    for (path, bytes) in files(tmp.path()) {
        check(&path, &bytes);
    }
    assert!(leaks.is_empty(), "{leaks:?}");
}

/// Finished message files under `root` (not a hidden temp file a killed run left behind).
fn emls(root: &Path) -> Vec<Vec<u8>> {
    files(root)
        .into_iter()
        .filter(|(path, _)| {
            let name =
                Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.ends_with(".eml") && !name.starts_with('.')
        })
        .map(|(_, bytes)| bytes)
        .collect()
}

#[test]
fn telegram_bot_kill_9_at_any_point_then_resume_loses_and_duplicates_nothing() {
    use docket_core::test_hooks::{CrashPoint, ENV};
    for point in CrashPoint::ALL {
        for at in [1u64, 60, 130] {
            let bot = FakeTelegramBot::start();
            let group = chat(GROUP, "supergroup", "Trading desk");
            let alice = user(1001, "Alice", None);
            for i in 0..150 {
                let message =
                    text_message(i + 1, &group, Some(&alice), unix_now() - 600 + i, &format!("m{i}"));
                bot.push("message", message, 60);
            }
            let tmp = tempfile::tempdir().expect("tempdir");
            let (state, out) = (tmp.path().join("state"), tmp.path().join("out"));
            let target = format!("dir:{}", out.display());
            let args =
                run_args("telegram-bot:desk", &target, &state, &["--mailbox", "c@contoso.com", "--json"]);
            let crash = format!("{}:{at}", point.as_str());
            let crashed = with_bot_env(docket().args(&args).env(ENV, &crash), &bot, fake::TOKEN)
                .output()
                .expect("runs");
            if at == 1 {
                assert!(!crashed.status.success(), "{crash}: the armed run died");
            }
            let mut resumed = 0;
            loop {
                let o = with_bot_env(docket().args(&args), &bot, fake::TOKEN).output().expect("docket runs");
                assert!(o.status.success(), "{crash}: {}", stderr(&o));
                resumed += 1;
                if json(&o)["fetched"] == 0 || resumed > 3 {
                    break;
                }
            }
            let mut texts: Vec<String> = emls(&out)
                .iter()
                .map(|b| String::from_utf8_lossy(b).lines().last().unwrap_or_default().to_string())
                .collect();
            let count = texts.len();
            texts.sort();
            texts.dedup();
            assert_eq!(
                (count, texts.len()),
                (150, 150),
                "{crash} (crashed: {:?}): one file per update",
                crashed.status
            );
            assert_eq!(bot.pending(), 0, "{crash}: everything confirmed in the end");
            assert!(bot.violations().is_empty(), "{crash}: {:?}", bot.violations());
        }
    }
}

#[test]
fn telegram_bot_mapping_check_reads_the_telegram_columns_with_row_numbers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        "TelegramUserId,TelegramUsername,EmailAddress\n1001,,a@contoso.com\n,@bob_ops,b@contoso.com\n",
    )
    .expect("csv");
    let o = docket().args(["mapping", "check", good.to_str().unwrap_or_default()]).output().expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 Telegram ids and usernames mapped"), "{}", stderr(&o));
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "MobileNumber,TelegramUserId,TelegramUsername,EmailAddress\n+447700900123,,,p@contoso.com\n,12ab,,a@contoso.com\n,,x,b@contoso.com\n",
    )
    .expect("csv");
    let o = docket().args(["mapping", "check", bad.to_str().unwrap_or_default()]).output().expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("row 3: TelegramUserId \"12ab\" is not a Telegram user id"), "{out}");
    assert!(out.contains("row 4: TelegramUsername \"x\" is not a Telegram username"), "{out}");
}

#[test]
fn telegram_bot_items_arrive_in_the_mapped_mailboxes_through_graph_once() {
    let tenant = super::harness::graph_tenant(&[
        ("alice@contoso.com", "Alice"),
        ("bob@contoso.com", "Bob"),
        ("sales@contoso.com", "Sales"),
    ]);
    let bot = FakeTelegramBot::start();
    seed(&bot);
    let tmp = tempfile::tempdir().expect("tempdir");
    let state = tmp.path().join("state");
    let csv = tmp.path().join("mapping.csv");
    std::fs::write(
        &csv,
        "TelegramUserId,TelegramUsername,EmailAddress\n,@alice_ops,alice@contoso.com\n1002,,bob@contoso.com\n\
         ,carl_client,sales@contoso.com\n",
    )
    .expect("csv");
    let mapping = csv.display().to_string();
    let args = run_args("telegram-bot:desk", "graph", &state, &["--mapping", &mapping, "--json"]);
    let run = || with_bot_env(tenant.docket().args(&args), &bot, fake::TOKEN).output().expect("docket runs");
    let o = run();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["delivered"], 6, "{}", json(&o));
    let alice = tenant.graph.messages("alice@contoso.com", "Telegram Archiver");
    let bob = tenant.graph.messages("bob@contoso.com", "Telegram Archiver");
    let sales = tenant.graph.messages("sales@contoso.com", "Telegram Archiver");
    // Alice: her message, its edit, her photo and Bob's reply to her; Bob: his reply; Sales: Carl's message
    // and the record of its deletion.
    assert_eq!((alice.len(), bob.len(), sales.len()), (4, 1, 2));
    for message in alice.iter().chain(&bob).chain(&sales) {
        assert!(!message.is_draft, "{} is a draft", message.internet_message_id);
        assert_eq!(message.received_date_time, message.sent_date_time);
    }
    assert!(alice.iter().any(|m| m.attachments.iter().any(|a| a.bytes.len() == 3000)), "the photo arrived");

    let again = run();
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(json(&again)["delivered"], 0);
    assert_eq!(tenant.graph.messages("alice@contoso.com", "Telegram Archiver").len(), 4, "nothing twice");
}
