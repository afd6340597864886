//! The Offload HTTP API: the case routes, inbound mail and service routes, as one axum router.

pub mod attachments;
pub mod cases;
pub mod error;
pub mod extract;
pub mod inbound;
pub mod keys;
pub mod meta;
pub mod openapi;
pub mod response;
pub mod store;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use keys::KeyStore;
use offload_worker::blobs::{BlobStore, LocalBlobStore};
use offload_worker::config::Config;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::CaseStore;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    keys: KeyStore,
    cases: CaseStore,
    blobs: Arc<dyn BlobStore>,
}

impl AppState {
    pub fn new(config: Config, keys: KeyStore, cases: CaseStore) -> Self {
        let blobs: Arc<dyn BlobStore> = Arc::new(LocalBlobStore::new(config.attachments_dir()));
        AppState {
            inner: Arc::new(Inner {
                config,
                keys,
                cases,
                blobs,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn keys(&self) -> &KeyStore {
        &self.inner.keys
    }

    pub fn cases(&self) -> &CaseStore {
        &self.inner.cases
    }

    pub fn blobs(&self) -> &dyn BlobStore {
        self.inner.blobs.as_ref()
    }
}

/// Every route, with request ids, request logging and a request timeout.
pub fn build_router(state: AppState) -> Router {
    Router::new()
        .merge(cases::router())
        .merge(attachments::router())
        .merge(inbound::router())
        .merge(meta::router())
        .fallback(meta::route_not_found)
        .method_not_allowed_fallback(meta::method_not_allowed)
        .with_state(state)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(request_context))
}

/// A panicking handler still answers with the envelope (500 `INTERNAL_ERROR`); the panic
/// message goes to the log only.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a handler panicked".into());
    axum::response::IntoResponse::into_response(error::ApiError::Internal(detail))
}

/// How long one request may take before it is answered 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Gives each request an id (`x-request-id`, and `requestId` in error bodies), a time limit, and
/// one log line: method, matched route, status, latency. Never bodies, keys or addresses.
async fn request_context(request: Request, next: Next) -> Response {
    let request_id = format!("req_{}", uuid::Uuid::new_v4().simple());
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let started = Instant::now();
    let mut response = error::REQUEST_ID
        .scope(request_id.clone(), async move {
            match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
                Ok(response) => response,
                Err(_) => axum::response::IntoResponse::into_response(
                    error::ApiError::Unavailable("request timed out".into()),
                ),
            }
        })
        .await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        %request_id,
        %method,
        %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// Serves `state` on `listener` until `shutdown` fires; in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, build_router(state))
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}

/// Builds the state from configuration: loads the keys file and connects to Temporal.
pub async fn state_from_config(config: Config) -> anyhow::Result<AppState> {
    let keys = KeyStore::load(&config.keys_file)?;
    let client = offload_worker::connect(&config, "offload-api").await?;
    let cases = CaseStore::new(client, config.task_queue.clone());
    Ok(AppState::new(config, keys, cases))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_panic_becomes_a_500_envelope_without_its_detail() {
        let response = super::panic_response(Box::new("secret detail".to_string()));
        assert_eq!(response.status(), 500);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["ok"], false);
        assert_eq!(body["error"]["code"], "INTERNAL_ERROR");
        assert_eq!(body["error"]["message"], "internal error");
        assert!(!body.to_string().contains("secret detail"));
    }
}
