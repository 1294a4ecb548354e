//! The wizard's Entra ID steps over IPC: the client secret goes in write-only, `test_entra_app` signs in to
//! the Entra ID double with it, and admin consent opens the "system browser" (a simulated one here, which
//! follows the consent page to Entra ID's redirect) and captures the answer on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use docket_core::secrets::MemSecretStore;
use docket_desktop::{SecretVault, SystemBrowser};
use serde_json::{json, Value};

use super::harness::{shell_with_browser, shell_with_state_dir, Shell};
use docket_testkit::fake_entra::{FakeEntra, CLIENT_ID, SECRET, TENANT};

const WRONG_SECRET: &str = "Zz9~wrong.secret_value-do-not-echo";

/// Points every Entra ID request of this test process at `authority` (the double), as the environment
/// override does for end-to-end runs: IPC can only name one of Microsoft's clouds. Returns the cloud to name.
fn global_cloud_at(authority: &str) -> Value {
    std::env::set_var(docket_core::config::env::AUTHORITY_BASE, authority);
    json!("global")
}

fn store_client_secret(shell: &Shell, value: &str) {
    let stored = shell.invoke("store_secret", json!({ "name": "azure_client_secret", "value": value }));
    assert_eq!(stored, Ok(json!({ "name": "azure_client_secret", "stored": true })));
}

/// The query parameter `name` of `url`, decoded.
fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A browser that, given the consent page, comes back to Docket's redirect URI with `answer(state)` as the
/// query, as Entra ID would send it; the pages Docket answers with are kept in the returned list.
fn browser_answering(answer: fn(&str) -> String) -> (SystemBrowser, Arc<Mutex<Vec<String>>>) {
    let pages = Arc::new(Mutex::new(Vec::new()));
    let kept = pages.clone();
    let browser = SystemBrowser::with(move |url| {
        let redirect = query_param(url, "redirect_uri").unwrap_or_default();
        let state = query_param(url, "state").unwrap_or_default();
        let address = redirect.trim_start_matches("http://").trim_end_matches('/').to_string();
        let request = format!("GET /{} HTTP/1.1\r\nHost: {address}\r\n\r\n", answer(&state));
        let pages = kept.clone();
        std::thread::spawn(move || {
            let mut page = String::new();
            if let Ok(mut stream) = TcpStream::connect(&address) {
                let _ = stream.write_all(request.as_bytes());
                let _ = stream.read_to_string(&mut page);
            }
            pages.lock().map(|mut pages| pages.push(page)).ok();
        });
        Ok(())
    });
    (browser, pages)
}

fn shell_with(browser: SystemBrowser) -> (Shell, tempfile::TempDir) {
    let state = tempfile::tempdir().expect("temp dir");
    let shell =
        shell_with_browser(state.path(), SecretVault::in_store(Arc::new(MemSecretStore::default())), browser);
    (shell, state)
}

#[test]
fn test_entra_app_signs_in_with_the_stored_client_secret() {
    let authority = FakeEntra::start().authority;
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    store_client_secret(&shell, SECRET);

    let check = shell
        .invoke(
            "test_entra_app",
            json!({ "tenantId": TENANT, "clientId": CLIENT_ID, "cloud": global_cloud_at(&authority) }),
        )
        .expect("the app check passes");

    assert_eq!(check, json!({ "tenant_id": TENANT, "client_id": CLIENT_ID, "expires_in_seconds": 3599 }));
    let status = shell.invoke("secret_status", json!({})).expect("secret_status succeeds");
    assert_eq!(status["azure_client_secret"], true);
    assert!(!status.to_string().contains(SECRET));
}

#[test]
fn test_entra_app_with_a_wrong_secret_is_entra_auth_without_the_secret() {
    let authority = FakeEntra::start().authority;
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    store_client_secret(&shell, WRONG_SECRET);

    let error = shell
        .invoke(
            "test_entra_app",
            json!({ "tenantId": TENANT, "clientId": CLIENT_ID, "cloud": global_cloud_at(&authority) }),
        )
        .expect_err("refused");

    assert_eq!(error["code"], "entra_auth", "{error}");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("AADSTS7000215")), "{error}");
    assert!(!error.to_string().contains(WRONG_SECRET), "{error}");
}

#[test]
fn test_entra_app_without_a_stored_secret_says_to_store_one() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let error = shell
        .invoke("test_entra_app", json!({ "tenantId": TENANT, "clientId": CLIENT_ID }))
        .expect_err("fails");

    assert_eq!(error["code"], "bad_config");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("no client secret is stored")), "{error}");
}

#[test]
fn a_secret_id_pasted_in_place_of_the_secret_value_is_refused() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let error = shell
        .invoke("store_secret", json!({ "name": "azure_client_secret", "value": TENANT }))
        .expect_err("refused");

    assert_eq!(error["code"], "bad_config");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("Secret ID")), "{error}");
    let status = shell.invoke("secret_status", json!({})).expect("secret_status succeeds");
    assert_eq!(status["azure_client_secret"], false);
}

#[test]
fn admin_consent_opens_the_browser_and_captures_the_grant() {
    let (browser, pages) =
        browser_answering(|state| format!("?admin_consent=True&tenant={TENANT}&state={state}"));
    let (shell, _state) = shell_with(browser);

    let start = shell
        .invoke("app_consent_start", json!({ "tenantId": TENANT, "clientId": CLIENT_ID }))
        .expect("consent starts");
    let result = shell.invoke("admin_consent_wait", json!({ "timeoutSeconds": 20 })).expect("an answer");

    let url = start["url"].as_str().unwrap_or_default();
    assert!(
        url.starts_with(&format!("https://login.microsoftonline.com/{TENANT}/v2.0/adminconsent?")),
        "{url}"
    );
    assert_eq!(query_param(url, "client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(query_param(url, "scope").as_deref(), Some("https://graph.microsoft.com/.default"));
    assert_eq!(query_param(url, "state").as_deref(), start["state"].as_str());
    assert_eq!(result["status"], "granted", "{result}");
    assert_eq!(result["method"], "loopback_redirect");
    assert_eq!(result["tenant"], TENANT);
    // The browser reads Docket's page after the wait has ended; give it a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let pages = loop {
        let seen = pages.lock().map(|pages| pages.clone()).unwrap_or_default();
        if !seen.is_empty() || std::time::Instant::now() > deadline {
            break seen;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(
        pages.iter().any(|page| page.contains("You can close this window and return to Docket")),
        "{pages:?}"
    );
}

#[test]
fn a_declined_consent_comes_back_with_entras_description() {
    let (browser, _pages) = browser_answering(|state| {
        format!(
            "?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent.&state={state}"
        )
    });
    let (shell, _state) = shell_with(browser);

    shell
        .invoke("app_consent_start", json!({ "tenantId": TENANT, "clientId": CLIENT_ID, "cloud": "global" }))
        .expect("consent starts");
    let result = shell.invoke("admin_consent_wait", json!({})).expect("an answer");

    assert_eq!(result["status"], "refused");
    assert_eq!(result["error"], "access_denied");
    assert_eq!(result["description"], "AADSTS65004: User declined to consent.");
}

#[test]
fn an_answer_with_a_forged_state_is_not_recorded_as_consent() {
    let (browser, _pages) =
        browser_answering(|_| format!("?admin_consent=True&tenant={TENANT}&state=forged"));
    let (shell, _state) = shell_with(browser);

    shell
        .invoke("app_consent_start", json!({ "tenantId": TENANT, "clientId": CLIENT_ID }))
        .expect("consent starts");
    let result = shell.invoke("admin_consent_wait", json!({ "timeoutSeconds": 3 })).expect("an answer");

    assert_eq!(result["status"], "rejected", "{result}");
    assert_eq!(result["tenant"], Value::Null);
}

#[test]
fn waiting_with_no_consent_started_is_a_consent_error() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let error = shell.invoke("admin_consent_wait", json!({})).expect_err("nothing to wait for");

    assert_eq!(error["code"], "consent");
}

#[test]
fn the_admin_can_confirm_a_consent_given_elsewhere() {
    let (shell, _state) = shell_with(SystemBrowser::with(|_| Ok(())));
    shell
        .invoke("app_consent_start", json!({ "tenantId": TENANT, "clientId": CLIENT_ID }))
        .expect("consent starts");

    let result = shell.invoke("admin_consent_confirm", json!({})).expect("recorded");

    assert_eq!(result["status"], "granted");
    assert_eq!(result["method"], "confirmed_by_admin");
    assert_eq!(result["tenant"], TENANT);
    let error = shell.invoke("admin_consent_wait", json!({})).expect_err("the started consent ended");
    assert_eq!(error["code"], "consent");
}

#[test]
fn no_answer_in_time_is_reported_as_timed_out() {
    let (shell, _state) = shell_with(SystemBrowser::with(|_| Ok(())));
    shell
        .invoke("app_consent_start", json!({ "tenantId": TENANT, "clientId": CLIENT_ID }))
        .expect("consent starts");

    let result = shell.invoke("admin_consent_wait", json!({ "timeoutSeconds": 1 })).expect("a result");

    assert_eq!(result["status"], "timed_out");
}

#[test]
fn the_webview_cannot_choose_custom_endpoints_that_would_receive_the_client_secret() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    store_client_secret(&shell, SECRET);
    let elsewhere =
        json!({ "custom": { "authority": "https://attacker.example", "graph": "https://attacker.example" } });

    for (command, args) in [
        ("test_entra_app", json!({ "tenantId": TENANT, "clientId": CLIENT_ID, "cloud": elsewhere })),
        ("app_consent_start", json!({ "tenantId": TENANT, "clientId": CLIENT_ID, "cloud": elsewhere })),
        ("admin_sign_in_start", json!({ "tenantId": TENANT, "cloud": elsewhere })),
    ] {
        let error = shell.invoke(command, args).expect_err("a custom cloud is refused");
        assert!(error.to_string().contains("cloud"), "{command}: {error}");
        assert!(!error.to_string().contains(SECRET), "{command}: {error}");
    }
}
