//! Attachments: `GET`/`POST .../messages/{id}/attachments` (a file under 3 MB in one request,
//! learn.microsoft.com/graph/api/message-post-attachments) and upload sessions for files up to 150 MB
//! (learn.microsoft.com/graph/api/attachment-createuploadsession; learn.microsoft.com/graph/outlook-large-attachments):
//! the upload URL is pre-authenticated ("Do not specify an Authorization request header"), bytes go up in order
//! in `PUT`s of at most 4 MB with `Content-Range: bytes {start}-{end}/{total}`, each answered 200 with
//! `nextExpectedRanges` until the last, answered 201 with a `Location` naming the new attachment.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::super::properties::graph_time;
use super::super::{graph_error, page, MAX_BODY};
use super::json_create::file_attachment;
use super::mail::{item_not_found, policy_blocked};
use super::{json_body, Context, Directory, StoredAttachment};
use crate::http_wire::{Request, Response};

/// The largest attachment an upload session takes (150 MB).
pub const MAX_ATTACHMENT: usize = 150 * 1024 * 1024;
/// The smallest: below 3 MB Graph answers ErrorAttachmentSizeShouldNotBeLessThanMinimumSize (documented in
/// outlook-large-attachments until 2021, microsoftgraph/microsoft-graph-docs#7044) and a single POST is the way.
pub const MIN_SESSION_ATTACHMENT: usize = 3 * 1024 * 1024;
/// How long an upload URL stays valid.
const SESSION_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// An upload session in progress.
#[derive(Debug)]
pub(crate) struct UploadSession {
    /// The mailbox as the creating request named it (lowercase): the throttling scope of its `PUT`s.
    pub scope: String,
    user_segment: String,
    user: usize,
    message_id: String,
    name: String,
    content_type: String,
    size: usize,
    received: Vec<u8>,
    expires: Instant,
    expiration: String,
}

fn attachment_json(attachment: &StoredAttachment) -> Value {
    use base64::Engine as _;
    json!({
        "@odata.type": "#microsoft.graph.fileAttachment", "id": attachment.id, "name": attachment.name,
        "contentType": attachment.content_type, "size": attachment.bytes.len(), "isInline": false,
        "contentBytes": base64::engine::general_purpose::STANDARD.encode(&attachment.bytes),
    })
}

/// Exchange's refusal of a message over the mailbox's maximum size (35 MB unless an admin raised it: "By
/// default, this message size limit is 35 MB", attachment-createuploadsession).
fn message_too_large() -> Response {
    graph_error(400, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.")
}

/// `bytes START-END/TOTAL`.
fn content_range(value: &str) -> Option<(usize, usize, usize)> {
    let range = value.trim().strip_prefix("bytes")?.trim();
    let (span, total) = range.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    Some((start.trim().parse().ok()?, end.trim().parse().ok()?, total.trim().parse().ok()?))
}

impl Directory {
    /// The stored size of a message: its MIME or body and its attachments.
    fn message_size(&self, user: usize, folder: usize, at: usize) -> usize {
        let message = &self.users[user].folders[folder].messages[at];
        message.mime.len()
            + message.body.len()
            + message.attachments.iter().map(|a| a.bytes.len()).sum::<usize>()
    }

    pub(super) fn list_attachments(
        &mut self,
        key: &str,
        folder: Option<&str>,
        id: &str,
        cx: &Context<'_>,
    ) -> Response {
        let (i, f, at) = match self.message_at(key, folder, id, cx, &["Mail.ReadWrite", "Mail.Read"]) {
            Ok(found) => found,
            Err(response) => return response,
        };
        let items = self.users[i].folders[f].messages[at].attachments.iter().map(attachment_json).collect();
        page(items, cx)
    }

    pub(super) fn add_attachment(
        &mut self,
        key: &str,
        folder: Option<&str>,
        id: &str,
        cx: &Context<'_>,
    ) -> Response {
        let (i, f, at) = match self.message_at(key, folder, id, cx, &["Mail.ReadWrite"]) {
            Ok(found) => found,
            Err(response) => return response,
        };
        let Some(body) = json_body(cx.request) else {
            return graph_error(400, "BadRequest", "Unable to read JSON request payload.");
        };
        let (name, content_type, bytes) = match file_attachment(&body) {
            Ok(parts) => parts,
            Err(response) => return response,
        };
        if self.message_size(i, f, at) + bytes.len() > self.max_message_size {
            return message_too_large();
        }
        let attachment = StoredAttachment { id: self.id("att"), name, content_type, bytes };
        let json = attachment_json(&attachment);
        self.users[i].folders[f].messages[at].attachments.push(attachment);
        Response::json(201, &json)
    }

    pub(super) fn create_upload_session(
        &mut self,
        key: &str,
        folder: Option<&str>,
        id: &str,
        cx: &Context<'_>,
    ) -> Response {
        let (i, f, at) = match self.message_at(key, folder, id, cx, &["Mail.ReadWrite"]) {
            Ok(found) => found,
            Err(response) => return response,
        };
        let item = json_body(cx.request).map(|b| b["AttachmentItem"].clone()).unwrap_or(Value::Null);
        if !item["attachmentType"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("file")) {
            return graph_error(400, "ErrorInvalidRequest", "AttachmentItem.attachmentType must be 'file'.");
        }
        let Some(name) = item["name"].as_str().filter(|n| !n.is_empty()).map(str::to_string) else {
            return graph_error(400, "ErrorInvalidRequest", "AttachmentItem.name is required.");
        };
        let size = item["size"].as_u64().map(|s| s as usize).filter(|s| *s > 0);
        let Some(size) = size else {
            return graph_error(
                400,
                "ErrorInvalidRequest",
                "AttachmentItem.size must be a positive number of bytes.",
            );
        };
        if size > MAX_ATTACHMENT {
            return graph_error(
                400,
                "ErrorInvalidRequest",
                "An upload session takes attachments up to 150 MB.",
            );
        }
        if size < MIN_SESSION_ATTACHMENT {
            return graph_error(
                400,
                "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                "Attachment size must be greater than the minimum size.",
            );
        }
        if self.message_size(i, f, at) + size > self.max_message_size {
            return message_too_large();
        }
        let token = self.entra.random("AttachmentSession.");
        let expiration = graph_time(chrono::Utc::now() + SESSION_LIFETIME);
        self.uploads.insert(
            token.clone(),
            UploadSession {
                scope: key.to_ascii_lowercase(),
                user_segment: key.to_string(),
                user: i,
                message_id: self.users[i].folders[f].messages[at].id.clone(),
                name,
                content_type: item["contentType"].as_str().unwrap_or("application/octet-stream").to_string(),
                size,
                received: Vec::new(),
                expires: Instant::now() + SESSION_LIFETIME,
                expiration: expiration.clone(),
            },
        );
        Response::json(
            201,
            &json!({
                "@odata.context": format!("{}/v1.0/$metadata#microsoft.graph.uploadSession", cx.base),
                "uploadUrl": format!("{}/upload/{token}", cx.base), "expirationDateTime": expiration,
                "nextExpectedRanges": ["0-"],
            }),
        )
    }

    /// The throttling scope of an upload URL's token.
    pub(crate) fn upload_scope(&self, token: &str) -> Option<String> {
        self.uploads.get(token).map(|s| s.scope.clone())
    }

    /// `PUT {uploadUrl}`: no token, the next bytes in order, at most 4 MB.
    pub(crate) fn upload_put(&mut self, token: &str, request: &Request, base: &str) -> Response {
        if request.method != "PUT" {
            return graph_error(405, "BadRequest", "Upload URLs take PUT.");
        }
        if request.header("Authorization").is_some() {
            return graph_error(
                401,
                "InvalidAuthenticationToken",
                "The upload URL is pre-authenticated: don't specify an Authorization request header.",
            );
        }
        let Some(session) = self.uploads.get(token) else { return item_not_found() };
        if session.expires <= Instant::now() {
            self.uploads.remove(token);
            return item_not_found();
        }
        if self.is_blocked(session.user) {
            return policy_blocked();
        }
        let Some((start, end, total)) = request.header("Content-Range").and_then(content_range) else {
            return graph_error(
                400,
                "InvalidContentRange",
                "Content-Range must read 'bytes {start}-{end}/{total}'.",
            );
        };
        let next = session.received.len();
        let length = request.body.len();
        if total != session.size {
            return graph_error(
                400,
                "InvalidContentRange",
                &format!("The total size {total} is not the session's {}.", session.size),
            );
        }
        if start != next {
            let answer = json!({"error": {"code": "InvalidRange", "message": format!("The upload expects byte {next} next."),
                "innerError": {"request-id": "0000"}}, "nextExpectedRanges": [format!("{next}-")]});
            return Response::json(416, &answer);
        }
        if end < start || end - start + 1 != length || end >= total || length > MAX_BODY {
            return graph_error(
                400,
                "InvalidContentRange",
                "The Content-Range does not match the bytes sent.",
            );
        }
        let Some(session) = self.uploads.get_mut(token) else { return item_not_found() };
        session.received.extend_from_slice(&request.body);
        if session.received.len() < session.size {
            return Response::json(
                200,
                &json!({"expirationDateTime": session.expiration, "nextExpectedRanges": [format!("{}-", session.received.len())]}),
            );
        }
        let Some(session) = self.uploads.remove(token) else { return item_not_found() };
        let Some((f, at)) = self.locate(session.user, &session.message_id) else { return item_not_found() };
        if self.message_size(session.user, f, at) + session.received.len() > self.max_message_size {
            return message_too_large();
        }
        let attachment_id = self.id("att");
        let location = format!(
            "{base}/v1.0/users/{}/messages/{}/attachments/{attachment_id}",
            session.user_segment, session.message_id
        );
        let attachment = StoredAttachment {
            id: attachment_id,
            name: session.name,
            content_type: session.content_type,
            bytes: session.received,
        };
        self.users[session.user].folders[f].messages[at].attachments.push(attachment);
        Response::empty(201).with_header("Location", &location)
    }
}
