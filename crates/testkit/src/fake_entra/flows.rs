//! The Entra double's user-facing flows: the authorize endpoint (PKCE S256 required, loopback redirect), the
//! authorization-code and refresh-token grants, and the admin consent pages.

use std::collections::BTreeSet;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{
    field, issue, refuse, unknown_tenant, ConsentAnswer, EntraState, Form, PendingCode, ADMIN_UPN, TENANT,
};
use crate::http_wire::{Request, Response};

/// The Graph resource and permission names of `{resource}/Name` scopes; `openid`, `profile`, `email` and
/// `offline_access` are accepted and dropped. `None` if a scope names another resource.
fn graph_scopes(scope: &str, resources: &BTreeSet<String>) -> Option<(String, BTreeSet<String>)> {
    let mut audience: Option<String> = None;
    let mut names = BTreeSet::new();
    for word in scope.split_whitespace() {
        if matches!(word, "openid" | "profile" | "email" | "offline_access") {
            continue;
        }
        let (resource, name) = word.rsplit_once('/')?;
        if !resources.contains(resource) || audience.as_deref().is_some_and(|a| a != resource) {
            return None;
        }
        audience = Some(resource.to_string());
        names.insert(name.to_string());
    }
    Some((audience?, names))
}

fn loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri)
        .is_ok_and(|u| u.scheme() == "http" && u.host_str() == Some("127.0.0.1") && u.port().is_some())
}

pub(super) fn authorize(request: &Request, tenant: &str, state: &EntraState) -> Response {
    if tenant != TENANT {
        return unknown_tenant(tenant);
    }
    let client_id = request.param("client_id").unwrap_or("");
    if !state.app(client_id).is_some_and(|a| a.public_client) {
        let text = format!("Application with identifier '{client_id}' was not found in the directory.");
        return refuse(400, "unauthorized_client", 700016, &text);
    }
    let redirect_uri = request.param("redirect_uri").unwrap_or("");
    if !loopback_redirect(redirect_uri) {
        let text = format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured \
             for the application."
        );
        return refuse(400, "invalid_request", 50011, &text);
    }
    let back = |pairs: &[(&str, &str)]| {
        let mut url = url::Url::parse(redirect_uri).expect("checked above");
        url.query_pairs_mut().extend_pairs(pairs);
        if let Some(s) = request.param("state") {
            url.query_pairs_mut().append_pair("state", s);
        }
        Response::redirect(url.as_str())
    };
    if request.param("response_type") != Some("code") {
        return back(&[
            ("error", "unsupported_response_type"),
            ("error_description", "AADSTS70005: response_type must be code."),
        ]);
    }
    let challenge = request.param("code_challenge").unwrap_or("");
    if request.param("code_challenge_method") != Some("S256") || challenge.len() < 43 {
        return back(&[
            ("error", "invalid_request"),
            ("error_description", "AADSTS9002325: Proof Key for Code Exchange is required (S256)."),
        ]);
    }
    let resources = state.lock().resources.clone();
    let Some((audience, scopes)) = graph_scopes(request.param("scope").unwrap_or(""), &resources) else {
        return back(&[
            ("error", "invalid_scope"),
            ("error_description", "AADSTS70011: The provided scope is not valid."),
        ]);
    };
    let code = state.random("code.");
    state.lock().codes.insert(
        code.clone(),
        PendingCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            challenge: challenge.to_string(),
            scopes,
            audience,
        },
    );
    back(&[("code", &code)])
}

pub(super) fn authorization_code(form: &Form, state: &EntraState) -> Response {
    let field = |name: &str| field(form, name);
    let code = field("code").unwrap_or("");
    let mut inner = state.lock();
    if inner.used_codes.contains(code) {
        drop(inner);
        let text = "The provided authorization code or refresh token has already been used.";
        return refuse(400, "invalid_grant", 54005, text);
    }
    let Some(pending) = inner.codes.remove(code) else {
        drop(inner);
        return refuse(
            400,
            "invalid_grant",
            70000,
            "The provided authorization code is invalid or has expired.",
        );
    };
    // A code is spent by any attempt to redeem it, right or wrong, as Entra ID does.
    inner.used_codes.insert(code.to_string());
    drop(inner);
    if field("client_id") != Some(pending.client_id.as_str()) {
        return refuse(400, "invalid_grant", 70000, "The code was issued to another client.");
    }
    if field("redirect_uri") != Some(pending.redirect_uri.as_str()) {
        let text =
            "The reply URL specified in the request does not match the reply URL used to obtain the code.";
        return refuse(400, "invalid_grant", 500112, text);
    }
    let verifier = field("code_verifier").unwrap_or("");
    let digest = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if verifier.is_empty() || digest != pending.challenge {
        return refuse(
            400,
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
    }
    delegated_tokens(state, pending)
}

fn delegated_tokens(state: &EntraState, grant: PendingCode) -> Response {
    let (access, lifetime) = issue(
        state,
        &grant.client_id,
        &grant.audience,
        BTreeSet::new(),
        grant.scopes.clone(),
        Some(ADMIN_UPN.to_string()),
    );
    let refresh = state.random("refresh.");
    let scope = grant.scopes.iter().map(|s| format!("{}/{s}", grant.audience)).collect::<Vec<_>>().join(" ");
    {
        let mut locked = state.lock();
        locked.refresh_tokens.insert(refresh.clone(), grant);
        locked.refresh_issued.push(refresh.clone());
    }
    Response::json(
        200,
        &serde_json::json!({
            "token_type": "Bearer", "scope": scope, "expires_in": lifetime, "ext_expires_in": lifetime,
            "access_token": access, "refresh_token": refresh,
        }),
    )
}

pub(super) fn refresh(form: &Form, state: &EntraState) -> Response {
    let field = |name: &str| field(form, name);
    let token = field("refresh_token").unwrap_or("");
    let Some(grant) = state.lock().refresh_tokens.remove(token) else {
        return refuse(400, "invalid_grant", 700082, "The refresh token has expired or is invalid.");
    };
    if field("client_id") != Some(grant.client_id.as_str()) {
        return refuse(400, "invalid_grant", 70000, "The refresh token was issued to another client.");
    }
    delegated_tokens(state, grant)
}

pub(super) fn admin_consent(request: &Request, tenant: &str, state: &EntraState, v2: bool) -> Response {
    if tenant != TENANT {
        return unknown_tenant(tenant);
    }
    let client_id = request.param("client_id").unwrap_or("");
    let redirect_uri = request.param("redirect_uri").unwrap_or("");
    if state.app(client_id).is_none() {
        let text = format!("Application with identifier '{client_id}' was not found in the directory.");
        return refuse(400, "unauthorized_client", 700016, &text);
    }
    if !loopback_redirect(redirect_uri) {
        let text = format!("The redirect URI '{redirect_uri}' specified in the request does not match.");
        return refuse(400, "invalid_request", 50011, &text);
    }
    let mut url = url::Url::parse(redirect_uri).expect("checked above");
    let resources = state.lock().resources.clone();
    let scope = request.param("scope").unwrap_or("");
    let scope_ok = !v2 || scope.strip_suffix("/.default").is_some_and(|r| resources.contains(r));
    let answer = state.lock().consent_answer.clone();
    match answer {
        _ if !scope_ok => {
            url.query_pairs_mut().append_pair("error", "invalid_request").append_pair(
                "error_description",
                "AADSTS70011: The provided scope is not valid; use {resource}/.default.",
            );
        }
        ConsentAnswer::Decline { error, description } => {
            url.query_pairs_mut().append_pair("error", &error).append_pair("error_description", &description);
        }
        ConsentAnswer::Grant => {
            let mut inner = state.lock();
            if let Some(app) = inner.apps.get_mut(client_id) {
                app.granted_roles = app.required_roles.clone();
            }
            inner.consents.push((client_id.to_string(), tenant.to_string()));
            drop(inner);
            url.query_pairs_mut().append_pair("admin_consent", "True").append_pair("tenant", tenant);
            if v2 {
                url.query_pairs_mut().append_pair("scope", scope);
            }
        }
    }
    if let Some(s) = request.param("state") {
        url.query_pairs_mut().append_pair("state", s);
    }
    Response::redirect(url.as_str())
}
