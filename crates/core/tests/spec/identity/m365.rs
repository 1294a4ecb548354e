//! Spec: the admin's Microsoft 365 setup through the system browser, with a simulated browser that follows
//! the Entra ID double's redirects to Docket's loopback listener. Sign-in uses PKCE (S256) and `state`; both
//! tokens stay in the session's memory (the refresh token never reaches the keychain, and an old one there is
//! deleted). Registering the Docket app puts
//! its new client secret in the keychain only. Admin consent for the app's Graph permissions is recorded as
//! granted or refused with `state` verified. Switching to GCC High changes every endpoint Docket calls.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket_core::connector::{self, GraphApp, AZURE_CLIENT_SECRET_ENTRY};
use docket_core::identity::{
    check_app_credentials, sign_in_admin, AdminSession, Cloud, ConsentStatus, GraphClient, IdentityError,
    SignInSettings, ADMIN_REFRESH_TOKEN_ENTRY, DOCKET_GRAPH_ROLES,
};
use docket_core::secrets::{MemSecretStore, SecretStore};
use docket_core::Code;
use docket_testkit::fake_entra::{ConsentAnswer, FakeEntra, PUBLIC_CLIENT_ID, TENANT};
use docket_testkit::fake_graph::FakeGraph;

struct Tenant {
    entra: FakeEntra,
    graph: FakeGraph,
}

impl Tenant {
    fn start() -> Tenant {
        let entra = FakeEntra::start();
        let graph = FakeGraph::start(&entra);
        graph.add_user("owner@contoso.com", "Compliance Owner");
        Tenant { entra, graph }
    }

    fn cloud(&self) -> Cloud {
        Cloud::Custom { authority: self.entra.authority.clone(), graph: self.graph.base.clone() }
    }

    fn settings(&self) -> SignInSettings {
        SignInSettings {
            cloud: self.cloud(),
            tenant_id: TENANT.into(),
            client_id: PUBLIC_CLIENT_ID.into(),
            timeout: Duration::from_secs(5),
        }
    }
}

/// What the system browser did: the URL Docket opened and the last page it showed.
#[derive(Default)]
struct Browser {
    opened: Mutex<Vec<String>>,
    pages: Arc<Mutex<Vec<String>>>,
}

impl Browser {
    /// Visits `url` and follows every redirect (the Entra double's 302 to the loopback listener), as a
    /// browser would; the final page is kept.
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().expect("lock").push(url.to_string());
        let pages = self.pages.clone();
        let url = url.to_string();
        tokio::runtime::Handle::current().spawn(async move {
            let page = match reqwest::get(&url).await {
                Ok(response) => response.text().await.unwrap_or_default(),
                Err(e) => format!("browser error: {e}"),
            };
            pages.lock().expect("lock").push(page);
        });
        Ok(())
    }

    fn opened(&self) -> Vec<String> {
        self.opened.lock().expect("lock").clone()
    }

    async fn last_page(&self) -> String {
        for _ in 0..100 {
            if let Some(page) = self.pages.lock().expect("lock").last().cloned() {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        String::new()
    }
}

async fn signed_in(tenant: &Tenant, store: Arc<MemSecretStore>) -> (Arc<AdminSession>, Browser) {
    let browser = Browser::default();
    let open = |url: &str| browser.open(url);
    let session = sign_in_admin(tenant.settings(), &open, store).await.expect("the admin signs in");
    (Arc::new(session), browser)
}

fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_signs_in_in_the_browser_with_pkce_and_the_tokens_stay_in_memory() {
    let tenant = Tenant::start();
    let store = Arc::new(MemSecretStore::default());
    // A refresh token an earlier version kept in the keychain.
    store
        .set(ADMIN_REFRESH_TOKEN_ENTRY, &docket_core::secrets::Sensitive::new("refresh.old".into()))
        .expect("set");

    let (session, browser) = signed_in(&tenant, store.clone()).await;

    let opened = browser.opened();
    assert_eq!(opened.len(), 1);
    let authorize = &opened[0];
    assert!(authorize.starts_with(&format!("{}/{TENANT}/oauth2/v2.0/authorize?", tenant.entra.authority)));
    assert_eq!(query_param(authorize, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query_param(authorize, "state").map(|s| s.len()), Some(32));
    let scope = query_param(authorize, "scope").unwrap_or_default();
    assert!(scope.contains(&format!("{}/Application.ReadWrite.All", tenant.graph.base)), "{scope}");
    assert!(query_param(authorize, "redirect_uri").is_some_and(|r| r.starts_with("http://127.0.0.1:")));
    assert!(browser.last_page().await.contains("You can close this window"));
    assert!(
        store.get(ADMIN_REFRESH_TOKEN_ENTRY).expect("store").is_none(),
        "no refresh token in the keychain"
    );
    assert_eq!(tenant.entra.refresh_tokens_issued().len(), 1);
    assert!(!format!("{session:?}").contains("refresh.") && !format!("{session:?}").contains("fake."));

    // The delegated token works on Graph; once it is due, the session renews it with the refresh token it
    // holds (which Entra ID rotates), without a browser.
    let apps = connector::list_entra_apps(&session).await.expect("apps listed");
    assert!(!apps.is_empty());
    docket_core::identity::TokenProvider::invalidate(&*session).await;
    assert!(connector::list_entra_apps(&session).await.is_ok(), "renewed in memory");
    assert_eq!(tenant.entra.refresh_tokens_issued().len(), 2, "the refresh token was used and rotated");
    assert!(store.get(ADMIN_REFRESH_TOKEN_ENTRY).expect("store").is_none(), "still nothing in the keychain");

    // Signing out forgets both tokens.
    session.sign_out().await;
    let error = docket_core::identity::TokenProvider::token(&*session).await.expect_err("signed out");
    assert!(matches!(error, IdentityError::SignInNeeded), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_with_another_state_is_not_used_as_a_sign_in() {
    let tenant = Tenant::start();
    let store = Arc::new(MemSecretStore::default());
    let pages = Arc::new(Mutex::new(Vec::new()));
    let seen = pages.clone();
    // A "browser" that comes back with a code for another sign-in.
    let open = move |url: &str| -> Result<(), String> {
        let redirect = query_param(url, "redirect_uri").ok_or("no redirect_uri")?;
        let pages = seen.clone();
        tokio::runtime::Handle::current().spawn(async move {
            let forged = format!("{redirect}?code=stolen&state=forged");
            let page = reqwest::get(&forged).await.map(|r| r.status().as_u16()).unwrap_or(0);
            pages.lock().expect("lock").push(page);
        });
        Ok(())
    };

    let error = sign_in_admin(tenant.settings(), &open, store.clone()).await.expect_err("rejected");

    assert!(matches!(error, docket_core::identity::IdentityError::SignInRejected), "{error}");
    assert_eq!(error.code(), Code::Consent);
    assert!(store.get(ADMIN_REFRESH_TOKEN_ENTRY).expect("store").is_none());
    assert_eq!(tenant.entra.tokens_issued(), 0, "the forged code was never redeemed");
}

/// A raw authorization request to the double, without following its redirect: the code it issued.
async fn code_for(tenant: &Tenant, challenge: &str, redirect: &str) -> String {
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let mut url =
        url::Url::parse(&format!("{}/{TENANT}/oauth2/v2.0/authorize", tenant.entra.authority)).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", PUBLIC_CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", &format!("{}/User.Read.All offline_access", tenant.graph.base))
        .append_pair("state", "s1")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    let response = http.get(url).send().await.expect("answer");
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().expect("text").to_string();
    assert_eq!(query_param(&location, "state").as_deref(), Some("s1"));
    query_param(&location, "code").expect("a code")
}

async fn redeem(tenant: &Tenant, code: &str, verifier: &str, redirect: &str) -> (u16, serde_json::Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("code", code),
        ("code_verifier", verifier),
        ("redirect_uri", redirect),
    ];
    let response = reqwest::Client::new()
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", tenant.entra.authority))
        .form(&form)
        .send()
        .await
        .expect("answer");
    (response.status().as_u16(), response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_entra_double_refuses_a_wrong_verifier_a_reused_code_and_another_redirect_uri() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let tenant = Tenant::start();
    let verifier = "a-verifier-of-more-than-forty-three-characters-0123456789";
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:9/";

    let code = code_for(&tenant, &challenge, redirect).await;
    let (wrong_verifier, body) =
        redeem(&tenant, &code, "another-verifier-entirely-0123456789-abcdefghij", redirect).await;
    assert_eq!((wrong_verifier, body["error"].as_str()), (400, Some("invalid_grant")));
    assert!(body["error_description"].as_str().is_some_and(|d| d.starts_with("AADSTS501481")), "{body}");

    let code = code_for(&tenant, &challenge, redirect).await;
    let (wrong_redirect, body) = redeem(&tenant, &code, verifier, "http://127.0.0.1:10/").await;
    assert_eq!(wrong_redirect, 400);
    assert!(body["error_description"].as_str().is_some_and(|d| d.starts_with("AADSTS500112")), "{body}");

    let code = code_for(&tenant, &challenge, redirect).await;
    let (ok, body) = redeem(&tenant, &code, verifier, redirect).await;
    assert_eq!((ok, body["token_type"].as_str()), (200, Some("Bearer")));
    let (reused, body) = redeem(&tenant, &code, verifier, redirect).await;
    assert_eq!(reused, 400);
    assert!(body["error_description"].as_str().is_some_and(|d| d.starts_with("AADSTS54005")), "{body}");
    assert_eq!(tenant.entra.tokens_issued(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_the_docket_app_keeps_its_secret_in_the_keychain_and_out_of_every_answer() {
    let tenant = Tenant::start();
    tenant.graph.set_page_size(2);
    for n in 0..4 {
        tenant.graph.add_application(&format!("Other app {n}"));
    }
    let store = Arc::new(MemSecretStore::default());
    let (session, _browser) = signed_in(&tenant, store.clone()).await;

    let app =
        connector::register_docket_app(&session, "Docket Archiver", 180, &*store).await.expect("registered");

    let secret = store.get(AZURE_CLIENT_SECRET_ENTRY).expect("store").expect("the secret is in the keychain");
    let shown = format!("{app:?} {}", serde_json::to_string(&app).unwrap_or_default());
    assert!(!shown.contains(secret.expose().as_str()), "the secret is never returned: {shown}");
    assert!(app.unavailable_permissions.is_empty());
    let expires =
        chrono::DateTime::parse_from_rfc3339(app.secret.expires_at.as_deref().unwrap_or("")).expect("expiry");
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((179..=180).contains(&days), "{days}");
    let stored =
        tenant.graph.applications().into_iter().find(|a| a.app_id == app.app_id).expect("in the directory");
    let declared: Vec<&str> = stored.required_roles.iter().map(String::as_str).collect();
    let mut wanted = DOCKET_GRAPH_ROLES.to_vec();
    wanted.sort();
    assert_eq!(declared, wanted);
    assert!(tenant.graph.service_principals().contains(&app.app_id));
    let listed = connector::list_entra_apps(&session).await.expect("listed across pages");
    assert_eq!(listed.len(), 6, "the existing Docket app, four others and the new one: {listed:?}");
    assert!(listed.iter().any(|a| a.app_id == app.app_id && a.secrets.len() == 1));

    // Picking an existing app instead: a new secret for it replaces the stored one.
    let picked = listed.iter().find(|a| a.display_name == "Other app 2").expect("listed");
    let added =
        connector::add_app_secret(&session, &picked.object_id, 90, &*store).await.expect("secret added");
    let replaced = store.get(AZURE_CLIENT_SECRET_ENTRY).expect("store").expect("stored");
    assert_ne!(replaced.expose(), secret.expose());
    assert!(!format!("{added:?}").contains(replaced.expose().as_str()));
    let other = tenant
        .graph
        .applications()
        .into_iter()
        .find(|a| a.app_id == picked.app_id)
        .expect("in the directory");
    assert_eq!(other.passwords.len(), 1);
    assert!(check_app_credentials(&tenant.cloud(), TENANT, &picked.app_id, &replaced).await.is_ok());
    assert!(
        connector::add_app_secret(&session, &picked.object_id, 0, &*store).await.is_err(),
        "0 days is refused"
    );

    // The secret stored for the new app signs it in.
    let check = check_app_credentials(&tenant.cloud(), TENANT, &app.app_id, &secret).await.expect("signs in");
    assert_eq!(check.client_id, app.app_id);
    let warning = connector::client_secret_warning(
        app.secret.expires_at.as_deref().unwrap_or(""),
        chrono::Utc::now() + chrono::Duration::days(160),
    )
    .expect("a date");
    assert!(warning.is_some_and(|w| !w.expired && w.days_left <= 20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_consent_grants_the_new_apps_graph_permissions_and_a_refusal_is_recorded_as_sent() {
    let tenant = Tenant::start();
    let store = Arc::new(MemSecretStore::default());
    let (session, _) = signed_in(&tenant, store.clone()).await;
    let registered =
        connector::register_docket_app(&session, "Docket", 30, &*store).await.expect("registered");
    let app =
        GraphApp { cloud: tenant.cloud(), tenant_id: TENANT.into(), client_id: registered.app_id.clone() };
    let graph: Arc<GraphClient> = connector::app_graph_client(&*store, &app).expect("client");
    let before = connector::check_mailboxes(
        &graph,
        None,
        &Default::default(),
        Some("owner@contoso.com"),
        docket_core::model::SourceKind::X,
        None,
    )
    .await;
    assert!(before.is_err(), "without consent the app may not read users");

    tenant.entra.set_consent_answer(ConsentAnswer::Decline {
        error: "access_denied".into(),
        description: "AADSTS65004: User declined to consent to access the app.".into(),
    });
    let (start, listener) = connector::begin_app_consent(&app).await.expect("consent starts");
    let browser = Browser::default();
    browser.open(&start.url).expect("opened");
    let refused = listener.wait(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(refused.status, ConsentStatus::Refused);
    assert_eq!(
        refused.description.as_deref(),
        Some("AADSTS65004: User declined to consent to access the app.")
    );

    tenant.entra.set_consent_answer(ConsentAnswer::Grant);
    let (start, listener) = connector::begin_app_consent(&app).await.expect("consent starts");
    assert!(start.url.starts_with(&format!("{}/{TENANT}/v2.0/adminconsent?", tenant.entra.authority)));
    assert_eq!(query_param(&start.url, "scope"), Some(format!("{}/.default", tenant.graph.base)));
    browser.open(&start.url).expect("opened");
    let granted = listener.wait(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(granted.status, ConsentStatus::Granted, "{granted:?}");
    assert_eq!(granted.tenant.as_deref(), Some(TENANT));
    assert!(browser.last_page().await.contains("You can close this window"));
    assert_eq!(tenant.entra.consents(), vec![(registered.app_id.clone(), TENANT.to_string())]);

    let graph = connector::app_graph_client(&*store, &app).expect("client");
    let after = connector::check_mailboxes(
        &graph,
        None,
        &Default::default(),
        Some("owner@contoso.com"),
        docket_core::model::SourceKind::X,
        None,
    )
    .await
    .expect("with consent the check runs");
    assert!(after.all_ok(), "{after:?}");
}

#[tokio::test]
async fn switching_to_gcc_high_changes_every_endpoint_docket_calls() {
    let global = Cloud::Global.endpoints(TENANT).expect("global endpoints");
    let high = Cloud::UsGovHigh.endpoints(TENANT).expect("GCC High endpoints");
    for (g, h) in global.all().into_iter().zip(high.all()) {
        assert_ne!(g, h);
        let host = h.host_str().unwrap_or("");
        assert!(host == "login.microsoftonline.us" || host == "graph.microsoft.us", "{h}");
        assert_eq!(g.path(), h.path(), "same paths on another host");
    }

    // Each call site takes its address from those endpoints: the sign-in page, both consent pages, Graph.
    let opened = Mutex::new(Vec::new());
    let open = |url: &str| -> Result<(), String> {
        opened.lock().expect("lock").push(url.to_string());
        Err("no browser in this test".into())
    };
    let store: Arc<dyn SecretStore> = Arc::new(MemSecretStore::default());
    let error = sign_in_admin(SignInSettings::new(Cloud::UsGovHigh, TENANT), &open, store)
        .await
        .expect_err("no browser");
    assert_eq!(error.code(), Code::Consent);
    let authorize = opened.lock().expect("lock").first().cloned().unwrap_or_default();
    assert!(authorize.starts_with(high.authorize.as_str()), "{authorize}");
    assert!(query_param(&authorize, "scope")
        .is_some_and(|s| s.contains("https://graph.microsoft.us/Application.ReadWrite.All")));
    let (app_consent, _l1) =
        docket_core::identity::begin_app_admin_consent(&Cloud::UsGovHigh, TENANT, PUBLIC_CLIENT_ID)
            .await
            .expect("starts");
    assert!(app_consent.url.starts_with(high.admin_consent.as_str()));
    assert_eq!(
        query_param(&app_consent.url, "scope").as_deref(),
        Some("https://graph.microsoft.us/.default")
    );
    let tokens =
        Arc::new(docket_core::identity::AppTokenSource::new(docket_core::identity::AppCredentials {
            cloud: Cloud::UsGovHigh,
            tenant_id: TENANT.into(),
            client_id: PUBLIC_CLIENT_ID.into(),
            client_secret: docket_core::secrets::Sensitive::new("unused".into()),
        }));
    let graph = GraphClient::new(&Cloud::UsGovHigh, tokens).expect("client");
    let users = graph.url(docket_core::identity::GraphVersion::V1, &["users", "a@contoso.us"]);
    let import = graph.url(
        docket_core::identity::GraphVersion::Beta,
        &["users", "a@contoso.us", "mailFolders", "f", "importMime"],
    );
    assert!(users.as_str().starts_with(high.graph_v1.as_str()), "{users}");
    assert!(import.as_str().starts_with(high.graph_beta.as_str()), "{import}");
    assert_eq!(Cloud::from_name("gcc-high"), Some(Cloud::UsGovHigh));
    assert_eq!(Cloud::UsGovHigh.graph_default_scope(), "https://graph.microsoft.us/.default");
}
