//! Spec: the `.eml` folder sink. Writes are create-only and crash-safe, names cannot escape the archive
//! folder, and `list` reports exactly the archived messages with their digests.

use std::path::Path;

use docket_core::sinks::dir::DirSink;
use docket_core::sinks::{Sink, SinkError, Written};
use docket_core::Code;

use super::Message;

fn files_under(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read a folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out.sort();
    out
}

#[tokio::test]
async fn dir_sink_writes_create_only_and_a_second_identical_write_is_already_present() {
    let base = tempfile::tempdir().expect("temp dir");
    let sink = DirSink::new(base.path().join("archive"));
    sink.prepare().await.expect("prepare creates the root");
    let message = Message::new("whatsapp-20240115T100000-aaaa", "hello");

    assert_eq!(sink.put(&message.envelope()).await.expect("first write"), Written::Created);
    assert_eq!(sink.put(&message.envelope()).await.expect("second write"), Written::AlreadyPresent);

    let file =
        base.path().join("archive/alice@contoso.com/WhatsApp Archiver/whatsapp-20240115T100000-aaaa.eml");
    assert_eq!(std::fs::read(&file).expect("the .eml file"), message.bytes);
    assert_eq!(
        files_under(&base.path().join("archive")),
        vec!["alice@contoso.com/WhatsApp Archiver/whatsapp-20240115T100000-aaaa.eml"],
        "no temp files are left behind"
    );
}

#[tokio::test]
async fn dir_sink_reports_different_bytes_as_a_conflict_and_keeps_the_original() {
    let base = tempfile::tempdir().expect("temp dir");
    let sink = DirSink::new(base.path());
    sink.prepare().await.expect("prepare");
    let original = Message::new("k1", "original");
    let altered = Message::new("k1", "altered");
    sink.put(&original.envelope()).await.expect("first write");

    let error = sink.put(&altered.envelope()).await.expect_err("different bytes must not be written");
    match &error {
        SinkError::Conflict { name, stored, new } => {
            assert_eq!(name, "alice@contoso.com/WhatsApp Archiver/k1.eml");
            assert_eq!(stored, &original.sha256);
            assert_eq!(new, &altered.sha256);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(error.code(), Code::StorageConflict);
    assert!(error.is_permanent());
    let file = base.path().join("alice@contoso.com/WhatsApp Archiver/k1.eml");
    assert_eq!(std::fs::read(file).expect("the original"), original.bytes, "the original is unchanged");
}

#[tokio::test]
async fn leftover_temp_files_from_a_killed_run_are_ignored() {
    let base = tempfile::tempdir().expect("temp dir");
    let sink = DirSink::new(base.path());
    let message = Message::new("k2", "body");
    let folder = base.path().join("alice@contoso.com/WhatsApp Archiver");
    std::fs::create_dir_all(&folder).expect("folder");
    // What a kill -9 between writing and linking leaves behind: hidden, partial, never a message.
    std::fs::write(folder.join(".k2.eml.999-0-deadbeef.tmp"), b"Subject: k2\r\n\r\nbo").expect("temp");
    std::fs::write(folder.join(".k2.eml.999-1-feedface.tmp"), b"").expect("temp");

    assert_eq!(sink.put(&message.envelope()).await.expect("write"), Written::Created);
    assert_eq!(sink.put(&message.envelope()).await.expect("rewrite"), Written::AlreadyPresent);
    let listed = sink.list().await.expect("list");
    assert_eq!(listed.len(), 1, "temp files are not listed: {listed:?}");
    assert_eq!(listed[0].name, "alice@contoso.com/WhatsApp Archiver/k2.eml");
    assert_eq!(listed[0].sha256.as_deref(), Some(message.sha256.as_str()));
    assert_eq!(listed[0].size, message.bytes.len() as u64);
}

#[tokio::test]
async fn names_that_would_escape_the_archive_folder_are_rejected() {
    let base = tempfile::tempdir().expect("temp dir");
    let root = base.path().join("archive");
    let sink = DirSink::new(&root);
    sink.prepare().await.expect("prepare");
    let cases: [(&str, &str, &str); 6] = [
        ("..", "WhatsApp Archiver", "k"),
        ("alice@contoso.com", "..", "k"),
        ("alice@contoso.com", "../../outside", "k"),
        ("alice@contoso.com", "WhatsApp Archiver", "../../../escape"),
        ("alice@contoso.com", "WhatsApp Archiver", "sub/dir"),
        ("/etc", "WhatsApp Archiver", "k"),
    ];
    for (mailbox, folder, key) in cases {
        let mut message = Message::new(key, "x");
        message.mailbox = mailbox.into();
        message.folder = folder.into();
        let error = sink.put(&message.envelope()).await.expect_err("an escaping name must be refused");
        assert!(matches!(error, SinkError::Config(_)), "{mailbox}/{folder}/{key}: {error:?}");
        assert_eq!(error.code(), Code::BadConfig);
    }
    assert!(
        files_under(base.path()).is_empty(),
        "nothing was written anywhere: {:?}",
        files_under(base.path())
    );
}

#[tokio::test]
async fn dir_target_id_is_the_canonical_absolute_path_and_list_names_objects_from_the_root() {
    let base = tempfile::tempdir().expect("temp dir");
    let root = base.path().join("a").join("..").join("archive");
    let sink = DirSink::new(&root);
    let before = sink.target_id();
    sink.prepare().await.expect("prepare");
    let canonical = base.path().join("archive").canonicalize().expect("canonical root");
    assert_eq!(sink.target_id(), format!("dir:{}", canonical.display()));
    assert_eq!(before, sink.target_id(), "the id does not change when the folder is created");

    let first = Message::new("k1", "one");
    let mut second = Message::new("k2", "two");
    second.mailbox = "bob@contoso.com".into();
    sink.put(&first.envelope()).await.expect("write");
    sink.put(&second.envelope()).await.expect("write");
    std::fs::write(canonical.join("README.txt"), "not a message").expect("a stray file");
    let names: Vec<_> = sink.list().await.expect("list").into_iter().map(|o| (o.name, o.sha256)).collect();
    assert_eq!(
        names,
        vec![
            ("alice@contoso.com/WhatsApp Archiver/k1.eml".to_string(), Some(first.sha256.clone())),
            ("bob@contoso.com/WhatsApp Archiver/k2.eml".to_string(), Some(second.sha256.clone())),
        ]
    );
}

#[tokio::test]
async fn a_dir_that_cannot_be_created_is_an_io_error_naming_the_path() {
    let base = tempfile::tempdir().expect("temp dir");
    let blocker = base.path().join("not-a-folder");
    std::fs::write(&blocker, "a file where the archive folder should be").expect("file");
    let sink = DirSink::new(blocker.join("archive"));
    let error = sink.prepare().await.expect_err("cannot create a folder inside a file");
    match &error {
        SinkError::Io { path, .. } => assert!(path.starts_with(&blocker)),
        other => panic!("expected Io, got {other:?}"),
    }
    assert_eq!(error.code(), Code::Io);
    assert!(error.to_string().contains("not-a-folder"), "{error}");
}

#[tokio::test]
async fn the_same_record_rendered_differently_is_kept_as_stored_and_another_record_conflicts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sink = DirSink::new(tmp.path());
    let first = Message::with_record("k1", "r1", "From: +447700900123@whatsapp.invalid");
    let remapped = Message::with_record("k1", "r1", "From: alice@contoso.com");
    let other = Message::with_record("k1", "r2", "From: alice@contoso.com");

    assert_eq!(sink.put(&first.envelope()).await.expect("first"), Written::Created);
    let kept = sink.put(&remapped.envelope()).await.expect("the same record is no conflict");
    assert_eq!(kept, Written::SameRecord { stored_sha256: first.sha256.clone() });
    assert!(matches!(sink.put(&other.envelope()).await, Err(SinkError::Conflict { .. })));
    let path = tmp.path().join("alice@contoso.com/WhatsApp Archiver/k1.eml");
    assert_eq!(std::fs::read(path).expect("stored"), first.bytes, "never overwritten");
}
