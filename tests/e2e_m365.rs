//! End to end, Microsoft 365 side: the real Docket window under Xvfb (WebKitWebDriver + `tauri-driver`), a
//! real Secret Service (gnome-keyring in the D-Bus session), and the Entra ID and Graph doubles. The Entra ID
//! step signs the admin in through the loopback redirect (this test plays the browser: it reads the sign-in
//! address from the window and follows the double's redirect to Docket's listener), registers the Docket app
//! on the Graph double, shows its secret only as stored, passes the Check and takes admin consent for the
//! app's Graph permissions; the Delivery step keeps its default, the mailboxes through Graph; the mapping step
//! lists the address the directory does not know before any run; Finish delivers into the mailboxes'
//! folders. Then the state folder, the trace log and the window's HTML are searched for the secrets. Ignored
//! by plain `cargo test`; `scripts/e2e` runs it.

// Tests and benchmarks read their own knobs (E2E_DEBUG, DOCKET_PROOF_ITEMS...); product code reads the
// environment through docket_core::config::env only (clippy.toml).
#![allow(clippy::disallowed_methods)]

// The WebDriver client is shared with tests/e2e.rs; each test binary uses a different part of it.
#[allow(dead_code)]
#[path = "e2e/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "e2e/webdriver.rs"]
mod webdriver;

use common::{
    assert_no_secrets, heading, next, preview_sample_export, screenshot_path, text, workspace_file,
};
use docket_core::connector::{ADMIN_REFRESH_TOKEN_ENTRY, AZURE_CLIENT_SECRET_ENTRY};
use docket_core::ledger::Ledger;
use docket_core::secrets::{KeyringStore, SecretStore};
use docket_testkit::fake_entra::{FakeEntra, PUBLIC_CLIENT_ID, TENANT};
use docket_testkit::fake_graph::FakeGraph;
use webdriver::Driver;

const FOLDER: &str = "WhatsApp Archiver";

/// The browser's part of a loopback flow: load the page the window shows, follow Entra ID's redirect to
/// Docket's listener on 127.0.0.1, and return what the listener answered.
async fn play_browser(driver: &Driver, address_label: &str) -> (url::Url, String) {
    let field = driver.find(&format!("input[aria-label='{address_label}']")).await;
    let page = url::Url::parse(&driver.value(&field).await).expect("the window shows a URL");
    let answer = reqwest::get(page.clone()).await.expect("the double and the listener answer");
    assert!(
        answer.url().as_str().starts_with("http://127.0.0.1:"),
        "redirected to the loopback: {}",
        answer.url()
    );
    (page, answer.text().await.unwrap_or_default())
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn the_wizard_signs_in_registers_the_app_checks_mailboxes_and_delivers_through_graph() {
    let entra = FakeEntra::start();
    let graph = FakeGraph::start(&entra);
    graph.add_user("adele.vance@contoso.com", "Adele Vance");
    graph.add_user("megan.bowen@contoso.com", "Megan Bowen");
    // alex.wilber@contoso.com, the mapping's third address, is not in the directory.
    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let app_log = logs.path().join("app.log");
    let keychain = KeyringStore::default();
    let _ = keychain.delete(AZURE_CLIENT_SECRET_ENTRY);
    let _ = keychain.delete(ADMIN_REFRESH_TOKEN_ENTRY);

    let driver = common::start_against_tenant(
        state.path(),
        &entra,
        &graph,
        &[("DOCKET_SIGN_IN_CLIENT_ID", PUBLIC_CLIENT_ID.into())],
        &app_log,
    )
    .await;
    let mut pages = Vec::new();

    common::start_and_choose(&driver, "WhatsApp (export)").await;
    next(&driver).await;

    // Entra ID: sign in through the loopback redirect (PKCE and state checked by the double and Docket).
    heading(&driver, "Entra ID app").await;
    driver.type_into(&driver.by_label("Directory (tenant) ID").await, TENANT).await;
    driver.click(&driver.button("Sign in with Microsoft…").await).await;
    driver.find("[data-testid=signin-waiting]").await;
    driver.screenshot(&screenshot_path("m365-entra-signin-waiting")).await;
    let (page, answer) = play_browser(&driver, "Sign-in page address").await;
    assert!(
        page.as_str().starts_with(&format!("{}/{TENANT}/oauth2/v2.0/authorize?", entra.authority)),
        "{page}"
    );
    assert_eq!(param(&page, "client_id").as_deref(), Some(PUBLIC_CLIENT_ID));
    assert_eq!(param(&page, "code_challenge_method").as_deref(), Some("S256"));
    assert!(answer.to_lowercase().contains("close"), "the browser is told it can close: {answer}");
    driver.wait_text("[data-testid=signed-in]", TENANT).await;

    // Register the Docket app with a 20-day secret (inside the dashboard's 30-day warning): the IDs fill in, the
    // secret shows only as stored.
    driver.type_into(&driver.by_label("Client secret lifetime (days)").await, "20").await;
    driver.type_into(&driver.by_label("New app’s name").await, "Docket e2e").await;
    driver.click(&driver.button("Register the Docket app").await).await;
    let ready = driver.wait_text("[data-testid=app-ready]", "stored in the OS keychain").await;
    let registered = graph.applications().into_iter().find(|a| a.display_name == "Docket e2e");
    let registered = registered.expect("the app is registered on the Graph double");
    assert!(ready.contains(&registered.app_id), "{ready}");
    driver.find("[data-testid=azure_client_secret-stored]").await;
    let client_field = driver.by_label("Application (client) ID").await;
    assert_eq!(driver.value(&client_field).await, registered.app_id);
    driver.click(&driver.button("Check").await).await;
    driver.find("[data-testid=entra-ok]").await;
    driver.click(&driver.button("Grant admin consent to the Docket app").await).await;
    driver.find("[data-testid=app-consent-waiting]").await;
    let (consent_page, _) = play_browser(&driver, "App consent page address").await;
    assert_eq!(param(&consent_page, "client_id").as_deref(), Some(registered.app_id.as_str()));
    driver.find("[data-testid=app-consent-result][data-status=granted]").await;
    assert_eq!(entra.consents(), vec![(registered.app_id.clone(), TENANT.to_string())]);
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("m365-entra-registered")).await;
    next(&driver).await;

    preview_sample_export(&driver).await;
    next(&driver).await;

    // Delivery: into the mailboxes through Graph, the default, needs no storage account.
    heading(&driver, "Delivery").await;
    driver.wait_text("[data-testid=graph-target]", &registered.app_id).await;
    assert!(!driver.exists("#container").await, "no storage account unless an archive copy is kept");
    driver.screenshot(&screenshot_path("m365-storage-graph")).await;
    next(&driver).await;

    // Mapping: the directory check names the address that is not a Microsoft 365 user, before any run.
    heading(&driver, "User mapping").await;
    driver
        .type_into(
            &driver.by_label("Mapping CSV (optional)").await,
            &text(&workspace_file("samples/mapping.csv")),
        )
        .await;
    driver.click(&driver.button("Check").await).await;
    driver.wait_text("[data-testid=mapping-ok]", "numbers mapped").await;
    driver.click(&driver.button("Check mailboxes in Microsoft 365").await).await;
    driver.wait_text("[data-testid=mailboxes-problems]", "1 of 3 addresses are not usable").await;
    let unknown = driver.wait_text("[data-testid=mailboxes] tr[data-status=not_a_user]", "@").await;
    assert!(
        unknown.contains("alex.wilber@contoso.com") && unknown.contains("not a Microsoft 365 user"),
        "{unknown}"
    );
    assert!(
        graph.messages("adele.vance@contoso.com", FOLDER).is_empty(),
        "nothing is delivered by the check"
    );
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("m365-mapping-mailboxes")).await;
    next(&driver).await;

    // Consent: the app's consent from the Entra ID step is what a Graph target needs.
    heading(&driver, "Admin consent").await;
    driver.find("[data-testid=app-consent-result][data-status=granted]").await;
    next(&driver).await;

    heading(&driver, "Review and finish").await;
    driver.wait_text("[data-testid=review-target][data-kind=graph]", "through Microsoft Graph").await;
    driver.type_into(&driver.by_label("Connector name").await, "Trading desk via Graph").await;
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("m365-review")).await;
    driver.click(&driver.button("Finish and import").await).await;
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    driver.wait_text("[data-testid=connector]", "Trading desk via Graph").await;
    let warning = driver.wait_text("[data-testid=secret-warning]", "client secret expires on").await;
    assert!(warning.contains("days left") && warning.contains("Add a new secret"), "{warning}");
    pages.push(driver.page_html().await);
    driver.screenshot(&screenshot_path("m365-dashboard")).await;
    driver.quit().await;

    // The run delivered into the known mailboxes' folders; the items also meant for the address the check
    // flagged are held as failed (mailbox not found), and the ledger accounts for every item.
    let ledger = Ledger::open(state.path()).expect("the app's ledger");
    let runs = ledger.runs(10).expect("runs");
    assert_eq!(runs.len(), 1, "{runs:?}");
    let summary = &runs[0].summary;
    assert!(summary.balances() && summary.deliveries > 0, "{summary:?}");
    assert!(summary.failed.keys().all(|reason| reason == "mailbox_not_found"), "{summary:?}");
    let in_folders: usize = ["adele.vance@contoso.com", "megan.bowen@contoso.com"]
        .iter()
        .map(|m| graph.messages(m, FOLDER).len())
        .sum();
    assert_eq!(in_folders as u64, summary.deliveries, "one message in a folder per delivery");
    assert!(graph.violations().is_empty(), "{:?}", graph.violations());

    // The secrets are in the keychain, and nowhere the app wrote or showed, raw, URL-encoded or base64.
    let secret =
        keychain.get(AZURE_CLIENT_SECRET_ENTRY).ok().flatten().expect("the client secret is in the keychain");
    assert!(
        keychain.get(ADMIN_REFRESH_TOKEN_ENTRY).ok().flatten().is_none(),
        "the admin's refresh token stays in memory, never in the keychain"
    );
    let refresh = entra.refresh_tokens_issued();
    assert!(!refresh.is_empty(), "the admin signed in with a refresh token");
    assert_eq!(entra.app(&registered.app_id).map(|a| a.secrets), Some(vec![secret.expose().clone()]));
    assert_no_secrets(
        &[state.path(), logs.path()],
        pages,
        &app_log,
        &[[secret.expose().as_str()].as_slice(), &refresh.iter().map(String::as_str).collect::<Vec<_>>()]
            .concat(),
    );
    let _ = keychain.delete(AZURE_CLIENT_SECRET_ENTRY);
    let _ = keychain.delete(ADMIN_REFRESH_TOKEN_ENTRY);
}
