//! `GraphSink`: delivers each message straight into a mailbox folder through Microsoft Graph, with the app's
//! client-credentials token. Per (mailbox, folder) it finds or creates the folder once; per message it first
//! looks the Message-ID up in the folder (`$filter=internetMessageId eq '...'`) and skips it when present, so
//! a re-run creates no duplicate; then it imports the MIME with the beta `importMime` action (a normal,
//! non-draft message), or, where that action is missing or not permitted, creates it with
//! `POST .../messages` and base64 MIME, which Exchange always stores as a draft. Throttling (`Retry-After`,
//! 4 requests per mailbox, 10,000 per 10 minutes) lives in the Graph client. It never deletes or changes a
//! message.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use reqwest::Method;
use tokio::sync::OnceCell;

use super::{object_name, Delivery, Envelope, Sink, SinkError, StoredObject, Written};
use crate::identity::{Body, GraphClient, GraphError, GraphVersion, IdentityError};

/// How messages are created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// `importMime` (beta) while it works; the draft fallback once Graph says it is missing or not permitted.
    Auto,
    /// `importMime` only: a missing action or permission is an error.
    ImportMime,
    /// `POST .../messages` with MIME only (messages are drafts).
    DraftFallback,
}

const MODE_AUTO: u8 = 0;
const MODE_IMPORT: u8 = 1;
const MODE_DRAFT: u8 = 2;

type FolderCell = Arc<OnceCell<String>>;

/// Microsoft Graph as a target: one tenant, any mailbox the mapping names.
pub struct GraphSink {
    graph: Arc<GraphClient>,
    tenant_id: String,
    mode: AtomicU8,
    folders: Mutex<HashMap<(String, String), FolderCell>>,
    /// (mailbox, folder) pairs `list` reads, for `verify`.
    watched: Mutex<Vec<(String, String)>>,
}

impl std::fmt::Debug for GraphSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphSink")
            .field("tenant", &self.tenant_id)
            .field("graph", &self.graph)
            .finish_non_exhaustive()
    }
}

impl GraphSink {
    pub fn new(graph: Arc<GraphClient>, tenant_id: &str, mode: ImportMode) -> GraphSink {
        let mode = match mode {
            ImportMode::Auto => MODE_AUTO,
            ImportMode::ImportMime => MODE_IMPORT,
            ImportMode::DraftFallback => MODE_DRAFT,
        };
        GraphSink {
            graph,
            tenant_id: tenant_id.trim().to_ascii_lowercase(),
            mode: AtomicU8::new(mode),
            folders: Mutex::new(HashMap::new()),
            watched: Mutex::new(Vec::new()),
        }
    }

    /// The mode in effect now (`Auto` turns into `DraftFallback` when `importMime` is unavailable).
    pub fn mode(&self) -> ImportMode {
        match self.mode.load(Ordering::SeqCst) {
            MODE_IMPORT => ImportMode::ImportMime,
            MODE_DRAFT => ImportMode::DraftFallback,
            _ => ImportMode::Auto,
        }
    }

    /// Makes `list` (and so `docket verify`) read this mailbox folder.
    pub fn watch(&self, mailbox: &str, folder: &str) {
        let mut watched = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        let pair = (mailbox.to_lowercase(), folder.to_string());
        if !watched.contains(&pair) {
            watched.push(pair);
        }
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
                detail: "Graph created the folder but sent no id".into(),
                transient: true,
            }),
            // Created meanwhile (another Docket, or the admin): use it.
            Err(e) if e.graph_code() == Some("ErrorFolderExists") => {
                self.find_folder(mailbox, folder).await.map_err(|e| failure(e, mailbox, &name))?.ok_or_else(
                    || SinkError::Graph {
                        name,
                        detail: "the folder exists but cannot be found".into(),
                        transient: true,
                    },
                )
            }
            Err(e) => Err(failure(e, mailbox, &name)),
        }
    }

    /// The Graph id of the message with this Message-ID in the folder, if there is one.
    async fn find_message(
        &self,
        mailbox: &str,
        folder_id: &str,
        message_id: &str,
    ) -> Result<Option<String>, GraphError> {
        let filter = format!("internetMessageId eq '{}'", message_id.replace('\'', "''"));
        let url = self.graph.query_url(
            GraphVersion::V1,
            &["users", mailbox, "mailFolders", folder_id, "messages"],
            &[("$filter", &filter), ("$select", "id,internetMessageId")],
        );
        let found = self.graph.list(url, Some(mailbox)).await?;
        Ok(found.iter().find_map(|m| m["id"].as_str().map(str::to_string)))
    }

    async fn create(&self, mailbox: &str, folder_id: &str, mime: &str) -> Result<String, GraphError> {
        let body = Body::Text(mime.to_string());
        if self.mode.load(Ordering::SeqCst) != MODE_DRAFT {
            let url = self
                .graph
                .url(GraphVersion::Beta, &["users", mailbox, "mailFolders", folder_id, "importMime"]);
            match self.graph.send(Method::POST, url, Some(mailbox), &body).await {
                Ok(answer) => return created_id(answer.json, "importMime"),
                // Requests already in flight when another switched the mode land here too.
                Err(e) if unavailable(&e) && self.mode.load(Ordering::SeqCst) != MODE_IMPORT => {
                    if self.mode.swap(MODE_DRAFT, Ordering::SeqCst) == MODE_AUTO {
                        tracing::warn!(
                            error = %e,
                            "importMime is not available; messages are created with POST .../messages and are drafts"
                        );
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let url = self.graph.url(GraphVersion::V1, &["users", mailbox, "mailFolders", folder_id, "messages"]);
        let answer = self.graph.send(Method::POST, url, Some(mailbox), &body).await?;
        created_id(answer.json, "messages")
    }
}

/// Graph's answer to an action it does not have (`Resource not found for the segment`), or a permission the
/// app was not granted (`Mail-Advanced.ReadWrite.All`): the draft fallback applies.
fn unavailable(error: &GraphError) -> bool {
    match error {
        GraphError::Forbidden { .. } => true,
        GraphError::NotFound { code, .. } => code != "ErrorItemNotFound" && code != "ErrorInvalidUser",
        GraphError::Status { status: 400, code, message, .. } => {
            code == "BadRequest" && message.contains("Resource not found for the segment")
        }
        GraphError::Status { status: 405 | 501, .. } => true,
        _ => false,
    }
}

fn created_id(json: serde_json::Value, action: &str) -> Result<String, GraphError> {
    json["id"].as_str().map(str::to_string).ok_or_else(|| GraphError::Unexpected {
        request: format!("POST .../{action}"),
        detail: "no message id in the answer".into(),
    })
}

/// The `Message-ID` of the rendered message (with its angle brackets), read from its header.
fn message_id_of(bytes: &[u8]) -> Option<String> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..end]).replace("\r\n ", " ").replace("\r\n\t", " ");
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("message-id")
            .then(|| value.trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

fn failure(error: GraphError, mailbox: &str, name: &str) -> SinkError {
    match error {
        // Entra ID out of reach is a blip to retry; a refusal (bad secret, unknown app) stops the run.
        e @ GraphError::Token(IdentityError::Unreachable { .. }) => {
            SinkError::Graph { name: name.to_string(), transient: true, detail: e.to_string() }
        }
        GraphError::Token(e) => SinkError::GraphAuth { detail: e.to_string() },
        e @ GraphError::Unauthorized { .. } => SinkError::GraphAuth { detail: e.to_string() },
        GraphError::NotFound { code, message, .. }
            if matches!(
                code.as_str(),
                "ErrorInvalidUser" | "MailboxNotEnabledForRESTAPI" | "Request_ResourceNotFound"
            ) || code.starts_with("MailboxNotEnabled") =>
        {
            SinkError::MailboxNotFound { mailbox: mailbox.to_string(), detail: format!("{code}: {message}") }
        }
        e => SinkError::Graph { name: name.to_string(), transient: e.is_transient(), detail: e.to_string() },
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

    async fn put_tracked(&self, envelope: &Envelope<'_>) -> Result<Delivery, SinkError> {
        let name = envelope.object_name();
        let mailbox = envelope.mailbox;
        let Some(message_id) = message_id_of(envelope.bytes) else {
            return Err(SinkError::Graph {
                name,
                detail: "the message has no Message-ID header".into(),
                transient: false,
            });
        };
        let folder_id = self.folder_id(mailbox, envelope.folder).await?;
        if let Some(id) = self
            .find_message(mailbox, &folder_id, &message_id)
            .await
            .map_err(|e| failure(e, mailbox, &name))?
        {
            return Ok(Delivery { written: Written::AlreadyPresent, remote_id: Some(id) });
        }
        let mime = base64::engine::general_purpose::STANDARD.encode(envelope.bytes);
        let id = self.create(mailbox, &folder_id, &mime).await.map_err(|e| failure(e, mailbox, &name))?;
        Ok(Delivery { written: Written::Created, remote_id: Some(id) })
    }

    /// The messages in the watched folders, named as the other sinks name objects. Graph keeps no digest of the
    /// bytes Docket sent (Exchange rewrites MIME), so `sha256` is `None`.
    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        let watched = self.watched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut objects = Vec::new();
        for (mailbox, folder) in watched {
            let name = format!("{mailbox}/{folder}");
            let Some(folder_id) =
                self.find_folder(&mailbox, &folder).await.map_err(|e| failure(e, &mailbox, &name))?
            else {
                continue;
            };
            let segments = ["users", mailbox.as_str(), "mailFolders", folder_id.as_str(), "messages"];
            let url =
                self.graph.query_url(GraphVersion::V1, &segments, &[("$select", "id,internetMessageId")]);
            for message in
                self.graph.list(url, Some(&mailbox)).await.map_err(|e| failure(e, &mailbox, &name))?
            {
                let id = message["internetMessageId"].as_str().unwrap_or_default();
                let key =
                    id.trim_start_matches('<').trim_end_matches('>').trim_end_matches("@docket.invalid");
                objects.push(StoredObject {
                    name: object_name(&mailbox, &folder, key),
                    sha256: None,
                    size: 0,
                });
            }
        }
        Ok(objects)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_id_is_read_from_the_header_block_only() {
        let mime = b"From: a@b\r\nMessage-ID:\r\n <k1@docket.invalid>\r\n\r\nMessage-ID: <body@x>\r\n";
        assert_eq!(message_id_of(mime).as_deref(), Some("<k1@docket.invalid>"));
        assert_eq!(message_id_of(b"From: a@b\r\n\r\nbody"), None);
    }
}
