//! The API's own series: HTTP requests by method, route and status, request latency by route,
//! and cases created. Held in the app state; served at `GET /metrics`.

use offload_core::metrics::{Counter, Histogram};
use std::time::Duration;

pub struct ApiMetrics {
    requests: Counter,
    latency: Histogram,
    cases_created: Counter,
}

impl Default for ApiMetrics {
    fn default() -> Self {
        ApiMetrics {
            requests: Counter::new(
                "offload_http_requests_total",
                "HTTP requests by method, route and status.",
                &["method", "route", "status"],
            ),
            latency: Histogram::new(
                "offload_http_request_duration_seconds",
                "HTTP request latency by route.",
                &["route"],
            ),
            cases_created: Counter::new("offload_cases_created_total", "Cases created.", &[]),
        }
    }
}

impl ApiMetrics {
    /// `route` is the matched route template (or `unmatched`), never the raw path.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .inc(&[method, route, status.to_string().as_str()]);
        self.latency.observe(&[route], elapsed);
    }

    pub fn case_created(&self) {
        self.cases_created.inc(&[]);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.requests.render(&mut out);
        self.latency.render(&mut out);
        self.cases_created.render(&mut out);
        out
    }
}
