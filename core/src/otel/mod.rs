//! OpenTelemetry traces, off unless configured (`OTEL_EXPORTER_OTLP_ENDPOINT`): one trace follows
//! a request from the API's HTTP route through the workflow start or signal into each activity
//! the case runs. The context crosses Temporal in the `_tracer-data` header of starts and
//! signals (the cross-SDK key and format: JSON of the W3C `traceparent` fields), which the
//! worker side — the Temporal SDK's own tracing plugin — reads into its workflow and activity
//! spans. The API's client calls are traced here, without the SDK, so the API binary stays free
//! of the worker side; the API adds the server span of the route (`offload_api::otel`).
//! [`metrics`] pushes what `/metrics` shows over OTLP too.

use crate::config::{Config, OtelConfig};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracer, SdkTracerProvider};
use std::fmt;
use std::sync::Arc;
use temporalio_client::ClientInterceptor;

mod client;
pub mod metrics;

/// The Temporal header that carries the trace context (the key every Temporal SDK reads).
pub const TRACE_HEADER: &str = "_tracer-data";

/// The resource of this process's spans and metrics: `service.name` (`OTEL_SERVICE_NAME`, else
/// `service`), `OTEL_RESOURCE_ATTRIBUTES`, and the SDK's own attributes.
pub fn resource(config: &OtelConfig, service: &str) -> Resource {
    let name = config
        .service_name
        .clone()
        .unwrap_or_else(|| service.to_string());
    Resource::builder().with_service_name(name).build()
}

/// A running trace exporter. Cheap to clone (one provider underneath).
#[derive(Clone)]
pub struct Otel {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
}

impl fmt::Debug for Otel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Otel")
    }
}

impl Otel {
    /// The exporter `config` asks for, named `service` unless `OTEL_SERVICE_NAME` names it.
    pub fn from_config(config: &Config, service: &str) -> anyhow::Result<Option<Otel>> {
        config
            .otel
            .as_ref()
            .map(|otel| Otel::start(otel, service, None))
            .transpose()
    }

    /// Spans go to `config`'s endpoint in batches; `ids` makes span ids (the worker passes the
    /// Temporal SDK's replay-safe generator, so a replayed workflow makes the same ids).
    pub fn start(
        config: &OtelConfig,
        service: &str,
        ids: Option<Box<dyn opentelemetry_sdk::trace::IdGenerator>>,
    ) -> anyhow::Result<Otel> {
        let exporter = SpanExporter::builder()
            .with_http()
            .with_endpoint(config.traces_endpoint.as_str())
            .build()
            .map_err(|e| {
                anyhow::anyhow!("OTLP trace exporter (OTEL_EXPORTER_OTLP_ENDPOINT): {e}")
            })?;
        let mut builder = SdkTracerProvider::builder()
            .with_span_processor(BatchSpanProcessor::builder(exporter).build())
            .with_resource(resource(config, service));
        if let Some(ids) = ids {
            builder = builder.with_id_generator(BoxedIds(ids));
        }
        let provider = builder.build();
        let tracer = provider.tracer("offload");
        Ok(Otel { provider, tracer })
    }

    /// The tracer for this process's own spans.
    pub fn tracer(&self) -> &SdkTracer {
        &self.tracer
    }

    /// Traces a client's workflow starts and signals, and hands their context to the workflow
    /// in the [`TRACE_HEADER`].
    pub fn client_interceptor(&self) -> Arc<dyn ClientInterceptor> {
        Arc::new(client::TracedClientCalls {
            tracer: self.tracer.clone(),
        })
    }

    /// Sends what is still buffered and stops (the exporter blocks: off the async runtime).
    pub async fn shutdown(self) {
        let provider = self.provider;
        let outcome = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        if let Ok(Err(error)) = outcome {
            tracing::warn!(%error, "OpenTelemetry exporter did not shut down cleanly");
        }
    }
}

/// Sends the last spans and metrics of a process that has drained, both at once (a stopping
/// process has a deadline of its own).
pub async fn flush(otel: Option<Otel>, metrics: Option<metrics::MetricsPush>) {
    let spans = async {
        if let Some(otel) = otel {
            otel.shutdown().await;
        }
    };
    let counts = async {
        if let Some(metrics) = metrics {
            metrics.finish().await;
        }
    };
    tokio::join!(spans, counts);
}

#[derive(Debug)]
struct BoxedIds(Box<dyn opentelemetry_sdk::trace::IdGenerator>);

impl opentelemetry_sdk::trace::IdGenerator for BoxedIds {
    fn new_trace_id(&self) -> opentelemetry::trace::TraceId {
        self.0.new_trace_id()
    }

    fn new_span_id(&self) -> opentelemetry::trace::SpanId {
        self.0.new_span_id()
    }
}
