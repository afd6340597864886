//! Prometheus metrics, rendered by hand in the text exposition format: HTTP requests by route
//! and status, request latency, cases created, webhook deliveries by outcome. One registry per
//! process (`/metrics` of the API; of the worker when `OFFLOAD_WORKER_METRICS_ADDR` is set).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    cases_created: Mutex<u64>,
    webhooks: Mutex<BTreeMap<&'static str, u64>>,
}

/// The process's registry.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::default);

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        let mut latency = self.latency.lock().expect("metrics lock");
        let histogram = latency.entry(route.to_string()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                histogram.counts[i] += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    pub fn case_created(&self) {
        *self.cases_created.lock().expect("metrics lock") += 1;
    }

    /// `outcome`: `delivered`, `retrying`, `gone` or `refused`.
    pub fn webhook(&self, outcome: &'static str) {
        *self
            .webhooks
            .lock()
            .expect("metrics lock")
            .entry(outcome)
            .or_default() += 1;
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP offload_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE offload_http_requests_total counter\n");
        for ((method, route, status), n) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "offload_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(method),
                escape(route)
            );
        }
        out.push_str(
            "# HELP offload_http_request_duration_seconds HTTP request latency by route.\n",
        );
        out.push_str("# TYPE offload_http_request_duration_seconds histogram\n");
        for (route, h) in self.latency.lock().expect("metrics lock").iter() {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "offload_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "offload_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 offload_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 offload_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        out.push_str("# HELP offload_cases_created_total Cases created.\n");
        out.push_str("# TYPE offload_cases_created_total counter\n");
        let _ = writeln!(
            out,
            "offload_cases_created_total {}",
            self.cases_created.lock().expect("metrics lock")
        );
        out.push_str(
            "# HELP offload_webhook_deliveries_total Webhook delivery attempts by outcome.\n",
        );
        out.push_str("# TYPE offload_webhook_deliveries_total counter\n");
        for (outcome, n) in self.webhooks.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "offload_webhook_deliveries_total{{outcome=\"{outcome}\"}} {n}"
            );
        }
        out
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown` (the worker has no other HTTP surface,
/// so this is a minimal HTTP/1.1 responder rather than a framework).
pub async fn serve(
    listener: tokio::net::TcpListener,
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
        tokio::spawn(async move {
            let mut head = [0u8; 1024];
            let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut head))
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or(0);
            let request = String::from_utf8_lossy(&head[..read]);
            let (status, body) = if request.starts_with("GET /metrics ") {
                ("200 OK", METRICS.render())
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

    #[test]
    fn renders_the_text_exposition_format() {
        let metrics = Metrics::default();
        metrics.observe_request("GET", "/cases/{id}", 200, Duration::from_millis(30));
        metrics.case_created();
        metrics.webhook("delivered");
        let text = metrics.render();
        assert!(text.contains(
            "offload_http_requests_total{method=\"GET\",route=\"/cases/{id}\",status=\"200\"} 1"
        ));
        assert!(text.contains(
            "offload_http_request_duration_seconds_bucket{route=\"/cases/{id}\",le=\"0.05\"} 1"
        ));
        assert!(text.contains(
            "offload_http_request_duration_seconds_bucket{route=\"/cases/{id}\",le=\"0.025\"} 0"
        ));
        assert!(text.contains("offload_cases_created_total 1"));
        assert!(text.contains("offload_webhook_deliveries_total{outcome=\"delivered\"} 1"));
    }
}
