//! Docket's app registration through Microsoft Graph, on the signed-in admin's behalf: list the tenant's apps
//! so the admin can pick one, or create the Docket app (`POST /applications` declaring the Graph application
//! permissions it needs, then its service principal), and add a client secret with the expiry the admin
//! chose (`addPassword`). The secret goes straight into the `SecretStore` and is never returned; only its
//! id and expiry are, with the warning the dashboard shows 30 days before it expires.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::graph_client::{Body, GraphClient, GraphError, GraphVersion};
use crate::secrets::{SecretStore, Sensitive};

/// Microsoft Graph's app id: the resource of every Graph permission.
pub const GRAPH_RESOURCE_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The Graph application permissions Docket's app declares: check users and mailboxes, create folders and
/// messages, and import MIME as non-draft messages where `importMime` exists.
pub const DOCKET_GRAPH_ROLES: [&str; 4] =
    ["User.Read.All", "MailboxSettings.Read", "Mail.ReadWrite", "Mail-Advanced.ReadWrite.All"];

/// The dashboard warns this many days before a client secret expires.
pub const SECRET_WARNING_DAYS: i64 = 30;

/// A client secret as Graph lists it: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClientSecretInfo {
    pub key_id: String,
    pub display_name: Option<String>,
    /// RFC 3339.
    pub expires_at: Option<String>,
}

/// An app registration the admin may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppSummary {
    /// The object id (`/applications/{id}`).
    pub object_id: String,
    /// The Application (client) ID.
    pub app_id: String,
    pub display_name: String,
    pub secrets: Vec<ClientSecretInfo>,
}

/// The Docket app just registered (or given a new secret). The secret itself is in the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisteredApp {
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub secret: ClientSecretInfo,
    /// Permissions Docket wanted that this cloud's Graph does not offer (left out of the registration).
    pub unavailable_permissions: Vec<String>,
}

/// The dashboard's warning about a client secret that expires soon (or has expired).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecretExpiryWarning {
    /// Whole days left; 0 or less when it has expired.
    pub days_left: i64,
    pub expired: bool,
    pub message: crate::Text,
}

/// The warning for a secret expiring at `expires_at`, from `SECRET_WARNING_DAYS` days before; `None` while
/// it is further off.
pub fn secret_expiry_warning(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<SecretExpiryWarning> {
    let left = expires_at - now;
    if left > chrono::Duration::days(SECRET_WARNING_DAYS) {
        return None;
    }
    let days_left = left.num_days();
    let expired = left <= chrono::Duration::zero();
    let when = expires_at.format("%Y-%m-%d");
    let message = if expired {
        crate::text!(
            "secret_expiry.expired",
            "The Entra ID app's client secret expired on {when}. Deliveries through Graph stop until a new secret \
             is added: add one in the Entra ID step.",
            when = when.to_string()
        )
    } else {
        crate::text!(
            "secret_expiry.soon",
            "The Entra ID app's client secret expires on {when} ({days} days left). Add a new secret in the \
             Entra ID step before then.",
            when = when.to_string(),
            days = days_left
        )
    };
    Some(SecretExpiryWarning { days_left, expired, message })
}

fn secret_info(value: &serde_json::Value) -> ClientSecretInfo {
    ClientSecretInfo {
        key_id: value["keyId"].as_str().unwrap_or_default().to_string(),
        display_name: value["displayName"].as_str().map(str::to_string),
        expires_at: value["endDateTime"].as_str().map(str::to_string),
    }
}

fn summary(value: &serde_json::Value) -> AppSummary {
    AppSummary {
        object_id: value["id"].as_str().unwrap_or_default().to_string(),
        app_id: value["appId"].as_str().unwrap_or_default().to_string(),
        display_name: value["displayName"].as_str().unwrap_or_default().to_string(),
        secrets: value["passwordCredentials"]
            .as_array()
            .map(|s| s.iter().map(secret_info).collect())
            .unwrap_or_default(),
    }
}

/// Every app registration in the tenant (all pages), for the admin to pick from.
pub async fn list_apps(graph: &GraphClient) -> Result<Vec<AppSummary>, GraphError> {
    let url = graph.query_url(
        GraphVersion::V1,
        &["applications"],
        &[("$select", "id,appId,displayName,passwordCredentials"), ("$top", "100")],
    );
    let apps = graph.list(url, None).await?;
    Ok(apps.iter().map(summary).collect())
}

/// Registers the Docket app: looks up the ids of `DOCKET_GRAPH_ROLES` on this cloud's Graph, creates the app
/// declaring them, creates its service principal (so admin consent can grant them), and adds a client secret
/// expiring at `secret_expires_at`, stored under `secret_entry`.
pub async fn register_app(
    graph: &GraphClient,
    display_name: &str,
    secret_expires_at: DateTime<Utc>,
    secrets: &dyn SecretStore,
    secret_entry: &str,
) -> Result<RegisteredApp, GraphError> {
    let (access, unavailable) = graph_role_ids(graph).await?;
    let body = serde_json::json!({
        "displayName": display_name,
        "signInAudience": "AzureADMyOrg",
        "requiredResourceAccess": [{
            "resourceAppId": GRAPH_RESOURCE_APP_ID,
            "resourceAccess": access.iter().map(|id| serde_json::json!({"id": id, "type": "Role"})).collect::<Vec<_>>(),
        }],
    });
    let created = graph
        .send(Method::POST, graph.url(GraphVersion::V1, &["applications"]), None, &Body::Json(body))
        .await?
        .json;
    let app = summary(&created);
    let principal = serde_json::json!({ "appId": app.app_id });
    graph
        .send(Method::POST, graph.url(GraphVersion::V1, &["servicePrincipals"]), None, &Body::Json(principal))
        .await?;
    let secret = add_client_secret(graph, &app.object_id, secret_expires_at, secrets, secret_entry).await?;
    Ok(RegisteredApp {
        object_id: app.object_id,
        app_id: app.app_id,
        display_name: app.display_name,
        secret,
        unavailable_permissions: unavailable,
    })
}

/// Adds a client secret to the app with object id `object_id`, expiring at `expires_at`, and stores its value
/// under `secret_entry`. Only the secret's id and expiry are returned.
pub async fn add_client_secret(
    graph: &GraphClient,
    object_id: &str,
    expires_at: DateTime<Utc>,
    secrets: &dyn SecretStore,
    secret_entry: &str,
) -> Result<ClientSecretInfo, GraphError> {
    let body = serde_json::json!({
        "passwordCredential": {
            "displayName": format!("Docket {}", Utc::now().format("%Y-%m-%d")),
            "endDateTime": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    });
    let url = graph.url(GraphVersion::V1, &["applications", object_id, "addPassword"]);
    let answer = graph.send(Method::POST, url, None, &Body::Json(body)).await?.json;
    let request = format!("POST /applications/{object_id}/addPassword");
    let Some(value) = answer["secretText"].as_str().filter(|v| !v.is_empty()) else {
        return Err(GraphError::Unexpected {
            request,
            detail: crate::text!("graph.no_secret_text", "no secretText in the answer"),
        });
    };
    let value = Sensitive::new(value.to_string());
    secrets.set(secret_entry, &value).map_err(|e| GraphError::Unexpected {
        request,
        detail: crate::text!(
            "graph.secret_not_kept",
            "the new client secret could not be stored in the keychain ({detail}); delete it in the Entra admin \
             center and try again",
            detail = e.to_string()
        ),
    })?;
    Ok(secret_info(&answer))
}

/// The ids of Docket's roles on this cloud's Graph service principal, and the roles it does not offer.
async fn graph_role_ids(graph: &GraphClient) -> Result<(Vec<String>, Vec<String>), GraphError> {
    let filter = format!("appId eq '{GRAPH_RESOURCE_APP_ID}'");
    let url = graph.query_url(
        GraphVersion::V1,
        &["servicePrincipals"],
        &[("$filter", &filter), ("$select", "id,appId,appRoles")],
    );
    let principals = graph.list(url, None).await?;
    let roles: Vec<&serde_json::Value> =
        principals.iter().flat_map(|p| p["appRoles"].as_array().into_iter().flatten()).collect();
    let mut ids = Vec::new();
    let mut unavailable = Vec::new();
    for wanted in DOCKET_GRAPH_ROLES {
        match roles.iter().find(|r| r["value"] == wanted).and_then(|r| r["id"].as_str()) {
            Some(id) => ids.push(id.to_string()),
            None => unavailable.push(wanted.to_string()),
        }
    }
    if ids.is_empty() {
        return Err(GraphError::Unexpected {
            request: "GET /servicePrincipals".into(),
            detail: crate::text!(
                "graph.no_docket_permissions",
                "Microsoft Graph's service principal lists none of the permissions Docket needs"
            ),
        });
    }
    Ok((ids, unavailable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_starts_thirty_days_before_expiry() {
        let now = Utc::now();
        assert_eq!(secret_expiry_warning(now + chrono::Duration::days(31), now), None);
        let soon = secret_expiry_warning(now + chrono::Duration::days(30), now).expect("a warning");
        assert_eq!((soon.days_left, soon.expired), (30, false));
        let gone = secret_expiry_warning(now - chrono::Duration::hours(1), now).expect("a warning");
        assert!(
            gone.expired
                && gone.message.message.contains("expired")
                && gone.message.key == "secret_expiry.expired"
        );
    }
}
