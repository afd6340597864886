//! The server span of each matched route, when OpenTelemetry export is on. The handler runs
//! inside the span's context, so the Temporal client's start or signal span
//! (`offload_core::otel`'s interceptor) becomes its child and carries the trace on into the
//! workflow and its activities. Each request starts a trace of its own: a caller's W3C
//! `traceparent` is kept as a *link*, not a parent, so no caller (many routes need no key) can
//! splice our spans into another trace or switch sampling off for the activities downstream.
//! Probes and the reference pages are not traced.

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use offload_core::otel::Otel;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{
    FutureExt as _, Link, SpanKind, Status, TraceContextExt as _, Tracer as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;

/// Routes that are not traced: probes, metrics scrapes and the reference pages.
const UNTRACED: [&str; 6] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/docs/{asset}",
];

pub async fn trace_route(State(otel): State<Otel>, request: Request, next: Next) -> Response {
    // The route template, never the path: paths carry answer and unsubscribe tokens.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    if UNTRACED.contains(&route.as_str()) {
        return next.run(request).await;
    }
    let caller = TraceContextPropagator::new().extract(&Headers(request.headers()));
    let caller = caller.span().span_context().clone();
    let method = request.method().as_str().to_string();
    let mut builder = otel
        .tracer()
        .span_builder(format!("{method} {route}"))
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("http.request.method", method),
            KeyValue::new("http.route", route),
        ]);
    if caller.is_valid() {
        builder = builder.with_links(vec![Link::with_context(caller)]);
    }
    let root = Context::new();
    let span = builder.start_with_context(otel.tracer(), &root);
    let context = root.with_span(span);
    let response = next.run(request).with_context(context.clone()).await;
    let status = response.status();
    let span = context.span();
    span.set_attribute(KeyValue::new(
        "http.response.status_code",
        i64::from(status.as_u16()),
    ));
    if status.is_server_error() {
        span.set_status(Status::error(status.to_string()));
    }
    span.end();
    response
}

struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}
