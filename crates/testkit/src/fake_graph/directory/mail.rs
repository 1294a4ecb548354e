//! The mailbox endpoints: mailbox settings, top-level folders (find by `displayName`, create), and messages
//! (find by `internetMessageId`, create from base64 MIME as a draft, or `importMime` on beta as a final message).

use base64::Engine as _;

use super::super::{eq_filter, graph_error, page};
use super::{json_body, mail_forbidden, Context, Directory, Folder, StoredMessage};
use crate::http_wire::Response;

impl Directory {
    /// The user's index, or the answer for a mailbox request that cannot be served.
    fn mailbox(&self, key: &str, cx: &Context<'_>, permissions: &[&str]) -> Result<usize, Response> {
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
        Ok(i)
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
        let id = self.id("folder");
        self.users[i].folders.push(Folder {
            id: id.clone(),
            display_name: name.clone(),
            messages: Vec::new(),
        });
        Response::json(201, &serde_json::json!({"id": id, "displayName": name, "totalItemCount": 0}))
    }

    fn folder_index(&self, user: usize, folder: &str) -> Option<usize> {
        self.users[user].folders.iter().position(|f| f.id == folder)
    }

    fn message_json(message: &StoredMessage) -> serde_json::Value {
        serde_json::json!({"id": message.id, "internetMessageId": message.internet_message_id, "isDraft": message.is_draft})
    }

    pub(super) fn find_messages(&self, key: &str, folder: &str, cx: &Context<'_>) -> Response {
        let i = match self.mailbox(key, cx, &["Mail.ReadWrite", "Mail.Read"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let Some(f) = self.folder_index(i, folder) else {
            return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        };
        let wanted = match cx.request.param("$filter") {
            Some(filter) => match eq_filter(filter, "internetMessageId") {
                Some(id) => Some(id),
                None => return graph_error(400, "BadRequest", "Unsupported filter."),
            },
            None => None,
        };
        let items = self.users[i].folders[f]
            .messages
            .iter()
            .filter(|m| wanted.as_ref().is_none_or(|w| m.internet_message_id == *w))
            .map(Self::message_json)
            .collect();
        page(items, cx)
    }

    pub(super) fn create_message(
        &mut self,
        key: &str,
        folder: &str,
        cx: &Context<'_>,
        draft: bool,
    ) -> Response {
        let permissions: &[&str] = if draft { &["Mail.ReadWrite"] } else { &["Mail-Advanced.ReadWrite.All"] };
        let i = match self.mailbox(key, cx, permissions) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let Some(f) = self.folder_index(i, folder) else {
            return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        };
        if !cx.request.header("Content-Type").is_some_and(|t| t.starts_with("text/plain")) {
            return graph_error(
                415,
                "UnsupportedMediaType",
                "MIME content must be sent as text/plain, base64-encoded.",
            );
        }
        let text: Vec<u8> = cx.request.body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
        let Ok(mime) = base64::engine::general_purpose::STANDARD.decode(&text) else {
            return graph_error(
                400,
                "ErrorMimeContentInvalidBase64String",
                "Invalid base64 string for MIME content.",
            );
        };
        let Some(message_id) = header(&mime, "Message-ID") else {
            return graph_error(400, "ErrorMimeContentInvalid", "The MIME content is invalid.");
        };
        let id = self.id("msg");
        let message = StoredMessage { id, internet_message_id: message_id, is_draft: draft, mime };
        let json = Self::message_json(&message);
        self.users[i].folders[f].messages.push(message);
        Response::json(201, &json)
    }
}

/// A header's value from MIME bytes (unfolded), or `None` when the head has no such header.
fn header(mime: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(mime);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
    })
}
