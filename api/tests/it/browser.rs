//! The answer page in a real browser: Debian's headless Chromium driven by ChromeDriver over the
//! W3C WebDriver protocol (plain HTTP + JSON, so no client crate). `scripts/test.sh` installs
//! both (`ensure_chromium`); the test names what is missing otherwise.

use crate::answer_link::fetch;
use crate::harness::{Options, WebhookReceiver, spawn_app, spawn_app_with, until};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};

/// The WebDriver spec's key for element references.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    base: String,
    profile: std::path::PathBuf,
}

impl Browser {
    async fn start() -> Browser {
        let driver_bin = std::env::var("OFFLOAD_TEST_CHROMEDRIVER")
            .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium =
            std::env::var("OFFLOAD_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(
            std::path::Path::new(&driver_bin).exists() && std::path::Path::new(&chromium).exists(),
            "Chromium and ChromeDriver are needed ({chromium}, {driver_bin}): \
             scripts/test.sh installs them (Debian packages chromium, chromium-driver)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        until("chromedriver to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })
        .await;
        let profile =
            std::env::temp_dir().join(format!("offload-chromium-{}", uuid::Uuid::new_v4()));
        // Flags that keep Chromium off the network it would otherwise call home to.
        let args = json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=900,1100",
            format!("--user-data-dir={}", profile.display()),
        ]);
        let created: Value = http
            .post(format!("{base}/session"))
            // Finding an element waits for it (up to 20 s): a page a click submitted may still
            // be on its way on a busy machine.
            .json(&json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "timeouts": {"implicit": 20000},
                "goog:chromeOptions": {"binary": chromium, "args": args}
            }}}))
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("a browser session: {created}"))
            .to_string();
        Browser {
            driver,
            http,
            session,
            base,
            profile,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(
            answer["value"].get("error").is_none(),
            "WebDriver {path}: {answer}"
        );
        answer["value"].clone()
    }

    async fn open(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: {found}"))
            .to_string()
    }

    async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        let text = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{element}/text"),
                None,
            )
            .await;
        text.as_str().unwrap().to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Runs `script` in the page and returns what it returns.
    async fn execute(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let png = self.call(reqwest::Method::GET, "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[tokio::test]
async fn a_person_answers_from_the_link_in_the_webhook_and_the_case_resumes() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(
        &case_id,
        "Thanks for reaching out. Which tax year should the W-9 cover?",
    )
    .await;
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.input_needed");
    let link = event["data"]["answerUrl"].as_str().unwrap().to_string();

    let browser = Browser::start().await;
    browser.open(&link).await;
    let question = browser.text("#question").await;
    assert!(
        question.contains("Which tax year should the W-9 cover?"),
        "{question}"
    );
    assert!(
        browser
            .text("#thread")
            .await
            .contains("Thanks for reaching out."),
        "the conversation so far is on the page"
    );
    browser.type_into("#answer", "Tax year 2025, please.").await;
    if std::env::var("OFFLOAD_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/answer-page.png");
        std::fs::write(path, browser.screenshot().await).unwrap();
    } else {
        assert!(browser.screenshot().await.starts_with(b"\x89PNG"));
    }
    browser.click("button[type=submit]").await;
    let outcome = browser.text("#outcome").await;
    assert_eq!(outcome, "Thank you — your answer was sent");

    // The case resumes with the answer: the rules agent relays it to the counterparty.
    let view = app
        .wait_for(&case_id, "the answer relayed", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(
        view["humanInputs"][0]["providedContext"],
        "Tax year 2025, please."
    );

    // The same link, opened again, says it was answered.
    browser.open(&link).await;
    assert_eq!(
        browser.text("#outcome").await,
        "This question was already answered"
    );
    assert_eq!(fetch(&link, None, None).await.status, 409);
    browser.call(reqwest::Method::DELETE, "", None).await;
}

#[tokio::test]
async fn a_person_unsubscribes_from_the_link_in_the_mail_and_the_case_ends() {
    let app = spawn_app().await;
    let case_id = app.create_case(crate::harness::case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let link = crate::unsubscribe::unsubscribe_url(&app, &case_id);

    let browser = Browser::start().await;
    browser.open(&link).await;
    browser.click("#unsubscribe").await;
    assert_eq!(browser.text("#outcome").await, "You are unsubscribed");
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "UNSUBSCRIBED");
    browser.call(reqwest::Method::DELETE, "", None).await;
}

#[tokio::test]
async fn the_reference_at_docs_renders_every_operation_from_this_origin_alone() {
    let app = spawn_app_with(Options {
        worker: false,
        ..Options::default()
    })
    .await;
    let document: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    let mut documented: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    documented.sort();

    let browser = Browser::start().await;
    browser.open(&format!("{}/docs", app.base)).await;
    browser.find(".opblock .opblock-summary-path").await;
    let rendered = browser
        .execute(
            "return Array.from(document.querySelectorAll('.opblock')).map(b => \
             b.querySelector('.opblock-summary-method').textContent + ' ' + \
             b.querySelector('.opblock-summary-path').getAttribute('data-path'))",
        )
        .await;
    let mut rendered: Vec<String> = serde_json::from_value(rendered).unwrap();
    // JavaScript and Rust order strings alike only for ASCII: sorted here.
    rendered.sort();
    assert_eq!(
        rendered, documented,
        "every documented operation is on the page"
    );
    // Everything the page loaded came from the API itself (the policy forbids other origins,
    // and this machine has no route to a CDN anyway).
    let loaded = browser
        .execute("return performance.getEntriesByType('resource').map(e => e.name)")
        .await;
    let loaded: Vec<String> = serde_json::from_value(loaded).unwrap();
    assert!(
        loaded
            .iter()
            .any(|url| url.ends_with("/docs/swagger-ui-bundle.js"))
            && loaded.iter().any(|url| url.ends_with("/openapi.json")),
        "{loaded:#?}"
    );
    assert!(
        loaded
            .iter()
            .all(|url| url.starts_with(&app.base) || url.starts_with("data:")),
        "{loaded:#?}"
    );
    // A load the policy blocked leaves no timing entry: no element that loads something may
    // even point at another origin (plain links to documentation may).
    let elsewhere = browser
        .execute(
            "return Array.from(document.querySelectorAll('script[src],link[href],img[src],\
             iframe[src],source[src],embed[src],video[src],audio[src]')) \
             .map(e => e.src || e.href).filter(u => u && !u.startsWith(location.origin) \
             && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('javascript:'))",
        )
        .await;
    assert_eq!(
        elsewhere,
        json!([]),
        "nothing on the page points at another origin"
    );
    if std::env::var("OFFLOAD_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api-reference.png");
        std::fs::write(path, browser.screenshot().await).unwrap();
    }
    browser.call(reqwest::Method::DELETE, "", None).await;
}
