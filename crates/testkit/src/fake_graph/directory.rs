//! The Graph double's in-memory tenant: users and their mailboxes (folders, messages, attachments, upload
//! sessions), app registrations with their client secrets, and service principals; and the endpoints over them
//! (routed here). Each endpoint checks the permission real Graph requires (learn.microsoft.com/graph/permissions-reference)
//! and answers with Graph's shapes and status codes (learn.microsoft.com/graph/errors).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

mod apps;
mod json_create;
mod mail;
mod messages;
mod uploads;

pub use messages::{StoredAttachment, StoredMessage};
pub(crate) use uploads::UploadSession;

use super::{eq_filter, graph_error, page, Caller};
use crate::fake_entra::{App, EntraState};
use crate::http_wire::{Request, Response};

/// Microsoft Graph's own app id, the resource of every Graph permission.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Graph application permissions the double's Graph service principal offers: (id, value). The first three
/// ids are Microsoft's; the last is made up for the double.
pub const GRAPH_ROLES: [(&str, &str); 5] = [
    ("df021288-bdef-4463-88db-98f22de89214", "User.Read.All"),
    ("e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Mail.ReadWrite"),
    ("40f97065-369a-49f4-947c-6a255697ae91", "MailboxSettings.Read"),
    ("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All"),
    ("aaaa0000-fake-4000-8000-mailadvanced1", "Mail-Advanced.ReadWrite.All"),
];

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub upn: String,
    pub display_name: String,
    pub has_mailbox: bool,
    folders: Vec<Folder>,
}

#[derive(Debug, Clone)]
struct Folder {
    id: String,
    display_name: String,
    messages: Vec<StoredMessage>,
}

/// Well-known folder names Graph accepts in place of a folder id, and their display names.
const WELL_KNOWN: [(&str, &str); 5] = [
    ("inbox", "Inbox"),
    ("drafts", "Drafts"),
    ("sentitems", "Sent Items"),
    ("deleteditems", "Deleted Items"),
    ("archive", "Archive"),
];

/// An app registration as Graph holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredApplication {
    /// The object id (`/applications/{id}`).
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    /// `(keyId, displayName, endDateTime)` of each client secret; the values are never stored here.
    pub passwords: Vec<(String, String, String)>,
    /// Graph application permissions declared (values).
    pub required_roles: BTreeSet<String>,
}

#[derive(Debug)]
pub(crate) struct Directory {
    entra: Arc<EntraState>,
    users: Vec<User>,
    pub(crate) applications: Vec<StoredApplication>,
    /// app id -> service principal object id.
    pub(crate) service_principals: BTreeMap<String, String>,
    pub(crate) import_mime_enabled: bool,
    /// `importMime` stamps the import time as the received time instead of the MIME `Date` (Microsoft does
    /// not document which it keeps; tests use this to prove Docket notices).
    pub(crate) import_stamps_now: bool,
    /// Mailboxes (UPN or id, lowercase) an application access policy blocks for this app.
    pub(crate) blocked: BTreeSet<String>,
    /// Mailboxes RBAC for Applications keeps `Mail-Advanced.ReadWrite.All` (and so `importMime`) from.
    pub(crate) import_refused: BTreeSet<String>,
    /// Attachment upload sessions by the token in their upload URL.
    pub(crate) uploads: HashMap<String, UploadSession>,
    /// The mailboxes' maximum message size (Exchange Online's default: 35 MB).
    pub(crate) max_message_size: usize,
    next_id: u64,
}

pub(crate) struct Context<'a> {
    pub caller: &'a Caller,
    pub request: &'a Request,
    pub beta: bool,
    pub base: &'a str,
    pub page_size: usize,
}

fn forbidden() -> Response {
    graph_error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

fn mail_forbidden() -> Response {
    graph_error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
}

fn not_found(what: &str) -> Response {
    graph_error(
        404,
        "Request_ResourceNotFound",
        &format!("Resource '{what}' does not exist or one of its queried reference-property objects are not present."),
    )
}

fn json_body(request: &Request) -> Option<serde_json::Value> {
    let json = request.header("Content-Type").is_some_and(|t| t.starts_with("application/json"));
    json.then(|| serde_json::from_slice(&request.body).ok()).flatten()
}

impl Directory {
    pub fn new(entra: Arc<EntraState>) -> Directory {
        let mut dir = Directory {
            entra,
            users: Vec::new(),
            applications: Vec::new(),
            service_principals: BTreeMap::new(),
            import_mime_enabled: true,
            import_stamps_now: false,
            blocked: BTreeSet::new(),
            import_refused: BTreeSet::new(),
            uploads: HashMap::new(),
            max_message_size: 35 * 1024 * 1024,
            next_id: 1,
        };
        let graph_sp = dir.id("sp");
        dir.service_principals.insert(GRAPH_APP_ID.to_string(), graph_sp);
        // The app the Entra double knows with a secret is registered here too.
        let existing = crate::fake_entra::CLIENT_ID;
        if let Some(app) = dir.entra.app(existing) {
            let id = dir.id("app");
            dir.applications.push(StoredApplication {
                id,
                app_id: existing.to_string(),
                display_name: app.display_name,
                passwords: Vec::new(),
                required_roles: app.required_roles,
            });
            let sp = dir.id("sp");
            dir.service_principals.insert(existing.to_string(), sp);
        }
        dir
    }

    fn id(&mut self, kind: &str) -> String {
        self.next_id += 1;
        format!("{kind}-{:08x}-0000-4000-8000-{:012x}", self.next_id, self.next_id)
    }

    fn guid(&mut self) -> String {
        self.next_id += 1;
        format!("{:08x}-1111-4000-8000-{:012x}", self.next_id, self.next_id)
    }

    pub fn add_user(&mut self, upn: &str, display_name: &str, has_mailbox: bool) {
        let id = self.guid();
        self.users.push(User {
            id,
            upn: upn.to_string(),
            display_name: display_name.to_string(),
            has_mailbox,
            folders: Vec::new(),
        });
    }

    pub fn add_application(&mut self, display_name: &str, roles: &[&str]) -> StoredApplication {
        let (id, app_id) = (self.id("app"), self.guid());
        let required: BTreeSet<String> = roles.iter().map(|r| r.to_string()).collect();
        let stored = StoredApplication {
            id,
            app_id: app_id.clone(),
            display_name: display_name.to_string(),
            passwords: Vec::new(),
            required_roles: required.clone(),
        };
        self.applications.push(stored.clone());
        self.entra.register_app(App {
            app_id,
            display_name: display_name.to_string(),
            required_roles: required,
            ..App::default()
        });
        stored
    }

    fn user_index(&self, key: &str) -> Option<usize> {
        self.users.iter().position(|u| u.id.eq_ignore_ascii_case(key) || u.upn.eq_ignore_ascii_case(key))
    }

    pub fn messages(&self, mailbox: &str, folder: &str) -> Vec<StoredMessage> {
        self.user_index(mailbox)
            .and_then(|u| self.users[u].folders.iter().find(|f| f.display_name == folder))
            .map(|f| f.messages.clone())
            .unwrap_or_default()
    }

    pub fn all_messages(&self, mailbox: &str) -> Vec<StoredMessage> {
        self.user_index(mailbox)
            .map(|u| self.users[u].folders.iter().flat_map(|f| f.messages.iter().cloned()).collect())
            .unwrap_or_default()
    }

    pub fn folder_names(&self, mailbox: &str) -> Vec<String> {
        self.user_index(mailbox)
            .map(|u| self.users[u].folders.iter().map(|f| f.display_name.clone()).collect())
            .unwrap_or_default()
    }

    /// Moves a message to the folder named `folder` (created when missing), as a user would in Outlook. Like
    /// Exchange's default (not immutable) ids, the moved message gets a new id, which is returned.
    pub fn move_message(&mut self, mailbox: &str, id: &str, folder: &str) -> Option<String> {
        let u = self.user_index(mailbox)?;
        let (from, at) = self.locate(u, id)?;
        let to = match self.users[u].folders.iter().position(|f| f.display_name == folder) {
            Some(to) => to,
            None => self.add_folder(u, folder),
        };
        let mut message = self.users[u].folders[from].messages.remove(at);
        message.id = self.id("msg");
        message.folder_id = self.users[u].folders[to].id.clone();
        let new_id = message.id.clone();
        self.users[u].folders[to].messages.push(message);
        Some(new_id)
    }

    fn add_folder(&mut self, user: usize, name: &str) -> usize {
        let id = self.id("folder");
        self.users[user].folders.push(Folder { id, display_name: name.to_string(), messages: Vec::new() });
        self.users[user].folders.len() - 1
    }

    /// A folder by id, or by a well-known name (created on first use, as every real mailbox has them).
    fn folder_index(&mut self, user: usize, folder: &str) -> Option<usize> {
        if let Some(f) = self.users[user].folders.iter().position(|f| f.id == folder) {
            return Some(f);
        }
        let (_, name) = WELL_KNOWN.iter().find(|(key, _)| key.eq_ignore_ascii_case(folder))?;
        match self.users[user].folders.iter().position(|f| f.display_name == *name) {
            Some(f) => Some(f),
            None => Some(self.add_folder(user, name)),
        }
    }

    /// Where a message is: (folder, position), searching every folder.
    fn locate(&self, user: usize, id: &str) -> Option<(usize, usize)> {
        self.users[user]
            .folders
            .iter()
            .enumerate()
            .find_map(|(f, folder)| folder.messages.iter().position(|m| m.id == id).map(|at| (f, at)))
    }

    pub fn route(&mut self, path: &[String], cx: &Context<'_>) -> Response {
        let method = cx.request.method.as_str();
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        match (method, parts.as_slice()) {
            ("GET", ["applications"]) => self.list_applications(cx),
            ("POST", ["applications"]) => self.create_application(cx),
            ("POST", ["applications", id, "addPassword"]) => self.add_password(id, cx),
            ("GET", ["servicePrincipals"]) => self.list_service_principals(cx),
            ("POST", ["servicePrincipals"]) => self.create_service_principal(cx),
            ("GET", ["users"]) => self.find_users(cx),
            ("GET", ["users", user]) => self.get_user(user, cx),
            ("GET", ["users", user, "mailboxSettings"]) => self.mailbox_settings(user, cx),
            ("GET", ["users", user, "mailFolders"]) => self.list_folders(user, cx),
            ("POST", ["users", user, "mailFolders"]) => self.create_folder(user, cx),
            ("GET", ["users", user, "messages"]) => self.list_messages(user, None, cx),
            ("GET", ["users", user, "mailFolders", folder, "messages"]) => {
                self.list_messages(user, Some(folder), cx)
            }
            ("POST", ["users", user, "messages"]) => self.create_message(user, "drafts", cx),
            ("POST", ["users", user, "mailFolders", folder, "messages"]) => {
                self.create_message(user, folder, cx)
            }
            ("POST", ["users", user, "mailFolders", folder, "importMime"])
                if cx.beta && self.import_mime_enabled =>
            {
                self.import_mime(user, folder, cx)
            }
            (_, ["users", user, "messages", id, rest @ ..]) => self.message_route(user, None, id, rest, cx),
            (_, ["users", user, "mailFolders", folder, "messages", id, rest @ ..]) => {
                self.message_route(user, Some(folder), id, rest, cx)
            }
            (_, [.., last]) => {
                graph_error(400, "BadRequest", &format!("Resource not found for the segment '{last}'."))
            }
            _ => graph_error(400, "BadRequest", "Invalid request."),
        }
    }

    /// `/messages/{id}` and below, with or without the folder in the path.
    fn message_route(
        &mut self,
        user: &str,
        folder: Option<&str>,
        id: &str,
        rest: &[&str],
        cx: &Context<'_>,
    ) -> Response {
        match (cx.request.method.as_str(), rest) {
            ("GET", []) => self.get_message(user, folder, id, cx),
            ("PATCH", []) => self.patch_message(user, folder, id, cx),
            ("GET", ["attachments"]) => self.list_attachments(user, folder, id, cx),
            ("POST", ["attachments"]) => self.add_attachment(user, folder, id, cx),
            ("POST", ["attachments", "createUploadSession"]) => {
                self.create_upload_session(user, folder, id, cx)
            }
            (_, [.., last]) => {
                graph_error(400, "BadRequest", &format!("Resource not found for the segment '{last}'."))
            }
            _ => graph_error(405, "Request_BadRequest", "The HTTP method is not allowed for this resource."),
        }
    }

    fn user_json(user: &User) -> serde_json::Value {
        serde_json::json!({
            "id": user.id, "userPrincipalName": user.upn, "mail": if user.has_mailbox { Some(&user.upn) } else { None },
            "displayName": user.display_name,
        })
    }

    fn find_users(&self, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["User.Read.All", "User.ReadBasic.All"]) {
            return forbidden();
        }
        let filter = cx.request.param("$filter").unwrap_or("");
        let Some(mail) = eq_filter(filter, "mail") else {
            return graph_error(400, "BadRequest", "Unsupported filter.");
        };
        let items = self
            .users
            .iter()
            .filter(|u| u.has_mailbox && u.upn.eq_ignore_ascii_case(&mail))
            .map(Self::user_json)
            .collect();
        page(items, cx)
    }

    fn get_user(&self, key: &str, cx: &Context<'_>) -> Response {
        if !cx.caller.has_any(&["User.Read.All", "User.ReadBasic.All"]) {
            return forbidden();
        }
        match self.user_index(key) {
            Some(i) => Response::json(200, &Self::user_json(&self.users[i])),
            None => not_found(key),
        }
    }
}
