//! The Offload HTTP API (`offload-api`): the case routes, inbound mail and service routes, as
//! one axum router. Builds on `offload-core` and `offload-workflows`; talks to cases only through
//! Temporal (start, signal, query), never to the worker.
//!
//! - [`cases`]: `/cases…` — create ([`cases::body`] reads the bodies, [`cases::idempotency`]),
//!   list ([`cases::listing`]), read, answer, cancel.
//! - [`attachments`], [`downloads`]: minted attachment URLs and the local download route.
//! - [`inbound`]: replies and provider events — raw mail, SES through SNS ([`inbound::ses`]),
//!   SNS signatures ([`inbound::sns`]).
//! - [`meta`]: health, readiness, metrics, the OpenAPI document, docs, and the 404/405 envelope.
//! - [`store`]: `CaseStore`, the one door to Temporal (and every visibility query).
//! - [`extract`]: authentication, JSON bodies with field paths, path ids.
//! - [`error`]: `ApiError`, the one error envelope, and the answers every route documents.
//! - [`response`]: the success envelope. [`limits`]: per-key rates. [`metrics`]: the API's series.
//! - [`openapi`]: the document, generated from the handlers and their types.
//! - [`otel`]: the server span of each route when OpenTelemetry export is on.

pub mod answer_page;
pub mod attachments;
pub mod cases;
pub mod cursor;
pub mod downloads;
pub mod error;
pub mod extract;
pub mod inbound;
pub mod limits;
pub mod meta;
pub mod metrics;
pub mod openapi;
pub mod otel;
pub mod pages;
pub mod response;
pub mod rules;
pub mod store;
pub mod suppressions;
pub mod unsubscribe;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use keys::KeyStore;
use offload_core::answer_link::AnswerLinks;
use offload_core::blobs::BlobStore;
use offload_core::config::Config;
pub use offload_core::keys;
use offload_core::mail::CaseAddresses;
use offload_core::otel::Otel;
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
    otel: Option<Otel>,
}

struct Inner {
    config: Config,
    keys: KeyStore,
    cases: CaseStore,
    blobs: Arc<dyn BlobStore>,
    download_key: Vec<u8>,
    certificates: inbound::sns::CertificateCache,
    seen_sns: inbound::sns::SeenMessages,
    http: reqwest::Client,
    s3: tokio::sync::OnceCell<aws_sdk_s3::Client>,
    rate_limiter: limits::RateLimiter,
    metrics: metrics::ApiMetrics,
    addresses: CaseAddresses,
    links: SignedLinks,
}

/// The links the API hands out and takes back without an API key, each signed with its own key
/// derived from the reply signing key.
#[derive(Clone, Debug)]
pub struct SignedLinks {
    pub answer: AnswerLinks,
    pub unsubscribe: offload_core::unsubscribe::UnsubscribeLinks,
}

impl SignedLinks {
    pub fn from_config(config: &Config) -> std::io::Result<Self> {
        Ok(SignedLinks {
            answer: config.answer_links()?,
            unsubscribe: config.unsubscribe_links()?,
        })
    }
}

impl AppState {
    /// `blobs` is where attachments live; `download_key` signs local download URLs.
    pub fn new(
        config: Config,
        keys: KeyStore,
        cases: CaseStore,
        blobs: Arc<dyn BlobStore>,
        download_key: Vec<u8>,
        addresses: CaseAddresses,
        links: SignedLinks,
    ) -> Self {
        let certificates = inbound::sns::CertificateCache::new(config.sns_cert_endpoint.clone());
        let rate_limit = config.rate_limit_per_minute;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a static HTTP client configuration is valid");
        AppState {
            inner: Arc::new(Inner {
                config,
                keys,
                cases,
                blobs,
                download_key,
                certificates,
                seen_sns: inbound::sns::SeenMessages::default(),
                http,
                s3: tokio::sync::OnceCell::new(),
                rate_limiter: limits::RateLimiter::new(rate_limit),
                metrics: metrics::ApiMetrics::default(),
                addresses,
                links,
            }),
            otel: None,
        }
    }

    /// Traces each route and the Temporal calls it makes (the client in `cases` must carry the
    /// same exporter's interceptor: [`offload_core::temporal::connect_traced`]).
    pub fn with_otel(mut self, otel: Option<Otel>) -> Self {
        self.otel = otel;
        self
    }

    pub fn otel(&self) -> Option<&Otel> {
        self.otel.as_ref()
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

    pub fn rate_limiter(&self) -> &limits::RateLimiter {
        &self.inner.rate_limiter
    }

    /// The signed addresses and `Message-ID`s that name cases.
    pub fn addresses(&self) -> &CaseAddresses {
        &self.inner.addresses
    }

    /// Mints and checks the answer links of input requests.
    pub fn answer_links(&self) -> &AnswerLinks {
        &self.inner.links.answer
    }

    /// Signs and checks the unsubscribe links of outbound mail.
    pub fn unsubscribe_links(&self) -> &offload_core::unsubscribe::UnsubscribeLinks {
        &self.inner.links.unsubscribe
    }

    /// This API's own metrics (not the worker's).
    pub fn metrics(&self) -> &metrics::ApiMetrics {
        &self.inner.metrics
    }

    pub fn download_key(&self) -> &[u8] {
        &self.inner.download_key
    }

    pub fn certificates(&self) -> &inbound::sns::CertificateCache {
        &self.inner.certificates
    }

    pub fn seen_sns(&self) -> &inbound::sns::SeenMessages {
        &self.inner.seen_sns
    }

    /// For outbound calls the API itself makes (SNS subscription confirmation).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// An S3 client, built on first use (only SES receiving through S3 needs one).
    pub async fn s3(&self) -> &aws_sdk_s3::Client {
        self.inner
            .s3
            .get_or_init(|| async {
                let endpoint = self.inner.config.aws_endpoint_url.as_ref();
                let aws = offload_core::aws::sdk_config(endpoint).await;
                offload_core::aws::s3_client(&aws, endpoint.is_some())
            })
            .await
    }
}

/// The configured blob store (see [`offload_core::blobs::from_config`]).
pub use offload_core::blobs::from_config as blob_store;

/// The key that signs local download URLs: `OFFLOAD_DOWNLOAD_SIGNING_KEY`, else one generated
/// once and kept in the data directory (every API replica must share it).
pub fn download_key(config: &Config) -> std::io::Result<Vec<u8>> {
    if let Some(key) = &config.download_signing_key {
        return Ok(key.expose().as_bytes().to_vec());
    }
    offload_core::keys::load_or_create_secret(&config.data_dir.join("download-signing-key"))
}

/// Every route, with request ids, request logging and metrics, a request timeout, and the
/// envelope for panics.
pub fn build_router(state: AppState) -> Router {
    let mut routes = Router::new()
        .merge(cases::router())
        .merge(attachments::router())
        .merge(answer_page::router())
        .merge(inbound::router())
        .merge(suppressions::router())
        .merge(unsubscribe::router())
        .merge(downloads::router())
        .merge(meta::router());
    if let Some(otel) = state.otel() {
        routes = routes.route_layer(middleware::from_fn_with_state(
            otel.clone(),
            otel::trace_route,
        ));
    }
    routes
        .route_layer(middleware::from_fn(remember_route))
        .fallback(meta::route_not_found)
        .method_not_allowed_fallback(meta::method_not_allowed)
        .with_state(state.clone())
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(state, request_context))
}

/// The matched route template (`/cases/{id}`), handed out to the outer middleware, which runs
/// before routing and so cannot see it.
#[derive(Clone)]
struct RouteTemplate(String);

async fn remember_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteTemplate(route));
    }
    response
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

/// Gives each request an id (`x-request-id`, and `requestId` in error bodies), a time limit, one
/// log line and its metrics: method, matched route, status, latency. Never bodies, keys or
/// addresses.
async fn request_context(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = format!("req_{}", uuid::Uuid::new_v4().simple());
    // A closed set of labels: a made-up method must not add a metric series.
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    };
    let limit = state.config().request_timeout;
    let in_flight = state.metrics().request_started();
    let started = Instant::now();
    let mut response = error::REQUEST_ID
        .scope(request_id.clone(), async move {
            match tokio::time::timeout(limit, next.run(request)).await {
                Ok(response) => response,
                Err(_) => {
                    axum::response::IntoResponse::into_response(error::ApiError::TimedOut(limit))
                }
            }
        })
        .await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let route = response
        .extensions()
        .get::<RouteTemplate>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "unmatched".into());
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state
        .metrics()
        .observe_request(method, &route, status, elapsed);
    drop(in_flight);
    tracing::info!(
        %request_id,
        %method,
        %route,
        status,
        ms = elapsed.as_millis() as u64,
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

/// Builds the state from configuration: loads the keys file, connects to Temporal, opens the
/// blob store.
pub async fn state_from_config(config: Config) -> anyhow::Result<AppState> {
    let keys = KeyStore::load(&config.keys_file)?;
    let otel = Otel::from_config(&config, "offload-api")?;
    let client =
        offload_core::temporal::connect_traced(&config, "offload-api", otel.as_ref()).await?;
    let cases = CaseStore::new(client, config.task_queue.clone());
    let blobs = blob_store(&config).await;
    let key = download_key(&config).map_err(|e| {
        anyhow::anyhow!("download signing key in {}: {e}", config.data_dir.display())
    })?;
    let addresses = config.case_addresses().map_err(|e| {
        anyhow::anyhow!(
            "reply signing key in {} (set OFFLOAD_REPLY_SIGNING_KEY): {e}",
            config.data_dir.display()
        )
    })?;
    let links = SignedLinks::from_config(&config)?;
    Ok(AppState::new(config, keys, cases, blobs, key, addresses, links).with_otel(otel))
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
