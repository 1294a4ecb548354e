//! Spec: the Azure Blob sink, against a real Azurite. Blobs are created once with `Content-MD5` and
//! ASCII-safe metadata; a rerun finds them "already present"; a tampered blob is a conflict; refused
//! credentials, unreachable endpoints and forged SAS signatures become errors that never show a secret.

use docket_core::sinks::azure_blob::{
    decode_metadata_value, BlobSink, EMULATOR_ACCOUNT, META_MAILBOX, META_SHA256, META_SOURCE, META_SOURCE_ID,
};
use docket_core::sinks::{Sink, SinkError, Written};
use docket_core::sources::sha256_hex;
use docket_core::Code;

use super::Message;
use crate::support::{self, Azurite, RawClient};

async fn prepared_blob_sink(azurite: &Azurite, prefix: &str) -> BlobSink {
    let sink = BlobSink::connect(&azurite.connection_string(), &support::unique_container(prefix))
        .expect("the Azurite connection string is valid");
    sink.prepare().await.expect("prepare creates the container");
    sink
}

#[tokio::test]
async fn blob_sink_creates_a_blob_with_content_md5_and_metadata() {
    let azurite = Azurite::start();
    let sink = prepared_blob_sink(&azurite, "created").await;
    let message = Message::new("whatsapp-20240115T100000-bbbb", "hello");

    assert_eq!(sink.put(&message.envelope()).await.expect("put"), Written::Created);

    let name = "alice@contoso.com/WhatsApp Archiver/whatsapp-20240115T100000-bbbb.eml";
    let (bytes, content_md5, metadata) = sink.get(name).await.expect("get").expect("the blob exists");
    assert_eq!(bytes, message.bytes);
    use base64::Engine as _;
    use md5::Digest as _;
    let expected_md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&message.bytes));
    assert_eq!(content_md5.as_deref(), Some(expected_md5.as_str()));
    assert_eq!(metadata.get(META_SOURCE).map(String::as_str), Some("whatsapp"));
    assert_eq!(metadata.get(META_SHA256), Some(&message.sha256));
    assert_eq!(metadata.get(META_MAILBOX).map(String::as_str), Some("alice@contoso.com"));
    let source_id = metadata.get(META_SOURCE_ID).expect("source_id is recorded");
    assert!(source_id.is_ascii(), "metadata is ASCII-safe: {source_id}");
    assert_eq!(decode_metadata_value(source_id), "chat 7/Zoë");

    let properties =
        azurite.raw_container_client(sink.container_name()).blob_client(name).get_properties().await;
    let properties = properties.expect("properties").blob.properties;
    assert_eq!(properties.content_type, "message/rfc822");
    assert_eq!(sink.target_id(), format!("azure:{EMULATOR_ACCOUNT}/{}", sink.container_name()));
}

#[tokio::test]
async fn a_second_put_of_the_same_bytes_is_already_present_and_adds_no_blob() {
    let azurite = Azurite::start();
    let sink = prepared_blob_sink(&azurite, "again").await;
    let message = Message::new("k1", "same bytes");

    assert_eq!(sink.put(&message.envelope()).await.expect("first"), Written::Created);
    assert_eq!(sink.put(&message.envelope()).await.expect("second"), Written::AlreadyPresent);
    sink.prepare().await.expect("prepare again is fine when the container exists");

    let listed = sink.list().await.expect("list");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].name, "alice@contoso.com/WhatsApp Archiver/k1.eml");
    assert_eq!(listed[0].sha256.as_deref(), Some(message.sha256.as_str()));
    assert_eq!(listed[0].size, message.bytes.len() as u64);
}

#[tokio::test]
async fn a_blob_tampered_with_behind_dockets_back_is_a_conflict() {
    let azurite = Azurite::start();
    let sink = prepared_blob_sink(&azurite, "tampered").await;
    let message = Message::new("k1", "the real message");
    let name = message.envelope().object_name();
    azurite
        .raw_container_client(sink.container_name())
        .blob_client(name.clone())
        .put_block_blob(b"something else entirely".to_vec())
        .await
        .expect("upload a different blob directly");

    let error = sink.put(&message.envelope()).await.expect_err("a different stored blob is a conflict");
    match &error {
        SinkError::Conflict { name: conflicting, stored, new } => {
            assert_eq!(conflicting, &name);
            assert_eq!(stored, &sha256_hex(b"something else entirely"));
            assert_eq!(new, &message.sha256);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let (bytes, _, _) = sink.get(&name).await.expect("get").expect("still there");
    assert_eq!(bytes, b"something else entirely", "Docket never overwrites");
}

#[tokio::test]
async fn a_blob_without_content_md5_is_hashed_not_trusted_by_its_metadata() {
    use azure_storage_blobs::blob::{BlobBlockType, BlockList};
    let azurite = Azurite::start();
    let sink = prepared_blob_sink(&azurite, "no-md5").await;
    let message = Message::new("k1", "the real message");
    let name = message.envelope().object_name();
    let blob = azurite.raw_container_client(sink.container_name()).blob_client(name.clone());
    // Put together from a block, so Azure records no Content-MD5; its metadata claims Docket's digest.
    blob.put_block("b1", b"forged bytes with a borrowed digest".to_vec()).await.expect("put a block");
    let list = BlockList { blocks: vec![BlobBlockType::new_uncommitted("b1")] };
    let mut metadata = azure_core::request_options::Metadata::new();
    metadata.insert(META_SHA256, message.sha256.clone());
    blob.put_block_list(list).metadata(metadata).await.expect("commit the block");

    let error = sink.put(&message.envelope()).await.expect_err("forged metadata is not proof");
    assert!(matches!(error, SinkError::Conflict { .. }), "{error:?}");
}

#[tokio::test]
async fn a_wrong_account_key_is_an_auth_error_that_never_shows_the_key() {
    let azurite = Azurite::start();
    let wrong_key = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleQ==";
    let connection = azurite.connection_string().replace(support::DEV_ACCOUNT_KEY, wrong_key);
    let sink = BlobSink::connect(&connection, &support::unique_container("auth")).expect("well-formed");

    let error = sink.prepare().await.expect_err("Azurite refuses a wrong key");
    assert!(matches!(error, SinkError::Auth { .. }), "{error:?}");
    assert_eq!(error.code(), Code::StorageAuth);
    assert_eq!(error.reason(), "storage_auth");
    assert!(error.is_permanent());
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(wrong_key), "the key leaked: {shown}");
        assert!(!shown.contains("V3Jvbmd"), "part of the key leaked: {shown}");
    }
}

#[tokio::test]
async fn a_port_nobody_listens_on_is_unreachable_and_worth_retrying() {
    let port = support::free_port();
    let connection = format!(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={};\
         BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1",
        support::DEV_ACCOUNT_KEY
    );
    let sink = BlobSink::connect(&connection, "archive").expect("well-formed");
    let message = Message::new("k1", "x");

    let error = sink.put(&message.envelope()).await.expect_err("nothing listens there");
    match &error {
        SinkError::Unreachable { endpoint, detail } => {
            assert_eq!(endpoint, &format!("http://127.0.0.1:{port}"));
            assert_eq!(
                (detail.key.as_str(), detail.message.as_str()),
                ("sink.blob.connection_refused", "connection refused")
            );
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert_eq!(error.code(), Code::StorageUnreachable);
    assert!(!error.is_permanent());
}

#[tokio::test]
async fn probe_creates_the_container_round_trips_and_leaves_no_probe_blob() {
    let azurite = Azurite::start();
    let container = support::unique_container("probe");
    let sink = BlobSink::connect(&azurite.connection_string(), &container).expect("connect");

    let report = sink.probe().await.expect("the probe succeeds against Azurite");
    assert!(report.container_created);
    assert!(report.probe_blob_deleted);
    assert!(report.probe_blob.starts_with(".docket-probe/"));
    // Azurite's containers have no immutability policy: the probe says so and how to set one.
    let immutability = &report.immutability;
    assert_eq!((immutability.time_based_policy, immutability.legal_hold), (Some(false), Some(false)));
    assert!(!immutability.worm && !immutability.delete_refused_by_policy);
    assert!(immutability.summary.message.contains("not WORM"), "{}", immutability.summary);
    assert_eq!(immutability.summary.key, "immutability.none");
    assert!(immutability.advice.as_ref().is_some_and(|a| a.message.contains("Azure portal")));
    let again = sink.probe().await.expect("a second probe");
    assert!(!again.container_created, "the container already existed");

    assert!(sink.list().await.expect("list").is_empty());
    let raw = azurite.raw_container_client(&container);
    let exists = raw.blob_client(report.probe_blob.clone()).exists().await.expect("exists");
    assert!(!exists, "the probe blob was deleted");
}

#[tokio::test]
async fn a_container_sas_url_works_against_azurite() {
    use azure_storage::prelude::BlobSasPermissions;
    use azure_storage::shared_access_signature::SasToken;

    let azurite = Azurite::start();
    let container = support::unique_container("sas");
    let raw = azurite.raw_container_client(&container);
    raw.create().await.expect("create the container with the account key");
    let permissions = BlobSasPermissions {
        read: true,
        add: true,
        create: true,
        write: true,
        list: true,
        ..Default::default()
    };
    let expiry = azure_core::date::parse_rfc3339("2099-01-01T00:00:00Z").expect("a date");
    let sas = raw.shared_access_signature(permissions, expiry).await.expect("sign a SAS");
    let url = raw.generate_signed_container_url(&sas).expect("SAS URL");
    let signature = sas.token().expect("token");

    let sink = BlobSink::connect(url.as_str(), "").expect("a container SAS URL connects");
    assert_eq!(sink.container_name(), container);
    sink.prepare().await.expect("prepare accepts an existing container it may not create");
    let message = Message::new("k1", "via SAS");
    assert_eq!(sink.put(&message.envelope()).await.expect("put"), Written::Created);
    assert_eq!(sink.put(&message.envelope()).await.expect("put again"), Written::AlreadyPresent);
    assert_eq!(sink.list().await.expect("list").len(), 1);
    assert!(!format!("{sink:?}").contains(&signature));
}

#[tokio::test]
async fn non_ascii_mailboxes_and_folders_round_trip_with_ascii_safe_metadata() {
    let azurite = Azurite::start();
    let sink = prepared_blob_sink(&azurite, "unicode").await;
    let mut message = Message::new("telegram-20240115T100000-cccc", "привет");
    message.mailbox = "zoë@contoso.com".into();
    message.folder = "Telegram Archiver – Équipe".into();

    assert_eq!(sink.put(&message.envelope()).await.expect("put"), Written::Created);
    assert_eq!(sink.put(&message.envelope()).await.expect("again"), Written::AlreadyPresent);

    let name = message.envelope().object_name();
    let listed = sink.list().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, name, "the blob name is stored as written");
    let (_, _, metadata) = sink.get(&name).await.expect("get").expect("exists");
    let mailbox = metadata.get(META_MAILBOX).expect("mailbox metadata");
    assert!(mailbox.is_ascii(), "{mailbox}");
    assert_eq!(decode_metadata_value(mailbox), "zoë@contoso.com");
}

#[tokio::test]
async fn a_sas_with_a_forged_signature_is_an_auth_error_that_never_shows_the_signature() {
    let azurite = Azurite::start();
    let container = support::unique_container("forged");
    azurite.raw_container_client(&container).create().await.expect("create the container");
    let forged = "Zm9yZ2VkLXNpZ25hdHVyZS1mb3JnZWQtc2lnbmF0dXJl";
    let url = format!(
        "{}/{container}?sv=2022-11-02&sr=c&sp=racwl&se=2099-01-01T00%3A00%3A00Z&sig={forged}",
        azurite.blob_endpoint()
    );
    let sink = BlobSink::connect(&url, &container).expect("well-formed");
    let message = Message::new("k1", "x");

    let error = sink.put(&message.envelope()).await.expect_err("Azurite refuses a forged SAS");
    assert!(matches!(error, SinkError::Auth { .. }), "{error:?}");
    for shown in [error.to_string(), format!("{error:?}"), format!("{sink:?}")] {
        assert!(!shown.contains(forged), "the signature leaked: {shown}");
    }
}

#[tokio::test]
async fn a_blob_holding_the_same_record_rendered_differently_is_kept_and_another_record_conflicts() {
    let azurite = Azurite::start();
    let sink = prepared_blob_sink(&azurite, "samerecord").await;
    let first = Message::with_record("k1", "r1", "From: +447700900123@whatsapp.invalid");
    let remapped = Message::with_record("k1", "r1", "From: alice@contoso.com");
    let other = Message::with_record("k1", "r2", "From: alice@contoso.com");

    assert_eq!(sink.put(&first.envelope()).await.expect("first"), Written::Created);
    let kept = sink.put(&remapped.envelope()).await.expect("the same record is no conflict");
    assert_eq!(kept, Written::SameRecord { stored_sha256: first.sha256.clone() });
    assert!(matches!(sink.put(&other.envelope()).await, Err(SinkError::Conflict { .. })));
    let name = "alice@contoso.com/WhatsApp Archiver/k1.eml";
    let (bytes, _, _) = sink.get(name).await.expect("get").expect("the blob exists");
    assert_eq!(bytes, first.bytes, "never overwritten");
}
