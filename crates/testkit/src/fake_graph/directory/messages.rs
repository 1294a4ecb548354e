//! Messages as the mailbox holds them, and the reads over them: `GET /users/{u}/messages` (every folder; "The
//! filter is applied to all instances of the resource in the signed-in user's mailbox",
//! learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get), `GET .../mailFolders/{f}/messages`,
//! and `GET .../messages/{id}`. Lists page 10 at a time with `@odata.nextLink` (learn.microsoft.com/graph/paging).
//! Extended properties come back only through `$expand` (same page), and `internetMessageHeaders` only when
//! `$select` names it ("Returned only on applying a $select query option", learn.microsoft.com/graph/api/resources/message);
//! `$select` returns the named properties and `id`, and refuses a name the message type lacks.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::super::odata::{expanded_properties, selected, MessageFilter};
use super::super::properties::PropertyId;
use super::super::{graph_error, page};
use super::mail::item_not_found;
use super::{Context, Directory};
use crate::http_wire::{Request, Response};

/// A message as the mailbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: String,
    /// The `Message-ID` (with its angle brackets), or the JSON `internetMessageId`, or one the double made.
    pub internet_message_id: String,
    /// False only for `importMime` and for JSON created with PidTagMessageFlags without mfUnsent.
    pub is_draft: bool,
    /// The MIME bytes as received (base64-decoded); empty for JSON-created messages.
    pub mime: Vec<u8>,
    pub subject: String,
    /// RFC 3339 UTC with `Z`, like every date below.
    pub created_date_time: String,
    pub received_date_time: Option<String>,
    pub sent_date_time: Option<String>,
    /// Single-value extended properties: normalised id (`fake_graph::normalize_property_id`) to value.
    pub extended: BTreeMap<String, String>,
    /// `internetMessageHeaders`: the MIME head's fields, or the JSON's `x-` headers.
    pub headers: Vec<(String, String)>,
    pub attachments: Vec<StoredAttachment>,
    /// How it was created: `"importMime"`, `"json"` or `"mime-draft"`.
    pub route: &'static str,
    pub folder_id: String,
    /// Sender and recipient addresses.
    pub from: Option<String>,
    pub to_recipients: Vec<String>,
    pub cc_recipients: Vec<String>,
    /// The JSON body's content (empty for MIME) and its type (`text` or `html`).
    pub body: String,
    pub body_content_type: String,
}

/// A file attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a read asks to see: `$select`ed properties (`None`: the default set) and `$expand`ed property ids.
pub(super) struct View {
    select: Option<Vec<&'static str>>,
    expand: Vec<String>,
}

impl View {
    pub fn everything() -> View {
        View { select: None, expand: Vec::new() }
    }

    pub fn of(request: &Request) -> Result<View, Response> {
        let select = match request.param("$select") {
            Some(text) => Some(selected(text).map_err(|name| {
                graph_error(
                    400,
                    "RequestBroker--ParseUri",
                    &format!("Could not find a property named '{name}' on type 'microsoft.graph.message'."),
                )
            })?),
            None => None,
        };
        let expand = match request.param("$expand") {
            Some(text) => expanded_properties(text)
                .ok_or_else(|| graph_error(400, "BadRequest", "Unsupported $expand."))?,
            None => Vec::new(),
        };
        Ok(View { select, expand })
    }
}

fn recipients(addresses: &[String]) -> Value {
    addresses.iter().map(|a| json!({"emailAddress": {"name": a, "address": a}})).collect()
}

impl Directory {
    pub(super) fn render(message: &StoredMessage, view: &View) -> Value {
        let from = message.from.as_ref().map(|a| json!({"emailAddress": {"name": a, "address": a}}));
        let mut all = json!({
            "id": message.id, "internetMessageId": message.internet_message_id, "isDraft": message.is_draft,
            "subject": message.subject, "createdDateTime": message.created_date_time,
            "lastModifiedDateTime": message.created_date_time, "receivedDateTime": message.received_date_time,
            "sentDateTime": message.sent_date_time, "parentFolderId": message.folder_id,
            "hasAttachments": !message.attachments.is_empty(), "from": from, "sender": from,
            "toRecipients": recipients(&message.to_recipients), "ccRecipients": recipients(&message.cc_recipients),
            "body": {"contentType": message.body_content_type, "content": message.body},
            "isRead": !message.is_draft,
        });
        if let Some(select) = &view.select {
            let headers: Vec<Value> =
                message.headers.iter().map(|(name, value)| json!({"name": name, "value": value})).collect();
            all["internetMessageHeaders"] = Value::from(headers);
            let mut picked = serde_json::Map::new();
            for name in ["id"].iter().chain(select.iter()) {
                picked.insert(name.to_string(), all.get(*name).cloned().unwrap_or(Value::Null));
            }
            all = Value::Object(picked);
        }
        let expanded: Vec<Value> = view
            .expand
            .iter()
            .filter_map(|key| {
                let value = message.extended.get(key)?;
                let id = PropertyId::parse(key).map_or(key.clone(), |p| p.display());
                Some(json!({"id": id, "value": value}))
            })
            .collect();
        if !expanded.is_empty() {
            all["singleValueExtendedProperties"] = Value::from(expanded);
        }
        all
    }

    pub(super) fn list_messages(&mut self, key: &str, folder: Option<&str>, cx: &Context<'_>) -> Response {
        let i = match self.mailbox(key, cx, &["Mail.ReadWrite", "Mail.Read"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let folder = match folder {
            Some(folder) => match self.folder_index(i, folder) {
                Some(f) => Some(f),
                None => return item_not_found(),
            },
            None => None,
        };
        let view = match View::of(cx.request) {
            Ok(view) => view,
            Err(response) => return response,
        };
        let filter = match cx.request.param("$filter") {
            Some(text) => match MessageFilter::parse(text) {
                Some(filter) => Some(filter),
                None => return graph_error(400, "BadRequest", "Unsupported filter."),
            },
            None => None,
        };
        let items = self.users[i]
            .folders
            .iter()
            .enumerate()
            .filter(|(f, _)| folder.is_none_or(|wanted| wanted == *f))
            .flat_map(|(_, f)| f.messages.iter())
            .filter(|m| filter.as_ref().is_none_or(|filter| matches(filter, m)))
            .map(|m| Self::render(m, &view))
            .collect();
        page(items, cx)
    }

    pub(super) fn get_message(
        &mut self,
        key: &str,
        folder: Option<&str>,
        id: &str,
        cx: &Context<'_>,
    ) -> Response {
        let i = match self.mailbox(key, cx, &["Mail.ReadWrite", "Mail.Read"]) {
            Ok(i) => i,
            Err(response) => return response,
        };
        let view = match View::of(cx.request) {
            Ok(view) => view,
            Err(response) => return response,
        };
        match self.find(i, folder, id) {
            Some((f, at)) => {
                Response::json(200, &Self::render(&self.users[i].folders[f].messages[at], &view))
            }
            None => item_not_found(),
        }
    }

    /// A message by id, in `folder` when one is named in the path (a folder id or well-known name).
    pub(super) fn find(&mut self, user: usize, folder: Option<&str>, id: &str) -> Option<(usize, usize)> {
        let wanted = match folder {
            Some(folder) => Some(self.folder_index(user, folder)?),
            None => None,
        };
        self.locate(user, id).filter(|(f, _)| wanted.is_none_or(|w| w == *f))
    }

    /// The (user, folder, position) of message `id` in `key`'s mailbox (in `folder` when given), after the
    /// mailbox and permission checks; or the answer Graph gives when it cannot be reached.
    pub(super) fn message_at(
        &mut self,
        key: &str,
        folder: Option<&str>,
        id: &str,
        cx: &Context<'_>,
        permissions: &[&str],
    ) -> Result<(usize, usize, usize), Response> {
        let i = self.mailbox(key, cx, permissions)?;
        let (f, at) = self.find(i, folder, id).ok_or_else(item_not_found)?;
        Ok((i, f, at))
    }

    /// Files a new message and answers 201 with it.
    pub(super) fn store(&mut self, user: usize, folder: usize, message: StoredMessage) -> Response {
        let json = Self::render(&message, &View::everything());
        self.users[user].folders[folder].messages.push(message);
        Response::json(201, &json)
    }
}

fn matches(filter: &MessageFilter, message: &StoredMessage) -> bool {
    match filter {
        MessageFilter::MessageId(id) => message.internet_message_id == *id,
        MessageFilter::Extended { id, value } => message
            .extended
            .get(id)
            .is_some_and(|stored| value.as_ref().is_none_or(|v| v.to_lowercase() == stored.to_lowercase())),
    }
}
