//! End to end: the real Docket window under Xvfb, driven through WebKitWebDriver and `tauri-driver`, with
//! a real Secret Service (gnome-keyring in the D-Bus session), Azurite for the archive copy and the Entra ID
//! and Graph doubles. It walks the wizard's default path for the sample WhatsApp export: delivery into each
//! mapped person's mailbox through Microsoft Graph, with an archive copy on Azurite (a wrong storage key and a
//! bad mapping CSV on the way, the copy's immutability photographed), admin consent for the Docket app
//! through the loopback redirect; it waits for the dashboard to show the import finished, compares its counts
//! with the ledger, the double's mailboxes and the container, screenshots every step, and then searches
//! everything the app wrote and showed for the secrets entered. The X connector (x.rs) and the trial folder
//! (trial.rs) are walked too. Needs a display and `tauri-driver`, so it is ignored by plain `cargo test`;
//! `scripts/e2e` runs it (and `scripts/test` calls that).

// Tests and benchmarks read their own knobs (E2E_DEBUG, DOCKET_PROOF_ITEMS...); product code reads the
// environment through docket_core::config::env only (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)]
#[path = "e2e/common.rs"]
mod common;
#[path = "e2e/telegram_bot.rs"]
mod telegram_bot;
#[path = "e2e/trial.rs"]
mod trial;
#[path = "e2e/webdriver.rs"]
mod webdriver;
#[path = "e2e/x.rs"]
mod x;

use base64::Engine;
use common::{
    assert_no_secrets, checked, connection, count, heading, next, photograph_in_french,
    photograph_native_dialog, preview_sample_export, read_in_french, screenshot_path, store_fresh,
    store_secret, text, workspace_file,
};
use docket_core::ledger::Ledger;
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::Sink;
use docket_testkit::azurite::{Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY};
use docket_testkit::fake_entra::{self, FakeEntra};
use docket_testkit::fake_graph::FakeGraph;
use webdriver::Driver;

const FOLDER: &str = "WhatsApp Archiver";
/// The sample mapping's addresses (samples/mapping.csv), all Microsoft 365 users in the Graph double.
const MAILBOXES: [(&str, &str); 3] = [
    ("adele.vance@contoso.com", "Adele Vance"),
    ("megan.bowen@contoso.com", "Megan Bowen"),
    ("alex.wilber@contoso.com", "Alex Wilber"),
];

/// The query parameter `name` of the address shown in the field labelled `address_label`.
async fn shown_url(driver: &Driver, address_label: &str) -> url::Url {
    let field = driver.find(&format!("input[aria-label='{address_label}']")).await;
    url::Url::parse(&driver.value(&field).await).expect("the window shows a URL")
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn the_default_path_delivers_the_sample_export_into_the_graph_doubles_mailboxes_with_an_archive_copy() {
    let azurite = Azurite::start();
    let entra = FakeEntra::start();
    let graph = FakeGraph::start(&entra);
    for (address, name) in MAILBOXES {
        graph.add_user(address, name);
    }
    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let app_log = logs.path().join("app.log");
    let container = "e2e-whatsapp";
    let good = connection(&azurite, DEV_ACCOUNT_KEY);
    // A key Azurite refuses: the right length and alphabet, wrong bytes.
    let wrong_key = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
    let wrong = connection(&azurite, &wrong_key);

    let driver = common::start_against_tenant(state.path(), &entra, &graph, &[], &app_log).await;
    let mut pages = Vec::new();

    // 0. Start: the real keychain keeps secrets.
    heading(&driver, "Start").await;
    driver.find("[data-testid=keychain-ok]").await;
    driver.screenshot(&screenshot_path("wizard-0-start")).await;
    photograph_in_french(&driver, "wizard-0-start").await;
    next(&driver).await;

    // 1. Connector and prerequisites.
    heading(&driver, "Connector and prerequisites").await;
    driver.click(&driver.by_label("WhatsApp (export)").await).await;
    driver
        .script(
            "document.querySelectorAll('.checklist input[type=checkbox]').forEach(b => b.click());",
            serde_json::json!([]),
        )
        .await;
    driver.wait_text(".checklist", "admin consent to the Docket app").await;
    driver.screenshot(&screenshot_path("wizard-1-connector")).await;
    photograph_in_french(&driver, "wizard-1-connector").await;
    next(&driver).await;

    // 2. Entra ID app, entered by hand and checked against the token double.
    heading(&driver, "Entra ID app").await;
    driver.find("[data-testid=trial-offer]").await;
    driver.type_into(&driver.by_label("Directory (tenant) ID").await, fake_entra::TENANT).await;
    driver.type_into(&driver.by_label("Application (client) ID").await, fake_entra::CLIENT_ID).await;
    store_fresh(&driver, "azure_client_secret", "Client secret", fake_entra::SECRET).await;
    driver.click(&driver.button("Check").await).await;
    driver.find("[data-testid=entra-ok]").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("wizard-2-entra")).await;
    photograph_in_french(&driver, "wizard-2-entra").await;
    next(&driver).await;

    // 3. Source: the sample export, previewed.
    preview_sample_export(&driver).await;
    driver.screenshot(&screenshot_path("wizard-3-source")).await;
    photograph_in_french(&driver, "wizard-3-source").await;
    next(&driver).await;

    // 4. Delivery: the mailboxes through Graph by default. The archive copy: a wrong key gets a clear code and
    // message; the right one passes the probe, which says the container is not WORM and how to make it so.
    heading(&driver, "Delivery").await;
    driver.find("[data-testid=graph-target]").await;
    assert!(checked(&driver, "input[name=target][value=graph]").await, "mailbox delivery is the default");
    assert!(!checked(&driver, "input[name=target][value=dir]").await);
    driver
        .click(&driver.by_label("Also keep an immutable archive copy in our Azure Storage account").await)
        .await;
    driver.wait_text("[data-testid=copy-not-read]", "Microsoft 365 does not read it").await;
    driver.screenshot(&screenshot_path("wizard-4-delivery")).await;
    store_fresh(&driver, "storage_connection", "Connection string or container SAS URL", &wrong).await;
    driver.type_into(&driver.by_label("Container name").await, container).await;
    driver.click(&driver.button("Test").await).await;
    let refusal = driver.wait_text("[role=alert][data-code=storage_auth]", "").await;
    assert!(refusal.to_lowercase().contains("key") || refusal.contains("refused"), "{refusal}");
    pages.push(driver.page_html().await);
    driver
        .screenshot_showing(
            &screenshot_path("wizard-4-storage-auth-error"),
            "[role=alert][data-code=storage_auth]",
        )
        .await;
    driver.click(&driver.button("Replace").await).await;
    store_secret(&driver, "Connection string or container SAS URL", &good).await;
    driver.find("[data-testid=storage_connection-stored]").await;
    driver.click(&driver.button("Test").await).await;
    driver.find("[data-testid=storage-ok]").await;
    let immutability = driver.wait_text("[data-testid=immutability]", "WORM").await;
    assert!(immutability.contains("not WORM"), "Azurite keeps no immutability policy: {immutability}");
    driver.wait_text("[data-testid=immutability-advice]", "Access policy").await;
    pages.push(driver.page_html().await);
    driver
        .screenshot_showing(&screenshot_path("wizard-4-storage"), "[data-testid=immutability-advice]")
        .await;
    photograph_in_french(&driver, "wizard-4-storage").await;
    next(&driver).await;

    // 5. User mapping: a bad CSV lists its rows; the sample CSV passes, its mailboxes are found in the
    // directory and the first items routed. The native file dialog opens on "Choose CSV…" (WebDriver cannot
    // see it, so it is photographed and dismissed).
    heading(&driver, "User mapping").await;
    driver.click(&driver.button("Choose CSV…").await).await;
    photograph_native_dialog(&screenshot_path("file-picker"), "Choose the mapping CSV").await;
    let bad_csv = workspace_file("crates/core/tests/fixtures/mapping/malformed/invalid_number.csv");
    driver.type_into(&driver.by_label("Mapping CSV (optional)").await, &text(&bad_csv)).await;
    driver.click(&driver.button("Check").await).await;
    let problems = driver.wait_text("[data-testid=mapping-problems]", "invalid_number.csv").await;
    assert!(problems.contains("problem"), "{problems}");
    driver.wait_text(".table-wrap table", "country code").await;
    let rows = driver
        .script(
            "return [...document.querySelectorAll('.table-wrap tbody th')].map(c => c.textContent.trim());",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(rows, serde_json::json!(["3", "4"]), "each problem shows its CSV row number");
    assert!(!driver.is_enabled(&driver.button("Next").await).await, "Next waits for a clean CSV");
    driver.screenshot(&screenshot_path("wizard-5-mapping-problems")).await;
    // The core's row problems reach the window as texts, which it says in the admin's language.
    let english = driver.wait_text(".table-wrap table", "country code").await;
    let french = read_in_french(&driver, "wizard-5-mapping-problems", ".table-wrap table").await;
    assert!(french.contains("07911 123999") && french.contains("indicatif"), "{french}");
    assert!(
        !french.contains("country code") && french != english,
        "the row problems are in French: {french}"
    );
    driver
        .type_into(
            &driver.by_label("Mapping CSV (optional)").await,
            &text(&workspace_file("samples/mapping.csv")),
        )
        .await;
    driver.click(&driver.button("Check").await).await;
    driver.wait_text("[data-testid=mapping-ok]", "numbers mapped").await;
    driver.click(&driver.button("Check mailboxes in Microsoft 365").await).await;
    driver.wait_text("[data-testid=mailboxes-ok]", "All 3 addresses are Microsoft 365 mailboxes").await;
    driver.click(&driver.button("Show").await).await;
    driver.wait_text("[data-testid=routing]", "@contoso.com").await;
    driver.screenshot_showing(&screenshot_path("wizard-5-mapping"), "[data-testid=mailboxes]").await;
    photograph_in_french(&driver, "wizard-5-mapping").await;
    next(&driver).await;

    // 6. Admin consent for the Docket app's Graph permissions: the loopback redirect takes only the answer
    // with the state Docket sent.
    heading(&driver, "Admin consent").await;
    driver.click(&driver.button("Grant admin consent to the Docket app").await).await;
    driver.find("[data-testid=app-consent-waiting]").await;
    let page_url = shown_url(&driver, "App consent page address").await;
    assert_eq!(param(&page_url, "client_id").as_deref(), Some(fake_entra::CLIENT_ID));
    assert!(page_url.path().ends_with("/v2.0/adminconsent"), "{page_url}");
    let redirect = param(&page_url, "redirect_uri").expect("a loopback redirect");
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    driver.screenshot(&screenshot_path("wizard-6-consent-waiting")).await;
    // A forged answer (another state) is refused with 400 and does not end the wait: the real one still counts.
    let forged =
        reqwest::get(format!("{redirect}?admin_consent=True&tenant={}&state=forged", fake_entra::TENANT))
            .await
            .expect("the listener answers a forged state");
    assert_eq!(forged.status().as_u16(), 400, "a forged state is refused");
    driver.find("[data-testid=app-consent-waiting]").await;
    // The browser's part: load the consent page, which grants and redirects to Docket's listener.
    let answer = reqwest::get(shown_url(&driver, "App consent page address").await)
        .await
        .expect("the double and the listener answer");
    assert!(answer.url().as_str().starts_with("http://127.0.0.1:"), "{}", answer.url());
    assert!(
        answer.text().await.unwrap_or_default().to_lowercase().contains("close"),
        "the browser is told to close"
    );
    driver.find("[data-testid=app-consent-result][data-status=granted]").await;
    assert_eq!(entra.consents(), vec![(fake_entra::CLIENT_ID.to_string(), fake_entra::TENANT.to_string())]);
    driver.screenshot(&screenshot_path("wizard-6-consent")).await;
    photograph_in_french(&driver, "wizard-6-consent").await;
    next(&driver).await;

    // 7. Review: each target in words, secrets masked; Finish saves the connector and runs it.
    heading(&driver, "Review and finish").await;
    let review = driver.wait_text("[data-testid=review]", "stored ✓").await;
    assert!(!review.contains(fake_entra::SECRET));
    driver.wait_text("[data-testid=review-target][data-kind=graph]", "through Microsoft Graph").await;
    let copy = driver.wait_text("[data-testid=review-target][data-kind=azure]", container).await;
    assert!(copy.contains("does not read it") && copy.contains("not WORM"), "{copy}");
    driver.wait_text("[data-testid=review-drafts]", "Not allowed").await;
    driver.type_into(&driver.by_label("Connector name").await, "Trading desk").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("wizard-7-review")).await;
    photograph_in_french(&driver, "wizard-7-review").await;
    driver.click(&driver.button("Finish and import").await).await;

    // The dashboard shows the import finished, with the counts the ledger holds and each target's own.
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    let shown = (
        count(&driver, "count-fetched").await,
        count(&driver, "count-delivered").await,
        count(&driver, "count-already").await,
        count(&driver, "count-skipped").await,
        count(&driver, "count-failed").await,
    );
    assert!(!driver.exists("[data-testid=count-drafts]").await, "no drafts: they are not allowed");
    driver
        .wait_text("[data-testid=target-counts]", &format!("Archive copy in Azure container “{container}”"))
        .await;
    driver.wait_text("[data-testid=connector]", "Trading desk").await;
    pages.push(driver.page_html().await);
    driver.screenshot_showing(&screenshot_path("dashboard"), "[data-testid=target-counts]").await;
    photograph_in_french(&driver, "dashboard").await;

    let ledger = Ledger::open(state.path()).expect("the app's ledger");
    let runs = ledger.runs(10).expect("runs");
    assert_eq!(runs.len(), 1, "one run: {runs:?}");
    let s = &runs[0].summary;
    assert_eq!(runs[0].status, "finished");
    let skipped: u64 = s.skipped.values().sum();
    let failed: u64 = s.failed.values().sum();
    assert_eq!(shown, (s.fetched, s.delivered, s.already_present, skipped, failed), "dashboard = ledger");
    assert!(s.delivered > 0 && s.balances() && failed == 0 && s.drafts == 0, "{s:?}");

    // Every mailbox message is a received, non-draft message in the connector's folder; the container holds
    // the same messages once more.
    let to_graph = &s.targets[&format!("graph:{}", fake_entra::TENANT)];
    let to_copy = &s.targets[&format!("azure:{DEV_ACCOUNT}/{container}")];
    let messages: Vec<_> =
        MAILBOXES.iter().flat_map(|(address, _)| graph.messages(address, FOLDER)).collect();
    assert_eq!(messages.len() as u64, to_graph.delivered, "one message in a folder per delivery: {s:?}");
    assert!(messages.iter().all(|m| !m.is_draft), "no message is a draft");
    assert!(graph.violations().is_empty(), "{:?}", graph.violations());
    let blobs = BlobSink::connect(&good, container).expect("container").list().await.expect("blobs listed");
    assert_eq!(blobs.len() as u64, to_copy.delivered, "one blob per message of the copy");
    assert_eq!(to_graph.delivered + to_copy.delivered, s.deliveries);
    let totals = driver.text(&driver.find("[data-testid=connector-totals]").await).await;
    assert!(totals.starts_with(&format!("{} delivered", s.deliveries)), "{totals}");

    driver.quit().await;

    // No secret entered appears in what the app wrote or showed, raw, URL-encoded or base64.
    let secrets = [fake_entra::SECRET, DEV_ACCOUNT_KEY, wrong_key.as_str(), good.as_str(), wrong.as_str()];
    assert_no_secrets(&[state.path(), logs.path()], pages, &app_log, &secrets);
}
