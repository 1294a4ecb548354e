//! Bad input gets exit 2 and a message naming the file and the row or line, never a panic.

use std::path::PathBuf;

use super::harness::{run, run_args, stderr};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures").join(kind).join("malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no malformed fixtures in {}", dir.display());
    files
}

fn assert_no_panic(what: &str, err: &str) {
    assert!(!err.contains("panicked"), "{what} panicked: {err}");
}

#[test]
fn every_malformed_mapping_csv_exits_2_naming_the_file_and_row() {
    for csv in fixtures("mapping") {
        let o = run(&["mapping", "check", csv.to_str().expect("utf-8")]);
        let name = csv.file_name().and_then(|n| n.to_str()).expect("name");
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        assert_no_panic(name, &all);
        assert_eq!(o.status.code(), Some(2), "{name}: {all}");
        assert!(all.contains(name), "{name}: the message names the file: {all}");
        assert!(
            all.contains("row") || all.contains("column") || all.contains("header"),
            "{name}: names the row: {all}"
        );
    }
}

#[test]
fn every_malformed_export_exits_2_naming_the_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (kind, files) in [("whatsapp", fixtures("whatsapp")), ("telegram", fixtures("telegram"))] {
        for file in files {
            let name = file.file_name().and_then(|n| n.to_str()).expect("name");
            let o = run(&run_args(
                &format!("{kind}:{}", file.display()),
                &format!("dir:{}", tmp.path().join("out").display()),
                &tmp.path().join("state"),
                &["--mailbox", "owner@contoso.com"],
            ));
            let err = stderr(&o);
            assert_no_panic(name, &err);
            assert_eq!(o.status.code(), Some(2), "{kind} {name}: {err}");
            assert!(err.contains(name), "{kind} {name}: the message names the file: {err}");
        }
    }
}

#[test]
fn an_export_whose_dates_are_all_ambiguous_stops_and_asks_for_the_date_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let export = tmp.path().join("WhatsApp Chat with Ann.txt");
    std::fs::write(&export, "01/02/2024, 09:00 - Ann: hello\n03/04/2024, 10:00 - Bob: hi\n").expect("write");
    let source = format!("whatsapp:{}", export.display());
    let target = format!("dir:{}", tmp.path().join("out").display());
    let state = tmp.path().join("state");
    let base = run_args(&source, &target, &state, &["--mailbox", "o@contoso.com"]);
    let o = run(&base);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--date-order") && err.contains("ambiguous_date_order"), "{err}");
    assert!(!tmp.path().join("out").exists() || super::harness::tree(&tmp.path().join("out")).is_empty());

    let mut with_order = base.to_vec();
    with_order.extend(["--date-order", "dmy", "--json"].map(String::from));
    let o = run(&with_order);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(super::harness::json(&o)["delivered"], 2);
}

#[test]
fn bad_arguments_exit_2_with_the_field_named() {
    let cases: [(&[&str], &str); 4] = [
        (&["run", "--source", "signal:/x", "--target", "dir:/tmp/x"], "--source"),
        (&["run", "--source", "whatsapp:/nonexistent/chat.txt", "--target", "s3:bucket"], "--target"),
        (
            &["run", "--source", "whatsapp:/x.txt", "--target", "dir:/tmp/x", "--timezone", "Mars/Base"],
            "--timezone",
        ),
        (
            &["run", "--source", "whatsapp:/x.txt", "--target", "azure:ok-name"],
            "DOCKET_STORAGE_CONNECTION_STRING",
        ),
    ];
    for (args, needle) in cases {
        let o = run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err}");
        assert_no_panic("args", &err);
    }
}
