//! Spec: the wizard's Entra ID steps. The app check gets a token only with the right tenant, app and
//! secret, and every refusal tells the admin what to fix without repeating the secret. Admin consent for the
//! Office 365 Import service is captured on a loopback redirect: the right `state` with `admin_consent=True`
//! is granted, an `error` is refused with Entra ID's words as sent, and a wrong `state` is never recorded.
//! The Entra ID double (docket-testkit) speaks the real token endpoint's protocol and error shapes on 127.0.0.1.

mod m365;

use std::time::Duration;

use docket_core::identity::{
    begin_app_admin_consent, check_app_credentials, confirmed_by_admin, Cloud, ConsentMethod, ConsentStatus,
};
use docket_core::secrets::Sensitive;
use docket_core::Code;
use docket_testkit::fake_entra::{FakeEntra, CLIENT_ID, GRAPH, SECRET, TENANT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const WRONG_SECRET: &str = "Zz9~wrong.secret_value-do-not-echo";

/// The shared Entra ID double (docket-testkit), as a cloud whose authority is the double.
fn fake_cloud(entra: &FakeEntra) -> Cloud {
    Cloud::Global.with_authority(&entra.authority)
}

/// Posts a raw form to the fake's token endpoint, as any client could.
async fn post_form(authority: &str, tenant: &str, form: &[(&str, String)]) -> (u16, serde_json::Value) {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let response = reqwest::Client::new()
        .post(format!("{authority}/{tenant}/oauth2/v2.0/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// What a browser does when Entra ID redirects it: a GET of the redirect URI with the answer in the query.
async fn browser_visits(redirect_uri: &str, query: &str) -> String {
    let port = redirect_uri
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse::<u16>()
        .expect("a loopback redirect URI");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("the listener accepts");
    let request = format!("GET /{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("request sent");
    let mut page = String::new();
    let _ = stream.read_to_string(&mut page).await;
    page
}

fn secret(value: &str) -> Sensitive<String> {
    Sensitive::new(value.to_string())
}

#[tokio::test]
async fn the_right_secret_gets_an_app_check_and_no_token_is_kept() {
    let entra = FakeEntra::start();

    let check =
        check_app_credentials(&fake_cloud(&entra), TENANT, CLIENT_ID, &secret(SECRET)).await.expect("passes");

    assert_eq!(check.tenant_id, TENANT);
    assert_eq!(check.client_id, CLIENT_ID);
    assert_eq!(check.expires_in_seconds, Some(3599));
    assert_eq!(entra.tokens_issued(), 1);
    let shown = format!("{check:?} {}", serde_json::to_string(&check).unwrap_or_default());
    assert!(!shown.contains("fake.token") && !shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn a_wrong_secret_is_an_entra_auth_error_that_never_repeats_the_secret() {
    let entra = FakeEntra::start();

    let error = check_app_credentials(&fake_cloud(&entra), TENANT, CLIENT_ID, &secret(WRONG_SECRET))
        .await
        .expect_err("refused");

    assert_eq!(error.code(), Code::EntraAuth);
    let message = error.to_string();
    assert!(message.contains("AADSTS7000215") && message.contains("new client secret"), "{message}");
    assert!(message.contains(CLIENT_ID), "the message names the app: {message}");
    for shown in [message, format!("{error:?}")] {
        assert!(!shown.contains(WRONG_SECRET) && !shown.contains(SECRET), "{shown}");
    }
    assert_eq!(entra.tokens_issued(), 0);
}

#[tokio::test]
async fn an_unknown_tenant_is_named_and_the_admin_is_told_where_to_copy_it_from() {
    let entra = FakeEntra::start();
    let other_tenant = "99998888-7777-6666-5555-444433332222";

    let error = check_app_credentials(&fake_cloud(&entra), other_tenant, CLIENT_ID, &secret(SECRET))
        .await
        .expect_err("refused");

    assert_eq!(error.code(), Code::EntraAuth);
    let message = error.to_string();
    assert!(message.contains(other_tenant) && message.contains("AADSTS90002"), "{message}");
    assert!(message.contains("Directory (tenant) ID"), "{message}");
    assert!(!message.contains(SECRET), "{message}");
}

#[tokio::test]
async fn an_app_the_tenant_does_not_have_is_named() {
    let entra = FakeEntra::start();
    let stranger = "00000000-1111-2222-3333-444444444444";

    let error = check_app_credentials(&fake_cloud(&entra), TENANT, stranger, &secret(SECRET))
        .await
        .expect_err("refused");

    assert_eq!(error.code(), Code::EntraAuth);
    assert!(error.to_string().contains(stranger) && error.to_string().contains("AADSTS700016"), "{error}");
}

#[tokio::test]
async fn an_unreachable_sign_in_service_says_so() {
    let closed = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let cloud = Cloud::Global.with_authority(&format!("http://127.0.0.1:{port}"));

    let error = check_app_credentials(&cloud, TENANT, CLIENT_ID, &secret(SECRET)).await.expect_err("fails");

    assert_eq!(error.code(), Code::EntraUnreachable);
    assert!(error.to_string().contains("could not reach Microsoft Entra ID"), "{error}");
    assert!(!format!("{error} {error:?}").contains(SECRET));
}

#[tokio::test]
async fn ids_that_are_not_ids_are_refused_before_anything_is_sent() {
    let entra = FakeEntra::start();

    let bad_client = check_app_credentials(&fake_cloud(&entra), TENANT, "my-app", &secret(SECRET)).await;
    let bad_tenant =
        check_app_credentials(&fake_cloud(&entra), "contoso/../common", CLIENT_ID, &secret(SECRET)).await;
    let no_secret = check_app_credentials(&fake_cloud(&entra), TENANT, CLIENT_ID, &secret("  ")).await;

    for result in [bad_client, bad_tenant, no_secret] {
        assert_eq!(result.map_err(|e| e.code()).err(), Some(Code::BadConfig));
    }
    assert_eq!(entra.tokens_issued(), 0);
}

#[tokio::test]
async fn the_entra_double_accepts_only_the_right_grant_scope_and_secret() {
    let entra = FakeEntra::start();
    let scope = format!("{GRAPH}/.default");
    let form = |grant: &'static str, secret: &'static str, scope: Option<&str>| {
        let mut form = vec![("grant_type", grant.to_string()), ("client_id", CLIENT_ID.to_string())];
        form.push(("client_secret", secret.to_string()));
        form.extend(scope.map(|s| ("scope", s.to_string())));
        form
    };

    let (ok, token) =
        post_form(&entra.authority, TENANT, &form("client_credentials", SECRET, Some(&scope))).await;
    let (no_scope, missing) =
        post_form(&entra.authority, TENANT, &form("client_credentials", SECRET, None)).await;
    let (grant, unsupported) =
        post_form(&entra.authority, TENANT, &form("password", SECRET, Some(&scope))).await;
    let (secret_status, invalid) =
        post_form(&entra.authority, TENANT, &form("client_credentials", WRONG_SECRET, Some(&scope))).await;

    assert_eq!((ok, token["token_type"].as_str()), (200, Some("Bearer")));
    assert_eq!((no_scope, missing["error"].as_str()), (400, Some("invalid_request")));
    assert_eq!((grant, unsupported["error"].as_str()), (400, Some("unsupported_grant_type")));
    assert_eq!((secret_status, invalid["error"].as_str()), (401, Some("invalid_client")));
    assert!(invalid["error_description"].as_str().is_some_and(|d| d.starts_with("AADSTS7000215:")));
}

#[tokio::test]
async fn consent_is_granted_when_the_redirect_carries_our_state_and_admin_consent_true() {
    let (start, listener) =
        begin_app_admin_consent(&Cloud::Global, TENANT, CLIENT_ID).await.expect("consent starts");
    let waiting = tokio::spawn(listener.wait(Duration::from_secs(10)));

    let stray = browser_visits(&start.redirect_uri, "favicon.ico").await;
    let page = browser_visits(
        &start.redirect_uri,
        &format!("?admin_consent=True&tenant={TENANT}&state={}", start.state),
    )
    .await;
    let result = waiting.await.expect("the wait ends").expect("an answer");

    assert!(stray.starts_with("HTTP/1.1 404"), "a stray request is not the answer: {stray}");
    assert!(
        page.starts_with("HTTP/1.1 200") && page.contains("You can close this window and return to Docket")
    );
    assert_eq!(result.status, ConsentStatus::Granted);
    assert_eq!(result.method, ConsentMethod::LoopbackRedirect);
    assert_eq!(result.tenant.as_deref(), Some(TENANT));
    assert!(start.url.starts_with(&format!("https://login.microsoftonline.com/{TENANT}/v2.0/adminconsent?")));
    assert!(start.url.contains(&format!("client_id={CLIENT_ID}")));
    assert!(start.url.contains(&format!("state={}", start.state)));
    assert!(start.redirect_uri.starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn an_answer_with_another_state_is_rejected_and_not_recorded_as_consent() {
    let (start, listener) =
        begin_app_admin_consent(&Cloud::Global, TENANT, CLIENT_ID).await.expect("consent starts");
    let waiting = tokio::spawn(listener.wait(Duration::from_secs(2)));

    let page =
        browser_visits(&start.redirect_uri, &format!("?admin_consent=True&tenant={TENANT}&state=forged"))
            .await;
    let result = waiting.await.expect("the wait ends").expect("an answer");

    assert!(page.starts_with("HTTP/1.1 400") && page.contains("not recorded"), "{page}");
    assert_eq!(result.status, ConsentStatus::Rejected);
    assert!(!result.granted());
    assert_eq!(result.tenant, None);
}

#[tokio::test]
async fn a_forged_answer_does_not_end_the_wait_and_the_real_one_still_counts() {
    let (start, listener) =
        begin_app_admin_consent(&Cloud::Global, TENANT, CLIENT_ID).await.expect("consent starts");
    let waiting = tokio::spawn(listener.wait(Duration::from_secs(20)));

    let forged =
        browser_visits(&start.redirect_uri, &format!("?admin_consent=True&tenant={TENANT}&state=forged"))
            .await;
    assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
    assert!(!waiting.is_finished(), "a forged answer must not end the wait");
    let real = format!("?admin_consent=True&tenant={TENANT}&state={}", start.state);
    browser_visits(&start.redirect_uri, &real).await;
    let result = waiting.await.expect("the wait ends").expect("an answer");

    assert_eq!(result.status, ConsentStatus::Granted, "{result:?}");
}

#[tokio::test]
async fn a_refusal_is_reported_with_entras_description_as_sent() {
    let (start, listener) =
        begin_app_admin_consent(&Cloud::Global, TENANT, CLIENT_ID).await.expect("consent starts");
    let waiting = tokio::spawn(listener.wait(Duration::from_secs(10)));
    let description = "AADSTS65004: User declined to consent to access the app.";
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("error", "access_denied")
        .append_pair("error_description", description)
        .append_pair("state", &start.state)
        .finish();

    browser_visits(&start.redirect_uri, &format!("?{query}")).await;
    let result = waiting.await.expect("the wait ends").expect("an answer");

    assert_eq!(result.status, ConsentStatus::Refused);
    assert_eq!(result.error.as_deref(), Some("access_denied"));
    assert_eq!(result.description.as_deref(), Some(description));
}

#[tokio::test]
async fn no_answer_in_time_is_a_timeout_not_a_consent() {
    let (_start, listener) =
        begin_app_admin_consent(&Cloud::Global, TENANT, CLIENT_ID).await.expect("consent starts");

    let result = listener.wait(Duration::from_millis(200)).await.expect("a result");

    assert_eq!(result.status, ConsentStatus::TimedOut);
    assert!(!result.granted());
}

#[test]
fn the_admin_may_confirm_a_consent_given_elsewhere() {
    let result = confirmed_by_admin(Some(TENANT.into()));

    assert!(result.granted());
    let json = serde_json::to_value(&result).unwrap_or_default();
    assert_eq!(json["method"], "confirmed_by_admin");
    assert_eq!(json["status"], "granted");
}

#[tokio::test]
async fn sovereign_clouds_send_the_admin_to_their_own_sign_in_page() {
    let (start, _listener) =
        begin_app_admin_consent(&Cloud::China, TENANT, CLIENT_ID).await.expect("consent starts");

    assert!(start.url.starts_with("https://login.chinacloudapi.cn/"), "{}", start.url);
}
