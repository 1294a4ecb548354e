//! `GraphSink`: delivers each message into a mailbox folder through Microsoft Graph, with the app's
//! client-credentials token, as a normal received message with the item's own time, and reads its state
//! back. Never a draft unless the admin allowed drafts.
//!
//! How a message is created, chosen per mailbox (never for the whole run):
//! - `importMime` (beta; Global cloud only; `Mail-Advanced.ReadWrite.All`): Graph documents that it creates
//!   "a non-draft message ... directly from MIME content" and keeps the full MIME. Used where the cloud has
//!   it, until Graph refuses it for a mailbox (403: RBAC for Applications can scope the permission away
//!   from some mailboxes), and while the base64 body stays under Graph's 4 MB request limit.
//! - The JSON route (`json_message`) everywhere else: a `message` resource with `PidTagMessageFlags` set at
//!   creation (read, not unsent), the delivery and submit times, Docket's key and digest, and attachments
//!   of 3 MB or more through upload sessions (`upload`). Items up to the 10 MB item limit are delivered.
//! - A MIME create (`POST .../messages` with base64 MIME), which Exchange always stores as a draft, only
//!   when the connector allows drafts and `importMime` is out of reach; such messages are counted apart.
//!
//! Idempotence is mailbox-wide: before creating, when the pipeline says the item may exist already
//! (`Envelope::look_first`), the message is looked up by Docket's item-key property in every folder; with
//! the same digest it is already present, with another it is a conflict. On the happy path an item costs
//! one request. A refusal for one mailbox (an access policy, no mailbox) fails that mailbox's deliveries
//! and changes nothing for the others. Throttling (`Retry-After`, 4 requests per mailbox, 10,000 per 10
//! minutes) lives in the Graph client. It never deletes or changes a message Docket did not just create.

mod json_message;
mod lookup;
mod upload;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use reqwest::Method;
use tokio::sync::OnceCell;

pub use json_message::{header_property_id, DIGEST_HEADER, KEY_HEADER, REQUEST_LIMIT};
pub use lookup::Found;

use super::{
    judge_existing, object_name, Delivery, Envelope, MailboxState, Sink, SinkError, StoredObject, Written,
};
use crate::identity::{Body, GraphClient, GraphError, GraphVersion, IdentityError};

/// How a connector lets messages be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphRoutes {
    /// The cloud has `importMime` (Microsoft documents it for the Global service only).
    pub import_mime: bool,
    /// The admin allowed drafts: where `importMime` is out of reach, keep the full MIME as a draft instead
    /// of creating a non-draft through the JSON route.
    pub allow_drafts: bool,
}

impl GraphRoutes {
    /// The routes of a cloud, with drafts not allowed.
    pub fn for_cloud(cloud: &crate::identity::Cloud) -> GraphRoutes {
        GraphRoutes { import_mime: cloud.has_import_mime(), allow_drafts: false }
    }
}

/// Room under the 4 MB limit kept for the request line and headers.
const MIME_MARGIN: usize = 16 * 1024;

type FolderCell = Arc<OnceCell<String>>;

/// Microsoft Graph as a target: one tenant, any mailbox the mapping names.
pub struct GraphSink {
    graph: Arc<GraphClient>,
    tenant_id: String,
    routes: GraphRoutes,
    /// Graph said the action does not exist (a cloud or tenant without it): learned once.
    no_import_mime: AtomicBool,
    /// Mailboxes for which Graph refused `importMime`.
    json_only: Mutex<HashSet<String>>,
    folders: Mutex<HashMap<(String, String), FolderCell>>,
    /// (mailbox, folder) pairs `list` reads, for `verify`.
    watched: Mutex<Vec<(String, String)>>,
}

impl std::fmt::Debug for GraphSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphSink")
            .field("tenant", &self.tenant_id)
            .field("graph", &self.graph)
            .field("routes", &self.routes)
            .finish_non_exhaustive()
    }
}

impl GraphSink {
    pub fn new(graph: Arc<GraphClient>, tenant_id: &str, routes: GraphRoutes) -> GraphSink {
        GraphSink {
            graph,
            tenant_id: tenant_id.trim().to_ascii_lowercase(),
            routes,
            no_import_mime: AtomicBool::new(!routes.import_mime),
            json_only: Mutex::new(HashSet::new()),
            folders: Mutex::new(HashMap::new()),
            watched: Mutex::new(Vec::new()),
        }
    }

    pub fn routes(&self) -> GraphRoutes {
        self.routes
    }

    pub fn graph(&self) -> &Arc<GraphClient> {
        &self.graph
    }

    /// Makes `list` (and so `docket verify`) read this mailbox folder.
    pub fn watch(&self, mailbox: &str, folder: &str) {
        let mut watched = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        let pair = (mailbox.to_lowercase(), folder.to_string());
        if !watched.contains(&pair) {
            watched.push(pair);
        }
    }

    /// The message Graph knows by `id` in `mailbox`, or else the one carrying `key` anywhere in it (a moved
    /// message may get a new id), with its state: what `verify` checks.
    pub async fn read_back(
        &self,
        mailbox: &str,
        id: Option<&str>,
        key: &str,
    ) -> Result<Option<Found>, SinkError> {
        let name = format!("{mailbox}/{key}");
        if let Some(id) = id {
            if let Some(found) =
                lookup::get(&self.graph, mailbox, id).await.map_err(|e| failure(e, mailbox, &name))?
            {
                return Ok(Some(found));
            }
        }
        lookup::find_by_key(&self.graph, mailbox, key).await.map_err(|e| failure(e, mailbox, &name))
    }

    /// The folder's id, found or created once per run.
    async fn folder_id(&self, mailbox: &str, folder: &str) -> Result<String, SinkError> {
        let cell = {
            let mut folders = self.folders.lock().unwrap_or_else(|p| p.into_inner());
            folders.entry((mailbox.to_string(), folder.to_string())).or_default().clone()
        };
        cell.get_or_try_init(|| self.find_or_create_folder(mailbox, folder)).await.cloned()
    }

    async fn find_folder(&self, mailbox: &str, folder: &str) -> Result<Option<String>, GraphError> {
        let filter = format!("displayName eq '{}'", folder.replace('\'', "''"));
        let url = self.graph.query_url(
            GraphVersion::V1,
            &["users", mailbox, "mailFolders"],
            &[("$filter", &filter), ("$select", "id,displayName")],
        );
        let found = self.graph.list(url, Some(mailbox)).await?;
        Ok(found.iter().find_map(|f| f["id"].as_str().map(str::to_string)))
    }

    async fn find_or_create_folder(&self, mailbox: &str, folder: &str) -> Result<String, SinkError> {
        let name = format!("{mailbox}/{folder}");
        if let Some(id) = self.find_folder(mailbox, folder).await.map_err(|e| failure(e, mailbox, &name))? {
            return Ok(id);
        }
        let url = self.graph.url(GraphVersion::V1, &["users", mailbox, "mailFolders"]);
        let body = Body::Json(serde_json::json!({ "displayName": folder }));
        match self.graph.send(Method::POST, url, Some(mailbox), &body).await {
            Ok(answer) => answer.json["id"].as_str().map(str::to_string).ok_or_else(|| SinkError::Graph {
                name,
                detail: crate::text!(
                    "sink.graph.folder_without_id",
                    "Graph created the folder but sent no id"
                ),
                transient: true,
            }),
            // Created meanwhile (another Docket, or the admin): use it.
            Err(e) if e.graph_code() == Some("ErrorFolderExists") => {
                self.find_folder(mailbox, folder).await.map_err(|e| failure(e, mailbox, &name))?.ok_or_else(
                    || SinkError::Graph {
                        name,
                        detail: crate::text!(
                            "sink.graph.folder_not_found",
                            "the folder exists but cannot be found"
                        ),
                        transient: true,
                    },
                )
            }
            Err(e) => Err(failure(e, mailbox, &name)),
        }
    }

    fn import_mime_possible(&self, mailbox: &str) -> bool {
        !self.no_import_mime.load(Ordering::SeqCst)
            && !self.json_only.lock().unwrap_or_else(|p| p.into_inner()).contains(mailbox)
    }

    /// Creates the message by the first route that works for this mailbox; the answer is Graph's message.
    async fn create(&self, envelope: &Envelope<'_>, folder_id: &str) -> Result<Found, GraphError> {
        let mailbox = envelope.mailbox;
        let mime = json_message::mime_with_identity(envelope.bytes, envelope.key, envelope.sha256);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&mime);
        let fits = encoded.len() + MIME_MARGIN <= REQUEST_LIMIT;
        if fits && self.import_mime_possible(mailbox) {
            let url = self
                .graph
                .url(GraphVersion::Beta, &["users", mailbox, "mailFolders", folder_id, "importMime"]);
            match self.graph.send(Method::POST, url, Some(mailbox), &Body::Text(encoded.clone())).await {
                Ok(answer) => {
                    let found = created(&answer.json, "importMime")?;
                    self.check_import_time(mailbox, envelope.bytes, &found);
                    return Ok(found);
                }
                Err(e) if action_missing(&e) => {
                    if !self.no_import_mime.swap(true, Ordering::SeqCst) {
                        tracing::info!(
                            "importMime is not available here; messages are created through the JSON route"
                        );
                    }
                }
                Err(e @ GraphError::Forbidden { .. }) => {
                    tracing::info!(%mailbox, error = %e, "importMime refused for this mailbox; using the JSON route for it");
                    self.json_only.lock().unwrap_or_else(|p| p.into_inner()).insert(mailbox.to_string());
                }
                Err(e) => return Err(e),
            }
        }
        if fits && self.routes.allow_drafts {
            let url =
                self.graph.url(GraphVersion::V1, &["users", mailbox, "mailFolders", folder_id, "messages"]);
            let answer = self.graph.send(Method::POST, url, Some(mailbox), &Body::Text(encoded)).await?;
            return created(&answer.json, "mime-draft");
        }
        self.create_json(envelope, folder_id).await
    }

    /// Microsoft does not document which received time `importMime` gives a message. If a mailbox shows one
    /// that is not the message's own `Date`, the item is reported (`wrong_time`, by the pipeline) and the rest
    /// of that mailbox's items take the JSON route, which sets the time explicitly.
    fn check_import_time(&self, mailbox: &str, bytes: &[u8], found: &Found) {
        let Some(date) = mail_parser::MessageParser::default()
            .parse_headers(bytes)
            .and_then(|m| m.date().map(|d| d.to_timestamp()))
        else {
            return;
        };
        let Some(expected) = chrono::DateTime::from_timestamp(date, 0) else { return };
        let off = lookup::seconds_off(found.state.received.as_deref(), &expected);
        if off.is_none_or(|seconds| seconds > 60) {
            tracing::warn!(%mailbox, "importMime gave a message a received time other than its own; this mailbox now takes the JSON route");
            self.json_only.lock().unwrap_or_else(|p| p.into_inner()).insert(mailbox.to_string());
        }
    }

    /// The JSON route. With large attachments the digest is stamped only after the last one is on, so a
    /// message interrupted half-way is found without a digest and completed rather than copied.
    async fn create_json(&self, envelope: &Envelope<'_>, folder_id: &str) -> Result<Found, GraphError> {
        let mailbox = envelope.mailbox;
        let mut message = json_message::build(envelope.bytes, envelope.key, envelope.sha256)
            .map_err(|e| GraphError::Unexpected { request: "POST .../messages".into(), detail: e.text() })?;
        let deferred_digest = !message.large.is_empty();
        if deferred_digest {
            if let Some(props) = message.body["singleValueExtendedProperties"].as_array_mut() {
                let digest_id = header_property_id(DIGEST_HEADER);
                props.retain(|p| p["id"] != digest_id.as_str());
            }
        }
        let url = self.graph.url(GraphVersion::V1, &["users", mailbox, "mailFolders", folder_id, "messages"]);
        let answer = self.graph.send(Method::POST, url, Some(mailbox), &Body::Json(message.body)).await?;
        let mut found = created(&answer.json, "json")?;
        if deferred_digest {
            self.finish_large(mailbox, &found.id, &message.large, envelope.sha256).await?;
            found.sha256 = Some(envelope.sha256.to_string());
        }
        Ok(found)
    }

    /// Uploads the attachments that could not travel inline, then stamps the digest.
    async fn finish_large(
        &self,
        mailbox: &str,
        message_id: &str,
        large: &[json_message::LargeAttachment],
        sha256: &str,
    ) -> Result<(), GraphError> {
        for attachment in large {
            upload::attach(&self.graph, mailbox, message_id, attachment).await?;
        }
        let url = self.graph.url(GraphVersion::V1, &["users", mailbox, "messages", message_id]);
        let body = Body::Json(serde_json::json!({
            "singleValueExtendedProperties": [{ "id": header_property_id(DIGEST_HEADER), "value": sha256 }]
        }));
        self.graph.send(Method::PATCH, url, Some(mailbox), &body).await?;
        Ok(())
    }

    /// A message found by its key before writing: the same digest is already present; a message still
    /// without one was interrupted while its attachments went up on the JSON route, and is completed.
    async fn settle_found(&self, envelope: &Envelope<'_>, found: Found) -> Result<Delivery, SinkError> {
        let name = envelope.object_name();
        match found.sha256.as_deref() {
            Some(sha) if sha == envelope.sha256 => Ok(Delivery {
                written: Written::AlreadyPresent,
                remote_id: Some(found.id),
                mailbox_state: Some(found.state),
            }),
            // Other bytes: the same record rendered differently is kept as it is; another record conflicts.
            Some(sha) => {
                let record = lookup::record_digest(&self.graph, envelope.mailbox, &found.id)
                    .await
                    .map_err(|e| failure(e, envelope.mailbox, &name))?;
                let written =
                    judge_existing(&name, envelope.sha256, envelope.record_sha256, sha, record.as_deref())?;
                Ok(Delivery { written, remote_id: Some(found.id), mailbox_state: Some(found.state) })
            }
            None => {
                let message =
                    json_message::build(envelope.bytes, envelope.key, envelope.sha256).map_err(|e| {
                        SinkError::Graph { name: name.clone(), detail: e.text(), transient: false }
                    })?;
                let have = self
                    .attachment_names(envelope.mailbox, &found.id)
                    .await
                    .map_err(|e| failure(e, envelope.mailbox, &name))?;
                let missing: Vec<_> = message.large.into_iter().filter(|a| !have.contains(&a.name)).collect();
                self.finish_large(envelope.mailbox, &found.id, &missing, envelope.sha256)
                    .await
                    .map_err(|e| failure(e, envelope.mailbox, &name))?;
                Ok(Delivery {
                    written: Written::Created,
                    remote_id: Some(found.id),
                    mailbox_state: Some(found.state),
                })
            }
        }
    }

    async fn attachment_names(&self, mailbox: &str, message_id: &str) -> Result<HashSet<String>, GraphError> {
        let url = self.graph.query_url(
            GraphVersion::V1,
            &["users", mailbox, "messages", message_id, "attachments"],
            &[("$select", "id,name,size")],
        );
        let found = self.graph.list(url, Some(mailbox)).await?;
        Ok(found.iter().filter_map(|a| a["name"].as_str().map(str::to_string)).collect())
    }
}

/// Graph's answer to an action it does not have (`Resource not found for the segment`): the cloud or tenant
/// lacks `importMime`.
fn action_missing(error: &GraphError) -> bool {
    match error {
        GraphError::Status { status: 400, code, message, .. } => {
            code == "BadRequest" && message.contains("Resource not found for the segment")
        }
        GraphError::NotFound { code, .. } => {
            code != "ErrorItemNotFound"
                && code != "ErrorInvalidUser"
                && !code.starts_with("MailboxNotEnabled")
        }
        GraphError::Status { status: 405 | 501, .. } => true,
        _ => false,
    }
}

fn created(json: &serde_json::Value, route: &'static str) -> Result<Found, GraphError> {
    let mut found = lookup::parse(json).ok_or_else(|| GraphError::Unexpected {
        request: format!("POST .../{route}"),
        detail: crate::text!("graph.no_message_id", "no message id in the answer"),
    })?;
    found.state.route = Some(route);
    Ok(found)
}

fn failure(error: GraphError, mailbox: &str, name: &str) -> SinkError {
    match error {
        // Entra ID out of reach is a blip to retry; a refusal (bad secret, unknown app) stops the run.
        e @ GraphError::Token(IdentityError::Unreachable { .. }) => {
            SinkError::Graph { name: name.to_string(), transient: true, detail: e.text() }
        }
        GraphError::Token(e) => SinkError::GraphAuth { detail: e.text() },
        e @ GraphError::Unauthorized { .. } => SinkError::GraphAuth { detail: e.text() },
        GraphError::NotFound { code, message, .. }
            if matches!(
                code.as_str(),
                "ErrorInvalidUser" | "MailboxNotEnabledForRESTAPI" | "Request_ResourceNotFound"
            ) || code.starts_with("MailboxNotEnabled") =>
        {
            SinkError::MailboxNotFound {
                mailbox: mailbox.to_string(),
                detail: crate::Text::verbatim(format!("{code}: {message}")),
            }
        }
        GraphError::Forbidden { code, message, .. } if code == "ErrorAccessDenied" => {
            SinkError::MailboxRefused {
                mailbox: mailbox.to_string(),
                detail: crate::Text::verbatim(format!("{code}: {message}")),
            }
        }
        e => SinkError::Graph { name: name.to_string(), transient: e.is_transient(), detail: e.text() },
    }
}

#[async_trait::async_trait]
impl Sink for GraphSink {
    fn target_id(&self) -> String {
        format!("graph:{}", self.tenant_id)
    }

    /// Graph needs nothing made ready per run: folders are found or created per mailbox on first use.
    async fn prepare(&self) -> Result<(), SinkError> {
        Ok(())
    }

    async fn put(&self, envelope: &Envelope<'_>) -> Result<Written, SinkError> {
        Ok(self.put_tracked(envelope).await?.written)
    }

    fn allows_drafts(&self) -> bool {
        self.routes.allow_drafts
    }

    async fn put_tracked(&self, envelope: &Envelope<'_>) -> Result<Delivery, SinkError> {
        let name = envelope.object_name();
        let mailbox = envelope.mailbox;
        let folder_id = self.folder_id(mailbox, envelope.folder).await?;
        if envelope.look_first {
            let found = lookup::find_by_key(&self.graph, mailbox, envelope.key)
                .await
                .map_err(|e| failure(e, mailbox, &name))?;
            if let Some(found) = found {
                return self.settle_found(envelope, found).await;
            }
        }
        let found = self.create(envelope, &folder_id).await.map_err(|e| failure(e, mailbox, &name))?;
        Ok(Delivery {
            written: Written::Created,
            remote_id: Some(found.id),
            mailbox_state: Some(found.state),
        })
    }

    /// The messages in the watched folders, named as the other sinks name objects, with the digest Docket
    /// stamped on them (Exchange rewrites MIME, so the bytes themselves cannot be hashed).
    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        let watched = self.watched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut objects = Vec::new();
        let expand = lookup::expand();
        for (mailbox, folder) in watched {
            let name = format!("{mailbox}/{folder}");
            let Some(folder_id) =
                self.find_folder(&mailbox, &folder).await.map_err(|e| failure(e, &mailbox, &name))?
            else {
                continue;
            };
            let segments = ["users", mailbox.as_str(), "mailFolders", folder_id.as_str(), "messages"];
            let url = self.graph.query_url(
                GraphVersion::V1,
                &segments,
                &[("$select", "id,internetMessageId,isDraft"), ("$expand", &expand)],
            );
            for message in
                self.graph.list(url, Some(&mailbox)).await.map_err(|e| failure(e, &mailbox, &name))?
            {
                let id = message["internetMessageId"].as_str().unwrap_or_default();
                let key =
                    id.trim_start_matches('<').trim_end_matches('>').trim_end_matches("@docket.invalid");
                let sha256 = lookup::parse(&message).and_then(|found| found.sha256);
                objects.push(StoredObject { name: object_name(&mailbox, &folder, key), sha256, size: 0 });
            }
        }
        Ok(objects)
    }
}

/// The state a freshly created or found message must be in to count as archived: not a draft (unless
/// drafts are allowed) and received within a minute of the item's time. The problem's reason
/// (`draft`, `wrong_time`) and its sentence.
pub fn mailbox_state_problem(
    state: &MailboxState,
    item_time: &str,
    allow_drafts: bool,
) -> Option<(&'static str, crate::Text)> {
    use crate::text;
    if state.is_draft && !allow_drafts {
        return Some((
            "draft",
            text!(
                "sink.graph.stored_as_draft",
                "Microsoft 365 stored the message as a draft, which is not archived as received mail; \
                 the message is left in place and not counted as delivered"
            ),
        ));
    }
    let expected = chrono::DateTime::parse_from_rfc3339(item_time).ok()?.with_timezone(&chrono::Utc);
    if state.is_draft {
        return None;
    }
    match lookup::seconds_off(state.received.as_deref(), &expected) {
        Some(off) if off <= 60 => None,
        Some(off) => Some((
            "wrong_time",
            text!(
                "sink.graph.wrong_time",
                "the mailbox shows the message received at {received} ({seconds} s from the item's time \
                 {item_time}); it is left in place and not counted as delivered",
                received = state.received.as_deref().unwrap_or("?"),
                seconds = off,
                item_time = item_time
            ),
        )),
        None => Some((
            "wrong_time",
            text!("sink.graph.no_received_time", "the mailbox gives the message no received time"),
        )),
    }
}
