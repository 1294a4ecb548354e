//! The trial path in the real window: an admin without a Microsoft 365 tenant chooses a folder on this
//! computer from the connector step, walks past the skipped Entra ID and consent steps (no double of Entra
//! ID or Graph is even running), picks the folder in the native dialog (photographed) or types it, and the
//! sample export lands there as .eml files, one folder per mapped mailbox, with the dashboard matching the
//! ledger.

use std::path::Path;

use crate::common::{
    app_binary, checked, count, heading, next, photograph_native_dialog, preview_sample_export,
    screenshot_path, text, workspace_file,
};
use crate::webdriver::Driver;
use docket_core::ledger::Ledger;

/// Every `.eml` file under `dir`, at any depth.
fn eml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(eml_files(&path));
        } else if path.extension().is_some_and(|e| e == "eml") {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and tauri-driver: run by scripts/e2e"]
async fn a_newcomer_without_a_tenant_tries_docket_with_a_folder_on_this_computer() {
    let state = tempfile::tempdir().expect("state folder");
    let logs = tempfile::tempdir().expect("log folder");
    let trial = tempfile::tempdir().expect("trial folder");
    let archive = trial.path().join("Docket trial");
    let driver = Driver::start(
        &app_binary(),
        &[("DOCKET_STATE_DIR", text(state.path())), ("RUST_LOG", "debug".into())],
        &logs.path().join("app.log"),
    )
    .await;

    heading(&driver, "Start").await;
    driver.find("[data-testid=keychain-ok]").await;
    next(&driver).await;

    // Connector: the trial leaves the tenant's prerequisites out.
    heading(&driver, "Connector and prerequisites").await;
    driver.click(&driver.by_label("WhatsApp (export)").await).await;
    driver.click(&driver.button("No tenant yet? Try Docket with a folder on this computer").await).await;
    driver.wait_text("[data-testid=trial-offer]", "no Microsoft 365 tenant is needed").await;
    driver
        .script(
            "document.querySelectorAll('.checklist input[type=checkbox]').forEach(b => b.click());",
            serde_json::json!([]),
        )
        .await;
    let checklist = driver.text(&driver.find(".checklist").await).await;
    assert!(!checklist.contains("admin consent"), "{checklist}");
    driver.screenshot(&screenshot_path("trial-1-connector")).await;
    next(&driver).await;

    // Entra ID: skipped, and why.
    heading(&driver, "Entra ID app").await;
    driver.wait_text("[data-testid=step-skipped]", "needs no Microsoft 365 tenant").await;
    driver.wait_text("nav.steps", "Entra ID app (skipped)").await;
    driver.screenshot(&screenshot_path("trial-2-entra")).await;
    next(&driver).await;

    preview_sample_export(&driver).await;
    next(&driver).await;

    // Delivery: the trial folder, suggested in Docket's state folder; the native folder dialog opens on
    // "Choose folder…" (photographed and dismissed), and the folder is typed.
    heading(&driver, "Delivery").await;
    assert!(checked(&driver, "input[name=target][value=dir]").await, "the trial folder is chosen");
    let folder = driver.by_label("Folder for the .eml files").await;
    let suggested = driver.value(&folder).await;
    assert_eq!(suggested, format!("{}/archive", text(state.path())), "suggested in the state folder");
    driver.click(&driver.button("Choose folder…").await).await;
    photograph_native_dialog(&screenshot_path("trial-folder-picker"), "Choose the folder for the .eml files")
        .await;
    driver.type_into(&folder, &text(&archive)).await;
    driver.wait_text("[data-testid=trial-target]", "nothing written here reaches Microsoft 365").await;
    driver.screenshot(&screenshot_path("trial-4-delivery")).await;
    next(&driver).await;

    heading(&driver, "User mapping").await;
    driver
        .type_into(
            &driver.by_label("Mapping CSV (optional)").await,
            &text(&workspace_file("samples/mapping.csv")),
        )
        .await;
    driver.click(&driver.button("Check").await).await;
    driver.wait_text("[data-testid=mapping-ok]", "numbers mapped").await;
    driver.find("[data-testid=trial-mapping-hint]").await;
    next(&driver).await;

    heading(&driver, "Admin consent").await;
    driver.wait_text("[data-testid=step-skipped]", "needs no Microsoft 365 tenant").await;
    driver.screenshot(&screenshot_path("trial-6-consent")).await;
    next(&driver).await;

    heading(&driver, "Review and finish").await;
    driver.wait_text("[data-testid=review-target][data-kind=dir]", &text(&archive)).await;
    driver.wait_text("[data-testid=review]", "Not needed for a folder on this computer").await;
    driver.type_into(&driver.by_label("Connector name").await, "Trial").await;
    driver.screenshot(&screenshot_path("trial-7-review")).await;
    driver.click(&driver.button("Finish and import").await).await;

    driver.find("[data-testid=live-import][data-phase=finished]").await;
    let shown = (count(&driver, "count-fetched").await, count(&driver, "count-delivered").await);
    driver.wait_text("[data-testid=connector-targets]", "Trial: .eml files").await;
    driver.screenshot(&screenshot_path("trial-dashboard")).await;
    driver.quit().await;

    let ledger = Ledger::open(state.path()).expect("the app's ledger");
    let runs = ledger.runs(10).expect("runs");
    assert_eq!(runs.len(), 1, "{runs:?}");
    let s = &runs[0].summary;
    assert!(s.balances() && s.delivered > 0 && s.failed.is_empty(), "{s:?}");
    assert_eq!(shown, (s.fetched, s.delivered), "dashboard = ledger");
    let files = eml_files(&archive);
    assert_eq!(files.len() as u64, s.deliveries, "one .eml file per message and mailbox");
    assert!(
        files.iter().all(|f| f.parent().and_then(Path::file_name).is_some_and(|n| n == "WhatsApp Archiver")),
        "each under <mailbox>/WhatsApp Archiver/: {files:?}"
    );
    assert!(archive.join("adele.vance@contoso.com").is_dir(), "a folder per mapped mailbox");
}
