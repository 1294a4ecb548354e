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
