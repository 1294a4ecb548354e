//! Finding Docket's messages in a mailbox and reading their state back. A message is found mailbox-wide
//! (every folder, so one an admin or a retention policy moved still counts) by Docket's item-key named
//! property, and its state is what compliance depends on: draft or not, received and sent times, and the
//! digest Docket stamped on it. Graph returns extended properties only when `$expand`ed.

use serde_json::Value;

use super::json_message::{header_property_id, DIGEST_HEADER, KEY_HEADER, RECORD_HEADER};
use crate::identity::{GraphClient, GraphError, GraphVersion};
use crate::sinks::MailboxState;

/// `$select` for every message Docket reads.
const SELECT: &str = "id,isDraft,receivedDateTime,sentDateTime,internetMessageId,parentFolderId";

/// A message found in a mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub state: MailboxState,
    /// The `X-Docket-Message-SHA256` it carries; `None` while its attachments are still being added (the
    /// digest is stamped last on the JSON route) or when something else made it.
    pub sha256: Option<String>,
}

/// `$expand` for Docket's two named properties (Graph returns extended properties only when expanded).
pub(super) fn expand() -> String {
    format!(
        "singleValueExtendedProperties($filter=id eq '{}' or id eq '{}')",
        header_property_id(KEY_HEADER),
        header_property_id(DIGEST_HEADER)
    )
}

/// The message carrying `key` anywhere in `mailbox`, if there is one (the first, if several).
pub async fn find_by_key(graph: &GraphClient, mailbox: &str, key: &str) -> Result<Option<Found>, GraphError> {
    let filter = format!(
        "singleValueExtendedProperties/Any(ep: ep/id eq '{}' and ep/value eq '{}')",
        header_property_id(KEY_HEADER),
        key.replace('\'', "''")
    );
    let expand = expand();
    let url = graph.query_url(
        GraphVersion::V1,
        &["users", mailbox, "messages"],
        &[("$filter", &filter), ("$select", SELECT), ("$expand", &expand)],
    );
    let found = graph.list(url, Some(mailbox)).await?;
    Ok(found.iter().find_map(parse))
}

/// The message with Graph id `id` in `mailbox`; `None` when Graph no longer knows that id.
pub async fn get(graph: &GraphClient, mailbox: &str, id: &str) -> Result<Option<Found>, GraphError> {
    let expand = expand();
    let url = graph.query_url(
        GraphVersion::V1,
        &["users", mailbox, "messages", id],
        &[("$select", SELECT), ("$expand", &expand)],
    );
    match graph.get(url, Some(mailbox)).await {
        Ok(json) => Ok(parse(&json)),
        Err(GraphError::NotFound { code, .. }) if code == "ErrorItemNotFound" => Ok(None),
        Err(e) => Err(e),
    }
}

/// The `X-Docket-Record-SHA256` internet header of message `id` in `mailbox` (Graph returns
/// `internetMessageHeaders` only when `$select`ed); `None` when the message has none or is gone.
pub async fn record_digest(
    graph: &GraphClient,
    mailbox: &str,
    id: &str,
) -> Result<Option<String>, GraphError> {
    let url = graph.query_url(
        GraphVersion::V1,
        &["users", mailbox, "messages", id],
        &[("$select", "id,internetMessageHeaders")],
    );
    let json = match graph.get(url, Some(mailbox)).await {
        Ok(json) => json,
        Err(GraphError::NotFound { code, .. }) if code == "ErrorItemNotFound" => return Ok(None),
        Err(e) => return Err(e),
    };
    let headers = json["internetMessageHeaders"].as_array().cloned().unwrap_or_default();
    Ok(headers.iter().find_map(|header| {
        let name = header["name"].as_str()?;
        name.eq_ignore_ascii_case(RECORD_HEADER)
            .then(|| header["value"].as_str().map(|v| v.trim().to_ascii_lowercase()))
            .flatten()
    }))
}

/// A message resource as Graph answers it (a create, a get or a list entry).
pub fn parse(json: &Value) -> Option<Found> {
    let id = json["id"].as_str()?.to_string();
    let text = |name: &str| json[name].as_str().map(str::to_string);
    let sha256 = json["singleValueExtendedProperties"].as_array().and_then(|props| {
        props.iter().find_map(|p| {
            let id = p["id"].as_str()?;
            id.to_ascii_lowercase()
                .ends_with(&format!("name {}", DIGEST_HEADER.to_ascii_lowercase()))
                .then(|| p["value"].as_str().map(str::to_string))
                .flatten()
        })
    });
    Some(Found {
        id,
        state: MailboxState {
            is_draft: json["isDraft"].as_bool().unwrap_or(true),
            received: text("receivedDateTime"),
            sent: text("sentDateTime"),
            internet_message_id: text("internetMessageId"),
            route: None,
        },
        sha256,
    })
}

/// How far `stamp` (Graph's RFC 3339) is from `expected`, in whole seconds; `None` when it is missing or
/// unreadable.
pub fn seconds_off(stamp: Option<&str>, expected: &chrono::DateTime<chrono::Utc>) -> Option<i64> {
    let when = chrono::DateTime::parse_from_rfc3339(stamp?).ok()?;
    Some((when.with_timezone(&chrono::Utc) - *expected).num_seconds().abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_resource_gives_its_state_and_digest() {
        let json = serde_json::json!({
            "id": "AAMk1", "isDraft": false, "receivedDateTime": "2024-01-15T10:02:00Z",
            "sentDateTime": "2024-01-15T10:02:00Z", "internetMessageId": "<k1@docket.invalid>",
            "singleValueExtendedProperties": [
                {"id": "String {00020386-0000-0000-c000-000000000046} Name X-Docket-Message-SHA256", "value": "abc"}
            ]
        });
        let found = parse(&json).expect("parsed");
        assert_eq!(found.sha256.as_deref(), Some("abc"));
        assert!(!found.state.is_draft);
        let expected = chrono::DateTime::parse_from_rfc3339("2024-01-15T10:03:30Z")
            .map(|t| t.with_timezone(&chrono::Utc))
            .expect("time");
        assert_eq!(seconds_off(found.state.received.as_deref(), &expected), Some(90));
        assert_eq!(parse(&serde_json::json!({"isDraft": false})), None);
    }
}
