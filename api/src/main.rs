//! `offload-api`: serves the HTTP API (default), or mints an API key.
//!
//! ```text
//! offload-api                                  serve on OFFLOAD_API_ADDR
//! offload-api mint-key --tenant <name> [--append]
//!                                              print a new key and its keys-file entry
//!                                              (--append also adds it to OFFLOAD_KEYS_FILE)
//! offload-api openapi                          print the OpenAPI document
//! ```

use offload_core::config::Config;
use std::io::Write;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

const USAGE: &str =
    "usage: offload-api [serve]\n       offload-api mint-key --tenant <name> [--append]";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("offload-api: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("mint-key") => mint_key(&config, &args[1..]),
        Some("openapi") => {
            print!("{}", offload_api::openapi::document());
            ExitCode::SUCCESS
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("offload-api: unknown command `{other}`\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    offload_core::telemetry::init(config.log_json);
    let addr = config.api_addr;
    let outcome = async {
        let state = offload_api::state_from_config(config).await?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr} (OFFLOAD_API_ADDR): {e}"))?;
        tracing::info!(%addr, "API listening");
        let shutdown = CancellationToken::new();
        tokio::spawn(stop_on_signal(shutdown.clone()));
        let otel = state.otel().cloned();
        // What /metrics shows also goes to the collector, when one is configured.
        let counted = state.clone();
        let metrics =
            offload_core::otel::metrics::spawn(state.config(), "offload-api", move || {
                counted.metrics().render()
            });
        let served = offload_api::serve(listener, state, shutdown).await;
        // Drained (or failed): the last requests' spans and counts leave before the process does.
        offload_core::otel::flush(otel, metrics).await;
        served?;
        anyhow::Ok(())
    }
    .await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("offload-api: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn mint_key(config: &Config, args: &[String]) -> ExitCode {
    let mut tenant = None;
    let mut append = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--tenant" => tenant = rest.next().cloned(),
            "--append" => append = true,
            other => {
                eprintln!("offload-api mint-key: unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(tenant) = tenant.filter(|t| !t.trim().is_empty() && t.len() <= 200) else {
        eprintln!("offload-api mint-key: --tenant <name> is required (1..200 characters)\n{USAGE}");
        return ExitCode::from(2);
    };
    let minted = offload_api::keys::mint(tenant.trim());
    if append {
        let path = &config.keys_file;
        let written = (|| -> std::io::Result<()> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            writeln!(file, "\n{}", minted.entry_toml)
        })();
        if let Err(error) = written {
            eprintln!(
                "offload-api mint-key: cannot append to {}: {error}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        println!("API key for tenant {tenant} (shown once; it is stored only as a hash):");
        println!("{}", minted.key);
        println!(
            "Its entry was added to {}. Restart the API to load it.",
            path.display()
        );
    } else {
        println!("API key for tenant {tenant} (shown once; it is stored only as a hash):");
        println!("{}", minted.key);
        println!();
        println!(
            "Add this entry to {} and restart the API:",
            config.keys_file.display()
        );
        println!();
        print!("{}", minted.entry_toml);
    }
    ExitCode::SUCCESS
}

/// Ctrl-C or SIGTERM starts a graceful shutdown.
async fn stop_on_signal(shutdown: CancellationToken) {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
