//! Unsubscribing (spec §7, RFC 8058): `GET /unsubscribe/{token}` shows a page with one button;
//! `POST /unsubscribe/{token}` — the button, or a mail client's one-click request
//! (`List-Unsubscribe=One-Click`) — puts the address on the tenant's suppression list and ends
//! the tenant's open cases for it `FAILED` / `UNSUBSCRIBED`. No API key: the signed token in our
//! mail's `List-Unsubscribe` header is the permission, for the address of that one case. A
//! reply to the case's address with the subject "unsubscribe" (the header's `mailto:`) does the
//! same.

use crate::AppState;
use crate::error::ApiError;
use crate::inbound::suppress;
use crate::pages::{document, message_page, page};
use crate::store::{Delivery, Wait};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use offload_workflows::state::{DeliveryFailure, DeliveryFailureKind};
use offload_workflows::suppression::SuppressionReason;
use uuid::Uuid;

/// The failure reason of a case whose counterparty unsubscribed.
pub const UNSUBSCRIBED_REASON: &str = "The recipient unsubscribed.";

pub fn router() -> Router<AppState> {
    Router::new().route("/unsubscribe/{token}", get(confirm).post(unsubscribe))
}

/// The page of an unsubscribe link: one button.
#[utoipa::path(
    get, path = "/unsubscribe/{token}", tag = "unsubscribe",
    params(("token" = String, Path, description = "The token of a `List-Unsubscribe` URL")),
    responses(
        (status = 200, description = "A page with one button that unsubscribes", content_type = "text/html", body = String),
        (status = 404, description = "Not a valid link", content_type = "text/html", body = String),
    )
)]
pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if case_of(&state, &token).is_none() {
        return invalid_link();
    }
    let body = "<h1>Unsubscribe</h1>\
<p>You will not receive further messages about this or any other request from this sender.</p>\
<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
<button type=\"submit\" id=\"unsubscribe\">Unsubscribe</button></form>";
    page(StatusCode::OK, &document("Unsubscribe", body))
}

/// Unsubscribe (the page's button, or RFC 8058 one-click): the address is suppressed and its open
/// cases end `FAILED` / `UNSUBSCRIBED`. Doing it again changes nothing more.
#[utoipa::path(
    post, path = "/unsubscribe/{token}", tag = "unsubscribe",
    params(("token" = String, Path, description = "The token of a `List-Unsubscribe` URL")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`List-Unsubscribe=One-Click` (RFC 8058); not required"),
    responses(
        (status = 200, description = "Unsubscribed", content_type = "text/html", body = String),
        (status = 404, description = "Not a valid link", content_type = "text/html", body = String),
        (status = 503, description = "The service cannot record it right now", content_type = "text/html", body = String),
    )
)]
pub async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(case_id) = case_of(&state, &token) else {
        return invalid_link();
    };
    let record = match state
        .cases()
        .record(case_id, false, Wait::ForTheWorkflow)
        .await
    {
        Ok(Some(loaded)) => loaded.record,
        Ok(None) => return invalid_link(),
        Err(error) => return unavailable(error),
    };
    let address = record.view.counterparty.address.clone();
    match unsubscribe_address(&state, &record.tenant, &address, case_id).await {
        Ok(()) => message_page(
            StatusCode::OK,
            "You are unsubscribed",
            "You will not receive further messages from this sender.",
        ),
        Err(error) => unavailable(error),
    }
}

/// Suppresses `address` for the tenant and ends its open cases (`case_id` among them) `FAILED`
/// / `UNSUBSCRIBED`.
pub async fn unsubscribe_address(
    state: &AppState,
    tenant: &str,
    address: &str,
    case_id: Uuid,
) -> Result<(), ApiError> {
    suppress(
        state,
        tenant,
        address,
        SuppressionReason::Unsubscribed,
        case_id,
    )
    .await?;
    let mut cases: Vec<uuid::Uuid> = state
        .cases()
        .open_cases_for(tenant, address)
        .await?
        .into_iter()
        .map(|(case, _)| case)
        .collect();
    if !cases.contains(&case_id) {
        cases.push(case_id);
    }
    for case in cases {
        let failure = DeliveryFailure {
            kind: DeliveryFailureKind::Unsubscribed,
            detail: UNSUBSCRIBED_REASON.to_string(),
        };
        if state.cases().send_delivery_failure(case, failure).await? == Delivery::Delivered {
            tracing::info!(case_id = %case, "case ended: the counterparty unsubscribed");
        }
    }
    Ok(())
}

fn case_of(state: &AppState, token: &str) -> Option<Uuid> {
    if token.len() > 1024 {
        return None;
    }
    state
        .unsubscribe_links()
        .case_of(token)
        .and_then(|id| Uuid::parse_str(&id).ok())
}

fn invalid_link() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "This link is not valid",
        "It may have been copied incompletely.",
    )
}

fn unavailable(error: ApiError) -> Response {
    tracing::warn!(%error, "unsubscribe could not be recorded");
    message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "This could not be done right now",
        "Please try again in a minute.",
    )
}
