//! What both end-to-end test binaries (tests/e2e.rs, tests/e2e_m365.rs) share: paths, the wizard's
//! navigation, storing a secret through its field, reading the dashboard's counts, photographing a native
//! dialog, and the search for secrets in everything the app wrote or showed. Each binary uses part of it.

use std::path::{Path, PathBuf};

use base64::Engine;
use docket_testkit::azurite::{Azurite, DEV_ACCOUNT};

use super::webdriver::{self, Driver, Element};

pub fn workspace_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn app_binary() -> PathBuf {
    let bin = workspace_file("target/debug/docket-desktop");
    assert!(bin.is_file(), "build the app first (cargo build): {} is missing", bin.display());
    bin
}

pub fn screenshot_path(name: &str) -> PathBuf {
    workspace_file("docs/screenshots").join(format!("app-{name}.png"))
}

/// Azurite's connection string with `key` as the account key (a wrong key gets `storage_auth`).
pub fn connection(azurite: &Azurite, key: &str) -> String {
    format!(
        "DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={key};BlobEndpoint={}",
        azurite.blob_endpoint()
    )
}

/// The number a dashboard count shows (`40 of 1,240` reads as 40).
pub async fn count(driver: &Driver, testid: &str) -> u64 {
    let element: Element = driver.find(&format!("[data-testid={testid}]")).await;
    let shown = driver.text(&element).await;
    let digits: String =
        shown.split(" of ").next().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("{testid} shows {shown:?}"))
}

/// Whether the radio button or checkbox matching `css` is checked.
pub async fn checked(driver: &Driver, css: &str) -> bool {
    driver.find(css).await;
    let script = "return document.querySelector(arguments[0]).checked === true;";
    driver.script(script, serde_json::json!([css])).await.as_bool() == Some(true)
}

/// Photographs the whole X display (a GTK file dialog sits above the webview), then closes the dialog
/// titled `title`, failing when no such dialog opened.
pub async fn photograph_native_dialog(path: &Path, title: &str) {
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let shot = std::process::Command::new("import").args(["-window", "root"]).arg(path).status();
    assert!(shot.is_ok_and(|s| s.success()), "import (ImageMagick) photographs the display");
    let dialog = std::process::Command::new("xdotool").args(["search", "--name", title]).output();
    let found = dialog.map(|o| !o.stdout.is_empty()).unwrap_or(false);
    let _ = std::process::Command::new("xdotool").args(["key", "Escape"]).status();
    assert!(found, "the native file dialog titled {title:?} opened");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

/// Switches the window to French with the header's language switcher, photographs it as `app-fr-<name>.png`
/// for the README (French admins follow Microsoft's French connector pages), and switches back to English,
/// which the rest of the walk reads.
pub async fn photograph_in_french(driver: &Driver, name: &str) {
    read_in_french(driver, name, "body").await;
}

/// As `photograph_in_french`, and returns the French text of `css` (the core's sentences, said in French).
pub async fn read_in_french(driver: &Driver, name: &str, css: &str) -> String {
    let switch = "const s = document.querySelector('[data-testid=language]'); s.value = arguments[0]; \
        s.dispatchEvent(new Event('change', { bubbles: true }));";
    driver.script(switch, serde_json::json!(["fr"])).await;
    driver.find("html[lang=fr]").await;
    match css {
        "body" => driver.screenshot(&screenshot_path(&format!("fr-{name}"))).await,
        shown => driver.screenshot_showing(&screenshot_path(&format!("fr-{name}")), shown).await,
    }
    let read = "return document.querySelector(arguments[0])?.innerText ?? '';";
    let french = driver.script(read, serde_json::json!([css])).await.as_str().unwrap_or_default().to_string();
    driver.script(switch, serde_json::json!(["en"])).await;
    driver.find("html[lang=en]").await;
    french
}

/// Presses Next once it is enabled (it waits for the step's live checks).
pub async fn next(driver: &Driver) {
    let button = driver.button("Next").await;
    let started = std::time::Instant::now();
    while !driver.is_enabled(&button).await {
        assert!(started.elapsed() < webdriver::WAIT, "Next stays disabled: {}", driver.page_text().await);
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    driver.click(&button).await;
}

/// The Source step with the bundled WhatsApp sample, in Europe/London, previewed.
pub async fn preview_sample_export(driver: &Driver) {
    heading(driver, "Source").await;
    let location = text(&workspace_file("samples/whatsapp"));
    driver.type_into(&driver.by_label("Export file or folder").await, &location).await;
    driver.type_into(&driver.by_label("Time zone the export was made in").await, "Europe/London").await;
    driver.click(&driver.button("Preview").await).await;
    driver.find("[data-testid=preview-table]").await;
}

/// Opens the app against the Entra ID and Graph doubles, with a trace-level log in `log` and `BROWSER=true`
/// (the test answers the pages a browser would open); `extra` adds a source's double (its API base).
pub async fn start_against_tenant(
    state: &Path,
    entra: &docket_testkit::fake_entra::FakeEntra,
    graph: &docket_testkit::fake_graph::FakeGraph,
    extra: &[(&str, String)],
    log: &Path,
) -> Driver {
    let mut env = vec![
        ("DOCKET_STATE_DIR", text(state)),
        ("DOCKET_AUTHORITY_BASE", entra.authority.clone()),
        ("DOCKET_GRAPH_BASE", graph.base.clone()),
        ("BROWSER", "true".into()),
        ("RUST_LOG", "trace".into()),
    ];
    env.extend(extra.iter().cloned());
    Driver::start(&app_binary(), &env, log).await
}

/// Passes the Start step (the keychain check), chooses the connector labelled `connector` and ticks every
/// prerequisite on its checklist.
pub async fn start_and_choose(driver: &Driver, connector: &str) {
    heading(driver, "Start").await;
    driver.find("[data-testid=keychain-ok]").await;
    next(driver).await;
    heading(driver, "Connector and prerequisites").await;
    driver.click(&driver.by_label(connector).await).await;
    driver
        .script(
            "document.querySelectorAll('.checklist input[type=checkbox]').forEach(b => b.click());",
            serde_json::json!([]),
        )
        .await;
}

/// The Entra ID step with the Entra double's app typed in by hand, its client secret stored and checked.
pub async fn enter_checked_entra_app(driver: &Driver) {
    use docket_testkit::fake_entra;
    heading(driver, "Entra ID app").await;
    driver.type_into(&driver.by_label("Directory (tenant) ID").await, fake_entra::TENANT).await;
    driver.type_into(&driver.by_label("Application (client) ID").await, fake_entra::CLIENT_ID).await;
    store_fresh(driver, "azure_client_secret", "Client secret", fake_entra::SECRET).await;
    driver.click(&driver.button("Check").await).await;
    driver.find("[data-testid=entra-ok]").await;
    next(driver).await;
}

/// The Admin consent step, answered with "granted already" (consent given in the Entra admin center).
pub async fn confirm_consent_by_hand(driver: &Driver) {
    heading(driver, "Admin consent").await;
    driver.click(&driver.button("I have granted consent already").await).await;
    driver.wait_text("[data-testid=app-consent-result]", "you confirmed it").await;
    next(driver).await;
}

pub async fn heading(driver: &Driver, title: &str) {
    driver.wait_text("#step-heading", title).await;
}

pub async fn store_secret(driver: &Driver, label: &str, value: &str) {
    let field = driver.by_label(label).await;
    driver.type_into(&field, value).await;
    driver.click(&driver.button("Store").await).await;
}

/// Stores a secret, first choosing Replace when the keychain already holds one under `name` (the tests share
/// one keychain session).
pub async fn store_fresh(driver: &Driver, name: &str, label: &str, value: &str) {
    let stored = format!("[data-testid={name}-stored]");
    // The step asks the keychain what it holds when it opens; give that answer a moment to arrive.
    let mut held = false;
    for _ in 0..20 {
        held = driver.exists(&stored).await;
        if held {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    if held {
        driver.click(&driver.find(&format!("{stored} button")).await).await;
    }
    store_secret(driver, label, value).await;
    driver.find(&stored).await;
}

/// Searches every file under `dirs` and every captured window HTML for each secret, raw, URL-encoded and
/// base64, and fails naming where one appears. `app_log` must hold a real (trace-level) log.
pub fn assert_no_secrets(dirs: &[&Path], pages: Vec<String>, app_log: &Path, secrets: &[&str]) {
    let mut haystacks: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in dirs {
        for entry in walk(dir) {
            haystacks.push((text(&entry), std::fs::read(&entry).unwrap_or_default()));
        }
    }
    for (i, page) in pages.into_iter().enumerate() {
        haystacks.push((format!("window HTML #{i}"), page.into_bytes()));
    }
    let log_size = std::fs::metadata(app_log).map(|m| m.len()).unwrap_or(0);
    assert!(log_size > 10_000, "the trace log was captured ({log_size} bytes)");
    for secret in secrets {
        for form in canary_forms(secret) {
            for (name, bytes) in &haystacks {
                assert!(
                    !contains(bytes, form.as_bytes()),
                    "a secret (form {:?}…) appears in {name}",
                    &form[..form.len().min(6)]
                );
            }
        }
    }
}

fn canary_forms(secret: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    vec![
        secret.to_string(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        b64.encode(secret.as_bytes()),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
