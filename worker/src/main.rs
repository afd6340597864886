//! `offload-worker`: hosts the case workflow and its activities (default), or exports a case's
//! history for the replay corpus.
//!
//! ```text
//! offload-worker                                          run the worker
//! offload-worker export-history <caseId> [--out <file>]   write the history as binary protobuf
//!                                                         (default workflows/tests/histories/<caseId>.pb)
//! ```

use offload_core::config::Config;
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("run") => {}
        Some("export-history") => return export_history(&config, &args[1..]).await,
        Some(other) => {
            eprintln!(
                "offload-worker: unknown command `{other}`\nusage: offload-worker [run] | export-history <caseId> [--out <file>]"
            );
            return std::process::ExitCode::from(2);
        }
    }
    offload_core::telemetry::init(config.log_json);
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    let metrics = std::sync::Arc::new(offload_worker::metrics::WorkerMetrics::default());
    let outcome = async {
        if let Some(addr) = config.worker_metrics_addr {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                anyhow::anyhow!("cannot listen on {addr} (OFFLOAD_WORKER_METRICS_ADDR): {e}")
            })?;
            tracing::info!(%addr, "worker metrics at /metrics");
            tokio::spawn(offload_worker::metrics::serve(
                listener,
                metrics.clone(),
                shutdown.clone(),
            ));
        }
        let client = offload_core::temporal::connect(&config, "offload-worker").await?;
        offload_worker::run(config, client, metrics, shutdown).await
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

async fn export_history(config: &Config, args: &[String]) -> std::process::ExitCode {
    let (Some(case_id), rest) = (args.first(), args.get(1..).unwrap_or_default()) else {
        eprintln!("usage: offload-worker export-history <caseId> [--out <file>]");
        return std::process::ExitCode::from(2);
    };
    let out = match rest {
        [] => std::path::PathBuf::from(format!("workflows/tests/histories/{case_id}.pb")),
        [flag, path] if flag == "--out" => std::path::PathBuf::from(path),
        _ => {
            eprintln!("usage: offload-worker export-history <caseId> [--out <file>]");
            return std::process::ExitCode::from(2);
        }
    };
    let outcome = async {
        let client = offload_core::temporal::connect(config, "offload-export").await?;
        let bytes = offload_worker::history::export(&client, case_id).await?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&out, &bytes)?;
        anyhow::Ok(bytes.len())
    }
    .await;
    match outcome {
        Ok(size) => {
            println!("wrote {} ({size} bytes)", out.display());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("offload-worker export-history: {error:#}");
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
