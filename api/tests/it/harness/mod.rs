//! The test harness: one real Temporal dev server per test binary, and per test its own task
//! queue, in-process worker, API on port 0, data directory and webhook receiver.

mod mail;
mod receivers;

pub use mail::*;
pub use offload_testkit::*;
pub use receivers::*;

use offload_api::AppState;
use offload_api::keys::{KeyStore, mint};
use offload_api::store::CaseStore;
use offload_core::config::Config;
use offload_core::otel::Otel;
use offload_worker::metrics::WorkerMetrics;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub const INBOUND_SECRET: &str = "test-inbound-secret-0123456789";
pub const REPLY_DOMAIN: &str = "reply.test";
/// `OFFLOAD_REPLY_SIGNING_KEY` of every test app.
pub const REPLY_SIGNING_KEY: &str = "test-reply-signing-key-0123456789abcdef";

pub struct Response {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Response {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// Asserts the error envelope and returns its message.
    /// Asserts the 409 of an answer that was already used: `INPUT_REQUEST_NOT_PENDING` while the
    /// case still acts on it, `CASE_NOT_WAITING_FOR_INPUT` once it has moved on (with the rules
    /// agent that takes microseconds; `llm.rs` holds the first state open to pin it down).
    pub fn assert_answer_used(&self) {
        let code = self.body["error"]["code"].as_str().unwrap_or("");
        assert_eq!(self.status, 409, "body: {}", self.body);
        assert!(
            code == "INPUT_REQUEST_NOT_PENDING" || code == "CASE_NOT_WAITING_FOR_INPUT",
            "body: {}",
            self.body
        );
    }

    pub fn assert_error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.body["ok"], json!(false), "body: {}", self.body);
        assert_eq!(
            self.body["error"]["code"],
            json!(code),
            "body: {}",
            self.body
        );
        let request_id = self.body["error"]["requestId"].as_str().unwrap_or("");
        assert!(request_id.starts_with("req_"), "requestId in {}", self.body);
        self.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    /// Tenant `acme-<suffix>`.
    pub key: String,
    /// Its name.
    pub tenant: String,
    /// Tenant `acme`'s webhook signing secret (`whsec_…`).
    pub webhook_secret: String,
    /// Tenant `globex-<suffix>`.
    pub other_key: String,
    /// An inactive key of tenant `acme-<suffix>`.
    pub inactive_key: String,
    pub dir: PathBuf,
    pub config: Config,
    pub client: temporalio_client::Client,
    shutdown: CancellationToken,
    worker: std::sync::Mutex<Option<RunningWorker>>,
    /// What this app's workers counted (one registry across worker restarts).
    pub worker_metrics: Arc<WorkerMetrics>,
    /// The API's state (its own metrics registry among it).
    pub api_state: offload_api::AppState,
    temporal: std::sync::Mutex<Option<TemporalServer>>,
    api: std::sync::Mutex<Option<tokio::task::JoinHandle<std::io::Result<()>>>>,
    /// The API's metrics push, when OpenTelemetry export is configured.
    api_telemetry: std::sync::Mutex<(
        Option<Otel>,
        Option<offload_core::otel::metrics::MetricsPush>,
    )>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
        // Keep the files of a failed test for a look; clean up after a passing one.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// How a test app differs from the default.
pub struct Options {
    /// `false` leaves the task queue without a worker: cases start, but nothing answers their
    /// queries (reads give up after one second).
    pub worker: bool,
    /// More `OFFLOAD_*` variables (they win over the defaults).
    pub env: Vec<(&'static str, String)>,
    /// A monthly case cap for the `acme` tenant's key.
    pub monthly_case_cap: Option<u64>,
    /// A Temporal server of this app's own (which the test may stop), not the shared one.
    pub own_temporal: bool,
    /// Executions per visibility page the API reads (small: listings work in slices).
    pub visibility_page: Option<i32>,
    /// How long a read waits for the workflow before its snapshot may answer (tests default to
    /// a second, so that a busy test machine does not turn fresh reads stale; the service's
    /// default is 200 ms).
    pub snapshot_after: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            worker: true,
            env: Vec::new(),
            monthly_case_cap: None,
            own_temporal: false,
            visibility_page: None,
            snapshot_after: Duration::from_secs(1),
        }
    }
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    // `RUST_LOG=…` shows the API's and the worker's logs while a test runs (`--nocapture`).
    if std::env::var_os("RUST_LOG").is_some() {
        offload_core::telemetry::init(false);
    }
    let with_worker = options.worker;
    let dir = std::env::temp_dir().join(format!("offload-it-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    // Tenants are unique per test: every test shares the one Temporal server and its listings.
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let acme = mint(&format!("acme-{suffix}"));
    let globex = mint(&format!("globex-{suffix}"));
    let inactive = mint(&format!("acme-{suffix}"));
    let keys_file = dir.join("keys.toml");
    let mut file = std::fs::File::create(&keys_file).unwrap();
    let cap = options
        .monthly_case_cap
        .map(|cap| format!("monthly_case_cap = {cap}\n"))
        .unwrap_or_default();
    writeln!(
        file,
        "{}{cap}\n{}\n{}",
        acme.entry_toml,
        globex.entry_toml,
        inactive
            .entry_toml
            .replace("active = true", "active = false")
    )
    .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let own_temporal = options.own_temporal.then(start_server);
    let temporal = own_temporal
        .as_ref()
        .map(|t| t.address.clone())
        .unwrap_or_else(|| temporal_address().to_string());
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("OFFLOAD_PUBLIC_URL", base.clone()),
        ("OFFLOAD_TEMPORAL_ADDRESS", temporal),
        ("OFFLOAD_TASK_QUEUE", format!("it-{}", uuid::Uuid::new_v4())),
        ("OFFLOAD_DATA_DIR", dir.display().to_string()),
        ("OFFLOAD_KEYS_FILE", keys_file.display().to_string()),
        ("OFFLOAD_HOUR_SECONDS", "1".to_string()),
        ("OFFLOAD_INBOUND_SECRET", INBOUND_SECRET.to_string()),
        ("OFFLOAD_WEBHOOK_ALLOW_HTTP", "true".to_string()),
        // The local webhook receivers listen on loopback, which the SSRF guard refuses by default.
        ("OFFLOAD_WEBHOOK_ALLOW_CIDRS", "127.0.0.1/32".to_string()),
        ("OFFLOAD_REPLY_DOMAIN", REPLY_DOMAIN.to_string()),
        ("OFFLOAD_REPLY_SIGNING_KEY", REPLY_SIGNING_KEY.to_string()),
        (
            "OFFLOAD_MAIL_FROM",
            "Offload Test <offload@mail.test>".to_string(),
        ),
    ]);
    vars.extend(options.env);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test config");
    let client = offload_testkit::connect_when_ready(&config).await;

    let shutdown = CancellationToken::new();
    let worker_metrics = Arc::new(WorkerMetrics::default());
    let worker = with_worker.then(|| start_worker(&config, &shutdown, &worker_metrics));
    // With `OTEL_EXPORTER_OTLP_ENDPOINT` among the variables, the API and the worker each trace
    // through an exporter of their own, as the two binaries would.
    let api_otel = Otel::from_config(&config, "offload-api").expect("OpenTelemetry exporter");
    let api_client = match &api_otel {
        Some(otel) => offload_core::temporal::connect_traced(&config, "offload-it", Some(otel))
            .await
            .expect("traced client"),
        None => client.clone(),
    };
    let state = AppState::new(
        config.clone(),
        KeyStore::load(&keys_file).unwrap(),
        CaseStore::new(api_client, config.task_queue.clone())
            .with_query_timeout(Duration::from_secs(2))
            .with_snapshot_after(options.snapshot_after)
            .with_visibility_page(options.visibility_page.unwrap_or(1000)),
        offload_api::blob_store(&config).await,
        offload_api::download_key(&config).unwrap(),
        config.case_addresses().unwrap(),
        offload_api::SignedLinks::from_config(&config).unwrap(),
    )
    .with_otel(api_otel);
    let api_state = state.clone();
    let api_otel_handle = state.otel().cloned();
    let counted = state.clone();
    let api_metrics_push = offload_core::otel::metrics::spawn(&config, "offload-api", move || {
        counted.metrics().render()
    });
    let api = tokio::spawn(offload_api::serve(listener, state, shutdown.clone()));

    TestApp {
        base,
        http: reqwest::Client::new(),
        key: acme.key,
        tenant: format!("acme-{suffix}"),
        webhook_secret: acme.webhook_secret,
        other_key: globex.key,
        inactive_key: inactive.key,
        dir,
        config,
        client,
        shutdown,
        worker: std::sync::Mutex::new(worker),
        worker_metrics,
        api_state,
        temporal: std::sync::Mutex::new(own_temporal),
        api: std::sync::Mutex::new(Some(api)),
        api_telemetry: std::sync::Mutex::new((api_otel_handle, api_metrics_push)),
    }
}

/// A running in-process worker: its own stop token, and word when it has stopped.
pub struct RunningWorker {
    stop: CancellationToken,
    stopped: std::sync::mpsc::Receiver<()>,
}

/// The SDK's worker future is not `Send`: it gets a thread and a runtime of its own.
fn start_worker(
    config: &Config,
    app_shutdown: &CancellationToken,
    metrics: &Arc<WorkerMetrics>,
) -> RunningWorker {
    let stop = app_shutdown.child_token();
    let (done, stopped) = std::sync::mpsc::channel();
    std::thread::spawn({
        let (config, stop, metrics) = (config.clone(), stop.clone(), metrics.clone());
        move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("worker runtime");
            runtime.block_on(async move {
                let otel = offload_worker::otel::exporter(&config).expect("exporter");
                let client =
                    offload_worker::otel::connect(&config, "offload-it-worker", otel.as_ref())
                        .await
                        .expect("worker connects");
                let counted = metrics.clone();
                let pushing =
                    offload_core::otel::metrics::spawn(&config, "offload-worker", move || {
                        counted.render()
                    });
                let outcome = offload_worker::run(config, client, metrics, stop).await;
                offload_core::otel::flush(otel, pushing).await;
                if let Err(error) = outcome {
                    panic!("worker stopped: {error:#}");
                }
            });
            let _ = done.send(());
        }
    });
    RunningWorker { stop, stopped }
}

/// The dev server accepts connections a moment before it serves; retry until it answers.
/// A valid create body; tests change what they exercise.
/// Waits until `done` holds (checked every 20 ms, for at most a minute): for what the test can
/// see without asking the API — a receiver's requests, a metric of this app's own.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn case_body() -> Value {
    json!({
        "channel": "EMAIL",
        "goal": {"objective": "Get the signed W-9 form for Northstar Supplies."},
        "counterparty": {"address": "ap@northstar.example", "name": "Maya Chen"},
        "senderPersona": {"name": "Avery", "role": "Accounts Payable", "company": "Acme"},
        "followUpDelayHours": 600
    })
}

impl TestApp {
    /// Fires the one shutdown token the API and the worker share; returns once both have
    /// stopped (the API after its in-flight requests, the worker after its running activities).
    pub async fn shut_down(&self) {
        self.shutdown.cancel();
        let api = self.api.lock().unwrap().take().expect("the API runs");
        api.await.unwrap().unwrap();
        let (otel, metrics) = std::mem::take(&mut *self.api_telemetry.lock().unwrap());
        offload_core::otel::flush(otel, metrics).await;
        let worker = self.worker.lock().unwrap().take();
        if let Some(worker) = worker {
            tokio::task::spawn_blocking(move || {
                worker.stopped.recv_timeout(Duration::from_secs(60))
            })
            .await
            .unwrap()
            .expect("the worker stops");
        }
    }

    /// Stops this app's worker and waits until it has shut down.
    pub async fn stop_worker(&self) {
        let worker = self
            .worker
            .lock()
            .unwrap()
            .take()
            .expect("a running worker");
        worker.stop.cancel();
        tokio::task::spawn_blocking(move || worker.stopped.recv_timeout(Duration::from_secs(60)))
            .await
            .unwrap()
            .expect("the worker stops");
    }

    /// Starts a new worker for this app.
    pub fn start_worker(&self) {
        *self.worker.lock().unwrap() = Some(start_worker(
            &self.config,
            &self.shutdown,
            &self.worker_metrics,
        ));
    }

    /// Stops this app's own Temporal server (`Options::own_temporal`).
    pub fn stop_temporal(&self) {
        self.temporal
            .lock()
            .unwrap()
            .as_mut()
            .expect("an own Temporal server")
            .stop();
    }

    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.expect("API reachable")).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path, Some(&self.key), None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(reqwest::Method::POST, path, Some(&self.key), Some(body))
            .await
    }

    /// Creates a case and returns its id.
    pub async fn create_case(&self, body: Value) -> String {
        let response = self.post("/cases", body).await;
        assert_eq!(response.status, 201, "create: {}", response.body);
        let case_id = response.data()["caseId"].as_str().unwrap().to_string();
        assert_eq!(
            response.headers["location"].to_str().unwrap(),
            format!("/cases/{case_id}")
        );
        case_id
    }

    pub async fn view(&self, case_id: &str) -> Value {
        let response = self.get(&format!("/cases/{case_id}")).await;
        assert_eq!(response.status, 200, "read: {}", response.body);
        response.body["data"].clone()
    }

    /// Reads the case until `done` holds (the workflow moves on its own; reads are queries).
    pub async fn wait_for(
        &self,
        case_id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let view = self.view(case_id).await;
            if done(&view) {
                return view;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last view: {view}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Creates a case whose events go to `webhook_url` and waits for its first message.
    pub async fn create_case_reporting_to(&self, webhook_url: &str) -> String {
        let mut body = case_body();
        body["clientWebhookUrl"] = json!(webhook_url);
        let case_id = self.create_case(body).await;
        self.wait_for_outreach(&case_id).await;
        case_id
    }

    /// The counterparty replies `text` to the case (a fresh Message-ID each time).
    pub async fn reply(&self, case_id: &str, text: &str) {
        let message_id = format!("{}@northstar.example", uuid::Uuid::new_v4().simple());
        let response = self.inbound(&reply_mail(case_id, &message_id, text)).await;
        assert_eq!(response.status, 202, "{}", response.body);
    }

    /// The case's conversation as `GET /cases/{id}?includeTranscript=true` renders it.
    pub async fn thread(&self, case_id: &str) -> String {
        let response = self
            .get(&format!("/cases/{case_id}?includeTranscript=true"))
            .await;
        response.data()["conversationThread"]
            .as_str()
            .unwrap_or_else(|| panic!("a transcript: {}", response.body))
            .to_string()
    }

    /// Waits until the first message of the case is out.
    pub async fn wait_for_outreach(&self, case_id: &str) -> Value {
        self.wait_for(case_id, "outreach", |v| v["attemptCount"] == 1)
            .await
    }

    /// Waits until the case's run has closed (it completes once its routine and its webhook
    /// pump are both done): after that, nothing more can happen on the case.
    pub async fn wait_for_run_to_close(&self, case_id: &str) {
        let handle = self
            .client
            .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.to_string());
        tokio::time::timeout(
            Duration::from_secs(60),
            handle.get_result(Default::default()),
        )
        .await
        .expect("the run closes")
        .expect("the run completes");
    }

    pub async fn wait_for_status(&self, case_id: &str, status: &str) -> Value {
        self.wait_for(case_id, status, |v| v["status"] == json!(status))
            .await
    }

    /// Posts a raw message to `/inbound/email` with the right secret.
    pub async fn inbound(&self, raw: &str) -> Response {
        let response = self
            .http
            .post(format!("{}/inbound/email", self.base))
            .header("x-offload-inbound-secret", INBOUND_SECRET)
            .header("content-type", "message/rfc822")
            .body(raw.to_string())
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub fn outbox(&self) -> PathBuf {
        self.config.outbox_dir.clone()
    }

    /// The raw messages sent for a case, oldest first.
    pub fn sent(&self, case_id: &str) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.outbox())
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(case_id) && n.ends_with(".eml"))
        });
        files.sort();
        files.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    /// With `OFFLOAD_RECORD_HISTORIES=1`: waits for the case's workflow to close (a whole run)
    /// and writes its history to the replay corpus as `workflows/tests/histories/<name>.pb`.
    pub async fn record_history(&self, case_id: &str, name: &str) {
        if std::env::var("OFFLOAD_RECORD_HISTORIES").map_or(true, |v| v != "1") {
            return;
        }
        let handle = self
            .client
            .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.to_string());
        // Closed, one way or another (a terminated run has no result).
        let _ = tokio::time::timeout(
            Duration::from_secs(60),
            handle.get_result(Default::default()),
        )
        .await
        .expect("the workflow closes");
        let dir = PathBuf::from(
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
        )
        .join("../workflows/tests/histories");
        std::fs::create_dir_all(&dir).unwrap();
        let mut bytes = offload_worker::history::export(&self.client, case_id)
            .await
            .expect("history");
        // A case that continued as new: every run, `<name>-run<n>.pb`, first run first.
        let mut runs = Vec::new();
        while let Some(previous) = offload_worker::history::continued_from(&bytes) {
            runs.push(bytes);
            bytes = offload_worker::history::export_run(&self.client, case_id, &previous)
                .await
                .expect("the previous run's history");
        }
        if runs.is_empty() {
            std::fs::write(dir.join(format!("{name}.pb")), bytes).unwrap();
            return;
        }
        runs.push(bytes);
        runs.reverse();
        for (i, run) in runs.iter().enumerate() {
            std::fs::write(dir.join(format!("{name}-run{}.pb", i + 1)), run).unwrap();
        }
    }
}

async fn read(response: reqwest::Response) -> Response {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Response {
        status,
        headers,
        body,
    }
}
