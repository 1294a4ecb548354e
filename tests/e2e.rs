//! End to end: the real Docket window under Xvfb, driven through WebKitWebDriver and `tauri-driver`, with
//! a real Secret Service (gnome-keyring in the D-Bus session), Azurite for storage and the Entra ID token
//! double. It walks the whole wizard for a WhatsApp export (with a wrong storage key and a bad mapping CSV on
//! the way), waits for the dashboard to show the import finished, compares its counts with the ledger and the
//! container, screenshots every step, and then searches everything the app wrote and showed for the secrets
//! entered. Needs a display and `tauri-driver`, so it is ignored by plain `cargo test`; `scripts/e2e` runs
//! it (and `scripts/test` calls that).

#[allow(dead_code)]
#[path = "e2e/common.rs"]
mod common;
#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::path::Path;

use base64::Engine;
use common::{
    app_binary, assert_no_secrets, heading, next, screenshot_path, store_fresh, store_secret, text,
    workspace_file,
};
use docket_core::ledger::Ledger;
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::Sink;
use docket_testkit::azurite::{Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY};
use docket_testkit::fake_entra::{self, FakeEntra};
use docket_testkit::fake_x::{self, FakeX};
use webdriver::{Driver, Element};

fn connection(azurite: &Azurite, key: &str) -> String {
    format!(
        "DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={key};BlobEndpoint={}",
        azurite.blob_endpoint()
    )
}

async fn count(driver: &Driver, testid: &str) -> u64 {
    let element: Element = driver.find(&format!("[data-testid={testid}]")).await;
    let shown = driver.text(&element).await;
    let digits: String =
        shown.split(" of ").next().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("{testid} shows {shown:?}"))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn the_whole_wizard_imports_a_whatsapp_export_into_azurite_and_the_dashboard_matches_the_ledger() {
    let azurite = Azurite::start();
    let entra = FakeEntra::start();
    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let app_log = logs.path().join("app.log");
    let container = "e2e-whatsapp";
    let good = connection(&azurite, DEV_ACCOUNT_KEY);
    // A key Azurite refuses: the right length and alphabet, wrong bytes.
    let wrong_key = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
    let wrong = connection(&azurite, &wrong_key);

    let driver = Driver::start(
        &app_binary(),
        &[
            ("DOCKET_STATE_DIR", text(state.path())),
            ("DOCKET_AUTHORITY_BASE", entra.authority.clone()),
            // The consent page is answered by this test, not a browser.
            ("BROWSER", "true".into()),
            ("RUST_LOG", "trace".into()),
        ],
        &app_log,
    )
    .await;
    let mut pages = Vec::new();

    // 0. Start: the real keychain keeps secrets.
    heading(&driver, "Start").await;
    driver.find("[data-testid=keychain-ok]").await;
    driver.screenshot(&screenshot_path("wizard-0-start")).await;
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
    driver.screenshot(&screenshot_path("wizard-1-connector")).await;
    next(&driver).await;

    // 2. Entra ID app, checked against the token double.
    heading(&driver, "Entra ID app").await;
    driver.type_into(&driver.by_label("Directory (tenant) ID").await, fake_entra::TENANT).await;
    driver.type_into(&driver.by_label("Application (client) ID").await, fake_entra::CLIENT_ID).await;
    store_fresh(&driver, "azure_client_secret", "Client secret", fake_entra::SECRET).await;
    driver.click(&driver.button("Check").await).await;
    driver.find("[data-testid=entra-ok]").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("wizard-2-entra")).await;
    next(&driver).await;

    // 3. Source: the sample export, previewed.
    heading(&driver, "Source").await;
    driver
        .type_into(
            &driver.by_label("Export file or folder").await,
            &text(&workspace_file("samples/whatsapp")),
        )
        .await;
    driver.type_into(&driver.by_label("Time zone the export was made in").await, "Europe/London").await;
    driver.click(&driver.button("Preview").await).await;
    driver.find("[data-testid=preview-table]").await;
    driver.screenshot(&screenshot_path("wizard-3-source")).await;
    next(&driver).await;

    // 4. Storage: a wrong key gets a clear code and message; the right one passes the probe.
    heading(&driver, "Storage").await;
    store_fresh(&driver, "storage_connection", "Connection string or container SAS URL", &wrong).await;
    driver.type_into(&driver.by_label("Container name").await, container).await;
    driver.click(&driver.button("Test").await).await;
    let refusal = driver.wait_text("[role=alert][data-code=storage_auth]", "").await;
    assert!(refusal.to_lowercase().contains("key") || refusal.contains("refused"), "{refusal}");
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("wizard-4-storage-auth-error")).await;
    driver.click(&driver.button("Replace").await).await;
    store_secret(&driver, "Connection string or container SAS URL", &good).await;
    driver.find("[data-testid=storage_connection-stored]").await;
    driver.click(&driver.button("Test").await).await;
    driver.find("[data-testid=storage-ok]").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("wizard-4-storage")).await;
    next(&driver).await;

    // 5. User mapping: a bad CSV lists its rows; the sample CSV passes and routes the first items. The native
    // file dialog opens on "Choose CSV…" (WebDriver cannot see it, so it is photographed and dismissed).
    heading(&driver, "User mapping").await;
    driver.click(&driver.button("Choose CSV…").await).await;
    photograph_native_dialog(&screenshot_path("file-picker")).await;
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
    driver
        .type_into(
            &driver.by_label("Mapping CSV (optional)").await,
            &text(&workspace_file("samples/mapping.csv")),
        )
        .await;
    driver.click(&driver.button("Check").await).await;
    driver.wait_text("[data-testid=mapping-ok]", "numbers mapped").await;
    driver.click(&driver.button("Show").await).await;
    driver.wait_text("[data-testid=routing]", "@contoso.com").await;
    driver.screenshot(&screenshot_path("wizard-5-mapping")).await;
    next(&driver).await;

    // 6. Admin consent: the loopback redirect answers with the state Docket sent.
    heading(&driver, "Admin consent").await;
    driver.click(&driver.button("Open consent page").await).await;
    driver.find("[data-testid=consent-waiting]").await;
    let page_url = driver.value(&driver.find("input[aria-label='Consent page address']").await).await;
    let page_url = url::Url::parse(&page_url).expect("the consent page address is a URL");
    let param = |name: &str| page_url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("client_id").as_deref(), Some("570d0bec-d001-4c4e-985e-3ab17fdc3073"));
    let redirect = param("redirect_uri").expect("a loopback redirect");
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    driver.screenshot(&screenshot_path("wizard-6-consent-waiting")).await;
    let forged =
        reqwest::get(format!("{redirect}?admin_consent=True&tenant={}&state=forged", fake_entra::TENANT))
            .await;
    assert!(forged.is_ok(), "the listener answers a forged state (and rejects it)");
    driver.wait_text("[data-testid=consent-result]", "does not belong").await;
    driver.click(&driver.button("Open consent page").await).await;
    driver.find("[data-testid=consent-waiting]").await;
    let page_url =
        url::Url::parse(&driver.value(&driver.find("input[aria-label='Consent page address']").await).await)
            .expect("URL");
    let param = |name: &str| page_url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let (redirect, state_param) = (param("redirect_uri").expect("redirect"), param("state").expect("state"));
    let answer = reqwest::get(format!(
        "{redirect}?admin_consent=True&tenant={}&state={state_param}",
        fake_entra::TENANT
    ))
    .await
    .expect("the loopback listener answers");
    assert!(
        answer.text().await.unwrap_or_default().to_lowercase().contains("close"),
        "the browser is told to close"
    );
    driver.wait_text("[data-testid=consent-result]", "granted").await;
    driver.screenshot(&screenshot_path("wizard-6-consent")).await;
    next(&driver).await;

    // 7. Review: secrets masked; Finish saves the connector and runs it.
    heading(&driver, "Review and finish").await;
    let review = driver.wait_text("[data-testid=review]", "stored ✓").await;
    assert!(!review.contains(fake_entra::SECRET));
    driver.type_into(&driver.by_label("Connector name").await, "Trading desk").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("wizard-7-review")).await;
    driver.click(&driver.button("Finish and import").await).await;

    // The dashboard shows the import finished, with the counts the ledger holds.
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    let shown = (
        count(&driver, "count-fetched").await,
        count(&driver, "count-delivered").await,
        count(&driver, "count-already").await,
        count(&driver, "count-skipped").await,
        count(&driver, "count-failed").await,
    );
    driver.wait_text("[data-testid=connector]", "Trading desk").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("dashboard")).await;

    let ledger = Ledger::open(state.path()).expect("the app's ledger");
    let runs = ledger.runs(10).expect("runs");
    assert_eq!(runs.len(), 1, "one run: {runs:?}");
    let s = &runs[0].summary;
    assert_eq!(runs[0].status, "finished");
    let skipped: u64 = s.skipped.values().sum();
    let failed: u64 = s.failed.values().sum();
    assert_eq!(shown, (s.fetched, s.delivered, s.already_present, skipped, failed), "dashboard = ledger");
    assert!(s.delivered > 0 && s.balances(), "{s:?}");
    let sink = BlobSink::connect(&good, container).expect("container");
    let blobs = sink.list().await.expect("blobs listed");
    assert_eq!(blobs.len() as u64, s.deliveries, "one blob per delivery");
    let totals = driver.text(&driver.find("[data-testid=connector-totals]").await).await;
    assert!(totals.starts_with(&format!("{} delivered", s.deliveries)), "{totals}");

    driver.quit().await;

    // No secret entered appears in what the app wrote or showed, raw, URL-encoded or base64.
    let secrets = [fake_entra::SECRET, DEV_ACCOUNT_KEY, wrong_key.as_str(), good.as_str(), wrong.as_str()];
    assert_no_secrets(&[state.path(), logs.path()], pages, &app_log, &secrets);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn the_wizard_creates_an_x_connector_verified_live_and_its_first_run_shows_on_the_dashboard() {
    let azurite = Azurite::start();
    let entra = FakeEntra::start();
    let x = FakeX::start();
    x.seed(7, 4, 5);
    let (posts, mentions, dms) = x.ids();
    let on_server = (posts.len() + mentions.len() + dms.len()) as u64;
    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let app_log = logs.path().join("app.log");
    let good = connection(&azurite, DEV_ACCOUNT_KEY);
    let driver = Driver::start(
        &app_binary(),
        &[
            ("DOCKET_STATE_DIR", text(state.path())),
            ("DOCKET_AUTHORITY_BASE", entra.authority.clone()),
            ("DOCKET_X_API_BASE", x.base.clone()),
            ("BROWSER", "true".into()),
            ("RUST_LOG", "trace".into()),
        ],
        &app_log,
    )
    .await;
    let mut pages = Vec::new();

    heading(&driver, "Start").await;
    driver.find("[data-testid=keychain-ok]").await;
    next(&driver).await;

    heading(&driver, "Connector and prerequisites").await;
    driver.click(&driver.by_label("X (Twitter)").await).await;
    driver
        .script(
            "document.querySelectorAll('.checklist input[type=checkbox]').forEach(b => b.click());",
            serde_json::json!([]),
        )
        .await;
    driver.wait_text(".checklist", "200,000 items a day").await;
    driver.screenshot(&screenshot_path("x-1-connector")).await;
    next(&driver).await;

    heading(&driver, "Entra ID app").await;
    driver.type_into(&driver.by_label("Directory (tenant) ID").await, fake_entra::TENANT).await;
    driver.type_into(&driver.by_label("Application (client) ID").await, fake_entra::CLIENT_ID).await;
    store_fresh(&driver, "azure_client_secret", "Client secret", fake_entra::SECRET).await;
    driver.click(&driver.button("Check").await).await;
    driver.find("[data-testid=entra-ok]").await;
    next(&driver).await;

    // The source step takes the four credentials into the keychain and asks X whose they are.
    heading(&driver, "Source").await;
    for (label, name, value) in [
        ("API key", "x_api_key", fake_x::API_KEY),
        ("API secret key", "x_api_secret", fake_x::API_SECRET),
        ("Access token", "x_access_token", fake_x::ACCESS_TOKEN),
        ("Access token secret", "x_access_token_secret", fake_x::ACCESS_TOKEN_SECRET),
    ] {
        store_fresh(&driver, name, label, value).await;
    }
    driver.click(&driver.button("Check the account").await).await;
    let account = driver.wait_text("[data-testid=x-account-ok]", "belong to @").await;
    assert!(account.contains("3,200 posts"), "the reach limits are said before the first run: {account}");
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("x-3-source")).await;
    next(&driver).await;

    heading(&driver, "Storage").await;
    store_fresh(&driver, "storage_connection", "Connection string or container SAS URL", &good).await;
    driver.type_into(&driver.by_label("Container name").await, "e2e-x").await;
    driver.click(&driver.button("Test").await).await;
    driver.find("[data-testid=storage-ok]").await;
    next(&driver).await;

    heading(&driver, "User mapping").await;
    driver.find("[data-testid=x-mapping-hint]").await;
    driver.type_into(&driver.by_label("Owner mailbox").await, "compliance@contoso.com").await;
    next(&driver).await;

    heading(&driver, "Admin consent").await;
    driver.click(&driver.button("I have granted consent already").await).await;
    driver.wait_text("[data-testid=consent-result]", "granted").await;
    next(&driver).await;

    heading(&driver, "Review and finish").await;
    driver.wait_text("[data-testid=review]", "X account").await;
    pages.push(driver.page_html().await);
    driver.click(&driver.button("Finish and import").await).await;

    driver.find("[data-testid=live-import][data-phase=finished]").await;
    let shown = (count(&driver, "count-fetched").await, count(&driver, "count-delivered").await);
    driver.wait_text("[data-testid=connector]", "X (Twitter)").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("x-dashboard")).await;
    let ledger = Ledger::open(state.path()).expect("the app's ledger");
    let first = ledger.runs(10).expect("runs").pop().expect("a run");
    assert_eq!(first.status, "finished");
    assert_eq!(first.summary.fetched, on_server, "every post, mention and DM on the server");
    assert_eq!(shown, (first.summary.fetched, first.summary.delivered), "dashboard = ledger");
    let blobs = BlobSink::connect(&good, "e2e-x").expect("container").list().await.expect("blobs");
    assert_eq!(blobs.len() as u64, first.summary.deliveries);
    assert!(
        blobs.iter().all(|b| b.name.contains("compliance@contoso.com")),
        "everything to the owner mailbox"
    );

    // Run now: nothing old is fetched again.
    driver.click(&driver.button("Run now").await).await;
    driver.wait_text("[data-testid=live-import] h2", "run #2").await;
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    assert_eq!(count(&driver, "count-fetched").await, 0);
    assert!(x.violations().is_empty(), "no request broke X's rate limits: {:?}", x.violations());
    driver.quit().await;

    let secrets = [
        fake_entra::SECRET,
        DEV_ACCOUNT_KEY,
        good.as_str(),
        fake_x::API_KEY,
        fake_x::API_SECRET,
        fake_x::ACCESS_TOKEN,
        fake_x::ACCESS_TOKEN_SECRET,
    ];
    assert_no_secrets(&[state.path(), logs.path()], pages, &app_log, &secrets);
}

/// Photographs the whole X display (the GTK file dialog sits above the webview), then closes the dialog.
async fn photograph_native_dialog(path: &Path) {
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let shot = std::process::Command::new("import").args(["-window", "root"]).arg(path).status();
    assert!(shot.is_ok_and(|s| s.success()), "import (ImageMagick) photographs the display");
    let dialog =
        std::process::Command::new("xdotool").args(["search", "--name", "Choose the mapping CSV"]).output();
    let found = dialog.map(|o| !o.stdout.is_empty()).unwrap_or(false);
    let _ = std::process::Command::new("xdotool").args(["key", "Escape"]).status();
    assert!(found, "the native file dialog titled \"Choose the mapping CSV\" opened");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}
