//! Service routes and the envelope for routes and methods that do not exist.

use crate::AppState;
use crate::error::ApiError;
use crate::response::{Envelope, ok};
use axum::http::{Method, Uri};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
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
