//! Messages from JSON (`POST .../messages`, learn.microsoft.com/graph/api/user-post-messages) and their updates
//! (`PATCH .../messages/{id}`, learn.microsoft.com/graph/api/message-update). Custom internet headers are taken
//! only on create and must be named `x-`/`X-` (message resource, `internetMessageHeaders`). Extended properties
//! follow the overview's id formats. Per [MS-OXCMSG] 2.2.1.6 PidTagMessageFlags (`Integer 0x0E07`) is read-only
//! after the first save, so a message is a non-draft only when it is created with the flags and mfUnsent (0x8)
//! clear; then PidTagMessageDeliveryTime (`SystemTime 0x0E06`) is its `receivedDateTime` and
//! PidTagClientSubmitTime (`SystemTime 0x0039`) its `sentDateTime`. Attachments inline in the JSON are
//! `fileAttachment`s with base64 `contentBytes` (learn.microsoft.com/graph/api/resources/fileattachment).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::Value;

use super::super::graph_error;
use super::super::properties::{
    graph_time, now, system_time, PropertyId, DELIVERY_TIME, MESSAGE_FLAGS, MF_UNSENT, SUBMIT_TIME,
};
use super::messages::View;
use super::{json_body, Context, Directory, StoredAttachment, StoredMessage};
use crate::http_wire::Response;

fn unreadable() -> Response {
    graph_error(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
}

fn bad_value(id: &str) -> Response {
    graph_error(
        400,
        "ErrorInvalidExtendedPropertyValue",
        &format!("The value of the extended property '{id}' is not valid for its type."),
    )
}

/// `singleValueExtendedProperties` read into normalised id -> value.
fn extended(body: &Value) -> Result<BTreeMap<String, String>, Response> {
    let mut out = BTreeMap::new();
    let Some(items) = body.get("singleValueExtendedProperties") else { return Ok(out) };
    for item in items.as_array().ok_or_else(unreadable)? {
        let (Some(id), Some(value)) = (item["id"].as_str(), item["value"].as_str()) else {
            return Err(graph_error(
                400,
                "ErrorInvalidProperty",
                "An extended property needs a string id and a string value.",
            ));
        };
        let Some(parsed) = PropertyId::parse(id) else {
            return Err(graph_error(
                400,
                "ErrorInvalidProperty",
                &format!("The extended property id '{id}' is not valid."),
            ));
        };
        if !parsed.accepts(value) {
            return Err(bad_value(id));
        }
        out.insert(parsed.key(), value.to_string());
    }
    Ok(out)
}

fn headers(body: &Value) -> Result<Vec<(String, String)>, Response> {
    let Some(items) = body.get("internetMessageHeaders") else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for item in items.as_array().ok_or_else(unreadable)? {
        let (Some(name), Some(value)) = (item["name"].as_str(), item["value"].as_str()) else {
            return Err(unreadable());
        };
        if !(name.starts_with("x-") || name.starts_with("X-")) {
            return Err(graph_error(
                400,
                "InvalidInternetMessageHeader",
                &format!("The internet message header name '{name}' should start with 'x-' or 'X-'."),
            ));
        }
        out.push((name.to_string(), value.to_string()));
    }
    Ok(out)
}

pub(super) fn file_attachment(item: &Value) -> Result<(String, String, Vec<u8>), Response> {
    let kind = item["@odata.type"].as_str().unwrap_or("");
    if !kind.trim_start_matches('#').eq_ignore_ascii_case("microsoft.graph.fileAttachment") {
        return Err(graph_error(
            400,
            "ErrorInvalidRequest",
            "The double takes only #microsoft.graph.fileAttachment attachments; @odata.type is required.",
        ));
    }
    let Some(name) = item["name"].as_str().filter(|n| !n.is_empty()) else {
        return Err(graph_error(400, "ErrorInvalidRequest", "The attachment's name is required."));
    };
    let text = item["contentBytes"].as_str().unwrap_or("");
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) else {
        return Err(graph_error(
            400,
            "RequestBodyRead",
            "Cannot convert the literal to the expected type 'Edm.Binary'.",
        ));
    };
    let content_type = item["contentType"].as_str().unwrap_or("application/octet-stream").to_string();
    Ok((name.to_string(), content_type, bytes))
}

fn addresses(value: &Value) -> Vec<String> {
    let list = value.as_array().cloned().unwrap_or_default();
    list.iter().filter_map(|r| r["emailAddress"]["address"].as_str().map(str::to_string)).collect()
}

impl Directory {
    pub(super) fn create_json(&mut self, i: usize, f: usize, cx: &Context<'_>) -> Response {
        let Some(body) = json_body(cx.request).filter(Value::is_object) else { return unreadable() };
        let extended = match extended(&body) {
            Ok(extended) => extended,
            Err(response) => return response,
        };
        let headers = match headers(&body) {
            Ok(headers) => headers,
            Err(response) => return response,
        };
        let mut attachments = Vec::new();
        for item in body["attachments"].as_array().cloned().unwrap_or_default() {
            match file_attachment(&item) {
                Ok((name, content_type, bytes)) => {
                    attachments.push(StoredAttachment { id: self.id("att"), name, content_type, bytes })
                }
                Err(response) => return response,
            }
        }
        let flags = extended.get(MESSAGE_FLAGS).and_then(|v| v.trim().parse::<i64>().ok());
        let is_draft = flags.is_none_or(|flags| flags & MF_UNSENT != 0);
        let created = now();
        let time = |key: &str| extended.get(key).and_then(|v| system_time(v)).map(graph_time);
        let (received, sent) = if is_draft {
            (created.clone(), None)
        } else {
            (time(DELIVERY_TIME).unwrap_or(created.clone()), time(SUBMIT_TIME))
        };
        let internet_message_id = match body["internetMessageId"].as_str() {
            Some(id) => id.to_string(),
            None => format!("<{}@fake.graph>", self.guid()),
        };
        let message = StoredMessage {
            id: self.id("msg"),
            internet_message_id,
            is_draft,
            mime: Vec::new(),
            subject: body["subject"].as_str().unwrap_or("").to_string(),
            created_date_time: created,
            received_date_time: Some(received),
            sent_date_time: sent,
            extended,
            headers,
            attachments,
            route: "json",
            folder_id: self.users[i].folders[f].id.clone(),
            from: body["from"]["emailAddress"]["address"]
                .as_str()
                .or(body["sender"]["emailAddress"]["address"].as_str())
                .map(str::to_string),
            to_recipients: addresses(&body["toRecipients"]),
            cc_recipients: addresses(&body["ccRecipients"]),
            body: body["body"]["content"].as_str().unwrap_or("").to_string(),
            body_content_type: body["body"]["contentType"].as_str().unwrap_or("text").to_ascii_lowercase(),
        };
        self.store(i, f, message)
    }

    /// `PATCH`: subject, body and extended properties change; the draft state never does (the flags' mfUnsent
    /// bit keeps what the message was created with), and internet headers cannot be added any more.
    pub(super) fn patch_message(
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
        let Some(body) = json_body(cx.request).filter(Value::is_object) else { return unreadable() };
        if body.get("internetMessageHeaders").is_some() {
            return graph_error(
                400,
                "InvalidInternetMessageHeader",
                "Internet message headers can be added only when the message is created.",
            );
        }
        let mut changes = match extended(&body) {
            Ok(changes) => changes,
            Err(response) => return response,
        };
        let message = &mut self.users[i].folders[f].messages[at];
        if let Some(flags) = changes.get_mut(MESSAGE_FLAGS) {
            let asked = flags.trim().parse::<i64>().unwrap_or(0);
            let unsent = if message.is_draft { MF_UNSENT } else { 0 };
            *flags = ((asked & !MF_UNSENT) | unsent).to_string();
        }
        message.extended.extend(changes);
        if let Some(subject) = body["subject"].as_str() {
            message.subject = subject.to_string();
        }
        if let Some(content) = body["body"]["content"].as_str() {
            message.body = content.to_string();
        }
        Response::json(200, &Self::render(message, &View::everything()))
    }
}
