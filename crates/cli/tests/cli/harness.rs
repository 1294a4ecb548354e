//! Runs the real `docket` binary and reads its outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn docket() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docket"));
    cmd.env_remove("DOCKET_STORAGE_CONNECTION_STRING")
        .env_remove("DOCKET_STATE_DIR")
        .env("DOCKET_LOG", "warn");
    cmd
}

pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    docket().args(args).output().expect("the docket binary runs")
}

/// `run --source SOURCE --target TARGET --state STATE` followed by `extra`: the arguments every run repeats.
pub fn run_args(source: &str, target: &str, state: &Path, extra: &[&str]) -> Vec<String> {
    let state = state.to_str().expect("a UTF-8 state path");
    ["run", "--source", source, "--target", target, "--state", state]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}):\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `root` with its bytes, keyed by the path relative to `root`.
pub fn tree(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let path: PathBuf = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    out
}

/// Parses an .eml with the independent `mail-parser` crate and checks it is a well-formed message.
pub fn assert_parses(name: &str, bytes: &[u8]) -> mail_parser::Message<'static> {
    let message = mail_parser::MessageParser::default()
        .parse(bytes)
        .unwrap_or_else(|| panic!("{name} does not parse as a MIME message"))
        .into_owned();
    assert!(message.message_id().is_some(), "{name}: no Message-ID");
    assert!(message.date().is_some(), "{name}: no Date");
    assert!(message.from().is_some(), "{name}: no From");
    assert!(message.subject().is_some(), "{name}: no Subject");
    assert!(message.body_text(0).is_some(), "{name}: no text body");
    message
}

/// An Entra ID double and a Graph double that trusts it, with users that have mailboxes.
pub struct GraphTenant {
    pub entra: docket_testkit::fake_entra::FakeEntra,
    pub graph: docket_testkit::fake_graph::FakeGraph,
}

pub fn graph_tenant(users: &[(&str, &str)]) -> GraphTenant {
    let entra = docket_testkit::fake_entra::FakeEntra::start();
    let graph = docket_testkit::fake_graph::FakeGraph::start(&entra);
    for (upn, name) in users {
        graph.add_user(upn, name);
    }
    GraphTenant { entra, graph }
}

impl GraphTenant {
    /// `docket` with the Docket app's IDs and secret in its environment and the doubles as its cloud.
    pub fn docket(&self) -> Command {
        use docket_testkit::fake_entra::{CLIENT_ID, SECRET, TENANT};
        let mut cmd = docket();
        cmd.env("DOCKET_TENANT_ID", TENANT)
            .env("DOCKET_CLIENT_ID", CLIENT_ID)
            .env("DOCKET_CLIENT_SECRET", SECRET)
            .env("DOCKET_AUTHORITY_BASE", &self.entra.authority)
            .env("DOCKET_GRAPH_BASE", &self.graph.base);
        cmd
    }

    pub fn run(&self, args: &[String]) -> Output {
        self.docket().args(args).output().expect("the docket binary runs")
    }
}
