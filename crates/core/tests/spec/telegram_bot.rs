//! Spec: live Telegram capture through the Bot API (against docket-testkit's Bot API double). A group, a
//! channel and a business chat, with text, a reply, media, an edit and a business deletion, are archived
//! once each; the edit threads to its original; the deletion is a record item; a file over 20 MB is held as
//! oversize with its file id; updates are confirmed to Telegram only after a run put them in the ledger; a
//! 429 storm is ridden out without an early request; a webhook gives a clear error and is never deleted; the
//! token appears nowhere Docket writes.

use std::path::Path;
use std::sync::Arc;

use docket_core::connector::{self, telegram_bot, CancellationToken, PlanTarget, RunPlan};
use docket_core::ledger::Ledger;
use docket_core::model::{RunSummary, SourceKind};
use docket_core::pipeline::{Progress, ProgressFn};
use docket_core::secrets::{MemSecretStore, SecretStore, Sensitive};
use docket_core::sources::telegram_bot::records::message_key;
use docket_core::{Code, Error};
use docket_testkit::fake_telegram_bot::{self as fake, chat, text_message, unix_now, user, FakeTelegramBot};
use serde_json::json;

const MAILBOX: &str = "compliance@contoso.com";
const GROUP: i64 = -1_001_234_567_890;
const CHANNEL: i64 = -1_009_876_543_210;
const CUSTOMER: i64 = 555_000_111;

fn store() -> MemSecretStore {
    let store = MemSecretStore::default();
    store.set(telegram_bot::TOKEN_ENTRY, &Sensitive::new(fake::TOKEN.into())).expect("stored");
    store
}

fn plan(out: &Path) -> RunPlan {
    RunPlan {
        source_kind: SourceKind::Telegram,
        location: "bot:compliance".into(),
        timezone: String::new(),
        date_order: None,
        mapping_csv: None,
        auto_map: true,
        owner_mailbox: Some(MAILBOX.into()),
        folder: None,
        default_region: None,
        targets: vec![PlanTarget::Dir { path: out.display().to_string() }],
        concurrency: 2,
    }
}

async fn drain(bot: &FakeTelegramBot, state: &Path, out: &Path) -> Result<RunSummary, Error> {
    std::env::set_var("DOCKET_TELEGRAM_API_BASE", &bot.base);
    let ledger = Ledger::open(state).expect("ledger");
    let progress: ProgressFn = Arc::new(|_: Progress| {});
    connector::run_import(&plan(out), &store(), &ledger, progress, CancellationToken::new()).await
}

/// The scenario: returns (original key of the edited message, the edit's date).
fn seed(bot: &FakeTelegramBot) -> (String, i64) {
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
    let mut photo = json!({ "message_id": 13, "chat": group, "from": alice, "date": now - 400,
        "caption": "the signed ticket",
        "photo": [{ "file_id": "photo-1-small", "file_unique_id": "s", "file_size": 100, "width": 90, "height": 90 },
                  { "file_id": "photo-1", "file_unique_id": "p1", "file_size": 3000, "width": 900, "height": 900 }] });
    bot.add_file("photo-1-small", vec![1u8; 100], 100);
    bot.push("message", photo.take(), 400);
    bot.add_file("huge-1", vec![0u8; 16], 25 * 1024 * 1024);
    let doc = json!({ "message_id": 14, "chat": group, "from": bob, "date": now - 350,
        "document": { "file_id": "huge-1", "file_unique_id": "h1", "file_name": "recording.mp4",
                      "mime_type": "video/mp4", "file_size": 25 * 1024 * 1024 } });
    bot.push("message", doc, 350);
    let edit_date = now - 300;
    let mut edited = first.clone();
    edited["text"] = json!("please confirm the EUR/USD trade");
    edited["edit_date"] = json!(edit_date);
    bot.push("edited_message", edited, 300);

    let channel = chat(CHANNEL, "channel", "Desk announcements");
    let post = json!({ "message_id": 5, "chat": channel, "sender_chat": channel, "date": now - 250,
        "text": "markets open at 8" });
    bot.push("channel_post", post, 250);

    let owner = user(2001, "Dana", Some("dana_sales"));
    let customer = user(CUSTOMER, "Carl", Some("carl_client"));
    bot.push(
        "business_connection",
        json!({ "id": "bc-1", "user": owner, "user_chat_id": 2001, "date": now - 240, "is_enabled": true }),
        240,
    );
    let private = chat(CUSTOMER, "private", "Carl");
    let mut business = text_message(77, &private, Some(&customer), now - 200, "can you do 2m at 1.08?");
    business["business_connection_id"] = json!("bc-1");
    bot.push("business_message", business, 200);
    bot.push(
        "deleted_business_messages",
        json!({ "business_connection_id": "bc-1", "chat": private, "message_ids": [77] }),
        100,
    );
    (message_key(GROUP, 11, now - 600), edit_date)
}

fn emls(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "eml") {
                found.push(std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    found
}

#[tokio::test]
async fn telegram_bot_group_channel_and_business_chat_are_archived_once_each() {
    let bot = FakeTelegramBot::start();
    let (original, edit_date) = seed(&bot);
    let (state, out) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let summary = drain(&bot, state.path(), out.path()).await.expect("a run");
    // 11 updates: 4 group messages, an edit, a channel post, a connection, a business message, a deletion.
    assert_eq!(summary.fetched, 9, "{summary:?}");
    assert_eq!(summary.delivered, 8, "{summary:?}");
    assert_eq!(summary.skipped.get("oversize"), Some(&1), "the 25 MB file is held: {summary:?}");
    assert!(summary.balances());

    let mails = emls(out.path());
    assert_eq!(mails.len(), 8);
    let edit = mails.iter().find(|m| m.contains("X-Docket-Edit-Of")).expect("the edit is its own item");
    let original_id = docket_core::convert::message_id(&original);
    assert!(edit.contains(&format!("In-Reply-To: <{original_id}>")), "{edit}");
    assert!(edit.contains(&format!("X-Docket-Edit-Of: <{original}>")), "{edit}");
    assert!(edit.contains("EUR/USD"));
    assert!(mails
        .iter()
        .any(|m| m.contains("please confirm the EUR trade") && !m.contains("X-Docket-Edit-Of")));
    let reply = mails.iter().find(|m| m.contains("confirmed") && !m.contains("EUR")).expect("the reply");
    assert!(reply.contains(&format!("In-Reply-To: <{original_id}>")), "{reply}");
    assert!(mails
        .iter()
        .any(|m| m.contains("the signed ticket") && m.contains("Content-Disposition: attachment")));
    assert!(mails.iter().any(|m| m.contains("markets open at 8")));
    assert!(mails.iter().any(|m| m.contains("can you do 2m at 1.08?")));
    let deletion = mails.iter().find(|m| m.contains("X-Docket-Telegram-Deleted")).expect("a deletion record");
    assert!(deletion.contains("were deleted"), "{deletion}");
    assert!(mails.iter().all(|m| !m.contains(fake::TOKEN) && !m.contains("AAFakeToken")));

    // Everything was confirmed to Telegram (a later getUpdates sent the offset), and a re-run finds nothing.
    assert_eq!(bot.pending(), 0);
    let again = drain(&bot, state.path(), out.path()).await.expect("a second run");
    assert_eq!((again.fetched, again.delivered), (0, 0), "{again:?}");
    assert!(bot.violations().is_empty(), "{:?}", bot.violations());
    let _ = edit_date;
    let polls = bot.requests().into_iter().filter(|r| r.method == "getUpdates").collect::<Vec<_>>();
    let allowed = polls[0].params.get("allowed_updates").cloned().unwrap_or_default();
    assert!(allowed.contains("business_message") && !allowed.contains("callback_query"), "{allowed}");
    assert!(!bot.requests().iter().any(|r| r.method == "deleteWebhook"));
    let ledger = std::fs::read(state.path().join("docket.sqlite")).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&ledger).contains("AAFakeToken"), "no token in the ledger");
}

#[tokio::test]
async fn telegram_bot_confirms_a_batch_only_after_it_is_in_the_ledger() {
    let bot = FakeTelegramBot::start();
    let group = chat(GROUP, "supergroup", "Trading desk");
    let alice = user(1001, "Alice", None);
    for i in 0..150 {
        bot.push("message", text_message(i + 1, &group, Some(&alice), unix_now() - 60, &format!("m{i}")), 60);
    }
    let (state, out) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let summary = drain(&bot, state.path(), out.path()).await.expect("a run");
    assert_eq!((summary.fetched, summary.delivered), (150, 150), "{summary:?}");
    // Each getUpdates after the first sends the offset the ledger committed for the batch before it.
    let ledger = Ledger::open(state.path()).expect("ledger");
    let offsets: Vec<Option<String>> = bot
        .requests()
        .iter()
        .filter(|r| r.method == "getUpdates")
        .map(|r| r.params.get("offset").cloned())
        .collect();
    assert_eq!(offsets.len(), 3, "two batches and an empty one: {offsets:?}");
    assert_eq!(offsets[0], None);
    let committed = ledger.checkpoint("telegram-bot:compliance", "offset").expect("read").expect("an offset");
    assert_eq!(offsets[2].as_deref(), Some(committed.as_str()));
}

#[tokio::test]
async fn telegram_bot_rides_out_a_429_storm_without_an_early_request() {
    let bot = FakeTelegramBot::start();
    let group = chat(GROUP, "supergroup", "Trading desk");
    bot.push("message", text_message(1, &group, Some(&user(1, "A", None)), unix_now(), "hello"), 0);
    bot.inject_429(3, 1);
    let (state, out) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let summary = drain(&bot, state.path(), out.path()).await.expect("a run");
    assert_eq!(summary.delivered, 1);
    assert!(bot.violations().is_empty(), "{:?}", bot.violations());
    assert_eq!(bot.requests().iter().filter(|r| r.status == 429).count(), 3);
}

#[tokio::test]
async fn telegram_bot_webhook_conflict_is_a_clear_error_and_the_webhook_stays() {
    let bot = FakeTelegramBot::start();
    bot.set_webhook(Some("https://example.com/hook"));
    let (state, out) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let error = drain(&bot, state.path(), out.path()).await.expect_err("a conflict");
    assert_eq!(error.code(), Code::BadConfig);
    let message = error.to_string();
    assert!(message.contains("deleteWebhook") && message.contains("webhook"), "{message}");
    assert!(!message.contains(fake::TOKEN), "{message}");
    assert!(!bot.requests().iter().any(|r| r.method == "deleteWebhook"));
}

#[tokio::test]
async fn telegram_bot_refused_token_names_no_token() {
    let bot = FakeTelegramBot::start();
    std::env::set_var("DOCKET_TELEGRAM_API_BASE", &bot.base);
    let store = MemSecretStore::default();
    store
        .set(telegram_bot::TOKEN_ENTRY, &Sensitive::new("7123456789:AAWrongWrongWrong".into()))
        .expect("set");
    let (state, out) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let ledger = Ledger::open(state.path()).expect("ledger");
    let progress: ProgressFn = Arc::new(|_: Progress| {});
    let error = connector::run_import(&plan(out.path()), &store, &ledger, progress, CancellationToken::new())
        .await
        .expect_err("refused");
    assert_eq!(error.code(), Code::BadConfig);
    assert!(!error.to_string().contains("AAWrong"), "{error}");
}

#[tokio::test]
async fn telegram_bot_participants_map_by_telegram_user_id_and_username() {
    let bot = FakeTelegramBot::start();
    std::env::set_var("DOCKET_TELEGRAM_API_BASE", &bot.base);
    let now = unix_now();
    let group = chat(GROUP, "supergroup", "Trading desk");
    let alice = user(1001, "Alice", Some("alice_ops"));
    let bob = user(1002, "Bob", None);
    let first = text_message(1, &group, Some(&alice), now - 60, "first");
    bot.push("message", first.clone(), 60);
    let mut reply = text_message(2, &group, Some(&bob), now - 50, "second");
    reply["reply_to_message"] = first;
    bot.push("message", reply, 50);
    let channel = chat(CHANNEL, "channel", "Desk announcements");
    bot.push(
        "channel_post",
        json!({ "message_id": 3, "chat": channel, "date": now - 40, "text": "post" }),
        40,
    );
    let (state, out) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let csv = state.path().join("mapping.csv");
    std::fs::write(&csv, "TelegramUserId,TelegramUsername,EmailAddress\n,@Alice_Ops,alice@contoso.com\n1002,,bob@contoso.com\n")
        .expect("csv");
    let mut plan = plan(out.path());
    plan.owner_mailbox = None;
    plan.mapping_csv = Some(csv.display().to_string());
    let ledger = Ledger::open(state.path()).expect("ledger");
    let progress: ProgressFn = Arc::new(|_: Progress| {});
    let summary = connector::run_import(&plan, &store(), &ledger, progress, CancellationToken::new())
        .await
        .expect("a run");
    assert_eq!(summary.fetched, 3, "{summary:?}");
    assert_eq!(summary.skipped.get("unmapped"), Some(&1), "the channel post maps to nobody: {summary:?}");
    // Alice's message goes to Alice; Bob's reply names Alice too, so it goes to both.
    assert_eq!(summary.deliveries, 3, "{summary:?}");
    assert!(out.path().join("alice@contoso.com").is_dir() && out.path().join("bob@contoso.com").is_dir());
}

#[test]
fn telegram_bot_keys_equal_the_desktop_exports_for_the_same_message() {
    // The export writes a supergroup's bare id (the Bot API's -100… id without -100) and, from a computer on
    // UTC, the UTC wall clock: the same message then has the same key, live or exported, and a reply names
    // the same parent.
    let dir = tempfile::tempdir().expect("dir");
    let json = r#"{"name":"Trading desk","type":"private_supergroup","id":1234567890,"messages":[
        {"id":11,"type":"message","date":"2026-03-01T09:30:00","date_unixtime":"1772357400","from":"Alice","from_id":"user1001","text":"please confirm"},
        {"id":12,"type":"message","date":"2026-03-01T09:31:00","date_unixtime":"1772357460","from":"Bob","from_id":"user1002","reply_to_message_id":11,"text":"confirmed"}]}"#;
    std::fs::write(dir.path().join("result.json"), json).expect("write");
    let export = docket_core::sources::open_export(
        SourceKind::Telegram,
        dir.path(),
        &docket_core::sources::ExportOptions::default(),
    )
    .expect("opens");
    let mut source = export;
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let first = runtime.block_on(source.next_item()).expect("reads").expect("an item");
    let second = runtime.block_on(source.next_item()).expect("reads").expect("an item");
    assert_eq!(first.key, message_key(GROUP, 11, 1_772_357_400));
    assert_eq!(second.key, message_key(GROUP, 12, 1_772_357_460));
    assert_eq!(second.reply_to.as_deref(), Some(message_key(GROUP, 11, 1_772_357_400).as_str()));
    // The live item for message 11 (Alice, from the Bot API) carries the same handle the export gives.
    let live = docket_core::sources::telegram_bot::records::update_items(
        &json!({ "update_id": 1, "message": text_message(11, &chat(GROUP, "supergroup", "Trading desk"),
            Some(&user(1001, "Alice", None)), 1_772_357_400, "please confirm") }),
        1_772_357_400,
    );
    assert_eq!(live[0].item.key, first.key);
    assert_eq!(live[0].item.sender.handle, first.sender.handle);
}

#[tokio::test]
async fn telegram_bot_live_check_names_the_bot_and_a_webhook() {
    let bot = FakeTelegramBot::start();
    let check = telegram_bot::check(&store(), &bot.base, None).await.expect("a check");
    assert_eq!(check.username, fake::BOT_USERNAME);
    assert!(check.can_read_all_group_messages && check.can_connect_to_business);
    assert!(check.warnings.is_empty(), "{:?}", check.warnings);
    bot.set_webhook(Some("https://hooks.example.com/t"));
    let check = telegram_bot::check(&store(), &bot.base, None).await.expect("a check");
    assert!(
        check.warnings.iter().any(|w| w.key == "bot.webhook_set" && w.message.contains("webhook")),
        "{:?}",
        check.warnings
    );
    let wrong = MemSecretStore::default();
    wrong.set(telegram_bot::TOKEN_ENTRY, &Sensitive::new("1:AAnope".into())).expect("set");
    let error = telegram_bot::check(&wrong, &bot.base, None).await.expect_err("refused");
    assert_eq!(error.code(), Code::BadConfig);
}

#[tokio::test]
async fn telegram_bot_live_check_lists_the_chats_its_polls_archived_and_never_polls() {
    let bot = FakeTelegramBot::start();
    seed(&bot);
    let state = tempfile::tempdir().expect("state");
    let out = tempfile::tempdir().expect("out");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let before = telegram_bot::check(&store(), &bot.base, Some(&ledger)).await.expect("a check");
    assert!(before.chats.is_empty() && before.last_poll.is_none(), "nothing archived yet: {before:?}");
    assert!(!before.webhook_set);
    assert!(
        !bot.requests().iter().any(|r| r.method == "getUpdates"),
        "the check confirms nothing to Telegram"
    );

    // The wizard names the connector after the bot's username, so its runs are found by it.
    std::env::set_var("DOCKET_TELEGRAM_API_BASE", &bot.base);
    let mut named = plan(out.path());
    named.location = format!("bot:{}", fake::BOT_USERNAME);
    let progress: ProgressFn = Arc::new(|_: Progress| {});
    connector::run_import(&named, &store(), &ledger, progress, CancellationToken::new())
        .await
        .expect("a drain");
    let after = telegram_bot::check(&store(), &bot.base, Some(&ledger)).await.expect("a check");
    let mut titles: Vec<&str> = after.chats.iter().map(|c| c.chat.as_str()).collect();
    titles.sort_unstable();
    for chat in ["Trading desk", "Desk announcements", "Carl"] {
        assert!(titles.contains(&chat), "the group, the channel and the business chat: {titles:?}");
    }
    assert!(after.chats.iter().all(|c| c.messages > 0 && c.source == named.label()));
    assert!(after.last_poll.is_some(), "the first poll is recorded");
}

#[test]
fn telegram_bot_poll_warning_comes_near_telegrams_24_hours() {
    let state = tempfile::tempdir().expect("state");
    let out = tempfile::tempdir().expect("out");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let bot_plan = plan(out.path());
    let now = chrono::Utc::now();
    let stamp = |hours: i64| (now - chrono::Duration::hours(hours)).to_rfc3339();
    let warn = |saved_hours: i64| {
        telegram_bot::poll_warning(&bot_plan, &ledger, now - chrono::Duration::hours(saved_hours), now)
            .expect("reads the ledger")
    };
    assert_eq!(warn(1), None, "saved an hour ago, not polled yet: too early to warn");
    let never = warn(25).expect("never polled in 25 hours");
    assert!(never.message.contains("has not been polled") && never.message.contains("24 hours"), "{never}");
    assert_eq!(
        (never.key.as_str(), &never.values["hours"]),
        ("bot.never_polled", &docket_core::text::Arg::Number(25))
    );

    let namespace = telegram_bot::BotSettings::new("compliance").checkpoint_source();
    ledger.set_checkpoint(&namespace, telegram_bot::POLLED_AT_CHECKPOINT, &stamp(1)).expect("set");
    assert_eq!(warn(48), None, "polled an hour ago");
    ledger.set_checkpoint(&namespace, telegram_bot::POLLED_AT_CHECKPOINT, &stamp(21)).expect("set");
    let stale = warn(48).expect("polled 21 hours ago");
    assert!(stale.message.contains("21 hours ago") && stale.message.contains("24 hours"), "{stale}");

    let mut export = plan(out.path());
    export.location = "samples/telegram".into();
    let export_warning = telegram_bot::poll_warning(&export, &ledger, now - chrono::Duration::days(9), now);
    assert_eq!(export_warning.expect("reads"), None, "an export connector is not polled");
}

#[test]
fn telegram_bot_token_is_checked_before_the_keychain_and_never_repeated() {
    use docket_core::connector::{store_secret, SecretName};
    let keychain = MemSecretStore::default();
    for bad in [
        "",
        "AAFakeTokenForDocketTests_0123456789ab",
        "12:short",
        "12:has spaces in it and more text",
        "x1:AAFakeTokenForDocketTests_0123456789ab",
    ] {
        let error = store_secret(&keychain, SecretName::TelegramBotToken, Sensitive::new(bad.into()))
            .expect_err("refused");
        assert_eq!(error.code(), Code::BadConfig, "{bad:?}");
        let said = error.to_string();
        assert!(said.contains("@BotFather"), "says where the token comes from: {said}");
        assert!(bad.is_empty() || !said.contains(bad), "never repeats the value: {said}");
        assert!(
            keychain.get(telegram_bot::TOKEN_ENTRY).expect("reads").is_none(),
            "nothing stored for {bad:?}"
        );
    }
    store_secret(&keychain, SecretName::TelegramBotToken, Sensitive::new(format!("  {}\n", fake::TOKEN)))
        .expect("a real token is stored");
    let stored = keychain.get(telegram_bot::TOKEN_ENTRY).expect("reads").expect("stored");
    assert_eq!(stored.expose(), fake::TOKEN, "trimmed");
    assert!(connector::secret_status(&keychain).expect("status").telegram_bot_token);
}

#[tokio::test]
async fn telegram_bot_double_long_polls_expires_old_updates_and_checks_the_token() {
    let bot = FakeTelegramBot::start();
    let http = reqwest::Client::new();
    let call = |token: &str, method: &str, body: serde_json::Value| {
        let url = format!("{}/bot{token}/{method}", bot.base);
        let request = http.post(url).json(&body);
        async move {
            let answer = request.send().await.expect("answers");
            (answer.status().as_u16(), answer.json::<serde_json::Value>().await.expect("json"))
        }
    };
    let group = chat(GROUP, "supergroup", "Trading desk");
    bot.push("message", text_message(1, &group, None, unix_now() - 25 * 3600, "too old"), 25 * 3600);
    let (status, body) = call(fake::TOKEN, "getUpdates", json!({ "timeout": 0 })).await;
    assert_eq!((status, body["result"].clone()), (200, json!([])), "updates older than 24 h are gone");

    let (status, body) = call("1:wrong", "getMe", json!({})).await;
    assert_eq!((status, body["description"].as_str()), (401, Some("Unauthorized")));

    let started = std::time::Instant::now();
    let waiting = tokio::spawn(call(fake::TOKEN, "getUpdates", json!({ "timeout": 5 })));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    bot.push("message", text_message(2, &group, None, unix_now(), "new"), 0);
    let (status, body) = waiting.await.expect("joined");
    assert_eq!(status, 200);
    assert_eq!(body["result"].as_array().map(Vec::len), Some(1), "{body}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "the long poll answered as the update came"
    );

    bot.add_file("big", Vec::new(), 21 * 1024 * 1024);
    let (status, body) = call(fake::TOKEN, "getFile", json!({ "file_id": "big" })).await;
    assert_eq!((status, body["description"].as_str()), (400, Some("Bad Request: file is too big")));
}

#[tokio::test]
async fn telegram_bot_network_failures_back_off_then_name_no_token() {
    use docket_core::sources::telegram_bot::{BotHistory, BotPolicy, BotSettings, TelegramBotSource};
    use docket_core::sources::Source as _;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let mut settings = BotSettings::new("desk");
    settings.api_base = base;
    settings.policy = BotPolicy {
        retry: docket_core::pipeline::RetryPolicy {
            max_attempts: 3,
            base_delay: std::time::Duration::from_millis(100),
            max_delay: std::time::Duration::from_millis(200),
        },
        ..BotPolicy::default()
    };
    let mut source =
        TelegramBotSource::open(settings, Sensitive::new(fake::TOKEN.into()), BotHistory::default())
            .expect("opens");
    let started = std::time::Instant::now();
    let error = source.next_item().await.expect_err("unreachable");
    assert!(started.elapsed() >= std::time::Duration::from_millis(100), "it backed off before giving up");
    let message = error.to_string();
    assert!(message.contains("could not reach the Telegram Bot API"), "{message}");
    assert!(!message.contains(fake::TOKEN) && !message.contains("/bot"), "{message}");
    assert!(!error.is_permanent());
}
