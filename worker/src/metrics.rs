//! The worker's own series — webhook deliveries by outcome, the largest agent request, the case
//! runs held in memory — and the minimal `/metrics` endpoint that serves them when
//! `OFFLOAD_WORKER_METRICS_ADDR` is set.

use offload_core::metrics::Counter;
use std::sync::Arc;
use std::time::Duration;

/// What the worker counts. One per worker, held by its activities.
pub struct WorkerMetrics {
    webhooks: Counter,
    /// Received files read, by what reading gave (`text`, `no_text`).
    attachment_readings: Counter,
    /// Calls to a model endpoint, by model and how they ended.
    model_calls: Counter,
    /// Tokens a model endpoint reported, by model and kind (`prompt`, `completion`).
    model_tokens: Counter,
    /// How long model calls took, by model.
    model_latency: offload_core::metrics::Histogram,
    /// Decisions on replies, by the model that made them (`rules` for the rules agent) and
    /// outcome.
    decisions: Counter,
    /// The largest agent request (activity input, as JSON) this worker was handed.
    largest_agent_request: std::sync::atomic::AtomicU64,
    /// Case runs whose workflow context is alive (see [`RunInMemory`]).
    runs_in_memory: Arc<std::sync::atomic::AtomicI64>,
}

/// How a webhook delivery attempt ended (a closed set: these are the label values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookOutcome {
    Delivered,
    Retrying,
    Gone,
    Refused,
}

impl WebhookOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookOutcome::Delivered => "delivered",
            WebhookOutcome::Retrying => "retrying",
            WebhookOutcome::Gone => "gone",
            WebhookOutcome::Refused => "refused",
        }
    }
}

impl Default for WorkerMetrics {
    fn default() -> Self {
        WorkerMetrics {
            webhooks: Counter::new(
                "offload_webhook_deliveries_total",
                "Webhook delivery attempts by outcome.",
                &["outcome"],
            ),
            attachment_readings: Counter::new(
                "offload_attachment_readings_total",
                "Received files read for the agent, by what reading gave (text, no_text).",
                &["status"],
            ),
            model_calls: Counter::new(
                "offload_llm_requests_total",
                "Calls to the model endpoint, by model and outcome (ok, timeout, rate_limited, \
                 server_error, refused, unusable, unreachable).",
                &["model", "outcome"],
            ),
            model_tokens: Counter::new(
                "offload_llm_tokens_total",
                "Tokens the model endpoint reported, by model and kind (prompt, completion).",
                &["model", "kind"],
            ),
            model_latency: offload_core::metrics::Histogram::new(
                "offload_llm_request_duration_seconds",
                "How long calls to the model endpoint took, by model.",
                &["model"],
            ),
            decisions: Counter::new(
                "offload_agent_decisions_total",
                "Decisions on replies, by the model that made them (rules: the rules agent) and \
                 outcome.",
                &["model", "outcome"],
            ),
            largest_agent_request: std::sync::atomic::AtomicU64::new(0),
            runs_in_memory: Arc::default(),
        }
    }
}

impl WorkerMetrics {
    pub fn webhook(&self, outcome: WebhookOutcome) {
        self.webhooks.inc(&[outcome.as_str()]);
    }

    /// Attempts that ended with `outcome` so far.
    pub fn webhooks(&self, outcome: WebhookOutcome) -> u64 {
        self.webhooks.get(&[outcome.as_str()])
    }

    /// Counts a file read for the first time (a kept reading is not read again).
    pub fn attachment_read(&self, status: offload_workflows::state::ReadingStatus) {
        self.attachment_readings.inc(&[status.as_str()]);
    }

    /// Counts one call to `model` that ended with `outcome`, and its time.
    pub fn model_call(&self, model: &str, outcome: &str, elapsed: Duration) {
        self.model_calls.inc(&[model, outcome]);
        self.model_latency.observe(&[model], elapsed);
    }

    /// Counts the tokens `model`'s endpoint reported for one call.
    pub fn model_call_tokens(&self, model: &str, prompt: u64, completion: u64) {
        self.model_tokens.add(&[model, "prompt"], prompt);
        self.model_tokens.add(&[model, "completion"], completion);
    }

    /// Tokens of `kind` (`prompt`, `completion`) reported for `model` so far.
    pub fn model_tokens(&self, model: &str, kind: &str) -> u64 {
        self.model_tokens.get(&[model, kind])
    }

    /// Calls to `model` that ended with `outcome` so far.
    pub fn model_calls(&self, model: &str, outcome: &str) -> u64 {
        self.model_calls.get(&[model, outcome])
    }

    /// Counts a decision on a reply.
    pub fn decision(&self, model: &str, outcome: &str) {
        self.decisions.inc(&[model, outcome]);
    }

    /// Notes the size of an agent request (JSON bytes).
    pub fn agent_request(&self, bytes: usize) {
        self.largest_agent_request
            .fetch_max(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// The largest agent request so far, in bytes.
    pub fn largest_agent_request(&self) -> u64 {
        self.largest_agent_request
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Case runs whose workflow context is alive in this worker: at most the workflow cache
    /// (`OFFLOAD_WORKER_MAX_CACHED_CASES`) once evicted runs are gone.
    pub fn runs_in_memory(&self) -> i64 {
        self.runs_in_memory
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts a run in memory until the returned guard is dropped.
    pub fn run_in_memory(&self) -> RunInMemory {
        self.runs_in_memory
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        RunInMemory(self.runs_in_memory.clone())
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.webhooks.render(&mut out);
        self.attachment_readings.render(&mut out);
        self.model_calls.render(&mut out);
        self.model_tokens.render(&mut out);
        self.model_latency.render(&mut out);
        self.decisions.render(&mut out);
        out.push_str(&format!(
            "# HELP offload_agent_request_bytes_max The largest agent activity input this worker \
             was handed (bytes of JSON).\n# TYPE offload_agent_request_bytes_max gauge\n\
             offload_agent_request_bytes_max {}\n",
            self.largest_agent_request()
        ));
        out.push_str(&format!(
            "# HELP offload_worker_case_runs_in_memory Case runs whose workflow context this \
             worker holds (the cache, and anything an evicted run left behind).\n\
             # TYPE offload_worker_case_runs_in_memory gauge\n\
             offload_worker_case_runs_in_memory {}\n",
            self.runs_in_memory()
        ));
        out
    }
}

/// A workflow interceptor that does nothing but live exactly as long as its run's workflow
/// context (the SDK builds one per run and keeps it in the context), so the count of these is
/// the count of run contexts in memory: what proves evicted runs are really freed.
pub struct RunInMemory(Arc<std::sync::atomic::AtomicI64>);

impl temporalio_sdk::workflow_interceptors::WorkflowInterceptor for RunInMemory {}

impl Drop for RunInMemory {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown` (the worker has no other HTTP surface,
/// so this is a minimal HTTP/1.1 responder rather than a framework).
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<WorkerMetrics>,
    shutdown: tokio_util::sync::CancellationToken,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => return,
        };
        let Ok((mut socket, _)) = accepted else {
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let mut head = [0u8; 1024];
            let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut head))
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or(0);
            let request = String::from_utf8_lossy(&head[..read]);
            let (status, body) = if request.starts_with("GET /metrics ") {
                ("200 OK", metrics.render())
            } else {
                ("404 Not Found", "not found\n".to_string())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn serves_its_own_series_at_metrics() {
        let metrics = Arc::new(WorkerMetrics::default());
        metrics.webhook(WebhookOutcome::Delivered);
        metrics.webhook(WebhookOutcome::Retrying);
        metrics.webhook(WebhookOutcome::Retrying);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(serve(listener, metrics, shutdown.clone()));
        let get = |path: &'static str| async move {
            let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
            socket
                .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut answer = String::new();
            socket.read_to_string(&mut answer).await.unwrap();
            answer
        };
        let answer = get("/metrics").await;
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.contains("offload_webhook_deliveries_total{outcome=\"delivered\"} 1\n"));
        assert!(answer.contains("offload_webhook_deliveries_total{outcome=\"retrying\"} 2\n"));
        assert!(
            !answer.contains("offload_http_requests_total"),
            "the API's series are not the worker's"
        );
        assert!(get("/other").await.starts_with("HTTP/1.1 404"));
        shutdown.cancel();
    }
}
