//! `offload-worker`: hosts the case workflow and its activities (default), or exports a case's
//! history for the replay corpus.
//!
//! ```text
//! offload-worker                                          run the worker
//! offload-worker export-history <caseId> [--out <file>]   write the history as binary protobuf
//!                                                         (default workflows/tests/histories/<caseId>.pb)
//! offload-worker eval [--corpus DIR] [--agent rules|openai]
//!                                                         measure the agent's decisions on a labeled
//!                                                         corpus (default eval/corpus, OFFLOAD_AGENT)
//! ```

use offload_core::config::Config;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("eval") {
        return eval(&args[1..]).await;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("offload-worker: configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    match args.first().map(String::as_str) {
        None | Some("run") => {}
        Some("export-history") => return export_history(&config, &args[1..]).await,
        Some(other) => {
            eprintln!(
                "offload-worker: unknown command `{other}`\nusage: offload-worker [run] | export-history <caseId> [--out <file>] | eval [--corpus DIR] [--agent rules|openai]"
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
        let otel = offload_worker::otel::exporter(&config)?;
        let client =
            offload_worker::otel::connect(&config, "offload-worker", otel.as_ref()).await?;
        let counted = metrics.clone();
        let pushing =
            offload_core::otel::metrics::spawn(&config, "offload-worker", move || counted.render());
        let outcome = offload_worker::run(config, client, metrics, shutdown).await;
        // However the worker stopped (after its activities' grace period), the last spans and
        // counts go out.
        offload_core::otel::flush(otel, pushing).await;
        outcome
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

/// `eval [--corpus DIR] [--agent rules|openai]`: prints the report; exit 1 on any false
/// `goal_achieved` or leak, 2 on bad usage or a corpus that cannot be read.
async fn eval(args: &[String]) -> std::process::ExitCode {
    const USAGE: &str = "usage: offload-worker eval [--corpus DIR] [--agent rules|openai]";
    let mut corpus = std::path::PathBuf::from("eval/corpus");
    let mut agent_name: Option<String> = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match (flag.as_str(), rest.next()) {
            ("--corpus", Some(dir)) => corpus = dir.into(),
            ("--agent", Some(name)) if name == "rules" || name == "openai" => {
                agent_name = Some(name.clone());
            }
            _ => {
                eprintln!("{USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    // The agent the flag names, configured like the worker's (`OFFLOAD_LLM_*` for a model).
    let config = Config::from_lookup(|key| match (key, &agent_name) {
        ("OFFLOAD_AGENT", Some(name)) => Some(name.clone()),
        _ => std::env::var(key).ok(),
    });
    let config = match config {
        Ok(config) => config,
        Err(error) => {
            eprintln!("offload-worker eval: configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let cases = match offload_worker::eval::load_corpus(&corpus) {
        Ok(cases) => cases,
        Err(error) => {
            eprintln!("offload-worker eval: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let metrics = std::sync::Arc::new(offload_worker::metrics::WorkerMetrics::default());
    let agent = offload_worker::configured_agent(&config, metrics);
    let name = match &config.agent {
        offload_core::config::AgentKind::Rules => "rules".to_string(),
        offload_core::config::AgentKind::OpenAi { model, .. } => format!("openai ({model})"),
    };
    let report = match offload_worker::eval::run(agent.as_ref(), &cases, &corpus).await {
        Ok(report) => report,
        Err(error) => {
            eprintln!("offload-worker eval: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    print!("{}", report.render(&name));
    match report.failure() {
        None => std::process::ExitCode::SUCCESS,
        Some(failure) => {
            eprintln!("offload-worker eval FAILED: {failure}");
            std::process::ExitCode::FAILURE
        }
    }
}
