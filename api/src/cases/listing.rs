//! `GET /cases`: the tenant's cases through Temporal's visibility store, newest first, with an
//! opaque cursor bound to the tenant and filters.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Tenant;
use crate::response::{Envelope, ok};
use crate::rules::{Token, Trimmed, Whole};
use crate::store::{CaseFilter, CaseSummary};
use axum::Json;
use axum::extract::{RawQuery, State};
use offload_workflows::CaseStatus;
use serde::Serialize;
use serde_json::Value;

/// A client reference as a filter, read like the stored ones (trimmed, one line).
type Reference = Trimmed<1, 200, true>;
type Limit = Whole<1, 100>;
/// Cursors are base64url; a well-formed one that is not from this listing and filter is refused.
type Cursor = Token<1, 1024>;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CasePage {
    /// Newest first.
    pub cases: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; `null` on the last page. A page may hold fewer than
    /// `limit` cases (even none) and still have a next one.
    pub next_cursor: Option<String>,
}

/// The tenant's cases, newest first, optionally filtered by status and client reference.
#[utoipa::path(
    get, path = "/cases", tag = "cases",
    security(("apiKey" = [])),
    params(
        ("status" = Option<CaseStatus>, Query, description = "Only cases in this status"),
        ("clientReferenceId" = inline(Option<Reference>), Query, description = "Only cases with this client reference"),
        ("limit" = inline(Option<Limit>), Query, description = "Page size (default 20)"),
        ("cursor" = inline(Option<Cursor>), Query, description = "`nextCursor` of the previous page, with the same filters"),
    ),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 200, description = "A page of cases", body = Envelope<CasePage>),
        (status = 400, description = "`INVALID_REQUEST`: a bad query parameter", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn list_cases(
    State(state): State<AppState>,
    tenant: Tenant,
    RawQuery(query): RawQuery,
) -> Result<Json<Envelope<CasePage>>, ApiError> {
    let mut status = None;
    let mut reference = None;
    let mut limit = 20i32;
    let mut cursor = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "status" => {
                status = Some(
                    serde_json::from_value::<CaseStatus>(Value::String(value.to_string()))
                        .map_err(|_| {
                            ApiError::invalid(
                                "status",
                                "must be CREATED, RUNNING, INPUT_NEEDED, COMPLETED or FAILED",
                            )
                        })?,
                )
            }
            "clientReferenceId" => {
                reference = Some(
                    Reference::check(&value)
                        .map_err(|rule| ApiError::invalid("clientReferenceId", rule))?
                        .0,
                )
            }
            "limit" => {
                limit = value
                    .parse::<i64>()
                    .ok()
                    .and_then(|l| Limit::try_from(l).ok())
                    .ok_or_else(|| ApiError::invalid("limit", Limit::rule()))?
                    .0 as i32
            }
            "cursor" => {
                cursor = Some(
                    Cursor::check(&value)
                        .map_err(|rule| ApiError::invalid("cursor", rule))?
                        .0,
                )
            }
            _ => {}
        }
    }
    let filter = CaseFilter {
        tenant: tenant.0,
        status,
        client_reference_id: reference,
    };
    // A cursor is bound to its filter: it cannot page through another tenant's or filter's list.
    let fingerprint = filter.fingerprint();
    let from = match cursor {
        None => None,
        Some(cursor) => Some(crate::cursor::open(&cursor, &fingerprint, "this listing")?),
    };
    let (cases, next) = state
        .cases()
        .list(&filter, limit as usize, from.as_ref())
        .await?;
    let next_cursor = next.map(|position| crate::cursor::seal(&position, &fingerprint));
    Ok(ok(CasePage { cases, next_cursor }))
}
