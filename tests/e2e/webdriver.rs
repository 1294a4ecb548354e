//! A small W3C WebDriver client for the end-to-end tests: it starts `tauri-driver` (which starts
//! WebKitWebDriver, which starts the real Docket binary), opens one session and offers the handful of calls
//! the tests need: find (by CSS, waiting), click, type, read text and values, run a script, screenshot.
//! Every call that fails says which element or step it was about.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// The W3C key for a WebDriver element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long `find` and `wait_*` wait before failing.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
}

#[derive(Debug, Clone)]
pub struct Element {
    id: String,
    what: String,
}

impl Driver {
    /// Starts tauri-driver on a free port with `env` for the app, and opens a session on `app`. The driver's
    /// and the app's stderr go to `log`.
    pub async fn start(app: &Path, env: &[(&str, String)], log: &Path) -> Driver {
        let port = docket_testkit::azurite::free_port();
        let native_port = docket_testkit::azurite::free_port();
        let log_file = std::fs::File::create(log).expect("driver log file");
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file);
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("tauri-driver starts (cargo install tauri-driver@2.1.0 --locked)");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("http client");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let session = loop {
            let answer = http
                .post(format!("{base}/session"))
                .json(&json!({
                    "capabilities": { "alwaysMatch": {
                        "browserName": "wry",
                        "tauri:options": { "application": app.to_string_lossy() },
                    }}
                }))
                .send()
                .await;
            if let Ok(answer) = answer {
                let body: Value = answer.json().await.expect("session answer is JSON");
                if let Some(id) = body["value"]["sessionId"].as_str() {
                    break id.to_string();
                }
                assert!(started.elapsed() < WAIT, "no WebDriver session: {body}");
            }
            assert!(
                started.elapsed() < WAIT,
                "tauri-driver did not answer on port {port}; see {}",
                log.display()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        Driver { child, base, session, http }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        body["value"].clone()
    }

    async fn try_find(&self, css: &str) -> Option<Element> {
        let found = self
            .call(reqwest::Method::POST, "/element", Some(json!({ "using": "css selector", "value": css })))
            .await;
        if std::env::var_os("E2E_DEBUG").is_some() {
            eprintln!("find {css}: {found}");
        }
        found[ELEMENT].as_str().map(|id| Element { id: id.to_string(), what: css.to_string() })
    }

    /// The first element matching `css`, waiting up to `WAIT` for it.
    pub async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            assert!(
                started.elapsed() < WAIT,
                "no element {css} after {WAIT:?}; page: {}",
                self.page_text().await
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Whether `css` matches an element now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        self.try_find(css).await.is_some()
    }

    /// The form control labelled `label` (the label's text starts with it), waiting for it.
    pub async fn by_label(&self, label: &str) -> Element {
        let script = "const want = arguments[0]; \
            const l = [...document.querySelectorAll('label')].find(l => l.textContent.trim().startsWith(want)); \
            return l ? (l.control ?? l.querySelector('input,select,textarea')) : null;";
        self.wait_script_element(script, json!([label]), &format!("the field labelled {label:?}")).await
    }

    /// The button whose text is exactly `text` (ignoring surrounding space), waiting for it.
    pub async fn button(&self, text: &str) -> Element {
        let script = "const want = arguments[0]; \
            return [...document.querySelectorAll('button')].find(b => b.textContent.trim() === want) ?? null;";
        self.wait_script_element(script, json!([text]), &format!("the button {text:?}")).await
    }

    async fn wait_script_element(&self, script: &str, args: Value, what: &str) -> Element {
        let started = Instant::now();
        loop {
            let found = self.script(script, args.clone()).await;
            if let Some(id) = found[ELEMENT].as_str() {
                return Element { id: id.to_string(), what: what.to_string() };
            }
            assert!(started.elapsed() < WAIT, "no {what} after {WAIT:?}; page: {}", self.page_text().await);
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn click(&self, element: &Element) {
        let answer = self
            .call(reqwest::Method::POST, &format!("/element/{}/click", element.id), Some(json!({})))
            .await;
        assert!(answer.is_null() || answer.get("error").is_none(), "clicking {}: {answer}", element.what);
    }

    /// Clears a field and types `text` into it, as the admin would.
    pub async fn type_into(&self, element: &Element, text: &str) {
        self.call(reqwest::Method::POST, &format!("/element/{}/clear", element.id), Some(json!({}))).await;
        let answer = self
            .call(
                reqwest::Method::POST,
                &format!("/element/{}/value", element.id),
                Some(json!({ "text": text })),
            )
            .await;
        assert!(answer.is_null() || answer.get("error").is_none(), "typing into {}: {answer}", element.what);
    }

    pub async fn text(&self, element: &Element) -> String {
        let value = self.call(reqwest::Method::GET, &format!("/element/{}/text", element.id), None).await;
        value.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub async fn value(&self, element: &Element) -> String {
        self.script("return arguments[0].value;", json!([{ ELEMENT: element.id }]))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn is_enabled(&self, element: &Element) -> bool {
        self.call(reqwest::Method::GET, &format!("/element/{}/enabled", element.id), None).await.as_bool()
            == Some(true)
    }

    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", Some(json!({ "script": script, "args": args })))
            .await
    }

    /// Everything the page shows, with runs of white space as one space.
    pub async fn page_text(&self) -> String {
        let text = self.script("return document.body ? document.body.innerText : '';", json!([])).await;
        text.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The page's whole HTML, inputs' values included (for the secret search).
    pub async fn page_html(&self) -> String {
        let script = "document.querySelectorAll('input,textarea').forEach(i => i.setAttribute('data-value', i.value)); \
                      return document.documentElement.outerHTML;";
        self.script(script, json!([])).await.as_str().unwrap_or_default().to_string()
    }

    /// Waits until `css` matches an element whose text contains `needle`, and returns that text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(element) = self.try_find(css).await {
                let text = self.text(&element).await;
                if text.contains(needle) {
                    return text;
                }
                assert!(started.elapsed() < WAIT, "{css} says {text:?}, never {needle:?}");
            } else {
                assert!(started.elapsed() < WAIT, "no element {css}; page: {}", self.page_text().await);
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Saves a screenshot of the window, scrolled to the top, as PNG.
    pub async fn screenshot(&self, path: &Path) {
        self.script("window.scrollTo(0, 0);", json!([])).await;
        self.save_screenshot(path).await;
    }

    /// Saves a screenshot of the window scrolled so that the element matching `css` ends at the window's
    /// bottom (or starts at its top when it is taller), for results further down a long step.
    pub async fn screenshot_showing(&self, path: &Path, css: &str) {
        self.find(css).await;
        let script = "window.scrollTo(0, 0); const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
            window.scrollTo(0, Math.max(0, r.height > window.innerHeight ? r.top : r.bottom - window.innerHeight + 16));";
        self.script(script, json!([css])).await;
        self.save_screenshot(path).await;
    }

    async fn save_screenshot(&self, path: &Path) {
        // WebKitGTK under Xvfb paints a change a moment after the DOM has it.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("the screenshot is base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("screenshot written");
    }

    /// Ends the session (closing the app) and stops the driver.
    pub async fn quit(mut self) {
        let _ = self.http.delete(format!("{}/session/{}", self.base, self.session)).send().await;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A failed test still frees WebKitWebDriver's one session for the next test.
        let _ = self.child.kill();
    }
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    let installed = home.join("bin/tauri-driver");
    if installed.is_file() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}
