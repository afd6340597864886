//! `offload-worker`: hosts the case workflow and its activities.

use offload_worker::config::Config;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("offload-worker: configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    offload_worker::telemetry::init(config.log_json);
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    let outcome = async {
        if let Some(addr) = config.worker_metrics_addr {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                anyhow::anyhow!("cannot listen on {addr} (OFFLOAD_WORKER_METRICS_ADDR): {e}")
            })?;
            tracing::info!(%addr, "worker metrics at /metrics");
            tokio::spawn(offload_worker::metrics::serve(listener, shutdown.clone()));
        }
        let client = offload_worker::connect(&config, "offload-worker").await?;
        offload_worker::run(config, client, shutdown).await
    }
    .await;
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("offload-worker: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM starts a graceful shutdown.
async fn stop_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
