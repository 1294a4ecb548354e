//! Spec: the Microsoft Graph double keeps Graph's documented rules, so a client that passes against it has
//! kept them too. Messages made with `importMime` are final and dated by their `Date:`; a MIME create is always
//! a draft; a JSON create is a draft unless PidTagMessageFlags is set at creation without mfUnsent, and then
//! it is received at PidTagMessageDeliveryTime; flags never change afterwards; only `x-` headers can be added;
//! requests over 4 MB get 413; attachment uploads take ordered ranges on a pre-authenticated URL and count
//! against their mailbox; lists page ten at a time; lookups by an extended property span every folder; an
//! access policy blocks a mailbox with 403. Raw HTTP against the Entra ID and Graph doubles (docket-testkit).

use std::time::Duration;

use base64::Engine as _;
use docket_testkit::fake_entra::{FakeEntra, CLIENT_ID, SECRET, TENANT};
use docket_testkit::fake_graph::{normalize_property_id, FakeGraph};
use reqwest::Method;
use serde_json::{json, Value};

const OWNER: &str = "owner@contoso.com";
const ALICE: &str = "alice@contoso.com";
const KEY_ID: &str = "String {00020386-0000-0000-C000-000000000046} Name X-Docket-Item-Key";
const MB: usize = 1024 * 1024;

struct Double {
    _entra: FakeEntra,
    graph: FakeGraph,
    http: reqwest::Client,
    token: String,
}

/// One answer: status, headers and the body read as JSON (`Null` when empty).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

async fn double() -> Double {
    let entra = FakeEntra::start();
    let graph = FakeGraph::start(&entra);
    graph.add_user(OWNER, "Compliance Owner");
    graph.add_user(ALICE, "Alice");
    let http = reqwest::Client::new();
    let form = [
        ("grant_type", "client_credentials".to_string()),
        ("client_id", CLIENT_ID.to_string()),
        ("client_secret", SECRET.to_string()),
        ("scope", format!("{}/.default", graph.base)),
    ];
    let answer: Value = http
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", entra.authority))
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = answer["access_token"].as_str().expect("a token").to_string();
    Double { _entra: entra, graph, http, token }
}

enum Payload {
    None,
    Json(Value),
    Mime(String),
    Raw(&'static str, Vec<u8>),
}

impl Double {
    async fn send(&self, method: Method, path: &str, query: &[(&str, &str)], payload: Payload) -> Answer {
        let url =
            if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.graph.base) };
        let mut request = self.http.request(method, url).query(query).bearer_auth(&self.token);
        request = match payload {
            Payload::None => request,
            Payload::Json(value) => request.json(&value),
            Payload::Mime(mime) => request
                .header("Content-Type", "text/plain")
                .body(base64::engine::general_purpose::STANDARD.encode(mime)),
            Payload::Raw(content_type, bytes) => request.header("Content-Type", content_type).body(bytes),
        };
        let response = request.send().await.expect("an answer");
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let text = response.text().await.expect("a body");
        Answer { status, headers, json: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.send(Method::GET, path, query, Payload::None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, &[], Payload::Json(body)).await
    }

    /// Creates a top-level folder and returns its id.
    async fn folder(&self, mailbox: &str, name: &str) -> String {
        let answer =
            self.post(&format!("/v1.0/users/{mailbox}/mailFolders"), json!({"displayName": name})).await;
        assert_eq!(answer.status, 201, "{}", answer.json);
        answer.json["id"].as_str().expect("folder id").to_string()
    }

    /// A PUT to an upload URL: no token, as Graph requires.
    async fn put_range(&self, url: &str, start: usize, bytes: Vec<u8>, total: usize, token: bool) -> Answer {
        let end = start + bytes.len() - 1;
        let mut request = self
            .http
            .put(url)
            .header("Content-Range", format!("bytes {start}-{end}/{total}"))
            .header("Content-Type", "application/octet-stream")
            .body(bytes);
        if token {
            request = request.bearer_auth(&self.token);
        }
        let response = request.send().await.expect("an answer");
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let text = response.text().await.expect("a body");
        Answer { status, headers, json: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }
}

fn properties(pairs: &[(&str, &str)]) -> Value {
    pairs.iter().map(|(id, value)| json!({"id": id, "value": value})).collect()
}

fn mime(message_id: &str, date: &str) -> String {
    format!(
        "From: Alice <alice@contoso.com>\r\nTo: owner@contoso.com\r\nDate: {date}\r\nMessage-ID: {message_id}\r\n\
         Subject: =?UTF-8?B?Q2Fmw6kgb3JkZXI=?=\r\nX-Docket-Item-Key: whatsapp:desk:\r\n 0001\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nTwo flat whites.\r\n"
    )
}

fn near_now(stamp: &Value) -> bool {
    let Some(text) = stamp.as_str() else { return false };
    let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) else { return false };
    (chrono::Utc::now() - time.with_timezone(&chrono::Utc)).num_seconds().abs() < 60
}

#[tokio::test]
async fn stored_messages_keep_dates_and_extended_properties() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let attachment = b"%PDF-1.7 receipt".to_vec();

    let created = d
        .post(
            &format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages"),
            json!({
                "subject": "Trading desk, 15 Jan", "body": {"contentType": "html", "content": "<p>Buy</p>"},
                "from": {"emailAddress": {"name": "Alice", "address": ALICE}},
                "toRecipients": [{"emailAddress": {"address": OWNER}}],
                "internetMessageId": "<k1@docket.invalid>",
                "internetMessageHeaders": [{"name": "X-Docket-Item-Key", "value": "k1"}],
                "singleValueExtendedProperties": properties(&[
                    ("Integer 0x0E07", "1"),
                    ("SystemTime 0x0E06", "2024-01-15T10:02:00Z"),
                    ("SystemTime 0x0039", "2024-01-15T11:01:30.250+01:00"),
                    (KEY_ID, "k1"),
                    ("String {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Name TestProperty", "Mixed Case"),
                ]),
                "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "receipt.pdf",
                    "contentType": "application/pdf",
                    "contentBytes": base64::engine::general_purpose::STANDARD.encode(&attachment)}],
            }),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.json);
    assert_eq!(created.json["isDraft"], false);
    assert_eq!(created.json["hasAttachments"], true);
    assert_eq!(created.json["parentFolderId"], folder.as_str());
    let all = d.graph.all_messages(OWNER);
    assert_eq!(all.len(), 1);
    let m = &all[0];
    assert_eq!(
        (m.id.as_str(), m.route, m.folder_id.as_str()),
        (created.json["id"].as_str().unwrap_or(""), "json", folder.as_str())
    );
    assert_eq!(
        (m.internet_message_id.as_str(), m.subject.as_str(), m.is_draft),
        ("<k1@docket.invalid>", "Trading desk, 15 Jan", false)
    );
    assert_eq!(m.received_date_time.as_deref(), Some("2024-01-15T10:02:00Z"));
    assert_eq!(m.sent_date_time.as_deref(), Some("2024-01-15T10:01:30Z"), "converted to UTC, whole seconds");
    assert!(near_now(&json!(m.created_date_time)), "{}", m.created_date_time);
    assert!(m.mime.is_empty());
    assert_eq!(m.extended.get("integer 0x0e07").map(String::as_str), Some("1"));
    assert_eq!(m.extended.get("systemtime 0x0e06").map(String::as_str), Some("2024-01-15T10:02:00Z"));
    let key = normalize_property_id(KEY_ID).expect("a valid id");
    assert_eq!(key, "string {00020386-0000-0000-c000-000000000046} Name x-docket-item-key");
    assert_eq!(m.extended.get(&key).map(String::as_str), Some("k1"));
    let custom = "string {8eccc264-6880-4ebe-992f-8888d2eeaa1d} Name TestProperty";
    assert_eq!(m.extended.get(custom).map(String::as_str), Some("Mixed Case"), "{:?}", m.extended);
    assert_eq!(m.headers, vec![("X-Docket-Item-Key".to_string(), "k1".to_string())]);
    assert_eq!((m.from.as_deref(), m.to_recipients.clone()), (Some(ALICE), vec![OWNER.to_string()]));
    assert_eq!((m.body.as_str(), m.body_content_type.as_str()), ("<p>Buy</p>", "html"));
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(
        (m.attachments[0].name.as_str(), m.attachments[0].content_type.as_str()),
        ("receipt.pdf", "application/pdf")
    );
    assert_eq!(m.attachments[0].bytes, attachment);
    assert_eq!(d.graph.messages(OWNER, "Chat Archive"), all);
}

#[tokio::test]
async fn a_json_create_without_message_flags_is_a_draft() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let path = format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages");

    let bare = d
        .post(&path, json!({"subject": "no flags", "singleValueExtendedProperties": properties(&[("SystemTime 0x0E06", "2024-01-15T10:02:00Z")])}))
        .await;
    let unsent = d
        .post(&path, json!({"subject": "mfUnsent", "singleValueExtendedProperties": properties(&[("Integer 0x0E07", "9")])}))
        .await;
    let to_drafts = d.post(&format!("/v1.0/users/{OWNER}/messages"), json!({"subject": "plain POST"})).await;

    for answer in [&bare, &unsent, &to_drafts] {
        assert_eq!(answer.status, 201, "{}", answer.json);
        assert_eq!(answer.json["isDraft"], true, "{}", answer.json);
        assert!(near_now(&answer.json["receivedDateTime"]), "a draft is received now: {}", answer.json);
        assert_eq!(answer.json["sentDateTime"], Value::Null);
    }
    assert!(
        d.graph.folders(OWNER).contains(&"Drafts".to_string()),
        "POST /users/{{u}}/messages goes to Drafts"
    );
    assert_eq!(d.graph.messages(OWNER, "Drafts").len(), 1);
    assert!(d.graph.all_messages(OWNER).iter().all(|m| m.is_draft && m.sent_date_time.is_none()));
    assert!(
        d.graph.messages(OWNER, "Chat Archive")[0].extended.contains_key("systemtime 0x0e06"),
        "the property is kept even though the draft ignores it"
    );
}

#[tokio::test]
async fn a_json_create_with_flags_is_received_at_the_item_time() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let path = format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages");

    let received = d
        .post(
            &path,
            json!({"singleValueExtendedProperties": properties(&[
            ("integer 0x0e07", "1"), ("SystemTime 0x0e06", "2024-01-15T11:02:00.123+01:00")])}),
        )
        .await;
    let undated =
        d.post(&path, json!({"singleValueExtendedProperties": properties(&[("Integer 0xE07", "0")])})).await;
    let unreadable = d
        .post(
            &path,
            json!({"singleValueExtendedProperties": properties(&[
            ("Integer 0x0E07", "1"), ("SystemTime 0x0E06", "yesterday at ten")])}),
        )
        .await;
    let bad_flags = d
        .post(&path, json!({"singleValueExtendedProperties": properties(&[("Integer 0x0E07", "read")])}))
        .await;
    let bad_id =
        d.post(&path, json!({"singleValueExtendedProperties": properties(&[("Integer E07", "1")])})).await;

    assert_eq!(received.status, 201, "{}", received.json);
    assert_eq!(received.json["isDraft"], false);
    assert_eq!(received.json["receivedDateTime"], "2024-01-15T10:02:00Z");
    assert_eq!(received.json["sentDateTime"], Value::Null, "no PidTagClientSubmitTime, no sentDateTime");
    assert_eq!((undated.status, undated.json["isDraft"].clone()), (201, json!(false)));
    assert!(near_now(&undated.json["receivedDateTime"]), "without a delivery time it is received now");
    assert_eq!((unreadable.status, unreadable.code()), (400, "ErrorInvalidExtendedPropertyValue"));
    assert_eq!((bad_flags.status, bad_flags.code()), (400, "ErrorInvalidExtendedPropertyValue"));
    assert_eq!(bad_id.status, 400);
    assert_eq!(d.graph.all_messages(OWNER).len(), 2, "refused requests create nothing");
}

#[tokio::test]
async fn only_custom_x_headers_can_be_added_and_only_on_create() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let path = format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages");

    let standard =
        d.post(&path, json!({"internetMessageHeaders": [{"name": "In-Reply-To", "value": "<a@b>"}]})).await;
    let bad_bytes = d
        .post(&path, json!({"attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.bin", "contentBytes": "not base64!"}]}))
        .await;
    let custom = d
        .post(&path, json!({"internetMessageHeaders": [{"name": "x-docket-source", "value": "whatsapp"}]}))
        .await;
    let id = custom.json["id"].as_str().unwrap_or("").to_string();
    let later = d
        .send(
            Method::PATCH,
            &format!("/v1.0/users/{OWNER}/messages/{id}"),
            &[],
            Payload::Json(json!({"internetMessageHeaders": [{"name": "x-later", "value": "1"}]})),
        )
        .await;
    let plain = d.get(&format!("/v1.0/users/{OWNER}/messages/{id}"), &[]).await;
    let selected = d
        .get(&format!("/v1.0/users/{OWNER}/messages/{id}"), &[("$select", "subject,internetMessageHeaders")])
        .await;

    assert_eq!((standard.status, standard.code()), (400, "InvalidInternetMessageHeader"));
    assert!(standard.json["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("should start with 'x-' or 'X-'"));
    assert_eq!((bad_bytes.status, bad_bytes.code()), (400, "RequestBodyRead"));
    assert_eq!(custom.status, 201, "{}", custom.json);
    assert_eq!((later.status, later.code()), (400, "InvalidInternetMessageHeader"));
    assert_eq!(plain.json.get("internetMessageHeaders"), None, "returned only on $select");
    assert_eq!(
        selected.json["internetMessageHeaders"],
        json!([{"name": "x-docket-source", "value": "whatsapp"}])
    );
    assert_eq!(selected.json.get("isDraft"), None, "$select returns what it names, and the id");
    assert_eq!(selected.json["id"], id.as_str());
    assert_eq!(d.graph.all_messages(OWNER).len(), 1);
}

#[tokio::test]
async fn patching_flags_never_turns_a_draft_into_a_message() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let path = format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages");
    let draft = d.post(&path, json!({"subject": "draft"})).await;
    let sent =
        d.post(&path, json!({"singleValueExtendedProperties": properties(&[("Integer 0x0E07", "1")])})).await;
    let patch = |id: &Value, flags: &str| {
        let path = format!("/v1.0/users/{OWNER}/messages/{}", id.as_str().unwrap_or(""));
        let body = json!({"singleValueExtendedProperties": properties(&[("Integer 0x0E07", flags), (KEY_ID, "k9")])});
        (path, body)
    };

    let (path_a, body_a) = patch(&draft.json["id"], "1");
    let draft_patched = d.send(Method::PATCH, &path_a, &[], Payload::Json(body_a)).await;
    let (path_b, body_b) = patch(&sent.json["id"], "9");
    let sent_patched = d.send(Method::PATCH, &path_b, &[], Payload::Json(body_b)).await;

    assert_eq!((draft_patched.status, draft_patched.json["isDraft"].clone()), (200, json!(true)));
    assert_eq!((sent_patched.status, sent_patched.json["isDraft"].clone()), (200, json!(false)));
    let stored = d.graph.messages(OWNER, "Chat Archive");
    assert!(stored[0].is_draft && !stored[1].is_draft, "flags are read-only after the first save");
    let key = normalize_property_id(KEY_ID).expect("id");
    assert!(
        stored.iter().all(|m| m.extended.get(&key).map(String::as_str) == Some("k9")),
        "other properties change"
    );
    assert_eq!(stored[0].extended.get("integer 0x0e07").map(String::as_str), Some("9"), "mfUnsent stays set");
    assert_eq!(
        stored[1].extended.get("integer 0x0e07").map(String::as_str),
        Some("1"),
        "mfUnsent stays clear"
    );
}

#[tokio::test]
async fn mime_create_is_always_a_draft() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let path = format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages");

    let created = d
        .send(
            Method::POST,
            &path,
            &[],
            Payload::Mime(mime("<m1@docket.invalid>", "Mon, 15 Jan 2024 11:02:00 +0100")),
        )
        .await;
    let wrong_type =
        d.send(Method::POST, &path, &[], Payload::Raw("application/octet-stream", b"x".to_vec())).await;

    assert_eq!(created.status, 201, "{}", created.json);
    assert_eq!(created.json["isDraft"], true);
    assert!(near_now(&created.json["receivedDateTime"]), "received when created, not at Date:");
    assert_eq!(created.json["sentDateTime"], Value::Null);
    assert_eq!(wrong_type.status, 415);
    let stored = d.graph.messages(OWNER, "Chat Archive");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].route, stored[0].is_draft, stored[0].subject.as_str()),
        ("mime-draft", true, "Café order")
    );
    assert!(String::from_utf8_lossy(&stored[0].mime).contains("Two flat whites."));
    let key = normalize_property_id(KEY_ID).expect("id");
    assert_eq!(stored[0].extended.get(&key).map(String::as_str), Some("whatsapp:desk: 0001"), "unfolded");
}

#[tokio::test]
async fn import_mime_exists_only_where_enabled() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let beta = format!("/beta/users/{OWNER}/mailFolders/{folder}/importMime");
    let date = "Mon, 15 Jan 2024 11:02:00 +0100";

    let imported = d.send(Method::POST, &beta, &[], Payload::Mime(mime("<m1@docket.invalid>", date))).await;
    let on_v1 = d
        .send(
            Method::POST,
            &format!("/v1.0/users/{OWNER}/mailFolders/{folder}/importMime"),
            &[],
            Payload::Mime(mime("<m2@docket.invalid>", date)),
        )
        .await;
    let headers = d
        .get(
            &format!("/v1.0/users/{OWNER}/messages/{}", imported.json["id"].as_str().unwrap_or("")),
            &[("$select", "internetMessageHeaders")],
        )
        .await;
    d.graph.disable_import_mime();
    let disabled = d.send(Method::POST, &beta, &[], Payload::Mime(mime("<m3@docket.invalid>", date))).await;

    assert_eq!(imported.status, 201, "{}", imported.json);
    assert_eq!(imported.json["isDraft"], false);
    assert_eq!(imported.json["receivedDateTime"], "2024-01-15T10:02:00Z", "the Date: header, in UTC");
    assert_eq!(imported.json["sentDateTime"], "2024-01-15T10:02:00Z");
    assert_eq!(imported.json["subject"], "Café order");
    let names: Vec<&str> = headers.json["internetMessageHeaders"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["name"].as_str())
        .collect();
    assert!(names.contains(&"X-Docket-Item-Key") && names.contains(&"Message-ID"), "{names:?}");
    for refused in [&on_v1, &disabled] {
        assert_eq!(refused.status, 400);
        assert_eq!(refused.json["error"]["message"], "Resource not found for the segment 'importMime'.");
    }
    let stored = d.graph.all_messages(OWNER);
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].route, stored[0].is_draft), ("importMime", false));
    let key = normalize_property_id(KEY_ID).expect("id");
    assert_eq!(stored[0].extended.get(&key).map(String::as_str), Some("whatsapp:desk: 0001"));
}

#[tokio::test]
async fn import_mime_can_be_refused_for_one_mailbox() {
    let d = double().await;
    d.graph.refuse_import_mime_for(ALICE);
    let owner_folder = d.folder(OWNER, "Chat Archive").await;
    let alice_folder = d.folder(ALICE, "Chat Archive").await;
    let import =
        |mailbox: &str, folder: &str| format!("/beta/users/{mailbox}/mailFolders/{folder}/importMime");
    let date = "Mon, 15 Jan 2024 10:02:00 +0000";

    let alice = d
        .send(
            Method::POST,
            &import(ALICE, &alice_folder),
            &[],
            Payload::Mime(mime("<a@docket.invalid>", date)),
        )
        .await;
    let owner = d
        .send(
            Method::POST,
            &import(OWNER, &owner_folder),
            &[],
            Payload::Mime(mime("<o@docket.invalid>", date)),
        )
        .await;
    let alice_json = d
        .post(
            &format!("/v1.0/users/{ALICE}/mailFolders/{alice_folder}/messages"),
            json!({"singleValueExtendedProperties": properties(&[("Integer 0x0E07", "1")])}),
        )
        .await;

    assert_eq!((alice.status, alice.code()), (403, "ErrorAccessDenied"));
    assert_eq!(alice.json["error"]["message"], "Access is denied. Check credentials and try again.");
    assert_eq!((owner.status, owner.json["isDraft"].clone()), (201, json!(false)));
    assert_eq!(
        (alice_json.status, alice_json.json["isDraft"].clone()),
        (201, json!(false)),
        "everything else works"
    );
    assert_eq!(d.graph.all_messages(ALICE).iter().map(|m| m.route).collect::<Vec<_>>(), vec!["json"]);
}

#[tokio::test]
async fn requests_over_4_mb_get_413() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let path = format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages");
    let attachment = |size: usize| {
        json!({"attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.bin",
            "contentBytes": base64::engine::general_purpose::STANDARD.encode(vec![7u8; size])}]})
    };

    let just_over =
        d.send(Method::POST, &path, &[], Payload::Raw("application/json", vec![b' '; 4 * MB + 1])).await;
    let twelve = d.post(&path, attachment(9 * MB)).await;
    let mime_import = d
        .send(
            Method::POST,
            &format!("/beta/users/{OWNER}/mailFolders/{folder}/importMime"),
            &[],
            Payload::Raw("text/plain", vec![b'A'; 5 * MB]),
        )
        .await;
    let under = d.post(&path, attachment(2_900_000)).await;

    for refused in [&just_over, &twelve, &mime_import] {
        assert_eq!((refused.status, refused.code()), (413, "RequestEntityTooLarge"), "{}", refused.json);
        assert_eq!(refused.json["error"]["message"], "The request is larger than 4 MB.");
    }
    assert_eq!(under.status, 201, "a request under 4 MB is taken");
    let stored = d.graph.all_messages(OWNER);
    assert_eq!(stored.len(), 1, "nothing was created by the refused requests");
    assert_eq!(stored[0].attachments[0].bytes.len(), 2_900_000);
}

#[tokio::test]
async fn upload_sessions_take_ordered_ranges_without_authorization() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let created = d
        .post(
            &format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages"),
            json!({"subject": "with a video"}),
        )
        .await;
    let id = created.json["id"].as_str().expect("id").to_string();
    let session_path = format!("/v1.0/users/{OWNER}/messages/{id}/attachments/createUploadSession");
    let item = |size: usize| json!({"AttachmentItem": {"attachmentType": "file", "name": "clip.mp4", "size": size, "contentType": "video/mp4"}});
    let total = 5 * MB + 123;
    let bytes: Vec<u8> = (0..total).map(|n| (n % 251) as u8).collect();

    let small = d.post(&session_path, item(MB)).await;
    let huge = d.post(&session_path, item(151 * MB)).await;
    let session = d.post(&session_path, item(total)).await;
    let url = session.json["uploadUrl"].as_str().expect("an upload URL").to_string();
    let with_token = d.put_range(&url, 0, bytes[..MB].to_vec(), total, true).await;
    let out_of_order = d.put_range(&url, MB, bytes[MB..2 * MB].to_vec(), total, false).await;
    let too_big = d.put_range(&url, 0, bytes[..4 * MB + 1].to_vec(), total, false).await;
    let wrong_total = d.put_range(&url, 0, bytes[..MB].to_vec(), total + 1, false).await;
    let first = d.put_range(&url, 0, bytes[..3 * MB].to_vec(), total, false).await;
    let before_last = d.graph.all_messages(OWNER)[0].attachments.len();
    let last = d.put_range(&url, 3 * MB, bytes[3 * MB..].to_vec(), total, false).await;
    let listed = d.get(&format!("/v1.0/users/{OWNER}/messages/{id}/attachments"), &[]).await;

    assert_eq!((small.status, small.code()), (400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize"));
    assert_eq!(huge.status, 400, "over 150 MB");
    assert_eq!(session.status, 201, "{}", session.json);
    assert!(url.starts_with(&format!("{}/upload/", d.graph.base)), "{url}");
    assert_eq!(session.json["nextExpectedRanges"], json!(["0-"]));
    assert!(session.json["expirationDateTime"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(with_token.status, 401, "the upload URL is pre-authenticated");
    assert_eq!((out_of_order.status, out_of_order.code()), (416, "InvalidRange"));
    assert_eq!((too_big.status, wrong_total.status), (413, 400));
    assert_eq!(
        (first.status, first.json["nextExpectedRanges"].clone()),
        (200, json!([format!("{}-", 3 * MB)]))
    );
    assert_eq!(before_last, 0, "nothing is attached before the last range");
    assert_eq!(last.status, 201, "{}", last.json);
    assert_eq!(last.json, Value::Null, "the final answer has no body");
    let location = last.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let stored = d.graph.all_messages(OWNER);
    let attachment = &stored[0].attachments[0];
    assert_eq!(
        location,
        format!("{}/v1.0/users/{OWNER}/messages/{id}/attachments/{}", d.graph.base, attachment.id)
    );
    assert_eq!((attachment.name.as_str(), attachment.content_type.as_str()), ("clip.mp4", "video/mp4"));
    assert!(attachment.bytes == bytes, "the bytes arrive whole and in order");
    assert_eq!(listed.json["value"][0]["size"], total);
    assert_eq!(stored[0].attachments.len(), 1);
}

#[tokio::test]
async fn upload_puts_count_against_their_mailbox() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let created = d.post(&format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages"), json!({})).await;
    let id = created.json["id"].as_str().expect("id").to_string();
    let item = json!({"AttachmentItem": {"attachmentType": "file", "name": "a.bin", "size": 8 * MB}});
    let session =
        d.post(&format!("/v1.0/users/{OWNER}/messages/{id}/attachments/createUploadSession"), item).await;
    let url = session.json["uploadUrl"].as_str().expect("an upload URL").to_string();
    let counted = d.graph.request_count_for(OWNER);

    d.graph.storm(1, 2, 429);
    let throttled = d.put_range(&url, 0, vec![1; MB], 8 * MB, false).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let impatient = d.get(&format!("/v1.0/users/{OWNER}/mailFolders"), &[]).await;

    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    assert_eq!(impatient.status, 429, "the upload's 429 holds the whole mailbox");
    assert!(
        d.graph.violations().iter().any(|v| v.contains("before Retry-After elapsed")),
        "{:?}",
        d.graph.violations()
    );
    assert_eq!(d.graph.request_count_for(OWNER), counted + 2);
    assert_eq!(d.graph.request_count_for(ALICE), 0);

    // Graph's per-mailbox upload volume (150 MB in 5 minutes), scaled down.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    d.graph.set_upload_limit(6 * MB, Duration::from_secs(300));
    let first = d.put_range(&url, 0, vec![1; 3 * MB], 8 * MB, false).await;
    let second = d.put_range(&url, 3 * MB, vec![1; 3 * MB + 1], 8 * MB, false).await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert_eq!(second.status, 429);
    assert!(second.headers.get("retry-after").is_some());
    assert!(
        d.graph.violations().iter().any(|v| v.contains("bytes uploaded in")),
        "{:?}",
        d.graph.violations()
    );
}

#[tokio::test]
async fn lists_page_ten_with_next_link() {
    let d = double().await;
    let archive = d.folder(OWNER, "Chat Archive").await;
    let other = d.folder(OWNER, "Other").await;
    for n in 0..23 {
        let folder = if n % 2 == 0 { &archive } else { &other };
        let body = json!({"internetMessageId": format!("<m{n}@docket.invalid>")});
        assert_eq!(
            d.post(&format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages"), body).await.status,
            201
        );
    }

    let mut pages = Vec::new();
    let mut next = Some(format!("/v1.0/users/{OWNER}/messages"));
    while let Some(url) = next.take() {
        let page = d.get(&url, &[]).await;
        assert_eq!(page.status, 200, "{}", page.json);
        pages.push(page.json["value"].as_array().map_or(0, Vec::len));
        next = page.json["@odata.nextLink"].as_str().map(str::to_string);
    }
    let by_id = d
        .get(
            &format!("/v1.0/users/{OWNER}/messages"),
            &[("$filter", "internetMessageId eq '<m7@docket.invalid>'")],
        )
        .await;
    let in_folder = d.get(&format!("/v1.0/users/{OWNER}/mailFolders/{archive}/messages"), &[]).await;
    let unsupported = d.get(&format!("/v1.0/users/{OWNER}/messages"), &[("$filter", "subject eq 'x'")]).await;

    assert_eq!(pages, vec![10, 10, 3], "every folder, ten a page");
    assert_eq!(by_id.json["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(by_id.json["value"][0]["parentFolderId"], other.as_str());
    assert_eq!(in_folder.json["value"].as_array().map(Vec::len), Some(10));
    assert!(in_folder.json["@odata.nextLink"].is_string(), "12 in the folder");
    assert_eq!(
        (unsupported.status, unsupported.json["error"]["message"].clone()),
        (400, json!("Unsupported filter."))
    );
}

#[tokio::test]
async fn mailbox_wide_lookup_by_extended_property_finds_a_moved_message() {
    let d = double().await;
    let archive = d.folder(OWNER, "Chat Archive").await;
    let props = properties(&[("Integer 0x0E07", "1"), (KEY_ID, "Desk:It's-1")]);
    let created = d
        .post(
            &format!("/v1.0/users/{OWNER}/mailFolders/{archive}/messages"),
            json!({"singleValueExtendedProperties": props}),
        )
        .await;
    let old_id = created.json["id"].as_str().expect("id").to_string();
    let new_id = d.graph.move_message(OWNER, &old_id, "Retention").expect("moved");
    let retention = d.graph.all_messages(OWNER)[0].folder_id.clone();
    let filter = format!(
        "singleValueExtendedProperties/any(  x:x/id eq '{}' and x/value eq 'desk:it''s-1' )",
        KEY_ID.to_uppercase().replace("NAME", "Name")
    );
    let expand = format!("singleValueExtendedProperties($filter=id eq '{KEY_ID}' or id eq 'Integer 0x0E07' or id eq 'String 0x0037')");

    let found = d
        .get(
            &format!("/v1.0/users/{OWNER}/messages"),
            &[("$filter", &filter), ("$select", "id,isDraft,parentFolderId"), ("$expand", &expand)],
        )
        .await;
    let in_old_folder =
        d.get(&format!("/v1.0/users/{OWNER}/mailFolders/{archive}/messages"), &[("$filter", &filter)]).await;
    let by_old_id = d.get(&format!("/v1.0/users/{OWNER}/messages/{old_id}"), &[]).await;
    let by_new_id = d.get(&format!("/v1.0/users/{OWNER}/messages/{new_id}"), &[("$expand", &expand)]).await;
    let unexpanded = d.get(&format!("/v1.0/users/{OWNER}/messages/{new_id}"), &[]).await;
    let bad_select = d.get(&format!("/v1.0/users/{OWNER}/messages"), &[("$select", "id,isDraftt")]).await;

    assert_eq!(found.status, 200, "{}", found.json);
    let value = found.json["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(value.len(), 1, "{}", found.json);
    assert_eq!(
        (value[0]["id"].as_str(), value[0]["parentFolderId"].as_str()),
        (Some(new_id.as_str()), Some(retention.as_str()))
    );
    assert_eq!(value[0]["isDraft"], false);
    let expanded = json!([
        {"id": "String {00020386-0000-0000-c000-000000000046} Name x-docket-item-key", "value": "Desk:It's-1"},
        {"id": "Integer 0xe07", "value": "1"},
    ]);
    assert_eq!(
        value[0]["singleValueExtendedProperties"], expanded,
        "only the expanded ones that exist, as Graph names them"
    );
    assert_eq!(in_old_folder.json["value"], json!([]));
    assert_eq!(
        (by_old_id.status, by_old_id.code()),
        (404, "ErrorItemNotFound"),
        "a moved message has a new id"
    );
    assert_eq!(by_new_id.json["singleValueExtendedProperties"], expanded);
    assert_eq!(unexpanded.json.get("singleValueExtendedProperties"), None, "only when expanded");
    assert_eq!(bad_select.status, 400);
}

#[tokio::test]
async fn a_blocked_mailbox_answers_403_access_denied() {
    let d = double().await;
    let folder = d.folder(OWNER, "Chat Archive").await;
    let created = d.post(&format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages"), json!({})).await;
    let id = created.json["id"].as_str().expect("id").to_string();
    let item = json!({"AttachmentItem": {"attachmentType": "file", "name": "a.bin", "size": 4 * MB}});
    let session =
        d.post(&format!("/v1.0/users/{OWNER}/messages/{id}/attachments/createUploadSession"), item).await;
    let url = session.json["uploadUrl"].as_str().expect("an upload URL").to_string();

    d.graph.block_mailbox(OWNER);
    let answers = [
        d.get(&format!("/v1.0/users/{OWNER}/messages"), &[]).await,
        d.get(&format!("/v1.0/users/{OWNER}/mailFolders"), &[]).await,
        d.post(&format!("/v1.0/users/{OWNER}/mailFolders"), json!({"displayName": "New"})).await,
        d.post(&format!("/v1.0/users/{OWNER}/mailFolders/{folder}/messages"), json!({})).await,
        d.send(
            Method::POST,
            &format!("/beta/users/{OWNER}/mailFolders/{folder}/importMime"),
            &[],
            Payload::Mime(mime("<b@docket.invalid>", "Mon, 15 Jan 2024 10:02:00 +0000")),
        )
        .await,
        d.get(&format!("/v1.0/users/{OWNER}/mailboxSettings"), &[]).await,
        d.put_range(&url, 0, vec![0; MB], 4 * MB, false).await,
    ];
    let directory = d.get(&format!("/v1.0/users/{OWNER}"), &[]).await;
    let alice = d.get(&format!("/v1.0/users/{ALICE}/mailFolders"), &[]).await;

    for answer in &answers {
        assert_eq!((answer.status, answer.code()), (403, "ErrorAccessDenied"), "{}", answer.json);
        assert_eq!(
            answer.json["error"]["message"],
            "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."
        );
    }
    assert_eq!(directory.status, 200, "the directory is not the mailbox");
    assert_eq!(alice.status, 200, "other mailboxes are not affected");
    assert_eq!(d.graph.all_messages(OWNER).len(), 1);
    assert_eq!(d.graph.folders(OWNER), vec!["Chat Archive".to_string()]);
}
