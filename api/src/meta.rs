//! Service routes and the envelope for routes and methods that do not exist.

use crate::AppState;
use crate::error::ApiError;
use crate::response::{Envelope, ok};
use axum::extract::State;
use axum::http::header;
use axum::http::{Method, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs))
}

/// The workflow engine answers.
#[utoipa::path(
    get, path = "/readyz", tag = "service",
    responses(
        (status = 200, description = "Ready", body = Envelope<Health>),
        (status = 503, description = "`UNAVAILABLE`: Temporal cannot be reached", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Envelope<Health>>, ApiError> {
    state.cases().ping().await?;
    Ok(ok(Health { status: "ready" }))
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(
    get, path = "/metrics", tag = "service",
    responses((status = 200, description = "Metrics", content_type = "text/plain; version=0.0.4", body = String))
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(),
    )
}

/// The committed OpenAPI document (a test keeps it equal to the code).
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

/// An interactive reference of this API.
#[utoipa::path(
    get, path = "/docs", tag = "service",
    responses((status = 200, description = "An HTML page", content_type = "text/html", body = String))
)]
pub async fn docs() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        r#"<!doctype html>
<html>
  <head>
    <title>Offload API reference</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <script id="api-reference" data-url="/openapi.json"></script>
    <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script>
  </body>
</html>
"#,
    )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(
    get, path = "/healthz", tag = "service",
    responses((status = 200, description = "Up", body = Envelope<Health>))
)]
pub async fn healthz() -> Json<Envelope<Health>> {
    ok(Health { status: "ok" })
}

pub async fn route_not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::RouteNotFound(format!("{method} {}", uri.path()))
}

pub async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}
