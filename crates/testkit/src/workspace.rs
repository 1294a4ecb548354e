//! The workspace's one version number, read from `[workspace.package] version` in the root Cargo.toml, so a
//! test can check that each front end (the `docket` CLI, the desktop app, the packages) reports that number
//! and no other. It reads the manifest as text; it does not resolve Cargo's inheritance.

use std::path::{Path, PathBuf};

/// The repository root: the folder holding the workspace's Cargo.toml (two levels above this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// `version` from the `[workspace.package]` table of the root Cargo.toml. Panics when the table or the key is
/// missing: the one version lives there and nowhere else.
pub fn version() -> String {
    let path = root().join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut in_table = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_table = line == "[workspace.package]";
            continue;
        }
        if !in_table {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        if key.trim() == "version" {
            return value.trim().trim_matches('"').to_string();
        }
    }
    panic!("{} has no [workspace.package] version", path.display())
}
