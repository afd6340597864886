//! The API's own series: HTTP requests by method, route and status, request latency by route,
//! requests in flight, and cases created. Held in the app state; served at `GET /metrics`.

use offload_core::metrics::{Counter, Histogram};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub struct ApiMetrics {
    requests: Counter,
    latency: Histogram,
    in_flight: AtomicI64,
    cases_created: Counter,
}

/// A request being handled: counted in `offload_http_requests_in_flight` until dropped.
pub struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
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
            in_flight: AtomicI64::new(0),
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

    /// Counts a request as in flight until the guard is dropped.
    pub fn request_started(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// Requests being handled right now (the one asking included).
    pub fn requests_in_flight(&self) -> i64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    pub fn case_created(&self) {
        self.cases_created.inc(&[]);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.requests.render(&mut out);
        self.latency.render(&mut out);
        out.push_str(&format!(
            "# HELP offload_http_requests_in_flight HTTP requests being handled.\n\
             # TYPE offload_http_requests_in_flight gauge\n\
             offload_http_requests_in_flight {}\n",
            self.requests_in_flight()
        ));
        self.cases_created.render(&mut out);
        out
    }
}
