//! Metrics over OTLP. What a process shows at `/metrics` — the Prometheus text its registry
//! renders — is also pushed every `OTEL_METRIC_EXPORT_INTERVAL` (60 s by default) to the
//! collector's `/v1/metrics` as OTLP protobuf: counters as cumulative monotonic sums, gauges as
//! gauges, histograms with their explicit bucket bounds. One source for both views, so the two
//! can never disagree about what is counted.

use crate::config::Config;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint,
    ResourceMetrics, ScopeMetrics, Sum, metric, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A running metrics push (see [`spawn`]). Dropping it stops the pushes at once, without the
/// last one; [`MetricsPush::finish`] sends the last one first.
pub struct MetricsPush {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl MetricsPush {
    /// Pushes once more (so what was counted up to now reaches the collector) and stops. Call
    /// it after the process has drained: the API's last requests, the worker's last activities.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Starts pushing `render()`'s series to the configured collector every
/// `OTEL_METRIC_EXPORT_INTERVAL`, if metrics export is configured. A push that fails is logged
/// and the next one carries the totals (cumulative sums): nothing is lost but resolution.
pub fn spawn(
    config: &Config,
    service: &str,
    render: impl Fn() -> String + Send + Sync + 'static,
) -> Option<MetricsPush> {
    let otel = config.otel.clone()?;
    let endpoint = otel.metrics_endpoint.clone()?;
    let resource = super::resource(&otel, service);
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let http = reqwest::Client::new();
        let started = unix_nanos();
        let push = |timeout: Duration| {
            let body = export_request(&resource, &render(), started, unix_nanos());
            let mut request = http
                .post(endpoint.clone())
                .timeout(timeout)
                .header("content-type", "application/x-protobuf");
            for (name, value) in &otel.metrics_headers {
                request = request.header(name.as_str(), value.expose());
            }
            let request = request.body(body.encode_to_vec());
            async move {
                match request.send().await {
                    Ok(answer) if answer.status().is_success() => {}
                    Ok(answer) => tracing::warn!(status = %answer.status(), "OTLP metrics refused"),
                    Err(error) => {
                        tracing::warn!(error = %error.without_url(), "OTLP metrics not sent")
                    }
                }
            }
        };
        loop {
            tokio::select! {
                _ = tokio::time::sleep(otel.metric_interval) => push(Duration::from_secs(10)).await,
                // Asked to finish (or the handle was dropped: then without a last push).
                finished = &mut stopped => {
                    if finished.is_ok() {
                        // Short: a stopping process has a deadline of its own.
                        push(Duration::from_secs(3)).await;
                    }
                    break;
                }
            }
        }
    });
    Some(MetricsPush { stop, task })
}

fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default()
}

/// Every family in `text` (the text exposition format), under `resource` — the same resource
/// the process's spans carry (`service.name`, `OTEL_RESOURCE_ATTRIBUTES`, the SDK's own).
pub fn export_request(
    resource: &opentelemetry_sdk::Resource,
    text: &str,
    start_nanos: u64,
    now_nanos: u64,
) -> ExportMetricsServiceRequest {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: resource
                    .iter()
                    .map(|(key, value)| attribute(key.as_str(), &value.to_string()))
                    .collect(),
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope {
                    name: "offload".into(),
                    ..Default::default()
                }),
                metrics: from_prometheus_text(text, start_nanos, now_nanos),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn attribute(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_string())),
        }),
        ..Default::default()
    }
}

/// A series' labels, in the order the text gives them.
type Labels = Vec<(String, String)>;

/// A family as `# HELP` / `# TYPE` announced it, and its samples by label set.
struct Family {
    help: String,
    kind: String,
    /// Counter and gauge values.
    values: BTreeMap<Labels, f64>,
    /// Histogram series: `le` bounds with cumulative counts, the sum and the count.
    histograms: BTreeMap<Labels, HistogramSeries>,
}

#[derive(Default)]
struct HistogramSeries {
    cumulative: Vec<(f64, u64)>,
    sum: f64,
    count: u64,
}

/// The families of a text exposition (our own renderers' output; one pass, line by line).
pub fn from_prometheus_text(text: &str, start_nanos: u64, now_nanos: u64) -> Vec<Metric> {
    let mut families: Vec<(String, Family)> = Vec::new();
    let find = |families: &[(String, Family)], name: &str| -> Option<usize> {
        families.iter().position(|(family, _)| family == name)
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            if find(&families, name).is_none() {
                families.push((name.to_string(), family(help, "")));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "untyped"));
            match find(&families, name) {
                Some(i) => families[i].1.kind = kind.to_string(),
                None => families.push((name.to_string(), family("", kind))),
            }
            continue;
        }
        let Some((name, labels, value)) = sample(line) else {
            continue;
        };
        let (family_name, part) = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                let base = name.strip_suffix(suffix)?;
                let i = find(&families, base)?;
                (families[i].1.kind == "histogram").then_some((base, *suffix))
            })
            .unwrap_or((name, ""));
        let Some(i) = find(&families, family_name) else {
            continue;
        };
        let family = &mut families[i].1;
        if part.is_empty() {
            family.values.insert(labels, value);
            continue;
        }
        let (le, labels): (Vec<_>, Vec<_>) = labels.into_iter().partition(|(k, _)| k == "le");
        let series = family.histograms.entry(labels).or_default();
        match part {
            "_bucket" => {
                let bound = le.first().map(|(_, v)| v.as_str()).unwrap_or("+Inf");
                if let (false, Ok(bound)) = (bound == "+Inf", bound.parse::<f64>()) {
                    series.cumulative.push((bound, value as u64));
                }
            }
            "_sum" => series.sum = value,
            _ => series.count = value as u64,
        }
    }
    families
        .into_iter()
        .filter_map(|(name, family)| metric(name, family, start_nanos, now_nanos))
        .collect()
}

fn family(help: &str, kind: &str) -> Family {
    Family {
        help: help.to_string(),
        kind: kind.to_string(),
        values: BTreeMap::new(),
        histograms: BTreeMap::new(),
    }
}

fn metric(name: String, family: Family, start: u64, now: u64) -> Option<Metric> {
    let attributes =
        |labels: &[(String, String)]| labels.iter().map(|(k, v)| attribute(k, v)).collect();
    let points = || -> Vec<NumberDataPoint> {
        family
            .values
            .iter()
            .map(|(labels, value)| NumberDataPoint {
                attributes: attributes(labels),
                start_time_unix_nano: start,
                time_unix_nano: now,
                value: Some(number_data_point::Value::AsDouble(*value)),
                ..Default::default()
            })
            .collect()
    };
    let data = match family.kind.as_str() {
        "counter" => metric::Data::Sum(Sum {
            data_points: points(),
            aggregation_temporality: AggregationTemporality::Cumulative as i32,
            is_monotonic: true,
        }),
        "gauge" => metric::Data::Gauge(Gauge {
            data_points: points(),
        }),
        "histogram" => metric::Data::Histogram(Histogram {
            data_points: family
                .histograms
                .iter()
                .map(|(labels, series)| histogram_point(attributes(labels), series, start, now))
                .collect(),
            aggregation_temporality: AggregationTemporality::Cumulative as i32,
        }),
        _ => return None,
    };
    Some(Metric {
        name,
        description: family.help,
        unit: String::new(),
        data: Some(data),
        ..Default::default()
    })
}

/// OTLP buckets count what fell in each bucket; the text format counts cumulatively.
fn histogram_point(
    attributes: Vec<KeyValue>,
    series: &HistogramSeries,
    start: u64,
    now: u64,
) -> HistogramDataPoint {
    let mut bucket_counts = Vec::with_capacity(series.cumulative.len() + 1);
    let mut below = 0;
    for (_, cumulative) in &series.cumulative {
        bucket_counts.push(cumulative.saturating_sub(below));
        below = *cumulative;
    }
    bucket_counts.push(series.count.saturating_sub(below));
    HistogramDataPoint {
        attributes,
        start_time_unix_nano: start,
        time_unix_nano: now,
        count: series.count,
        sum: Some(series.sum),
        bucket_counts,
        explicit_bounds: series.cumulative.iter().map(|(bound, _)| *bound).collect(),
        ..Default::default()
    }
}

/// `name{a="x",b="y"} value` (labels optional, escapes `\\`, `\"`, `\n`).
fn sample(line: &str) -> Option<(&str, Labels, f64)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let name_end = line.find(['{', ' '])?;
    let name = &line[..name_end];
    let mut labels = Vec::new();
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices();
        let mut key = String::new();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '}' => {
                    end = Some(i + 1);
                    break;
                }
                ',' | ' ' => {}
                '=' => {
                    chars.next(); // the opening quote
                    let mut value = String::new();
                    while let Some((_, c)) = chars.next() {
                        match c {
                            '\\' => match chars.next().map(|(_, c)| c) {
                                Some('n') => value.push('\n'),
                                Some(other) => value.push(other),
                                None => {}
                            },
                            '"' => break,
                            other => value.push(other),
                        }
                    }
                    labels.push((std::mem::take(&mut key), value));
                }
                other => key.push(other),
            }
        }
        rest = &inner[end?..];
    }
    let value = rest.split_whitespace().next()?.parse().ok()?;
    Some((name, labels, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Counter, Histogram as LatencyHistogram};

    #[test]
    fn counters_gauges_and_histograms_become_otlp_metrics_with_their_labels() {
        let requests = Counter::new("offload_http_requests_total", "Requests.", &["route"]);
        requests.add(&["/cases/{id}"], 3);
        requests.inc(&["a\"b\\c"]);
        let latency = LatencyHistogram::new(
            "offload_http_request_duration_seconds",
            "Latency.",
            &["route"],
        );
        latency.observe(&["/cases"], Duration::from_millis(30));
        latency.observe(&["/cases"], Duration::from_secs(60));
        let mut text = String::new();
        requests.render(&mut text);
        latency.render(&mut text);
        text.push_str("# HELP offload_runs Runs.\n# TYPE offload_runs gauge\noffload_runs 7\n");

        let metrics = from_prometheus_text(&text, 1, 2);
        assert_eq!(
            metrics.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            [
                "offload_http_requests_total",
                "offload_http_request_duration_seconds",
                "offload_runs"
            ]
        );
        let Some(metric::Data::Sum(sum)) = &metrics[0].data else {
            panic!("a counter is a sum: {:?}", metrics[0]);
        };
        assert!(sum.is_monotonic);
        let by_route: Vec<(String, f64)> = sum
            .data_points
            .iter()
            .map(|p| {
                let Some(any_value::Value::StringValue(route)) =
                    p.attributes[0].value.clone().unwrap().value
                else {
                    panic!()
                };
                let Some(number_data_point::Value::AsDouble(v)) = p.value else {
                    panic!()
                };
                (route, v)
            })
            .collect();
        assert_eq!(
            by_route,
            [
                ("/cases/{id}".to_string(), 3.0),
                ("a\"b\\c".to_string(), 1.0)
            ]
        );
        let Some(metric::Data::Histogram(histogram)) = &metrics[1].data else {
            panic!("{:?}", metrics[1]);
        };
        let point = &histogram.data_points[0];
        assert_eq!(point.count, 2);
        assert_eq!(
            point.explicit_bounds.len(),
            crate::metrics::LATENCY_BUCKETS.len()
        );
        assert_eq!(point.bucket_counts.len(), point.explicit_bounds.len() + 1);
        assert_eq!(point.bucket_counts.iter().sum::<u64>(), 2);
        assert_eq!(
            *point.bucket_counts.last().unwrap(),
            1,
            "60 s is above every bound"
        );
        assert!((point.sum.unwrap() - 60.03).abs() < 1e-9);
        let Some(metric::Data::Gauge(gauge)) = &metrics[2].data else {
            panic!("{:?}", metrics[2]);
        };
        assert_eq!(
            gauge.data_points[0].value,
            Some(number_data_point::Value::AsDouble(7.0))
        );
    }
}
