//! `docket run` into the embedded `dir:` target: one .eml per message per mapped mailbox, idempotent
//! reruns, byte-identical output, and `preview` printing exactly what `run` writes.

use std::path::{Path, PathBuf};

use super::harness::{assert_parses, json, run, run_args, stderr, tree};

/// A generated WhatsApp zip in `dir`, and what a run of it into `dir:<dir>/out` names.
struct DeskExport {
    source: String,
    out: PathBuf,
    state: PathBuf,
    items: usize,
}

impl DeskExport {
    fn new(dir: &Path, chat: &str, messages: usize, media: bool) -> DeskExport {
        let (zip, items) =
            docket_testkit::exports::write_android_zip(dir, chat, messages, media).expect("zip");
        DeskExport {
            source: format!("whatsapp:{}", zip.display()),
            out: dir.join("out"),
            state: dir.join("state"),
            items,
        }
    }

    /// `--target` for the export's `out` folder.
    fn target(&self) -> String {
        format!("dir:{}", self.out.display())
    }

    /// `docket run` of this export into its `out` folder with its state folder, plus `extra`.
    fn run_args(&self, extra: &[&str]) -> Vec<String> {
        run_args(&self.source, &self.target(), &self.state, extra)
    }

    fn state_arg(&self) -> &str {
        self.state.to_str().expect("utf-8 state path")
    }
}

#[test]
fn a_whatsapp_zip_becomes_one_eml_per_message_per_mailbox_and_a_rerun_delivers_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let desk = DeskExport::new(tmp.path(), "Desk Chat", 40, true);
    let (out, items) = (&desk.out, desk.items);
    let args = desk.run_args(&["--mailbox", "owner@contoso.com", "--json"]);

    let first = run(&args);
    assert!(first.status.success(), "first run failed: {}", stderr(&first));
    let summary = json(&first);
    assert_eq!(summary["fetched"], items as u64);
    assert_eq!(summary["delivered"], items as u64);
    assert_eq!(summary["already_present"], 0);
    assert_eq!(summary["skipped"], serde_json::json!({}));
    assert_eq!(summary["failed"], serde_json::json!({}));

    let files = tree(out);
    assert_eq!(files.len(), items, "one .eml per message for the one mailbox");
    for (name, bytes) in &files {
        assert!(name.starts_with("owner@contoso.com/WhatsApp Archiver/") && name.ends_with(".eml"), "{name}");
        assert_parses(name, bytes);
    }
    let with_attachment = files
        .values()
        .filter_map(|b| {
            mail_parser::MessageParser::default().parse(b.as_slice()).map(|m| m.attachment_count())
        })
        .filter(|n| *n > 0)
        .count();
    assert_eq!(with_attachment, 1, "the attached PDF travels with its message");

    let second = run(&args);
    assert!(second.status.success(), "second run failed: {}", stderr(&second));
    let summary = json(&second);
    assert_eq!(summary["fetched"], items as u64);
    assert_eq!(summary["delivered"], 0);
    assert_eq!(summary["already_present"], items as u64);
    assert_eq!(tree(out), files, "a rerun changes nothing on disk");
}

#[test]
fn two_independent_runs_write_byte_identical_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, _) =
        docket_testkit::exports::write_android_zip(tmp.path(), "Rates", 25, true).expect("zip written");
    let source = format!("whatsapp:{}", zip.display());
    let mut trees = Vec::new();
    for n in 0..2 {
        let out = tmp.path().join(format!("out{n}"));
        let state = tmp.path().join(format!("state{n}"));
        let target = format!("dir:{}", out.display());
        let output = run(&run_args(
            &source,
            &target,
            &state,
            &["--mailbox", "owner@contoso.com", "--timezone", "Europe/London"],
        ));
        assert!(output.status.success(), "{}", stderr(&output));
        trees.push(tree(&out));
    }
    assert!(!trees[0].is_empty());
    assert_eq!(trees[0], trees[1]);
}

#[test]
fn a_csv_mapped_participant_gets_a_copy_in_their_own_mailbox() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) = docket_testkit::exports::write_android_zip(tmp.path(), "Desk", 8, false).expect("zip");
    let csv = tmp.path().join("mapping.csv");
    std::fs::write(&csv, "MobileNumber,EmailAddress\n+447700900456,trader@contoso.com\n").expect("csv");
    let out = tmp.path().join("out");
    let output = run(&run_args(
        &format!("whatsapp:{}", zip.display()),
        &format!("dir:{}", out.display()),
        &tmp.path().join("state"),
        &["--mapping", csv.to_str().expect("utf-8"), "--mailbox", "owner@contoso.com", "--json"],
    ));
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = json(&output);
    assert_eq!(summary["delivered"], items as u64);
    let files = tree(&out);
    let owner = files.keys().filter(|k| k.starts_with("owner@contoso.com/")).count();
    let trader = files.keys().filter(|k| k.starts_with("trader@contoso.com/")).count();
    assert_eq!(owner, items, "the owner gets every message");
    assert_eq!(trader, items, "the mapped participant is in every message of the chat");
    assert_eq!(summary["deliveries"], (owner + trader) as u64);
}

#[test]
fn without_any_mapping_items_are_kept_as_unmapped_and_replayed_after_the_mapping_is_fixed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let desk = DeskExport::new(tmp.path(), "Desk", 5, false);
    let items = desk.items;

    let first = run(&desk.run_args(&["--json"]));
    assert!(first.status.success(), "{}", stderr(&first));
    let summary = json(&first);
    assert_eq!(summary["skipped"]["unmapped"], items as u64);
    assert_eq!(summary["delivered"], 0);

    let replay = run(&desk.run_args(&["--mailbox", "owner@contoso.com", "--json"]));
    assert!(replay.status.success(), "{}", stderr(&replay));
    let summary = json(&replay);
    assert_eq!(summary["delivered"], items as u64);
    assert_eq!(summary["skipped"], serde_json::json!({}));
}

#[test]
fn preview_prints_exactly_the_bytes_run_writes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) = docket_testkit::exports::write_android_zip(tmp.path(), "Desk", 6, true).expect("zip");
    let out = tmp.path().join("out");
    let source = format!("whatsapp:{}", zip.display());
    let output = run(&run_args(
        &source,
        &format!("dir:{}", out.display()),
        &tmp.path().join("state"),
        &["--mailbox", "owner@contoso.com"],
    ));
    assert!(output.status.success(), "{}", stderr(&output));
    let written: std::collections::BTreeSet<Vec<u8>> = tree(&out).into_values().collect();
    for n in 1..=items {
        let preview = run(&[
            "preview",
            "--source",
            &source,
            "--mailbox",
            "owner@contoso.com",
            "--item",
            &n.to_string(),
        ]);
        assert!(preview.status.success(), "preview {n}: {}", stderr(&preview));
        assert!(written.contains(&preview.stdout), "preview of item {n} differs from what run wrote");
    }
    let past_end = run(&["preview", "--source", &source, "--item", "999"]);
    assert_eq!(past_end.status.code(), Some(2));
    assert!(stderr(&past_end).contains("--item"));
}

#[test]
fn runs_lists_past_runs_with_their_counts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let desk = DeskExport::new(tmp.path(), "Desk", 3, false);
    let (target, items, state_arg) = (desk.target(), desk.items, desk.state_arg());
    for _ in 0..2 {
        let o = run(&desk.run_args(&["--mailbox", "a@contoso.com"]));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let listed = run(&["runs", "--state", state_arg, "--json"]);
    assert!(listed.status.success());
    let runs = json(&listed);
    let runs = runs.as_array().expect("an array of runs");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["status"], "finished");
    assert_eq!(runs[0]["summary"]["already_present"], items as u64);
    assert_eq!(runs[1]["summary"]["delivered"], items as u64);

    let verify = run(&["verify", "--state", state_arg, "--target", &target, "--json"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let report = json(&verify);
    assert_eq!(report["matched"], items as u64);
    assert_eq!(report["missing"], serde_json::json!([]));
}

/// `docket run --json | head -c0`, `docket runs | head`: the reader of stdout goes away before Docket writes.
/// The import still completes and is recorded, the exit code is the command's own, and nothing panics.
#[test]
fn a_closed_stdout_pipe_is_not_a_crash_and_loses_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let desk = DeskExport::new(tmp.path(), "Desk", 5, false);
    let (target, items, state_arg) = (desk.target(), desk.items, desk.state_arg());
    let closed_stdout = |args: &[String]| {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        super::harness::docket().args(args).stdout(writer).output().expect("the docket binary runs")
    };
    let imported = closed_stdout(&desk.run_args(&["--mailbox", "a@contoso.com", "--json"]));
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    assert!(!stderr(&imported).contains("panicked"), "{}", stderr(&imported));
    for args in
        [vec!["runs", "--state", state_arg], vec!["verify", "--state", state_arg, "--target", &target]]
    {
        let args: Vec<String> = args.into_iter().map(str::to_string).collect();
        let o = closed_stdout(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
    let listed = json(&run(&["runs", "--state", state_arg, "--json"]));
    assert_eq!(listed[0]["summary"]["delivered"], items as u64);
}

#[cfg(unix)]
#[test]
fn a_new_state_folder_is_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let chat = tmp.path().join("WhatsApp Chat with Desk.txt");
    std::fs::write(&chat, "15/01/2024, 09:00 - Alice: hello\n").expect("export");
    let state = tmp.path().join("new/state");
    let source = format!("whatsapp:{}", chat.display());
    let target = format!("dir:{}", tmp.path().join("out").display());

    let output =
        super::harness::run(&super::harness::run_args(&source, &target, &state, &["--timezone", "UTC"]));

    assert!(output.status.code().is_some_and(|c| c < 2), "{}", super::harness::stderr(&output));
    let mode = std::fs::metadata(&state).expect("the state folder exists").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the ledger names every chat and person: only its user may read it");
}
