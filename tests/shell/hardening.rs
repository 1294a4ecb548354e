//! The window's hardening, read from the configuration Tauri compiles into the app: a Content Security
//! Policy that allows only the app's own scripts, styles and IPC, and forbids `<base>` rewrites, form
//! submissions, plugins and framing; and frozen JavaScript prototypes, so a script that got in cannot patch
//! `Object.prototype` to change what the IPC layer sends.

use serde_json::Value;

use super::harness::workspace_file;

fn security() -> Value {
    let text = std::fs::read_to_string(workspace_file("tauri.conf.json")).expect("tauri.conf.json");
    let config: Value = serde_json::from_str(&text).expect("tauri.conf.json is JSON");
    config["app"]["security"].clone()
}

fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace().map(str::to_string);
            Some((words.next()?, words.collect()))
        })
        .collect()
}

#[test]
fn the_csp_forbids_base_rewrites_form_posts_plugins_and_framing() {
    let security = security();
    let csp = security["csp"].as_str().expect("a CSP string");
    let directives = directives(csp);
    let value = |name: &str| directives.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    for name in ["base-uri", "form-action", "object-src", "frame-ancestors"] {
        assert_eq!(value(name), Some(vec!["'none'".to_string()]), "{name} in {csp}");
    }
    assert_eq!(value("default-src"), Some(vec!["'self'".to_string()]), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
}

#[test]
fn javascript_prototypes_are_frozen() {
    assert_eq!(security()["freezePrototype"], Value::Bool(true));
}

#[test]
fn each_command_the_window_may_call_is_allowed_by_name_and_no_other() {
    let lib = std::fs::read_to_string(workspace_file("src-tauri/src/lib.rs")).expect("lib.rs");
    let start = lib.find("generate_handler![").expect("the handler list");
    let end = start + lib[start..].find("])").expect("its end");
    let mut registered: Vec<String> = lib[start..end]
        .lines()
        .skip(1)
        .filter_map(|line| line.trim().trim_end_matches(',').rsplit("::").next().map(str::to_string))
        .filter(|name| !name.is_empty())
        .collect();
    registered.sort();

    let text = std::fs::read_to_string(workspace_file("capabilities/default.json")).expect("capability");
    let capability: Value = serde_json::from_str(&text).expect("JSON");
    let mut allowed: Vec<String> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    allowed.sort();
    assert_eq!(allowed, registered, "capabilities/default.json allows exactly the registered commands");

    let build = std::fs::read_to_string(workspace_file("src-tauri/build.rs")).expect("build.rs");
    assert!(
        build.contains(".app_manifest("),
        "the app manifest is declared, so unlisted commands are refused"
    );
    for name in &registered {
        assert!(build.contains(&format!("\"{name}\"")), "build.rs lists {name} in the app manifest");
    }
}
