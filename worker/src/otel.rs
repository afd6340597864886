//! The worker's side of a trace: the Temporal SDK's OpenTelemetry plugin on the worker's client
//! makes the spans of workflow runs, signal handlers, activity schedules and activity runs, under
//! the context the API's start or signal left in the `_tracer-data` header
//! ([`offload_core::otel`]). Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

use offload_core::config::Config;
use offload_core::otel::Otel;
use temporalio_client::{Client, ClientOptions};
use temporalio_sdk::opentelemetry::{OpenTelemetryPlugin, WorkflowIdGenerator};

/// The worker's exporter, if configured. Span ids made inside a workflow come from its own
/// random stream, so a replay makes the same ids (the plugin exports no replayed span).
pub fn exporter(config: &Config) -> anyhow::Result<Option<Otel>> {
    config
        .otel
        .as_ref()
        .map(|otel| {
            Otel::start(
                otel,
                "offload-worker",
                Some(Box::new(WorkflowIdGenerator::default())),
            )
        })
        .transpose()
}

/// A client for the worker: with `otel`, the SDK's tracing plugin rides on it and on the worker
/// made from it.
pub async fn connect(
    config: &Config,
    identity: &str,
    otel: Option<&Otel>,
) -> anyhow::Result<Client> {
    let Some(otel) = otel else {
        return offload_core::temporal::connect(config, identity).await;
    };
    let connection = offload_core::temporal::open_connection(config, identity).await?;
    let plugin = OpenTelemetryPlugin::builder()
        .tracer(otel.tracer().clone())
        .build();
    Ok(Client::new(
        connection,
        ClientOptions::new(config.namespace.clone())
            .plugin(plugin)
            .build(),
    )?)
}
