//! OpenTelemetry: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, one trace follows a request from its
//! HTTP route through the workflow start (or signal) into each activity the worker runs, and
//! both sides push their metrics. A tiny
//! OTLP/HTTP receiver stands in for the collector; the context crosses Temporal in its headers
//! (the API's and the worker's exporters and clients are separate, as in two processes).

use crate::harness::{Options, case_body, spawn_app_with, until};
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use prost::Message;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
struct ReceivedSpan {
    service: String,
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    /// The (trace id, span id) of each span this one links to.
    links: Vec<(String, String)>,
}

/// Accepts `POST /v1/traces` and `POST /v1/metrics` (protobuf) and keeps what it is sent:
/// every span, and the latest value of each (service, metric) pushed.
struct OtlpReceiver {
    endpoint: String,
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    metrics: Arc<Mutex<HashMap<(String, String), f64>>>,
}

impl OtlpReceiver {
    async fn start() -> Self {
        let spans = Arc::new(Mutex::new(Vec::new()));
        let metrics = Arc::new(Mutex::new(HashMap::new()));
        let kept = spans.clone();
        let kept_metrics = metrics.clone();
        let app = axum::Router::new()
            .route(
                "/v1/traces",
                axum::routing::post(move |body: Bytes| {
                    let kept = kept.clone();
                    async move {
                        let request =
                            ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
                        kept.lock().unwrap().extend(received_spans(request));
                        (
                            [(CONTENT_TYPE, "application/x-protobuf")],
                            ExportTraceServiceResponse::default().encode_to_vec(),
                        )
                    }
                }),
            )
            .route(
                "/v1/metrics",
                axum::routing::post(move |body: Bytes| {
                    let kept = kept_metrics.clone();
                    async move {
                        let request =
                            ExportMetricsServiceRequest::decode(body).expect("OTLP protobuf");
                        kept.lock().unwrap().extend(received_metrics(request));
                        (
                            [(CONTENT_TYPE, "application/x-protobuf")],
                            ExportMetricsServiceResponse::default().encode_to_vec(),
                        )
                    }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        OtlpReceiver {
            endpoint,
            spans,
            metrics,
        }
    }

    /// The last value `service` pushed for `name` (summed over its series), if any.
    fn metric(&self, service: &str, name: &str) -> Option<f64> {
        self.metrics
            .lock()
            .unwrap()
            .get(&(service.to_string(), name.to_string()))
            .copied()
    }

    fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().unwrap().clone()
    }
}

fn service_name(attributes: &[KeyValue]) -> String {
    attributes
        .iter()
        .find(|attribute| attribute.key == "service.name")
        .and_then(|attribute| attribute.value.as_ref()?.value.as_ref())
        .map(|value| match value {
            AnyValue::StringValue(name) => name.clone(),
            other => format!("{other:?}"),
        })
        .unwrap_or_default()
}

/// Counters and gauges, each summed over its series.
fn received_metrics(request: ExportMetricsServiceRequest) -> Vec<((String, String), f64)> {
    let mut received = Vec::new();
    for resource_metrics in request.resource_metrics {
        let resource = resource_metrics.resource.unwrap_or_default();
        let service = service_name(&resource.attributes);
        for metric in resource_metrics
            .scope_metrics
            .into_iter()
            .flat_map(|s| s.metrics)
        {
            let points = match metric.data {
                Some(metric::Data::Sum(sum)) => sum.data_points,
                Some(metric::Data::Gauge(gauge)) => gauge.data_points,
                _ => continue,
            };
            let total = points
                .iter()
                .map(|point| match point.value {
                    Some(number_data_point::Value::AsDouble(v)) => v,
                    Some(number_data_point::Value::AsInt(v)) => v as f64,
                    None => 0.0,
                })
                .sum();
            received.push(((service.clone(), metric.name), total));
        }
    }
    received
}

fn received_spans(request: ExportTraceServiceRequest) -> Vec<ReceivedSpan> {
    let mut spans = Vec::new();
    for resource_spans in request.resource_spans {
        let resource = resource_spans.resource.unwrap_or_default();
        let service = service_name(&resource.attributes);
        for scope_spans in resource_spans.scope_spans {
            for span in scope_spans.spans {
                spans.push(ReceivedSpan {
                    service: service.clone(),
                    name: span.name,
                    trace_id: hex::encode(span.trace_id),
                    span_id: hex::encode(span.span_id),
                    parent_span_id: hex::encode(span.parent_span_id),
                    links: span
                        .links
                        .iter()
                        .map(|link| (hex::encode(&link.trace_id), hex::encode(&link.span_id)))
                        .collect(),
                });
            }
        }
    }
    spans
}

/// The names of `span`'s ancestors within `spans`, nearest first, with their services.
fn ancestry(spans: &[ReceivedSpan], span: &ReceivedSpan) -> Vec<String> {
    let by_id: HashMap<&str, &ReceivedSpan> =
        spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let mut chain = Vec::new();
    let mut parent = span.parent_span_id.as_str();
    while let Some(next) = by_id.get(parent) {
        chain.push(format!("{} ({})", next.name, next.service));
        parent = next.parent_span_id.as_str();
    }
    chain
}

#[tokio::test]
async fn one_trace_follows_a_create_from_its_route_through_the_workflow_into_its_activities() {
    let receiver = OtlpReceiver::start().await;
    let app = spawn_app_with(Options {
        env: vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint.clone()),
            ("OTEL_METRIC_EXPORT_INTERVAL", "300".into()),
        ],
        ..Options::default()
    })
    .await;
    // The caller's own trace context: the request starts a trace of its own and links to it.
    let caller_trace = uuid::Uuid::new_v4().simple().to_string();
    let caller_span = "00f067aa0ba902b7";
    let response = app
        .http
        .post(format!("{}/cases", app.base))
        .header("x-api-key", &app.key)
        .header("traceparent", format!("00-{caller_trace}-{caller_span}-01"))
        .json(&case_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let case_id = response.json::<serde_json::Value>().await.unwrap()["data"]["caseId"]
        .as_str()
        .unwrap()
        .to_string();
    app.wait_for_outreach(&case_id).await;

    // A signal is a trace of its own that reaches the workflow's handler. Cancelling also ends
    // the run, and with it the workflow's span (spans are sent when they end).
    let cancel_trace = uuid::Uuid::new_v4().simple().to_string();
    let cancelled = app
        .http
        .post(format!("{}/cases/{case_id}/cancel", app.base))
        .header("x-api-key", &app.key)
        .header("traceparent", format!("00-{cancel_trace}-{caller_span}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    app.wait_for_run_to_close(&case_id).await;

    // Spans leave each exporter in batches (every few seconds), the API's and the worker's
    // separately: wait for the route's span, then for the activity's whole ancestry.
    let linked_to = |name: &str, trace: &str| -> Option<ReceivedSpan> {
        receiver.spans().into_iter().find(|s| {
            s.name == name
                && s.links
                    .contains(&(trace.to_string(), caller_span.to_string()))
        })
    };
    until("the create's route span", || {
        linked_to("POST /cases", &caller_trace).is_some()
    })
    .await;
    let route = linked_to("POST /cases", &caller_trace).unwrap();
    assert_eq!(route.service, "offload-api");
    assert_eq!(
        route.parent_span_id, "",
        "a trace of its own, not the caller's"
    );
    assert_ne!(route.trace_id, caller_trace);
    let trace_id = route.trace_id.clone();
    let in_trace = || -> Vec<ReceivedSpan> {
        receiver
            .spans()
            .into_iter()
            .filter(|s| s.trace_id == trace_id)
            .collect()
    };
    until("the send_email activity's span and its ancestors", || {
        let spans = in_trace();
        spans
            .iter()
            .find(|s| s.name == "RunActivity:send_email")
            .is_some_and(|activity| {
                ancestry(&spans, activity).last().map(String::as_str)
                    == Some("POST /cases (offload-api)")
            })
    })
    .await;
    let spans = in_trace();
    let activity = spans
        .iter()
        .find(|s| s.name == "RunActivity:send_email")
        .unwrap_or_else(|| panic!("no send_email activity span in {spans:#?}"));
    assert_eq!(activity.service, "offload-worker");
    assert_eq!(
        ancestry(&spans, activity),
        [
            "StartActivity:send_email (offload-worker)",
            "RunWorkflow:CaseWorkflow (offload-worker)",
            "StartWorkflow:CaseWorkflow (offload-api)",
            "POST /cases (offload-api)",
        ],
        "the activity's span descends from the route through the workflow start and run"
    );
    until("the cancel signal's spans", || {
        let Some(route) = linked_to("POST /cases/{id}/cancel", &cancel_trace) else {
            return false;
        };
        let spans = receiver.spans();
        let in_trace: Vec<&ReceivedSpan> = spans
            .iter()
            .filter(|s| s.trace_id == route.trace_id)
            .collect();
        ["POST /cases/{id}/cancel", "SignalWorkflow:cancel"]
            .iter()
            .all(|name| {
                in_trace
                    .iter()
                    .any(|s| s.name == *name && s.service == "offload-api")
            })
            && in_trace
                .iter()
                .any(|s| s.name == "HandleSignal:cancel" && s.service == "offload-worker")
    })
    .await;

    // The metrics /metrics shows go to the collector too, from both sides.
    until("the API's and the worker's metrics", || {
        receiver
            .metric("offload-api", "offload_cases_created_total")
            .is_some_and(|created| created >= 1.0)
            && receiver
                .metric("offload-api", "offload_http_requests_total")
                .is_some_and(|requests| requests >= 2.0)
            && receiver
                .metric("offload-worker", "offload_worker_case_runs_in_memory")
                .is_some()
    })
    .await;
    app.shut_down().await;
}
