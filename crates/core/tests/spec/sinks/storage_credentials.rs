//! Spec: storage settings. Connection strings (including `UseDevelopmentStorage=true`) and SAS URLs are
//! read without the network; mistakes name the field, and no message or `Debug` output shows a key or a
//! signature.

use docket_core::sinks::azure_blob::{BlobSink, StorageCredential};
use docket_core::sinks::{Sink, SinkError};

/// A made-up account key for parsing tests; it opens nothing.
const FAKE_KEY: &str = "c2VjcmV0a2V5c2VjcmV0a2V5";

#[test]
fn use_development_storage_expands_to_the_emulator_account() {
    let credential =
        StorageCredential::parse("UseDevelopmentStorage=true").expect("the shorthand is accepted");
    assert_eq!(credential.account(), "devstoreaccount1");
    assert_eq!(credential.blob_endpoint().as_str(), "http://127.0.0.1:10000/devstoreaccount1");
    assert!(matches!(credential, StorageCredential::AccountKey { .. }));
    let sink = BlobSink::connect("UseDevelopmentStorage=true;", "archive").expect("connect");
    assert_eq!(sink.target_id(), "azure:devstoreaccount1/archive");
}

#[test]
fn a_portal_connection_string_points_at_the_accounts_blob_endpoint() {
    // A made-up key (base64 of "secretkeysecretkey"), spliced in so no key-shaped literal sits in the repo.
    let credential = StorageCredential::parse(&format!(
        "DefaultEndpointsProtocol=https;AccountName=contosoarchive;AccountKey={FAKE_KEY};\
         EndpointSuffix=core.windows.net"
    ))
    .expect("valid");
    assert_eq!(credential.account(), "contosoarchive");
    assert_eq!(credential.blob_endpoint().host_str(), Some("contosoarchive.blob.core.windows.net"));
    assert_eq!(credential.endpoint_origin(), "https://contosoarchive.blob.core.windows.net:443");
}

#[test]
fn sas_urls_are_parsed_into_account_container_and_token() {
    let credential = StorageCredential::parse(
        "https://contosoarchive.blob.core.windows.net/archive?sv=2022-11-02&sp=racwl&sr=c&sig=QUJD",
    )
    .expect("a container SAS URL");
    assert_eq!(credential.account(), "contosoarchive");
    assert_eq!(credential.container(), Some("archive"));
    assert_eq!(credential.blob_endpoint().as_str(), "https://contosoarchive.blob.core.windows.net/");
    let sink = BlobSink::with_credential(credential, "").expect("the URL's container is used");
    assert_eq!(sink.target_id(), "azure:contosoarchive/archive");

    let emulator =
        StorageCredential::parse("http://127.0.0.1:10000/devstoreaccount1/archive?sv=2022-11-02&sig=QUJD")
            .expect("the emulator's path-style SAS URL");
    assert_eq!(emulator.account(), "devstoreaccount1");
    assert_eq!(emulator.container(), Some("archive"));
    assert_eq!(emulator.blob_endpoint().as_str(), "http://127.0.0.1:10000/devstoreaccount1");

    let unsigned =
        StorageCredential::parse("https://contosoarchive.blob.core.windows.net/archive?sv=2022-11-02");
    assert!(matches!(unsigned, Err(SinkError::Config(ref m)) if m.message.contains("sig=")), "{unsigned:?}");
    let single_blob = StorageCredential::parse(
        "https://contosoarchive.blob.core.windows.net/archive/a/b.eml?sv=1&sig=QUJD",
    );
    assert!(matches!(single_blob, Err(SinkError::Config(_))));
    let other =
        BlobSink::connect("https://contosoarchive.blob.core.windows.net/archive?sv=1&sig=QUJD", "elsewhere");
    assert!(matches!(other, Err(SinkError::Config(ref m)) if m.message.contains("elsewhere")), "{other:?}");
}

#[test]
fn credentials_never_print_their_key_or_signature() {
    let key = FAKE_KEY;
    let by_key =
        StorageCredential::parse(&format!("AccountName=contosoarchive;AccountKey={key}")).expect("valid");
    let by_sas = StorageCredential::parse(
        "https://contosoarchive.blob.core.windows.net/archive?sv=1&sig=U0VDUkVUU0lH",
    )
    .expect("valid");
    let shown = format!("{by_key:?} {by_key:#?} {by_sas:?}");
    assert!(!shown.contains(key), "{shown}");
    assert!(!shown.contains("U0VDUkVUU0lH"), "{shown}");
    assert!(shown.contains("<redacted>") && shown.contains("contosoarchive"), "{shown}");
    let sink = BlobSink::with_credential(by_key, "archive").expect("connect");
    assert!(!format!("{sink:?}").contains(key));
}

#[test]
fn connection_string_mistakes_name_the_field_and_never_echo_the_secret() {
    let secret = "c2VjcmV0IGtleSB0aGF0IG11c3Qgbm90IGxlYWs=";
    let cases = [
        (format!("AccountKey={secret}"), "AccountName"),
        ("AccountName=contosoarchive".to_string(), "AccountKey"),
        (format!("AccountName=contosoarchive;AccountKey=not base64 {secret}!"), "AccountKey"),
        (format!("AccountName=contosoarchive;AcountKey={secret}"), "part 2"),
        (format!("AccountName=contosoarchive;{secret}"), "part 2"),
        (format!("AccountName=contosoarchive;{}", secret.trim_end_matches('=')), "Name=Value"),
        (format!("AccountName=contosoarchive;AccountKey={secret};BlobEndpoint=ftp://x"), "BlobEndpoint"),
        (String::new(), "empty"),
    ];
    for (connection, field) in cases {
        let error = BlobSink::connect(&connection, "archive").expect_err("a broken connection string");
        let message = error.to_string();
        assert!(matches!(error, SinkError::Config(_)), "{message}");
        assert!(message.contains(field), "{field} should be named in: {message}");
        assert!(!message.contains(secret) && !message.contains("c2VjcmV0"), "the secret leaked: {message}");
    }
    let bad_container = BlobSink::connect("UseDevelopmentStorage=true", "Bad_Name");
    assert!(matches!(bad_container, Err(SinkError::Config(ref m)) if m.message.contains("Bad_Name")));
}

#[test]
fn a_connection_string_may_carry_a_sas_instead_of_a_key() {
    let credential = StorageCredential::parse(
        "BlobEndpoint=https://contosoarchive.blob.core.windows.net/;\
         SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=racwl&sig=QUJD",
    )
    .expect("a SAS connection string");
    assert!(matches!(credential, StorageCredential::SharedAccessSignature { .. }));
    assert_eq!(credential.account(), "contosoarchive", "the account comes from the endpoint's host");
    assert!(!format!("{credential:?}").contains("QUJD"));
    let unsigned = StorageCredential::parse("AccountName=contosoarchive;SharedAccessSignature=sv=2022-11-02");
    assert!(matches!(unsigned, Err(SinkError::Config(ref m)) if m.message.contains("sig=")), "{unsigned:?}");
}
