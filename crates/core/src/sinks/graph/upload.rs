//! Attachment upload sessions, for attachments of 3 MB or more (Graph: "Attach large files to Outlook
//! messages"): `createUploadSession` on the message, then the bytes in order, each `PUT` under Graph's 4 MB
//! request limit, to the pre-authenticated upload URL. The final range answers 201 and only then is the
//! attachment on the message.

use reqwest::Method;
use serde_json::json;
use url::Url;

use super::json_message::LargeAttachment;
use crate::identity::{Body, GraphClient, GraphError, GraphVersion};

/// Bytes per `PUT`: under Graph's 4 MB per request.
pub const CHUNK: usize = 3 * 1024 * 1024 + 768 * 1024;

/// Adds `attachment` to message `message_id` in `mailbox` through an upload session.
pub async fn attach(
    graph: &GraphClient,
    mailbox: &str,
    message_id: &str,
    attachment: &LargeAttachment,
) -> Result<(), GraphError> {
    let url = graph.url(
        GraphVersion::V1,
        &["users", mailbox, "messages", message_id, "attachments", "createUploadSession"],
    );
    let body = Body::Json(json!({
        "AttachmentItem": {
            "attachmentType": "file",
            "name": attachment.name,
            "size": attachment.bytes.len(),
            "contentType": attachment.content_type,
        }
    }));
    let session = graph.send(Method::POST, url, Some(mailbox), &body).await?;
    let request = "POST .../attachments/createUploadSession".to_string();
    let upload_url =
        session.json["uploadUrl"].as_str().and_then(|u| Url::parse(u).ok()).ok_or_else(|| {
            GraphError::Unexpected {
                request,
                detail: crate::text!("graph.no_upload_url", "no uploadUrl in the answer"),
            }
        })?;
    let total = attachment.bytes.len();
    let mut start = 0;
    while start < total {
        let end = (start + CHUNK).min(total);
        let answer =
            graph.put_range(&upload_url, mailbox, start, &attachment.bytes[start..end], total).await?;
        start = match next_expected(&answer.json) {
            // Graph says where it wants to go on (normally `end`); the final 201 has no body.
            Some(next) if answer.status != 201 && next > start => next,
            _ => end,
        };
        if answer.status == 201 {
            break;
        }
    }
    Ok(())
}

/// The first byte of `nextExpectedRanges`, e.g. `["4194304-"]`.
fn next_expected(json: &serde_json::Value) -> Option<usize> {
    let first = json["nextExpectedRanges"].as_array()?.first()?.as_str()?;
    first.split('-').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_expected_ranges_are_read() {
        assert_eq!(next_expected(&json!({"nextExpectedRanges": ["3932160-"]})), Some(3_932_160));
        assert_eq!(next_expected(&json!({})), None);
        const { assert!(CHUNK < 4 * 1024 * 1024) };
    }
}
