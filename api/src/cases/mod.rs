//! `/cases`: create, read, answer.

pub mod validate;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{CaseId, JsonObject, Tenant};
use crate::response::{Envelope, now_ms, ok};
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use offload_workflows::state::{Attachment, TranscriptMessage, check_input};
use offload_workflows::view::render_transcript;
use offload_workflows::{CaseInput, CaseRecord, CaseView};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", post(create_case))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/input", post(provide_input))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedCase {
    pub case_id: String,
    /// Always `CREATED`.
    pub status: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InputAccepted {
    pub case_id: String,
    pub input_request_id: String,
    pub accepted: bool,
}

/// Loads a case for `tenant`: 404 when it does not exist, 403 when it is someone else's.
pub async fn owned_case(
    state: &AppState,
    tenant: &Tenant,
    case_id: Uuid,
    include_transcript: bool,
) -> Result<CaseRecord, ApiError> {
    let record = state
        .cases()
        .record(case_id, include_transcript)
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    if record.tenant != tenant.0 {
        return Err(ApiError::Forbidden(
            "this case belongs to another tenant".into(),
        ));
    }
    Ok(record)
}

/// Create a case. It is durably recorded when the answer is sent; no email has gone out yet.
#[utoipa::path(
    post, path = "/cases", tag = "cases",
    security(("apiKey" = [])),
    request_body(content = crate::openapi::CreateCaseBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Envelope<CreatedCase>,
            headers(("Location" = String, description = "`/cases/{caseId}`"))),
        (status = 400, description = "`INVALID_REQUEST`: malformed JSON or a failed rule, naming the field", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "`UNAUTHORIZED`: missing or unknown API key", body = crate::openapi::ErrorEnvelope),
        (status = 403, description = "`FORBIDDEN`: inactive API key", body = crate::openapi::ErrorEnvelope),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: body over 64 KiB", body = crate::openapi::ErrorEnvelope),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: body not application/json", body = crate::openapi::ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the workflow engine cannot be reached", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn create_case(
    State(state): State<AppState>,
    tenant: Tenant,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let request = validate::create_request(
        &body,
        &validate::WebhookPolicy {
            allow_http: state.config().webhook_allow_http,
            allowed: state.config().webhook_allow_cidrs.clone(),
        },
    )?;
    let case_id = Uuid::new_v4().to_string();
    let input = CaseInput {
        case_id: case_id.clone(),
        tenant: tenant.0,
        created_at: now_ms(),
        hour_seconds: state.config().hour_seconds,
        request,
    };
    state.cases().start(&input).await?;
    tracing::info!(%case_id, "case created");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/cases/{case_id}"))],
        ok(CreatedCase {
            case_id,
            status: "CREATED".into(),
        }),
    )
        .into_response())
}

/// `includeTranscript=true` (the literal string) asks for the conversation.
fn include_transcript(query: Option<&str>) -> Result<bool, ApiError> {
    let mut include = false;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if key == "includeTranscript" {
            include = match value.as_ref() {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(ApiError::invalid(
                        "includeTranscript",
                        "must be \"true\" or \"false\"",
                    ));
                }
            };
        }
    }
    Ok(include)
}

/// Read a case.
#[utoipa::path(
    get, path = "/cases/{id}", tag = "cases",
    security(("apiKey" = [])),
    params(
        ("id" = String, Path, description = "The caseId (a UUID)"),
        ("includeTranscript" = Option<String>, Query, description = "`true` adds `conversationThread`"),
    ),
    responses(
        (status = 200, description = "The case", body = Envelope<CaseView>),
        (status = 400, description = "`INVALID_REQUEST`: bad id or query parameter", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "`UNAUTHORIZED`", body = crate::openapi::ErrorEnvelope),
        (status = 403, description = "`FORBIDDEN`: inactive key, or another tenant's case", body = crate::openapi::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::openapi::ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
    RawQuery(query): RawQuery,
) -> Result<Json<Envelope<CaseView>>, ApiError> {
    let include = include_transcript(query.as_deref())?;
    let record = owned_case(&state, &tenant, case_id, include).await?;
    let mut view = record.view;
    if let Some(messages) = record.transcript {
        view.conversation_thread =
            Some(full_transcript(&state, &messages, &view.attachments).await?);
    }
    Ok(ok(view))
}

/// The transcript with the whole text of bodies kept in the blob store (the query only has
/// their first part).
async fn full_transcript(
    state: &AppState,
    messages: &[TranscriptMessage],
    attachments: &[Attachment],
) -> Result<Option<String>, ApiError> {
    let mut bodies: HashMap<String, String> = HashMap::new();
    for key in messages.iter().filter_map(|m| m.body_ref.as_ref()) {
        let body = state
            .blobs()
            .get(key)
            .await
            .map_err(|e| ApiError::Unavailable(format!("read message body: {e}")))?;
        if let Some(body) = body {
            bodies.insert(key.clone(), String::from_utf8_lossy(&body).into_owned());
        }
    }
    Ok(render_transcript(messages, attachments, |m| {
        m.body_ref
            .as_ref()
            .and_then(|key| bodies.get(key))
            .map(String::as_str)
    }))
}

/// Answer the pending input request. 202 means the answer is durably recorded; from then on the
/// request reads `RESOLVED`.
#[utoipa::path(
    post, path = "/cases/{id}/input", tag = "cases",
    security(("apiKey" = [])),
    params(("id" = String, Path, description = "The caseId (a UUID)")),
    request_body(content = crate::openapi::InputBody, content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted", body = Envelope<InputAccepted>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "`UNAUTHORIZED`", body = crate::openapi::ErrorEnvelope),
        (status = 403, description = "`FORBIDDEN`", body = crate::openapi::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::openapi::ErrorEnvelope),
        (status = 409, description = "`CASE_NOT_WAITING_FOR_INPUT`, `INPUT_REQUEST_NOT_PENDING` or `INPUT_REQUEST_MISMATCH`", body = crate::openapi::ErrorEnvelope),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`", body = crate::openapi::ErrorEnvelope),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`", body = crate::openapi::ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn provide_input(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let input = validate::input(&body)?;
    let record = owned_case(&state, &tenant, case_id, false).await?;
    check_input(
        record.view.status,
        record.view.input_request.as_ref(),
        &input.input_request_id,
    )
    .map_err(ApiError::InputRejected)?;
    let input_request_id = input.input_request_id.clone();
    match state.cases().send_input(case_id, input).await? {
        crate::store::Delivery::Delivered => {}
        crate::store::Delivery::Closed => {
            return Err(ApiError::InputRejected(
                offload_workflows::state::InputRejection::NotWaitingForInput,
            ));
        }
    }
    tracing::info!(%case_id, %input_request_id, "input accepted");
    Ok((
        StatusCode::ACCEPTED,
        ok(InputAccepted {
            case_id: case_id.to_string(),
            input_request_id,
            accepted: true,
        }),
    )
        .into_response())
}
