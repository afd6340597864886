//! Shared AWS set-up: the standard configuration chain (region, credentials), with an optional
//! endpoint override (`OFFLOAD_AWS_ENDPOINT_URL`, e.g. moto in tests). The SDKs' own retries are
//! off: Temporal's retry policies decide what is tried again.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use std::time::Duration;

pub async fn sdk_config(endpoint_url: Option<&url::Url>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url.as_str().trim_end_matches('/'));
    }
    loader.load().await
}

/// An S3 client; path-style addressing when the endpoint is overridden (moto, MinIO).
pub fn s3_client(config: &SdkConfig, endpoint_overridden: bool) -> aws_sdk_s3::Client {
    let s3 = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(endpoint_overridden)
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

/// Walks an error's sources for proof that the request never reached the server: a refused
/// connection or a name that did not resolve. Anything else after dispatch is ambiguous.
pub fn never_reached_server(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::AddrNotAvailable
            )
        {
            return true;
        }
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("dns error")
            || text.contains("failed to lookup address")
            || text.contains("connection refused")
        {
            return true;
        }
        current = e.source();
    }
    false
}
