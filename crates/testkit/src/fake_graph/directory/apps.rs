//! The app registration endpoints: `/applications` (list, create, `addPassword`) and `/servicePrincipals`
//! (Graph's own with its app roles, and new apps'). Secrets are handed to the Entra double, never kept here.

use super::super::{eq_filter, graph_error, page};
use super::{
    forbidden, json_body, not_found, Context, Directory, StoredApplication, GRAPH_APP_ID, GRAPH_ROLES,
};
use crate::http_wire::Response;

impl Directory {
    fn application_json(app: &StoredApplication) -> serde_json::Value {
        let access: Vec<_> = GRAPH_ROLES
            .iter()
            .filter(|(_, value)| app.required_roles.contains(*value))
            .map(|(id, _)| serde_json::json!({"id": id, "type": "Role"}))
            .collect();
        let passwords: Vec<_> = app
            .passwords
            .iter()
            .map(|(key, name, end)| serde_json::json!({"keyId": key, "displayName": name, "endDateTime": end, "secretText": null}))
            .collect();
        serde_json::json!({
            "id": app.id, "appId": app.app_id, "displayName": app.display_name,
            "passwordCredentials": passwords,
            "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": access}],
        })
    }

    pub(super) fn list_applications(&self, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["Application.Read.All", "Application.ReadWrite.All"]) {
            return forbidden();
        }
        page(self.applications.iter().map(Self::application_json).collect(), cx)
    }

    pub(super) fn create_application(&mut self, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["Application.ReadWrite.All"]) {
            return forbidden();
        }
        let Some(body) = json_body(cx.request) else {
            return graph_error(400, "BadRequest", "Unable to read JSON request payload.");
        };
        let Some(name) = body["displayName"].as_str().filter(|n| !n.trim().is_empty()) else {
            return graph_error(
                400,
                "Request_BadRequest",
                "Invalid value specified for property 'displayName'.",
            );
        };
        let mut roles = Vec::new();
        for resource in body["requiredResourceAccess"].as_array().cloned().unwrap_or_default() {
            if resource["resourceAppId"] != GRAPH_APP_ID {
                return graph_error(
                    400,
                    "Request_BadRequest",
                    "Invalid value specified for property 'resourceAppId'.",
                );
            }
            for access in resource["resourceAccess"].as_array().cloned().unwrap_or_default() {
                let known = GRAPH_ROLES.iter().find(|(id, _)| access["id"] == *id);
                match (known, access["type"].as_str()) {
                    (Some((_, value)), Some("Role")) => roles.push(*value),
                    _ => {
                        return graph_error(
                            400,
                            "Request_BadRequest",
                            "Invalid value specified for property 'resourceAccess'.",
                        )
                    }
                }
            }
        }
        let app = self.add_application(name, &roles);
        Response::json(201, &Self::application_json(&app))
    }

    pub(super) fn add_password(&mut self, id: &str, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["Application.ReadWrite.All"]) {
            return forbidden();
        }
        let Some(body) = json_body(cx.request) else {
            return graph_error(400, "BadRequest", "Unable to read JSON request payload.");
        };
        let credential = &body["passwordCredential"];
        let name = credential["displayName"].as_str().unwrap_or("").to_string();
        let end = credential["endDateTime"].as_str().unwrap_or("");
        let Ok(end_time) = chrono::DateTime::parse_from_rfc3339(end) else {
            return graph_error(
                400,
                "Request_BadRequest",
                "Invalid value specified for property 'endDateTime'.",
            );
        };
        if end_time <= chrono::Utc::now() {
            return graph_error(400, "Request_BadRequest", "Key credential end date is invalid.");
        }
        let secret = self.entra.random("Fk8~").replace('.', "_");
        let key_id = self.guid();
        let Some(app) = self.applications.iter_mut().find(|a| a.id == id) else {
            return not_found(id);
        };
        app.passwords.push((key_id.clone(), name.clone(), end.to_string()));
        self.entra.add_secret(&app.app_id, &secret);
        Response::json(
            200,
            &serde_json::json!({
                "keyId": key_id, "displayName": name, "endDateTime": end, "hint": &secret[..3],
                "secretText": secret, "startDateTime": chrono::Utc::now().to_rfc3339(),
            }),
        )
    }

    pub(super) fn list_service_principals(&self, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["Application.Read.All", "Application.ReadWrite.All"]) {
            return forbidden();
        }
        let filter = cx.request.param("$filter").unwrap_or("");
        let Some(app_id) = eq_filter(filter, "appId") else {
            return graph_error(400, "BadRequest", "Unsupported filter.");
        };
        let items = self
            .service_principals
            .iter()
            .filter(|(a, _)| **a == app_id)
            .map(|(app, id)| {
                let roles: Vec<_> = if app == GRAPH_APP_ID {
                    GRAPH_ROLES
                        .iter()
                        .map(|(id, value)| serde_json::json!({"id": id, "value": value, "allowedMemberTypes": ["Application"], "isEnabled": true}))
                        .collect()
                } else {
                    Vec::new()
                };
                serde_json::json!({"id": id, "appId": app, "appRoles": roles})
            })
            .collect();
        page(items, cx)
    }

    pub(super) fn create_service_principal(&mut self, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["Application.ReadWrite.All"]) {
            return forbidden();
        }
        let app_id =
            json_body(cx.request).and_then(|b| b["appId"].as_str().map(str::to_string)).unwrap_or_default();
        if !self.applications.iter().any(|a| a.app_id == app_id) {
            return graph_error(
                400,
                "Request_BadRequest",
                &format!("The appId '{app_id}' of the service principal does not reference a valid application object."),
            );
        }
        if self.service_principals.contains_key(&app_id) {
            return graph_error(
                409,
                "Request_MultipleObjectsWithSameKeyValue",
                "Another object with the same value for property servicePrincipalNames already exists.",
            );
        }
        let id = self.id("sp");
        self.service_principals.insert(app_id.clone(), id.clone());
        Response::json(201, &serde_json::json!({"id": id, "appId": app_id}))
    }
}
