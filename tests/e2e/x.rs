//! The X connector in the real window, on the default path: the four credentials stored and the account
//! checked live against the X double, everything delivered into the owner mailbox's Twitter folder through
//! the Graph double (consent confirmed by hand), the first run on the dashboard, and a second run that
//! fetches nothing old again. Then everything the app wrote and showed is searched for the secrets.

use crate::common::{
    assert_no_secrets, confirm_consent_by_hand, count, enter_checked_entra_app, heading, next,
    screenshot_path, start_against_tenant, start_and_choose, store_fresh,
};
use docket_core::ledger::Ledger;
use docket_testkit::fake_entra::{self, FakeEntra};
use docket_testkit::fake_graph::FakeGraph;
use docket_testkit::fake_x::{self, FakeX};

const OWNER: &str = "compliance@contoso.com";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn the_wizard_creates_an_x_connector_delivering_into_the_owner_mailbox_and_its_first_run_shows_on_the_dashboard(
) {
    let entra = FakeEntra::start();
    let graph = FakeGraph::start(&entra);
    graph.add_user(OWNER, "Compliance");
    let x = FakeX::start();
    x.seed(7, 4, 5);
    let (posts, mentions, dms) = x.ids();
    let on_server = (posts.len() + mentions.len() + dms.len()) as u64;
    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let app_log = logs.path().join("app.log");
    let driver = start_against_tenant(
        state.path(),
        &entra,
        &graph,
        &[("DOCKET_X_API_BASE", x.base.clone())],
        &app_log,
    )
    .await;
    let mut pages = Vec::new();

    start_and_choose(&driver, "X (Twitter)").await;
    driver.wait_text(".checklist", "200,000 items a day").await;
    driver.screenshot(&screenshot_path("x-1-connector")).await;
    next(&driver).await;

    enter_checked_entra_app(&driver).await;

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

    // Delivery: the mailbox through Graph, in the Twitter folder (the default).
    heading(&driver, "Delivery").await;
    driver.wait_text("[data-testid=graph-target]", "“Twitter” folder").await;
    next(&driver).await;

    heading(&driver, "User mapping").await;
    driver.find("[data-testid=x-mapping-hint]").await;
    driver.type_into(&driver.by_label("Owner mailbox").await, OWNER).await;
    next(&driver).await;

    // Consent granted elsewhere (the Entra admin center), confirmed by hand.
    confirm_consent_by_hand(&driver).await;

    heading(&driver, "Review and finish").await;
    driver.wait_text("[data-testid=review]", "X account").await;
    driver.wait_text("[data-testid=review-target][data-kind=graph]", "“Twitter” folder").await;
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
    let in_folder = graph.messages(OWNER, "Twitter");
    assert_eq!(in_folder.len() as u64, first.summary.deliveries, "everything in the owner mailbox's folder");
    assert!(in_folder.iter().all(|m| !m.is_draft), "no message is a draft");

    // Run now: nothing old is fetched again.
    driver.click(&driver.button("Run now").await).await;
    driver.wait_text("[data-testid=live-import] h2", "run #2").await;
    driver.find("[data-testid=live-import][data-phase=finished]").await;
    assert_eq!(count(&driver, "count-fetched").await, 0);
    assert!(x.violations().is_empty(), "no request broke X's rate limits: {:?}", x.violations());
    assert!(graph.violations().is_empty(), "{:?}", graph.violations());
    driver.quit().await;

    let secrets = [
        fake_entra::SECRET,
        fake_x::API_KEY,
        fake_x::API_SECRET,
        fake_x::ACCESS_TOKEN,
        fake_x::ACCESS_TOKEN_SECRET,
    ];
    assert_no_secrets(&[state.path(), logs.path()], pages, &app_log, &secrets);
}
