//! One tracing set-up for both binaries: `RUST_LOG` wins; `OFFLOAD_LOG_FORMAT=json` for JSON.

use tracing_subscriber::EnvFilter;

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,temporalio_sdk_core=warn,temporalio_client=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}
