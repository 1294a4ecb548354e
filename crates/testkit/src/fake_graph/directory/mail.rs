//! The mailbox endpoints: mailbox settings, top-level folders (find by `displayName`, create), and messages from
//! MIME. `POST .../messages` with base64 MIME "always creates a draft" (learn.microsoft.com/graph/api/user-post-messages);
//! beta `importMime` "creates the message in a final, non-draft state" and needs Mail-Advanced.ReadWrite.All
//! (learn.microsoft.com/graph/api/mailfolder-importmime). Both keep each `X-` header as a PS_INTERNET_HEADERS named
//! property ([MS-OXCMAIL]); `importMime` dates the message by its `Date:`. An Exchange application access
//! policy (learn.microsoft.com/graph/auth-limit-mailbox-access) blocks a mailbox with 403 ErrorAccessDenied; RBAC
//! for Applications (learn.microsoft.com/exchange/permissions-exo/application-rbac) can scope one permission
//! away from some mailboxes.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::super::mime;
use super::super::properties::{graph_time, now, PropertyId, PS_INTERNET_HEADERS};
use super::super::{eq_filter, graph_error, page};
use super::{json_body, mail_forbidden, Context, Directory, StoredAttachment, StoredMessage};
use crate::http_wire::Response;

pub(super) fn item_not_found() -> Response {
    graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
}

fn has_type(cx: &Context<'_>, media: &str) -> bool {
    cx.request.header("Content-Type").is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with(media))
}

impl Directory {
    /// The user's index, or the answer for a mailbox request that cannot be served.
    pub(super) fn mailbox(
        &self,
        key: &str,
        cx: &Context<'_>,
        permissions: &[&str],
    ) -> Result<usize, Response> {
        if !cx.caller.has_any(permissions) {
            return Err(mail_forbidden());
        }
        let Some(i) = self.user_index(key) else {
            return Err(graph_error(
                404,
                "ErrorInvalidUser",
                &format!("The requested user '{key}' is invalid."),
            ));
        };
        if !self.users[i].has_mailbox {
            return Err(graph_error(
                404,
                "MailboxNotEnabledForRESTAPI",
                "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
            ));
        }
        if self.is_blocked(i) {
            return Err(policy_blocked());
        }
        Ok(i)
    }

    /// True when an application access policy keeps this app from the user's mailbox.
    pub(super) fn is_blocked(&self, user: usize) -> bool {
        let user = &self.users[user];
        [&user.upn, &user.id].iter().any(|k| self.blocked.contains(&k.to_ascii_lowercase()))
    }

    pub(super) fn mailbox_settings(&self, key: &str, cx: &Context<'_>) -> Response {
        match self.mailbox(key, cx, &["MailboxSettings.Read", "MailboxSettings.ReadWrite"]) {
            Ok(_) => Response::json(
                200,
                &serde_json::json!({"timeZone": "UTC", "language": {"locale": "en-US"}, "userPurpose": "user"}),
            ),
            Err(response) => response,
        }
    }

    pub(super) fn list_folders(&self, key: &str, cx: &Context<'_>) -> Response {
        let i = match self.mailbox(key, cx, &["Mail.ReadWrite", "Mail.Read"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let wanted = match cx.request.param("$filter") {
            Some(filter) => match eq_filter(filter, "displayName") {
                Some(name) => Some(name),
                None => return graph_error(400, "BadRequest", "Unsupported filter."),
            },
            None => None,
        };
        let items = self.users[i]
            .folders
            .iter()
            .filter(|f| wanted.as_ref().is_none_or(|w| f.display_name.eq_ignore_ascii_case(w)))
            .map(|f| serde_json::json!({"id": f.id, "displayName": f.display_name, "totalItemCount": f.messages.len()}))
            .collect();
        page(items, cx)
    }

    pub(super) fn create_folder(&mut self, key: &str, cx: &Context<'_>) -> Response {
        let i = match self.mailbox(key, cx, &["Mail.ReadWrite"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let name = json_body(cx.request).and_then(|b| b["displayName"].as_str().map(str::to_string));
        let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
            return graph_error(400, "ErrorInvalidRequest", "The displayName property is required.");
        };
        if self.users[i].folders.iter().any(|f| f.display_name.eq_ignore_ascii_case(&name)) {
            return graph_error(409, "ErrorFolderExists", "A folder with the specified name already exists.");
        }
        let f = self.add_folder(i, &name);
        let id = self.users[i].folders[f].id.clone();
        Response::json(201, &serde_json::json!({"id": id, "displayName": name, "totalItemCount": 0}))
    }

    /// `POST .../messages`: base64 MIME (`text/plain`) or a JSON message; either way Graph stores a draft
    /// unless the JSON sets PidTagMessageFlags without mfUnsent (see `json_create`).
    pub(super) fn create_message(&mut self, key: &str, folder: &str, cx: &Context<'_>) -> Response {
        let i = match self.mailbox(key, cx, &["Mail.ReadWrite"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let Some(f) = self.folder_index(i, folder) else { return item_not_found() };
        if has_type(cx, "text/plain") {
            self.store_mime(i, f, &cx.request.body, false)
        } else if has_type(cx, "application/json") {
            self.create_json(i, f, cx)
        } else {
            graph_error(
                415,
                "UnsupportedMediaType",
                "A message is created from JSON or from base64 MIME as text/plain.",
            )
        }
    }

    /// Beta `importMime`: a non-draft message from base64 MIME.
    pub(super) fn import_mime(&mut self, key: &str, folder: &str, cx: &Context<'_>) -> Response {
        let i = match self.mailbox(key, cx, &["Mail-Advanced.ReadWrite.All", "Mail-Advanced.ReadWrite"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let user = &self.users[i];
        if [&user.upn, &user.id].iter().any(|k| self.import_refused.contains(&k.to_ascii_lowercase())) {
            return mail_forbidden();
        }
        let Some(f) = self.folder_index(i, folder) else { return item_not_found() };
        if !has_type(cx, "text/plain") {
            return graph_error(
                415,
                "UnsupportedMediaType",
                "MIME content must be sent as text/plain, base64-encoded.",
            );
        }
        self.store_mime(i, f, &cx.request.body, true)
    }

    fn store_mime(&mut self, i: usize, f: usize, body: &[u8], import: bool) -> Response {
        let text: Vec<u8> = body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(&text) else {
            return graph_error(
                400,
                "ErrorMimeContentInvalidBase64String",
                "Invalid base64 string for MIME content.",
            );
        };
        let (fields, _) = mime::head(&raw);
        let Some(message_id) = mime::field(&fields, "Message-ID").map(str::to_string) else {
            return graph_error(400, "ErrorMimeContentInvalid", "The MIME content is invalid.");
        };
        let mut extended = BTreeMap::new();
        for (name, value) in fields
            .iter()
            .filter(|(n, _)| n.len() > 2 && n.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-")))
        {
            if let Some(id) = PropertyId::parse(&format!("String {{{PS_INTERNET_HEADERS}}} Name {name}")) {
                extended.insert(id.key(), value.clone());
            }
        }
        let attachments = mime::attachments(&raw)
            .into_iter()
            .map(|(name, content_type, bytes)| StoredAttachment {
                id: self.id("att"),
                name,
                content_type,
                bytes,
            })
            .collect();
        let created = now();
        let date = mime::field(&fields, "Date").and_then(mime::date).map(graph_time);
        let (received, sent) = match import {
            true if self.import_stamps_now => (created.clone(), date),
            true => (date.clone().unwrap_or(created.clone()), date),
            false => (created.clone(), None),
        };
        let from = mime::field(&fields, "From").and_then(|v| mime::addresses(v).into_iter().next());
        let to_recipients = mime::field(&fields, "To").map(mime::addresses).unwrap_or_default();
        let cc_recipients = mime::field(&fields, "Cc").map(mime::addresses).unwrap_or_default();
        let subject = mime::field(&fields, "Subject").map(mime::decode_words).unwrap_or_default();
        let message = StoredMessage {
            id: self.id("msg"),
            internet_message_id: message_id,
            is_draft: !import,
            mime: raw,
            subject,
            created_date_time: created,
            received_date_time: Some(received),
            sent_date_time: sent,
            extended,
            headers: fields,
            attachments,
            route: if import { "importMime" } else { "mime-draft" },
            folder_id: self.users[i].folders[f].id.clone(),
            from,
            to_recipients,
            cc_recipients,
            body: String::new(),
            body_content_type: "text".into(),
        };
        self.store(i, f, message)
    }
}

/// An Exchange application access policy's refusal.
pub(super) fn policy_blocked() -> Response {
    graph_error(
        403,
        "ErrorAccessDenied",
        "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
    )
}
