//! The mapping step's directory check: every mailbox the mapping can produce is resolved through Graph with
//! the app's token (`GET /users/{address}`, then by `mail`), and its mailbox settings and target folder are
//! read. The report says which addresses are not Microsoft 365 users (their items would not be imported) and
//! which have no mailbox, before any run. It changes nothing in the tenant.

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::graph_client::{GraphClient, GraphError, GraphVersion};

/// Addresses checked at once (Graph throttles per mailbox, so this is about the tenant's directory).
const PARALLEL_CHECKS: usize = 8;

/// What Graph says about one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MailboxStatus {
    /// A user with a mailbox Docket can deliver to.
    Ok,
    /// No user has this address: items for it are not imported.
    NotAUser,
    /// A user without an Exchange Online mailbox (no licence, or hosted on-premises).
    NoMailbox,
    /// Graph refused to show the mailbox (missing permission or an application access policy).
    AccessDenied,
}

/// One address's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailboxCheck {
    pub address: String,
    pub status: MailboxStatus,
    pub display_name: Option<String>,
    /// Whether the target folder exists already (Docket creates it on the first delivery); `None` when the
    /// mailbox could not be read.
    pub folder_exists: Option<bool>,
    /// Graph's words when something was wrong.
    pub detail: Option<String>,
}

/// The whole check, in address order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailboxReport {
    pub folder: String,
    pub mailboxes: Vec<MailboxCheck>,
    /// Addresses that are not Microsoft 365 users.
    pub unknown: Vec<String>,
    /// Addresses of users without a mailbox, or whose mailbox Graph refused to show.
    pub unusable: Vec<String>,
}

impl MailboxReport {
    pub fn all_ok(&self) -> bool {
        self.unknown.is_empty() && self.unusable.is_empty()
    }
}

/// Resolves every address (deduplicated, lowercase) and reports each. An error that is not about one address
/// (a refused token, Graph unreachable) ends the check.
pub async fn check_mailboxes(
    graph: &GraphClient,
    addresses: impl IntoIterator<Item = String>,
    folder: &str,
) -> Result<MailboxReport, GraphError> {
    let mut unique: Vec<String> =
        addresses.into_iter().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect();
    unique.sort();
    unique.dedup();
    let results: Vec<Result<MailboxCheck, GraphError>> =
        stream::iter(unique.into_iter().map(|address| check_one(graph, address, folder)))
            .buffered(PARALLEL_CHECKS)
            .collect()
            .await;
    let mut report = MailboxReport {
        folder: folder.to_string(),
        mailboxes: Vec::new(),
        unknown: Vec::new(),
        unusable: Vec::new(),
    };
    for result in results {
        let check = result?;
        match check.status {
            MailboxStatus::Ok => {}
            MailboxStatus::NotAUser => report.unknown.push(check.address.clone()),
            MailboxStatus::NoMailbox | MailboxStatus::AccessDenied => {
                report.unusable.push(check.address.clone())
            }
        }
        report.mailboxes.push(check);
    }
    Ok(report)
}

async fn check_one(graph: &GraphClient, address: String, folder: &str) -> Result<MailboxCheck, GraphError> {
    let mut check = MailboxCheck {
        address,
        status: MailboxStatus::Ok,
        display_name: None,
        folder_exists: None,
        detail: None,
    };
    let Some(user) = find_user(graph, &check.address).await? else {
        check.status = MailboxStatus::NotAUser;
        check.detail = Some("no Microsoft 365 user has this address".into());
        return Ok(check);
    };
    check.display_name = user["displayName"].as_str().map(str::to_string);
    let id = user["id"].as_str().unwrap_or(&check.address).to_string();
    let settings = graph.url(GraphVersion::V1, &["users", &id, "mailboxSettings"]);
    match graph.get(settings, Some(&id)).await {
        Ok(_) => {}
        Err(e @ GraphError::NotFound { .. }) => {
            check.status = MailboxStatus::NoMailbox;
            check.detail = Some(e.to_string());
            return Ok(check);
        }
        Err(e @ GraphError::Forbidden { .. }) => {
            check.status = MailboxStatus::AccessDenied;
            check.detail = Some(e.to_string());
            return Ok(check);
        }
        Err(e) => return Err(e),
    }
    let filter = format!("displayName eq '{}'", odata_quote(folder));
    let folders = graph.query_url(GraphVersion::V1, &["users", &id, "mailFolders"], &[("$filter", &filter)]);
    match graph.list(folders, Some(&id)).await {
        Ok(found) => check.folder_exists = Some(!found.is_empty()),
        Err(e @ GraphError::Forbidden { .. }) => {
            check.status = MailboxStatus::AccessDenied;
            check.detail = Some(e.to_string());
        }
        Err(e) => return Err(e),
    }
    Ok(check)
}

/// The user with this address: by user principal name, else by primary SMTP address (`mail`).
async fn find_user(graph: &GraphClient, address: &str) -> Result<Option<serde_json::Value>, GraphError> {
    let select = "id,userPrincipalName,mail,displayName";
    let url = graph.query_url(GraphVersion::V1, &["users", address], &[("$select", select)]);
    match graph.get(url, None).await {
        Ok(user) => return Ok(Some(user)),
        Err(GraphError::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let filter = format!("mail eq '{}'", odata_quote(address));
    let url = graph.query_url(GraphVersion::V1, &["users"], &[("$filter", &filter), ("$select", select)]);
    Ok(graph.list(url, None).await?.into_iter().next())
}

/// A value inside an OData string literal: single quotes doubled.
pub(crate) fn odata_quote(value: &str) -> String {
    value.replace('\'', "''")
}
