//! The wizard's Microsoft 365 commands over IPC, against the Entra ID and Graph doubles: the admin's sign-in
//! through a simulated system browser (which follows the authorize page's redirect to Docket's loopback
//! listener, as a real browser does), app registration and new client secrets that land in the keychain and
//! never in a response, admin consent for the app's Graph permissions, and the mailbox check.

use std::sync::{Arc, Mutex};

use docket_core::connector::{ADMIN_REFRESH_TOKEN_ENTRY, AZURE_CLIENT_SECRET_ENTRY};
use docket_core::secrets::{MemSecretStore, SecretStore};
use docket_desktop::{SecretVault, SystemBrowser, SIGN_IN_CLIENT_ENV};
use docket_testkit::fake_entra::{FakeEntra, CLIENT_ID, PUBLIC_CLIENT_ID, SECRET, TENANT};
use docket_testkit::fake_graph::FakeGraph;
use serde_json::{json, Value};

use super::harness::{shell_with_browser, text, workspace_file, Shell};

struct Tenant {
    entra: FakeEntra,
    graph: FakeGraph,
}

impl Tenant {
    fn start() -> Tenant {
        // Every test that signs in uses the double's public client; the value is the same in all of them.
        std::env::set_var(SIGN_IN_CLIENT_ENV, PUBLIC_CLIENT_ID);
        let entra = FakeEntra::start();
        let graph = FakeGraph::start(&entra);
        Tenant { entra, graph }
    }

    /// The cloud the wizard names (global) with this test process's requests pointed at the doubles by the
    /// environment overrides: IPC can only name one of Microsoft's clouds.
    fn cloud(&self) -> Value {
        std::env::set_var(docket_core::config::env::AUTHORITY_BASE, &self.entra.authority);
        std::env::set_var(docket_core::config::env::GRAPH_BASE, &self.graph.base);
        json!("global")
    }
}

/// A browser that loads each page it is given and follows its redirects (to Docket's loopback listener);
/// `pages` keeps every URL it was asked to open.
fn following_browser() -> (SystemBrowser, Arc<Mutex<Vec<String>>>) {
    let pages = Arc::new(Mutex::new(Vec::new()));
    let kept = pages.clone();
    let browser = SystemBrowser::with(move |url| {
        kept.lock().map(|mut pages| pages.push(url.to_string())).ok();
        let url = url.to_string();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    let _ = reqwest::get(&url).await;
                });
            }
        });
        Ok(())
    });
    (browser, pages)
}

fn shell(browser: SystemBrowser) -> (Shell, Arc<MemSecretStore>, tempfile::TempDir) {
    let state = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(MemSecretStore::default());
    let shell = shell_with_browser(state.path(), SecretVault::in_store(store.clone()), browser);
    (shell, store, state)
}

fn stored(store: &MemSecretStore, entry: &str) -> Option<String> {
    store.get(entry).ok().flatten().map(|s| s.expose().to_string())
}

fn sign_in(shell: &Shell, tenant: &Tenant) -> Value {
    let start = shell
        .invoke("admin_sign_in_start", json!({ "tenantId": TENANT, "cloud": tenant.cloud() }))
        .expect("the sign-in starts");
    let url = start["url"].as_str().unwrap_or_default();
    assert!(url.starts_with(&format!("{}/{TENANT}/oauth2/v2.0/authorize?", tenant.entra.authority)), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    shell.invoke("admin_sign_in_wait", json!({})).expect("signed in")
}

#[test]
fn the_admin_signs_in_registers_the_docket_app_and_its_secret_goes_only_to_the_keychain() {
    let tenant = Tenant::start();
    let (browser, _pages) = following_browser();
    let (shell, store, _state) = shell(browser);

    let signed_in = sign_in(&shell, &tenant);
    let registered = shell
        .invoke("register_docket_app", json!({ "displayName": "Docket archive", "secretDays": 90 }))
        .expect("the app is registered");

    assert_eq!(signed_in, json!({ "tenant_id": TENANT }));
    assert_eq!(stored(&store, ADMIN_REFRESH_TOKEN_ENTRY), None, "the refresh token stays in memory");
    let refresh = tenant.entra.refresh_tokens_issued().pop().expect("Entra ID issued a refresh token");
    let app_id = registered["app_id"].as_str().expect("an app id").to_string();
    assert_eq!(registered["display_name"], "Docket archive");
    let apps = tenant.graph.applications();
    assert!(apps.iter().any(|a| a.app_id == app_id && a.display_name == "Docket archive"), "{apps:?}");
    let secret = stored(&store, AZURE_CLIENT_SECRET_ENTRY).expect("the new client secret is in the keychain");
    let known = tenant.entra.app(&app_id).map(|a| a.secrets).unwrap_or_default();
    assert_eq!(known, vec![secret.clone()], "the keychain holds the secret Entra ID issued");
    let expires = registered["secret"]["expires_at"].as_str().unwrap_or_default();
    let in_90_days = (docket_core::connector::now() + std::time::Duration::from_secs(90 * 86_400))
        .format("%Y-%m-%d")
        .to_string();
    assert!(expires.starts_with(&in_90_days), "{expires}");
    for answer in [&signed_in, &registered] {
        assert!(!answer.to_string().contains(&secret) && !answer.to_string().contains(&refresh), "{answer}");
    }
    let check = shell
        .invoke("test_entra_app", json!({ "tenantId": TENANT, "clientId": app_id, "cloud": tenant.cloud() }))
        .expect("the new app signs in with the stored secret");
    assert_eq!(check["client_id"], app_id.as_str());

    // When the wizard ends it signs the admin out: the session and its tokens are gone.
    assert_eq!(shell.invoke("admin_sign_out", json!({})), Ok(json!(true)));
    let after = shell.invoke("list_entra_apps", json!({})).expect_err("signed out");
    assert_eq!(after["code"], "entra_auth", "{after}");
    assert_eq!(shell.invoke("admin_sign_out", json!({})), Ok(json!(false)), "nothing left to sign out");
}

#[test]
fn a_new_app_checks_mailboxes_once_the_admin_consents_to_its_graph_permissions() {
    let tenant = Tenant::start();
    tenant.graph.add_user("adele.vance@contoso.com", "Adele Vance");
    tenant.graph.add_user("megan.bowen@contoso.com", "Megan Bowen");
    let (browser, _pages) = following_browser();
    let (shell, _store, _state) = shell(browser);
    sign_in(&shell, &tenant);
    let app = shell
        .invoke("register_docket_app", json!({ "displayName": "", "secretDays": 30 }))
        .expect("registered");
    let client_id = app["app_id"].as_str().unwrap_or_default();
    let check = json!({
        "request": request(), "tenantId": TENANT, "clientId": client_id, "cloud": tenant.cloud(),
    });

    let before = shell.invoke("check_mailboxes", check.clone()).expect_err("no consent yet");
    let start = shell
        .invoke(
            "app_consent_start",
            json!({ "tenantId": TENANT, "clientId": client_id, "cloud": tenant.cloud() }),
        )
        .expect("consent starts");
    let consent = shell.invoke("admin_consent_wait", json!({ "timeoutSeconds": 20 })).expect("an answer");
    let report = shell.invoke("check_mailboxes", check).expect("the mailboxes are checked");

    assert_eq!(app["display_name"], "Docket", "an empty name registers \"Docket\"");
    assert_eq!(before["code"], "graph", "{before}");
    let url = start["url"].as_str().unwrap_or_default();
    assert!(url.starts_with(&format!("{}/{TENANT}/v2.0/adminconsent?", tenant.entra.authority)), "{url}");
    assert_eq!(consent["status"], "granted", "{consent}");
    assert_eq!(tenant.entra.consents(), vec![(client_id.to_string(), TENANT.to_string())]);
    assert_eq!(report["unknown"], json!(["alex.wilber@contoso.com"]), "{report}");
    assert_eq!(report["folder"], "WhatsApp Archiver");
    let statuses: Vec<(String, String)> = report["mailboxes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| (m["address"].as_str().unwrap_or("").into(), m["status"].as_str().unwrap_or("").into()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("adele.vance@contoso.com".into(), "ok".into()),
            ("alex.wilber@contoso.com".into(), "not_a_user".into()),
            ("megan.bowen@contoso.com".into(), "ok".into()),
        ]
    );
}

fn request() -> Value {
    json!({
        "source_kind": "whatsapp",
        "location": text(&workspace_file("samples/whatsapp")),
        "timezone": "Europe/London",
        "date_order": null,
        "mapping_csv": text(&workspace_file("samples/mapping.csv")),
        "auto_map": true,
        "owner_mailbox": null,
        "folder": null,
        "default_region": null,
        "target": { "kind": "azure", "container": "unused" },
    })
}

#[test]
fn an_existing_app_is_listed_and_given_a_new_secret_in_the_keychain() {
    let tenant = Tenant::start();
    let (browser, _pages) = following_browser();
    let (shell, store, _state) = shell(browser);
    sign_in(&shell, &tenant);

    let apps = shell.invoke("list_entra_apps", json!({})).expect("apps listed");
    let existing = apps
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["app_id"] == CLIENT_ID)
        .cloned()
        .expect("the tenant's existing app is listed");
    let info = shell
        .invoke("add_app_secret", json!({ "objectId": existing["object_id"], "secretDays": 7 }))
        .expect("a secret is added");

    let secret = stored(&store, AZURE_CLIENT_SECRET_ENTRY).expect("stored");
    assert_ne!(secret, SECRET, "a new secret, not the old one");
    let known = tenant.entra.app(CLIENT_ID).map(|a| a.secrets).unwrap_or_default();
    assert!(known.contains(&secret), "Entra ID accepts the stored secret");
    assert!(info["expires_at"].is_string() && !info.to_string().contains(&secret), "{info}");
    assert!(!apps.to_string().contains(&secret));
    let check = shell
        .invoke(
            "test_entra_app",
            json!({ "tenantId": TENANT, "clientId": CLIENT_ID, "cloud": tenant.cloud() }),
        )
        .expect("the picked app signs in with its new secret");
    assert_eq!(check["tenant_id"], TENANT);
}

#[test]
fn the_app_commands_need_a_signed_in_admin_and_a_lifetime_docket_offers() {
    let tenant = Tenant::start();
    let (browser, _pages) = following_browser();
    let (shell, store, _state) = shell(browser);

    let before = shell.invoke("list_entra_apps", json!({})).expect_err("not signed in");
    sign_in(&shell, &tenant);
    let too_long = shell
        .invoke("register_docket_app", json!({ "displayName": "Docket", "secretDays": 731 }))
        .expect_err("refused");

    assert_eq!(before["code"], "entra_auth");
    assert!(before["message"].as_str().is_some_and(|m| m.contains("sign in again")), "{before}");
    assert_eq!(too_long["code"], "bad_config");
    assert!(too_long["message"].as_str().is_some_and(|m| m.contains("731 days")), "{too_long}");
    assert_eq!(tenant.graph.applications().len(), 1, "nothing was registered");
    assert_eq!(stored(&store, AZURE_CLIENT_SECRET_ENTRY), None);
}

#[test]
fn a_sign_in_answer_with_a_forged_state_is_not_used() {
    let tenant = Tenant::start();
    let redirects = Arc::new(Mutex::new(Vec::new()));
    let kept = redirects.clone();
    // A browser that sends Docket's listener a code with another state, as an old tab or another program would.
    let browser = SystemBrowser::with(move |url| {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        let redirect = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        kept.lock().map(|mut r| r.push(redirect.clone())).ok();
        std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                runtime.block_on(async {
                    let _ = reqwest::get(format!("{redirect}?code=stolen&state=forged")).await;
                });
            }
        });
        Ok(())
    });
    let (shell, store, _state) = shell(browser);

    shell
        .invoke(
            "admin_sign_in_start",
            json!({ "tenantId": TENANT, "cloud": tenant.cloud(), "timeoutSeconds": 3 }),
        )
        .expect("starts");
    let error = shell.invoke("admin_sign_in_wait", json!({})).expect_err("refused");

    assert_eq!(error["code"], "consent", "{error}");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("state")), "{error}");
    assert!(redirects.lock().map(|r| r[0].starts_with("http://127.0.0.1:")).unwrap_or(false));
    assert_eq!(stored(&store, ADMIN_REFRESH_TOKEN_ENTRY), None);
    let after = shell.invoke("list_entra_apps", json!({})).expect_err("still not signed in");
    assert_eq!(after["code"], "entra_auth");
}

#[test]
fn a_tenant_id_that_is_not_one_fails_the_start_with_the_field_named() {
    let tenant = Tenant::start();
    let (browser, pages) = following_browser();
    let (shell, _store, _state) = shell(browser);

    let error = shell
        .invoke("admin_sign_in_start", json!({ "tenantId": "contoso/../common", "cloud": tenant.cloud() }))
        .expect_err("refused");

    assert_eq!(error["code"], "bad_config", "{error}");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("Directory (tenant) ID")), "{error}");
    assert!(pages.lock().map(|p| p.is_empty()).unwrap_or(false), "no page was opened");
}

#[test]
fn the_dashboard_warns_from_thirty_days_before_the_client_secret_expires() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = super::harness::shell_with_state_dir(state.path());
    let in_days = |days: u64| {
        (docket_core::connector::now() + std::time::Duration::from_secs(days * 86_400)).to_rfc3339()
    };
    for (name, expires) in [("soon", Some(in_days(10))), ("later", Some(in_days(60))), ("unknown", None)] {
        let mut settings = json!({
            "name": name,
            "request": request(),
            "entra": { "tenant_id": TENANT, "client_id": CLIENT_ID, "cloud": null },
            "consent": null,
            "schedule": { "kind": "manual" },
        });
        if let Some(expires) = expires {
            settings["entra"]["secret_expires_at"] = json!(expires);
        }
        shell.invoke("save_connector", json!({ "id": null, "settings": settings })).expect("saved");
    }

    let listed = shell.invoke("list_connectors", json!({})).expect("listed");

    let warning = |name: &str| {
        listed
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["connector"]["settings"]["name"] == name)
            .map(|o| o["secret_warning"].clone())
    };
    let soon = warning("soon").expect("listed");
    assert_eq!(soon["expired"], false, "{soon}");
    assert!(soon["days_left"].as_i64().is_some_and(|d| (9..=10).contains(&d)), "{soon}");
    assert!(soon["message"]["message"].as_str().is_some_and(|m| m.contains("Add a new secret")), "{soon}");
    assert_eq!(soon["message"]["key"], "secret_expiry.soon", "{soon}");
    assert_eq!(warning("later"), Some(Value::Null));
    assert_eq!(warning("unknown"), Some(Value::Null));
}
