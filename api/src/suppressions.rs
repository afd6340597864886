//! `/suppressions`: the addresses the tenant's cases must not write to (spec §7) — added by hard
//! bounces, complaints, unsubscribes and replies asking not to be contacted; listed and lifted
//! here. Creating a case for a listed address gets `409 COUNTERPARTY_SUPPRESSED`.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Tenant, path_params};
use crate::response::{Envelope, ok};
use crate::rules::{EmailAddress, Token, Whole};
use crate::store::SuppressionPosition;
use axum::Router;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use offload_workflows::suppression::Suppression;
use serde::Serialize;

type Limit = Whole<1, 100>;
type Cursor = Token<1, 1024>;
const DEFAULT_LIMIT: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/suppressions", get(list_suppressions))
        .route("/suppressions/{address}", delete(lift_suppression))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuppressionPage {
    pub suppressions: Vec<Suppression>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The tenant's suppressed addresses: why, since when, and the case that learned it.
#[utoipa::path(
    get, path = "/suppressions", tag = "suppressions",
    security(("apiKey" = [])),
    params(
        ("limit" = inline(Option<Limit>), Query, description = "Page size (default 50)"),
        ("cursor" = inline(Option<Cursor>), Query, description = "`nextCursor` of the previous page"),
    ),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 200, description = "A page of suppressions", body = Envelope<SuppressionPage>),
        (status = 400, description = "`INVALID_REQUEST`: a bad limit or cursor", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn list_suppressions(
    State(state): State<AppState>,
    tenant: Tenant,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<Envelope<SuppressionPage>>, ApiError> {
    let mut limit = DEFAULT_LIMIT;
    let mut from = SuppressionPosition {
        shard: 0,
        after: None,
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "limit" => {
                limit = value
                    .parse::<i64>()
                    .ok()
                    .and_then(|l| Limit::try_from(l).ok())
                    .ok_or_else(|| ApiError::invalid("limit", Limit::rule()))?
                    .0 as u32
            }
            "cursor" => {
                let token =
                    Cursor::check(&value).map_err(|rule| ApiError::invalid("cursor", rule))?;
                from = crate::cursor::open(&token.0, &tenant_mark(&tenant.0), "this listing")?;
                if from.shard >= offload_workflows::suppression::SHARDS {
                    return Err(ApiError::invalid(
                        "cursor",
                        "is not a cursor of this listing",
                    ));
                }
            }
            _ => {}
        }
    }
    let (suppressions, next) = state.cases().suppressions(&tenant.0, from, limit).await?;
    Ok(ok(SuppressionPage {
        suppressions,
        next_cursor: next.map(|at| crate::cursor::seal(&at, &tenant_mark(&tenant.0))),
    }))
}

/// `{address}` of the lift route: an email address as the create body accepts it.
pub struct AddressPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for AddressPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ids = path_params(parts, state).await?;
        let raw = ids.first().map(String::as_str).unwrap_or("");
        EmailAddress::check(raw)
            .map(|address| AddressPath(address.0.to_ascii_lowercase()))
            .map_err(|rule| ApiError::invalid("address", rule))
    }
}

/// Take an address off the list: the tenant's cases may write to it again. Idempotent.
#[utoipa::path(
    delete, path = "/suppressions/{address}", tag = "suppressions",
    security(("apiKey" = [])),
    params(("address" = inline(EmailAddress), Path, description = "The suppressed address")),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 204, description = "The address is not suppressed (any more)"),
        (status = 400, description = "`INVALID_REQUEST`: not an email address", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn lift_suppression(
    State(state): State<AppState>,
    tenant: Tenant,
    AddressPath(address): AddressPath,
) -> Result<Response, ApiError> {
    state.cases().lift(&tenant.0, &address).await?;
    tracing::info!(tenant = %tenant.0, "suppression lifted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A short digest of the tenant, which binds a cursor to it without naming it.
fn tenant_mark(tenant: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(tenant.as_bytes())[..8])
}
