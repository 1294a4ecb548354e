//! Spec: secrets live in the real OS keychain (gnome-keyring over Secret Service in the test session), read
//! back across separate store objects, and never print.

use docket_core::secrets::{KeyringStore, SecretStore, Sensitive};

fn store() -> KeyringStore {
    KeyringStore::with_service(format!("docket-test-{}", std::process::id()))
}

#[test]
fn the_keychain_keeps_a_secret_across_store_objects_and_deletes_it() {
    let name = "storage-connection-string";
    let secret =
        Sensitive::new("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0".to_string());
    store()
        .set(name, &secret)
        .expect("stored in the keychain (run the tests inside scripts/test's D-Bus session)");
    let read = store().get(name).expect("read");
    assert_eq!(read.as_ref().map(|s| s.expose().as_str()), Some(secret.expose().as_str()));
    assert_eq!(format!("{read:?}"), "Some(<redacted>)");
    store().delete(name).expect("deleted");
    assert!(store().get(name).expect("read").is_none());
}

#[test]
fn the_keychain_proves_it_persists_secrets() {
    store().verify_persistence().expect("a persistent keychain");
}

#[tokio::test]
async fn the_keychain_can_be_used_from_inside_an_async_runtime() {
    let name = "inside-runtime";
    store().set(name, &Sensitive::new("v".into())).expect("set");
    assert!(store().get(name).expect("get").is_some());
    store().delete(name).expect("delete");
}
