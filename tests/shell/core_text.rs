//! The English catalog of the core's sentences (`ui/src/i18n/core/en.ts`) is read from the `text!` calls in
//! the sources. This test reads them again and fails when the committed catalog differs, when one key has two
//! templates, or when a call's values do not match its template's placeholders. To refresh the catalog, run
//! it with `DOCKET_WRITE_TYPES=1` (as for the generated types); then add the new keys in French and Dutch
//! (`ui/src/i18n/core/fr.ts` and `nl.ts`), which the UI's tests check.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One `text!` call: its key, its template, and the names of its values.
struct Call {
    key: String,
    template: String,
    names: BTreeSet<String>,
    place: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Reads a string literal at the start of `s` (after whitespace): its value and the rest after it.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &s[i + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                '"' => value.push('"'),
                '\\' => value.push('\\'),
                '\'' => value.push('\''),
                '\n' => {
                    // A line continuation skips the next line's leading whitespace.
                    let rest = chars.as_str();
                    let skipped = rest.len() - rest.trim_start().len();
                    for _ in 0..rest[..skipped].chars().count() {
                        chars.next();
                    }
                }
                other => panic!("unexpected escape \\{other} in a text! template"),
            },
            c => value.push(c),
        }
    }
    None
}

/// The names before `=` in the top-level, comma-separated arguments of `s`, which ends at the call's `)`.
fn value_names(s: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut depth = 0i32;
    let mut piece = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in s.chars() {
        if in_string {
            piece.push(c);
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                piece.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                piece.push(c);
            }
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => {
                depth -= 1;
                piece.push(c);
            }
            ',' if depth == 0 => {
                names.extend(name_of(&piece));
                piece.clear();
            }
            c => piece.push(c),
        }
    }
    names.extend(name_of(&piece));
    names
}

fn name_of(piece: &str) -> Option<String> {
    let (name, value) = piece.split_once('=')?;
    let name = name.trim();
    (!value.starts_with('=') && !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| name.to_string())
}

fn placeholders(template: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out
}

/// The `.rs` files under these folders of the workspace, in order.
fn sources(dirs: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

fn calls() -> Vec<Call> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = sources(&["crates/core/src", "src-tauri/src"]);
    let mut calls = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut rest = source.as_str();
        while let Some(at) = rest.find("text!") {
            let offset = source.len() - rest.len() + at;
            rest = &rest[at + "text!".len()..];
            if source[..offset].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // another macro (`display_as_text!`)
            }
            let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
            if source[line_start..offset].contains("//") {
                continue; // a comment's example
            }
            let Some(opened) = rest.trim_start().strip_prefix(['(', '[', '{']) else {
                continue; // prose that names the macro (`[text!](crate::text!)`)
            };
            rest = opened;
            let line = source[..offset].matches('\n').count() + 1;
            let place = format!("{}:{line}", file.strip_prefix(root).unwrap_or(&file).display());
            let Some((key, after_key)) = string_literal(rest) else {
                panic!("{place}: text! must begin with a plain string literal key, which the catalog reads");
            };
            let after_key =
                after_key.trim_start().strip_prefix(',').unwrap_or_else(|| panic!("{place}: no template"));
            let (template, after) = string_literal(after_key)
                .unwrap_or_else(|| panic!("{place}: the template must be a string literal"));
            if key.starts_with("test.") && file.ends_with("crates/core/src/text.rs") {
                continue; // the text module's own unit tests
            }
            calls.push(Call { key, template, names: value_names(after), place });
        }
    }
    calls
}

fn catalog_ts(catalog: &BTreeMap<String, String>) -> String {
    let mut ts = String::from(
        "// The core's sentences in English, read from the `text!` calls in crates/core and src-tauri by\n\
         // tests/shell/core_text.rs. Do not edit: run that test with DOCKET_WRITE_TYPES=1.\n\
         export const coreEn: Record<string, string> = {\n",
    );
    for (key, template) in catalog {
        let key = serde_json::to_string(key).unwrap_or_default();
        let template = serde_json::to_string(template).unwrap_or_default();
        ts.push_str(&format!("  {key}: {template},\n"));
    }
    ts.push_str("};\n");
    ts
}

#[test]
fn every_text_names_its_values_and_the_english_catalog_is_up_to_date() {
    let calls = calls();
    assert!(calls.len() > 100, "only {} text! calls found; is the scanner broken?", calls.len());
    let mut catalog: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for call in &calls {
        if !call.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.') {
            problems.push(format!("{}: key {:?} is not lower_case.dotted", call.place, call.key));
        }
        let wanted = placeholders(&call.template);
        if wanted != call.names {
            problems.push(format!(
                "{}: {} names {:?} but is given {:?}",
                call.place, call.key, wanted, call.names
            ));
        }
        if let Some(earlier) = catalog.insert(call.key.clone(), call.template.clone()) {
            if earlier != call.template {
                problems.push(format!("{}: {} has two templates: {earlier:?}", call.place, call.key));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/i18n/core/en.ts");
    let fresh = catalog_ts(&catalog);
    if std::env::var_os("DOCKET_WRITE_TYPES").is_some() {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/i18n/core/en.ts is stale: run `DOCKET_WRITE_TYPES=1 cargo nextest run -E 'test(english_catalog)'`, \
         translate the new keys in ui/src/i18n/core/fr.ts and nl.ts, and commit the result"
    );
}

#[test]
fn only_the_text_macro_makes_a_text() {
    let bypassing: Vec<String> = sources(&["crates/core/src", "src-tauri/src", "crates/cli/src"])
        .iter()
        .filter(|f| !f.ends_with("crates/core/src/text.rs"))
        .filter(|f| {
            std::fs::read_to_string(f).is_ok_and(|s| s.contains("Text::render(") || s.contains("TextBody {"))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(bypassing.is_empty(), "a Text made without text! is missing from the catalog: {bypassing:?}");
}

#[test]
fn the_scanner_reads_continued_lines_escapes_and_nested_values() {
    let (value, rest) =
        string_literal("  \"a \\\"b\\\" \\\n        c\", x = f(1, 2), y = \"s,t\")").unwrap_or_default();
    assert_eq!(value, "a \"b\" c");
    assert_eq!(
        value_names(rest.trim_start().trim_start_matches(',')),
        BTreeSet::from(["x".into(), "y".into()])
    );
    assert_eq!(placeholders("{a} and {b}"), BTreeSet::from(["a".into(), "b".into()]));
}
