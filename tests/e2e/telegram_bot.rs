//! The live Telegram connector in the real window, on the default path: the organisation's bot token stored
//! in the keychain and checked live against the Bot API double (getMe, getWebhookInfo), people mapped by a
//! CSV of Telegram user ids, every message delivered through the Graph double into the mapped mailboxes'
//! "Telegram Archiver" folder (consent confirmed by hand), polled every 5 minutes by the app's scheduler;
//! the first poll shows on the dashboard and in the live step's list of chats. A second poll reads only what
//! is new. Then everything the app wrote and showed is searched for the token.

use crate::common::{
    assert_no_secrets, confirm_consent_by_hand, count, enter_checked_entra_app, heading, next,
    screenshot_path, start_against_tenant, start_and_choose, store_fresh, text,
};
use docket_core::ledger::Ledger;
use docket_testkit::fake_entra::{self, FakeEntra};
use docket_testkit::fake_graph::FakeGraph;
use docket_testkit::fake_telegram_bot::{
    self as fake_bot, chat, text_message, unix_now, user, FakeTelegramBot,
};

const OWNER: &str = "compliance@contoso.com";
const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";
const FOLDER: &str = "Telegram Archiver";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn the_wizard_creates_a_live_telegram_connector_checked_against_the_bot_and_its_first_poll_shows_on_the_dashboard(
) {
    let entra = FakeEntra::start();
    let graph = FakeGraph::start(&entra);
    for (address, name) in [(OWNER, "Compliance"), (ALICE, "Alice"), (BOB, "Bob")] {
        graph.add_user(address, name);
    }
    let bot = FakeTelegramBot::start();
    let now = unix_now();
    let group = chat(-1_001_234_567_890, "supergroup", "Trading desk");
    let (alice, bob) = (user(1001, "Alice", Some("alice_ops")), user(1002, "Bob", None));
    let first = text_message(11, &group, Some(&alice), now - 600, "please confirm the EUR trade");
    bot.push("message", first.clone(), 600);
    let mut reply = text_message(12, &group, Some(&bob), now - 500, "confirmed");
    reply["reply_to_message"] = first;
    bot.push("message", reply, 500);
    let channel = chat(-1_009_876_543_210, "channel", "Desk announcements");
    let post = serde_json::json!({ "message_id": 5, "chat": channel, "sender_chat": channel, "date": now - 250,
        "text": "markets open at 8" });
    bot.push("channel_post", post, 250);

    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let maps = tempfile::tempdir().expect("mapping folder");
    let mapping = maps.path().join("telegram-people.csv");
    std::fs::write(
        &mapping,
        format!("TelegramUserId,TelegramUsername,EmailAddress\n1001,alice_ops,{ALICE}\n1002,,{BOB}\n"),
    )
    .expect("mapping CSV");
    let app_log = logs.path().join("app.log");
    let driver = start_against_tenant(
        state.path(),
        &entra,
        &graph,
        &[("DOCKET_TELEGRAM_API_BASE", bot.base.clone())],
        &app_log,
    )
    .await;
    let mut pages = Vec::new();

    start_and_choose(&driver, "Telegram (live, through your bot)").await;
    driver.wait_text(".checklist", "only 24 hours").await;
    driver.screenshot(&screenshot_path("telegram-bot-1-connector")).await;
    next(&driver).await;

    enter_checked_entra_app(&driver).await;

    // The source step: @BotFather's steps, the token into the keychain, and the live check.
    heading(&driver, "Source").await;
    driver.wait_text("[data-testid=bot-setup]", "/setprivacy").await;
    store_fresh(&driver, "telegram_bot_token", "Bot token", fake_bot::TOKEN).await;
    driver.click(&driver.button("Check the bot").await).await;
    let checked = driver.wait_text("[data-testid=bot-ok]", "belongs to @").await;
    assert!(checked.contains(fake_bot::BOT_USERNAME), "{checked}");
    assert!(checked.contains("reads every message"), "privacy mode off, said: {checked}");
    driver.find("[data-testid=bot-no-chats]").await;
    assert!(
        !bot.requests().iter().any(|r| r.method == "getUpdates"),
        "the check confirms nothing to Telegram before the first import"
    );
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("telegram-bot-3-source")).await;
    next(&driver).await;

    heading(&driver, "Delivery").await;
    driver.wait_text("[data-testid=graph-target]", FOLDER).await;
    next(&driver).await;

    heading(&driver, "User mapping").await;
    driver.find("[data-testid=telegram-mapping-hint]").await;
    driver.type_into(&driver.by_label("Mapping CSV").await, &text(&mapping)).await;
    driver.click(&driver.button("Check").await).await;
    driver.wait_text("[data-testid=mapping-ok]", "3 Telegram ids and usernames mapped").await;
    driver.type_into(&driver.by_label("Owner mailbox").await, OWNER).await;
    next(&driver).await;

    confirm_consent_by_hand(&driver).await;

    heading(&driver, "Review and finish").await;
    driver.wait_text("[data-testid=review]", fake_bot::BOT_USERNAME).await;
    driver.wait_text("[data-testid=schedule-words]", "Every 5 minutes").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("telegram-bot-7-review")).await;
    driver.click(&driver.button("Finish and import").await).await;

    // The first poll, on the dashboard and in the ledger.
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    let shown = (count(&driver, "count-fetched").await, count(&driver, "count-delivered").await);
    driver.wait_text("[data-testid=connector]", "Telegram, live through its bot").await;
    driver.wait_text("[data-testid=connector]", "Every 5 minutes").await;
    let ledger = Ledger::open(state.path()).expect("the app's ledger");
    // A poll is one pipeline run per batch of updates, until a batch comes back empty.
    let runs = settled(&ledger, 3).await;
    // The connector's card counts what its polls delivered (a row per item and mailbox) once the poll ended.
    let deliveries: u64 = runs.iter().map(|r| r.summary.deliveries).sum();
    driver.wait_text("[data-testid=connector-totals]", &format!("{deliveries} delivered")).await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("telegram-bot-dashboard")).await;
    let label = format!("telegram-bot:{}", fake_bot::BOT_USERNAME);
    assert!(runs.iter().all(|r| r.status == "finished" && r.source == label), "{runs:?}");
    let fetched: u64 = runs.iter().map(|r| r.summary.fetched).sum();
    let delivered: u64 = runs.iter().map(|r| r.summary.delivered).sum();
    assert_eq!(fetched, 3, "two group messages and a channel post: {runs:?}");
    assert_eq!(shown, (fetched, delivered), "dashboard = ledger");
    assert_eq!(bot.pending(), 0, "the poll confirmed what it archived");
    let mut in_folders = 0;
    for mailbox in [ALICE, BOB, OWNER] {
        let messages = graph.messages(mailbox, FOLDER);
        assert!(!messages.is_empty(), "{mailbox} received its items");
        assert!(messages.iter().all(|m| !m.is_draft), "{mailbox}: no message is a draft");
        in_folders += messages.len() as u64;
    }
    assert_eq!(graph.messages(OWNER, FOLDER).len(), 3, "the owner mailbox receives every item");
    assert_eq!(in_folders, deliveries, "every delivery the ledger counts is in a mailbox");

    // What arrived since is read by the next poll (Run now here; the scheduler does it every 5 minutes).
    bot.push("message", text_message(13, &group, Some(&alice), unix_now(), "booked"), 0);
    driver.click(&driver.button("Run now").await).await;
    settled(&ledger, 4).await;
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    assert!(graph.messages(ALICE, FOLDER).len() >= 2, "the new message reaches its sender's mailbox");
    assert!(bot.violations().is_empty(), "{:?}", bot.violations());
    assert!(graph.violations().is_empty(), "{:?}", graph.violations());
    driver.quit().await;

    assert_no_secrets(&[state.path(), logs.path()], pages, &app_log, &[fake_entra::SECRET, fake_bot::TOKEN]);
}

/// The ledger's runs once every one has finished and together they fetched `fetched` items (a poll's last,
/// empty batch may still be running when the dashboard shows the first batch done).
async fn settled(ledger: &Ledger, fetched: u64) -> Vec<docket_core::ledger::RunRecord> {
    let started = std::time::Instant::now();
    loop {
        let runs = ledger.runs(50).expect("runs");
        let total: u64 = runs.iter().map(|r| r.summary.fetched).sum();
        if total == fetched && runs.iter().all(|r| r.status == "finished") {
            return runs;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "polls settle at {fetched} items: {runs:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
