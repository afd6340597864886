//! The client's controls over a running case: pause, resume, and delivering a past webhook
//! event again.

use super::owned_case;
use crate::AppState;
use crate::error::{ApiError, Dependency};
use crate::extract::{CaseId, Tenant, parse_case_id, path_params};
use crate::response::{Envelope, now_ms, ok};
use crate::rules::Token;
use crate::store::Delivery;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use offload_workflows::activities::{WebhookDelivery, webhook_event_key};
use serde::Serialize;
use uuid::Uuid;

/// An event id as the service mints them (`evt_<caseId>_…`).
type EventId = Token<5, 200>;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PauseState {
    pub case_id: String,
    /// What the case was asked to be. The case takes it on at once and shows it in
    /// `GET /cases/{id}` (`paused`).
    pub paused: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedeliveryAccepted {
    pub case_id: String,
    pub event_id: String,
    pub accepted: bool,
}

/// Pause a case: it sends nothing and its timers stand still (`paused: true`, `nextActionAt`
/// the "nothing scheduled" value); replies and answers are still recorded. Pausing a paused case
/// changes nothing.
#[utoipa::path(
    post, path = "/cases/{id}/pause", tag = "cases",
    security(("apiKey" = [])),
    params(("id" = uuid::Uuid, Path, description = "The caseId")),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 202, description = "The pause is recorded on the case", body = Envelope<PauseState>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::error::ErrorEnvelope),
        (status = 409, description = "`CASE_ALREADY_TERMINAL`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn pause_case(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
) -> Result<Response, ApiError> {
    set_paused(&state, &tenant, case_id, true).await
}

/// Resume a paused case: the follow-up timer runs on with the delay that was left, a pending
/// input request's timeout and reminders move on by the time paused, and replies that came
/// meanwhile are read. Resuming a case that is not paused changes nothing.
#[utoipa::path(
    post, path = "/cases/{id}/resume", tag = "cases",
    security(("apiKey" = [])),
    params(("id" = uuid::Uuid, Path, description = "The caseId")),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 202, description = "The resume is recorded on the case", body = Envelope<PauseState>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::error::ErrorEnvelope),
        (status = 409, description = "`CASE_ALREADY_TERMINAL`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn resume_case(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
) -> Result<Response, ApiError> {
    set_paused(&state, &tenant, case_id, false).await
}

async fn set_paused(
    state: &AppState,
    tenant: &Tenant,
    case_id: Uuid,
    paused: bool,
) -> Result<Response, ApiError> {
    let record = owned_case(state, tenant, case_id, false).await?;
    if record.view.status.is_terminal() {
        return Err(ApiError::CaseAlreadyTerminal);
    }
    let delivery = if paused {
        state.cases().send_pause(case_id).await?
    } else {
        state.cases().send_resume(case_id).await?
    };
    if delivery == Delivery::Closed {
        return Err(ApiError::CaseAlreadyTerminal);
    }
    tracing::info!(%case_id, paused, "case paused or resumed by the client");
    Ok((
        StatusCode::ACCEPTED,
        ok(PauseState {
            case_id: case_id.to_string(),
            paused,
        }),
    )
        .into_response())
}

/// `{id}` and `{eventId}` of the redeliver route.
pub struct EventPath {
    pub case_id: Uuid,
    pub event_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for EventPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ids = path_params(parts, state).await?;
        let case_id = parse_case_id(ids.first().map(String::as_str).unwrap_or(""))?.0;
        let event_id = EventId::check(ids.get(1).map(String::as_str).unwrap_or(""))
            .map_err(|rule| ApiError::invalid("eventId", rule))?
            .0;
        Ok(EventPath { case_id, event_id })
    }
}

/// Deliver a past webhook event of the case again: the same body and `event_id`, a fresh
/// `webhook-timestamp` and signature, through the same retrying path (each attempt on the
/// timeline). Events delivered by this version of the service can be redelivered: a case that
/// goes on queues it behind its own events; a finished case delivers it apart, at most 100
/// times.
#[utoipa::path(
    post, path = "/cases/{id}/webhooks/{eventId}/redeliver", tag = "cases",
    security(("apiKey" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The caseId"),
        ("eventId" = inline(EventId), Path, description = "The event's `event_id`"),
    ),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 202, description = "The event will be delivered again", body = Envelope<RedeliveryAccepted>),
        (status = 400, description = "`INVALID_REQUEST`: bad id or event id", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`, or `EVENT_NOT_FOUND`: the case sent no such event", body = crate::error::ErrorEnvelope),
        (status = 409, description = "`REDELIVERY_LIMIT_REACHED`: a finished case was redelivered 100 times", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn redeliver_event(
    State(state): State<AppState>,
    tenant: Tenant,
    path: EventPath,
) -> Result<Response, ApiError> {
    let case_id = path.case_id;
    let record = owned_case(&state, &tenant, case_id, false).await?;
    let key = webhook_event_key(&case_id.to_string(), &path.event_id);
    let stored = state.blobs().get(&key).await.map_err(|e| {
        ApiError::Unavailable(Dependency::BlobStore, format!("read the event: {e}"))
    })?;
    let delivery: WebhookDelivery = match stored {
        None => return Err(ApiError::EventNotFound),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::Internal(format!("stored event {key}: {e}")))?,
    };
    // The store holds what the worker wrote under this case's key; checked all the same.
    if delivery.event.data.case_id != case_id.to_string() || delivery.tenant != tenant.0 {
        return Err(ApiError::EventNotFound);
    }
    let how = state
        .cases()
        .redeliver(
            case_id,
            delivery,
            now_ms(),
            record.view.status.is_terminal(),
        )
        .await?
        .ok_or(ApiError::RedeliveryLimitReached)?;
    tracing::info!(%case_id, event_id = %path.event_id, ?how, "webhook redelivery requested");
    Ok((
        StatusCode::ACCEPTED,
        ok(RedeliveryAccepted {
            case_id: case_id.to_string(),
            event_id: path.event_id,
            accepted: true,
        }),
    )
        .into_response())
}
