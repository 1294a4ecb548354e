//! The TypeScript types in ui/src/generated/ are generated from the Rust types that cross IPC. This test
//! regenerates them into a temp folder and fails when the committed folder differs. To refresh the folder
//! after changing a type, run the test with `DOCKET_WRITE_TYPES=1`.

use std::collections::BTreeMap;
use std::path::Path;

fn ts_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "ts") {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(name, std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    files
}

#[test]
fn the_generated_typescript_types_are_up_to_date() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/generated");
    if std::env::var_os("DOCKET_WRITE_TYPES").is_some() {
        for name in ts_files(&committed).keys() {
            std::fs::remove_file(committed.join(name)).expect("old generated file removed");
        }
        docket_desktop::export_typescript(&committed).expect("types written to ui/src/generated");
    }
    let fresh = tempfile::tempdir().expect("temp dir");

    docket_desktop::export_typescript(fresh.path()).expect("types generate");

    let fresh = ts_files(fresh.path());
    assert!(fresh.contains_key("RunSummary.ts") && fresh.contains_key("IpcError.ts"), "{:?}", fresh.keys());
    let committed = ts_files(&committed);
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "ui/src/generated is stale: run `DOCKET_WRITE_TYPES=1 cargo test --workspace --all-targets \
         generated_typescript` and commit the result"
    );
    for (name, text) in &fresh {
        assert_eq!(
            Some(text),
            committed.get(name),
            "ui/src/generated/{name} is stale: run `DOCKET_WRITE_TYPES=1 cargo test --workspace --all-targets \
             generated_typescript` and commit the result"
        );
    }
}
