//! The Prometheus registry type, rendered by hand in the text exposition format. Each binary
//! builds its own series from these families and keeps them in its state (no process-wide
//! registry), so the API and the worker expose only what they count, and parallel tests do not
//! share counters. Label values must come from closed sets (routes, statuses, outcomes), never
//! from request data.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of latency histogram buckets.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `{a="x",b="y"}`, or nothing without labels.
fn label_set(names: &[&str], values: &[String], extra: Option<(&str, &str)>) -> String {
    let mut pairs: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(name, value)| format!("{name}=\"{}\"", escape(value)))
        .collect();
    if let Some((name, value)) = extra {
        pairs.push(format!("{name}=\"{value}\""));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(","))
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A counter with one value per label set. Without labels it always renders (as 0 at first).
pub struct Counter {
    name: &'static str,
    help: &'static str,
    labels: &'static [&'static str],
    values: Mutex<BTreeMap<Vec<String>, u64>>,
}

impl Counter {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Counter {
            name,
            help,
            labels,
            values: Mutex::new(BTreeMap::new()),
        }
    }

    /// Adds one to the series of `values` (one per label name, in order).
    pub fn inc(&self, values: &[&str]) {
        self.add(values, 1);
    }

    /// Adds `n` to the series of `values`.
    pub fn add(&self, values: &[&str], n: u64) {
        debug_assert_eq!(values.len(), self.labels.len(), "{}", self.name);
        let key = values.iter().map(|v| v.to_string()).collect();
        *self
            .values
            .lock()
            .expect("metrics lock")
            .entry(key)
            .or_default() += n;
    }

    /// The current value of one series (0 when it was never counted).
    pub fn get(&self, values: &[&str]) -> u64 {
        let key: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        self.values
            .lock()
            .expect("metrics lock")
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    pub fn render(&self, out: &mut String) {
        header(out, self.name, self.help, "counter");
        let values = self.values.lock().expect("metrics lock");
        if self.labels.is_empty() && values.is_empty() {
            let _ = writeln!(out, "{} 0", self.name);
        }
        for (key, n) in values.iter() {
            let _ = writeln!(
                out,
                "{}{} {n}",
                self.name,
                label_set(self.labels, key, None)
            );
        }
    }
}

#[derive(Default)]
struct Buckets {
    counts: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// A latency histogram with one set of buckets per label set.
pub struct Histogram {
    name: &'static str,
    help: &'static str,
    labels: &'static [&'static str],
    values: Mutex<BTreeMap<Vec<String>, Buckets>>,
}

impl Histogram {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Histogram {
            name,
            help,
            labels,
            values: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn observe(&self, values: &[&str], elapsed: Duration) {
        debug_assert_eq!(values.len(), self.labels.len(), "{}", self.name);
        let seconds = elapsed.as_secs_f64();
        let key = values.iter().map(|v| v.to_string()).collect();
        let mut all = self.values.lock().expect("metrics lock");
        let buckets = all.entry(key).or_default();
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                buckets.counts[i] += 1;
            }
        }
        buckets.count += 1;
        buckets.sum += seconds;
    }

    pub fn render(&self, out: &mut String) {
        header(out, self.name, self.help, "histogram");
        let name = self.name;
        for (key, b) in self.values.lock().expect("metrics lock").iter() {
            for (bound, count) in LATENCY_BUCKETS.iter().zip(b.counts) {
                let labels = label_set(self.labels, key, Some(("le", &bound.to_string())));
                let _ = writeln!(out, "{name}_bucket{labels} {count}");
            }
            let inf = label_set(self.labels, key, Some(("le", "+Inf")));
            let plain = label_set(self.labels, key, None);
            let _ = writeln!(out, "{name}_bucket{inf} {}", b.count);
            let _ = writeln!(out, "{name}_sum{plain} {}", b.sum);
            let _ = writeln!(out, "{name}_count{plain} {}", b.count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_render_the_text_exposition_format() {
        let requests = Counter::new(
            "offload_http_requests_total",
            "HTTP requests.",
            &["method", "route"],
        );
        requests.inc(&["GET", "/cases/{id}"]);
        requests.inc(&["GET", "/cases/{id}"]);
        let created = Counter::new("offload_cases_created_total", "Cases created.", &[]);
        let latency = Histogram::new(
            "offload_http_request_duration_seconds",
            "Latency.",
            &["route"],
        );
        latency.observe(&["/cases/{id}"], Duration::from_millis(30));
        let mut text = String::new();
        requests.render(&mut text);
        created.render(&mut text);
        latency.render(&mut text);
        assert!(text.contains("# TYPE offload_http_requests_total counter\n"));
        assert!(
            text.contains("offload_http_requests_total{method=\"GET\",route=\"/cases/{id}\"} 2\n")
        );
        assert!(text.contains("offload_cases_created_total 0\n"), "{text}");
        assert!(text.contains(
            "offload_http_request_duration_seconds_bucket{route=\"/cases/{id}\",le=\"0.05\"} 1\n"
        ));
        assert!(text.contains(
            "offload_http_request_duration_seconds_bucket{route=\"/cases/{id}\",le=\"0.025\"} 0\n"
        ));
        assert!(text.contains(
            "offload_http_request_duration_seconds_bucket{route=\"/cases/{id}\",le=\"+Inf\"} 1\n"
        ));
        assert!(
            text.contains("offload_http_request_duration_seconds_count{route=\"/cases/{id}\"} 1\n")
        );
        assert_eq!(requests.get(&["GET", "/cases/{id}"]), 2);
        assert_eq!(requests.get(&["POST", "/cases"]), 0);
    }

    #[test]
    fn label_values_are_escaped() {
        let c = Counter::new("x_total", "x.", &["route"]);
        c.inc(&["a\"b\\c\nd"]);
        let mut text = String::new();
        c.render(&mut text);
        assert!(
            text.contains("x_total{route=\"a\\\"b\\\\c\\nd\"} 1"),
            "{text}"
        );
    }
}
