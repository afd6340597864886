//! OpenTelemetry traces, off unless configured (`OTEL_EXPORTER_OTLP_ENDPOINT`): one trace follows
//! a request from the API's HTTP route through the workflow start or signal into each activity
//! the case runs. The Temporal SDK's plugin makes the spans for starts, signals, workflow runs
//! and activities and carries the context between them in the `_tracer-data` Temporal header
//! (the cross-SDK key, so Go or TypeScript workers would join the same trace); the API adds the
//! server span of the route (`api::tracing_layer`).

use crate::config::{Config, OtelConfig};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracer, SdkTracerProvider};
use std::fmt;
use temporalio_sdk::SimplePlugin;
use temporalio_sdk::opentelemetry::{
    OpenTelemetryPlugin, WorkflowIdGenerator, WorkflowSpanProcessor,
};

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
            .map(|otel| Otel::start(otel, service))
            .transpose()
    }

    pub fn start(config: &OtelConfig, service: &str) -> anyhow::Result<Otel> {
        let exporter = SpanExporter::builder()
            .with_http()
            .with_endpoint(config.traces_endpoint.as_str())
            .build()
            .map_err(|e| {
                anyhow::anyhow!("OTLP trace exporter (OTEL_EXPORTER_OTLP_ENDPOINT): {e}")
            })?;
        let name = config
            .service_name
            .clone()
            .unwrap_or_else(|| service.to_string());
        let provider = SdkTracerProvider::builder()
            // Workflow spans get their ids from the workflow's own random stream, so a replay
            // makes the same ids and exports nothing twice (the SDK plugin's requirement).
            .with_id_generator(WorkflowIdGenerator::default())
            .with_span_processor(WorkflowSpanProcessor::new(
                BatchSpanProcessor::builder(exporter).build(),
            ))
            .with_resource(Resource::builder().with_service_name(name).build())
            .build();
        let tracer = provider.tracer("offload");
        Ok(Otel { provider, tracer })
    }

    /// The tracer for this process's own spans (the API's HTTP routes).
    pub fn tracer(&self) -> &SdkTracer {
        &self.tracer
    }

    /// The Temporal SDK's tracing plugin on this exporter: registered on a client, it traces
    /// that client's starts and signals and — for a worker made from the client — its workflow
    /// runs and activities.
    pub fn temporal_plugin(&self) -> SimplePlugin {
        OpenTelemetryPlugin::builder()
            .tracer(self.tracer.clone())
            .build()
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
