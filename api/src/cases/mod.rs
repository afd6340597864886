//! `/cases`: create, read, answer.

pub mod body;
pub mod controls;
pub mod idempotency;
pub mod listing;
pub mod result_schema;
pub mod timeline;

use crate::AppState;
use crate::error::{ApiError, Dependency};
use crate::extract::{CaseId, JsonBody, Tenant};
use crate::response::{Envelope, now_ms, ok};
use crate::store::{Loaded, Start, Wait};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use offload_workflows::state::{
    Attachment, AttachmentReading, InputRequestStatus, ProvidedInput, TranscriptMessage,
    check_input,
};
use offload_workflows::view::render_transcript;
use offload_workflows::{CaseInput, CaseRecord, CaseStatus, CaseView};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", post(create_case).get(listing::list_cases))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/input", post(provide_input))
        .route("/cases/{id}/cancel", post(cancel_case))
        .route("/cases/{id}/pause", post(controls::pause_case))
        .route("/cases/{id}/resume", post(controls::resume_case))
        .route("/cases/{id}/events", get(timeline::case_events))
        .route(
            "/cases/{id}/webhooks/{eventId}/redeliver",
            post(controls::redeliver_event),
        )
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cancelled {
    pub case_id: String,
    /// `FAILED` once the case has stopped (usually at once); `RUNNING`/`INPUT_NEEDED` while the
    /// cancellation is still on its way (it is recorded either way).
    pub status: CaseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_status: Option<offload_workflows::state::ResultStatus>,
}

/// Stop a case that is not finished: no further email; it ends `FAILED` / `cancelled` and a
/// `case.failed` webhook is sent.
#[utoipa::path(
    post, path = "/cases/{id}/cancel", tag = "cases",
    security(("apiKey" = [])),
    params(("id" = uuid::Uuid, Path, description = "The caseId")),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 200, description = "The case has stopped", body = Envelope<Cancelled>),
        (status = 202, description = "The cancellation is recorded and the case stops at its next step", body = Envelope<Cancelled>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::error::ErrorEnvelope),
        (status = 409, description = "`CASE_ALREADY_TERMINAL`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn cancel_case(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
) -> Result<Response, ApiError> {
    let record = owned_case(&state, &tenant, case_id, false).await?;
    if record.view.status.is_terminal() {
        return Err(ApiError::CaseAlreadyTerminal);
    }
    if state.cases().send_cancel(case_id).await? == crate::store::Delivery::Closed {
        return Err(ApiError::CaseAlreadyTerminal);
    }
    tracing::info!(%case_id, "case cancelled by the client");
    // The case stops at its next step, normally within moments: wait briefly to answer with it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut view = record.view;
    while !view.status.is_terminal() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        view = owned_case(&state, &tenant, case_id, false).await?.view;
    }
    let code = if view.status.is_terminal() {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((
        code,
        ok(Cancelled {
            case_id: case_id.to_string(),
            status: view.status,
            result_status: view.result_status,
        }),
    )
        .into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedCase {
    pub case_id: String,
    /// Always `CREATED`.
    pub status: String,
    /// With `waitForOpenCases`: the earlier open case it waits for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued_behind: Option<String>,
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
    Ok(owned_case_loaded(
        state,
        tenant,
        case_id,
        include_transcript,
        Wait::ForTheWorkflow,
    )
    .await?
    .record)
}

/// [`owned_case`], saying whether the answer is the memo snapshot (no worker answered).
pub async fn owned_case_loaded(
    state: &AppState,
    tenant: &Tenant,
    case_id: Uuid,
    include_transcript: bool,
    wait: Wait,
) -> Result<Loaded, ApiError> {
    let loaded = state
        .cases()
        .record(case_id, include_transcript, wait)
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    if loaded.record.tenant != tenant.0 {
        return Err(ApiError::Forbidden(
            "this case belongs to another tenant".into(),
        ));
    }
    Ok(loaded)
}

/// Create a case. It is durably recorded when the answer is sent; no email has gone out yet.
#[utoipa::path(
    post, path = "/cases", tag = "cases",
    security(("apiKey" = [])),
    params(("Idempotency-Key" = inline(Option<idempotency::IdempotencyKey>), Header,
        description = "The same key from the same tenant creates one case: a repeat with the same body answers with that case (`Idempotent-Replayed: true`); with another body, `409 IDEMPOTENCY_CONFLICT`")),
    request_body(content = body::CreateCaseBody, content_type = "application/json"),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 201, description = "Created (or, for a repeated `Idempotency-Key` with the same body, the case it created)", body = Envelope<CreatedCase>,
            headers(
                ("Location" = String, description = "`/cases/{caseId}`"),
                ("Idempotent-Replayed" = String, description = "`true` when this answers a repeated `Idempotency-Key`"),
            ),
            links(
                ("GetCase" = (operation_id = "get_case", parameters(("id" = "$response.body#/data/caseId")))),
                ("ProvideInput" = (operation_id = "provide_input", parameters(("id" = "$response.body#/data/caseId")))),
                ("CancelCase" = (operation_id = "cancel_case", parameters(("id" = "$response.body#/data/caseId")))),
                ("GetEvents" = (operation_id = "case_events", parameters(("id" = "$response.body#/data/caseId")))),
                ("PauseCase" = (operation_id = "pause_case", parameters(("id" = "$response.body#/data/caseId")))),
                ("ResumeCase" = (operation_id = "resume_case", parameters(("id" = "$response.body#/data/caseId")))),
            )),
        (status = 400, description = "`INVALID_REQUEST`: malformed JSON or a failed rule, naming the field", body = crate::error::ErrorEnvelope),
        (status = 409, description = "`IDEMPOTENCY_CONFLICT`: the `Idempotency-Key` was used with another body; `COUNTERPARTY_SUPPRESSED`: the address is on the tenant's suppression list (the message says why and since when)", body = crate::error::ErrorEnvelope),
        crate::error::JsonBodyErrors,
    )
)]
pub async fn create_case(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    body: JsonBody<body::CreateCaseBody>,
) -> Result<Response, ApiError> {
    let policy = state.config().webhook_policy();
    let request = body.value.into_request(&policy)?;
    if let Some(url) = &request.client_webhook_url {
        // Names are resolved now too, so a webhook that could only reach inside is refused
        // here rather than failing quietly at every delivery.
        let url = url::Url::parse(url)
            .map_err(|_| ApiError::invalid("clientWebhookUrl", "must be an absolute URL"))?;
        policy
            .check_host(&url)
            .await
            .map_err(|problem| ApiError::invalid("clientWebhookUrl", problem))?;
    }
    let idempotency_key = idempotency::key_from(&headers)?;
    check_suppression(
        &state,
        &tenant,
        &request.counterparty.address,
        idempotency_key.as_deref(),
    )
    .await?;
    if let Some(cap) = tenant.1.monthly_case_cap {
        check_monthly_cap(&state, &tenant, cap, idempotency_key.as_deref()).await?;
    }
    let request_hash = idempotency_key
        .as_ref()
        .map(|_| idempotency::body_fingerprint(&body.raw));
    let case_id = match &idempotency_key {
        // The same key from the same tenant always names the same case.
        Some(key) => idempotency::case_id(&tenant.0, key),
        None => Uuid::new_v4(),
    };
    let created_at = now_ms();
    let queued_behind = if request.wait_for_open_cases == Some(true) {
        earlier_open_cases(
            &state,
            &tenant,
            &request.counterparty.address,
            case_id,
            created_at,
        )
        .await?
    } else {
        Vec::new()
    };
    let input = CaseInput {
        case_id: case_id.to_string(),
        tenant: tenant.0.clone(),
        created_at,
        hour_seconds: state.config().hour_seconds,
        request,
        request_hash: request_hash.clone(),
        generation: offload_workflows::case::CURRENT_GENERATION,
        // API and worker read the same OFFLOAD_AGENT.
        local_agent: matches!(state.config().agent, offload_core::config::AgentKind::Rules),
        run_max_events: Some(state.config().case_run_max_events),
        queued_behind,
        carried: None,
    };
    let (replayed, queued_behind) = match state.cases().start(&input).await? {
        Start::Started => (false, input.queued_behind.first().cloned()),
        Start::AlreadyExists => {
            let original = owned_case(&state, &tenant, case_id, false).await?;
            if original.request_hash != request_hash {
                return Err(ApiError::IdempotencyConflict);
            }
            (true, original.view.queued_behind.clone())
        }
    };
    if replayed {
        tracing::info!(%case_id, "idempotent create replayed");
    } else {
        tracing::info!(%case_id, "case created");
        state.metrics().case_created();
    }
    let mut response = (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/cases/{case_id}"))],
        ok(CreatedCase {
            case_id: case_id.to_string(),
            status: "CREATED".into(),
            queued_behind,
        }),
    )
        .into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The tenant's open cases for `address` created before this one (`waitForOpenCases`), oldest
/// first. Strictly before: two cases created in the same millisecond never wait for each other,
/// so no two cases can each wait for the other.
async fn earlier_open_cases(
    state: &AppState,
    tenant: &Tenant,
    address: &str,
    case_id: Uuid,
    created_at_ms: i64,
) -> Result<Vec<String>, ApiError> {
    let created_ns = created_at_ms.saturating_mul(1_000_000);
    Ok(state
        .cases()
        .open_cases_for(&tenant.0, address)
        .await?
        .into_iter()
        .filter(|&(id, created)| created < created_ns && id != case_id)
        .map(|(id, _)| id.to_string())
        .collect())
}

/// Whether the create repeats an idempotent create whose case exists (then it is no new case).
async fn replays_an_existing_case(
    state: &AppState,
    tenant: &Tenant,
    idempotency_key: Option<&str>,
) -> Result<bool, ApiError> {
    let Some(key) = idempotency_key else {
        return Ok(false);
    };
    let existing = idempotency::case_id(&tenant.0, key);
    Ok(state
        .cases()
        .record(existing, false, Wait::ForTheWorkflow)
        .await?
        .is_some())
}

/// Refuses a new case for an address on the tenant's suppression list (a replay of an idempotent
/// create that exists is not a new case), naming why and since when.
async fn check_suppression(
    state: &AppState,
    tenant: &Tenant,
    address: &str,
    idempotency_key: Option<&str>,
) -> Result<(), ApiError> {
    let Some(suppression) = state.cases().suppression(&tenant.0, address).await? else {
        return Ok(());
    };
    if replays_an_existing_case(state, tenant, idempotency_key).await? {
        return Ok(());
    }
    Err(ApiError::CounterpartySuppressed(format!(
        "on the suppression list since {}: {}",
        offload_workflows::view::iso8601_seconds(suppression.since),
        suppression.reason.describe()
    )))
}

/// Refuses a new case once the tenant created `cap` cases this UTC calendar month (counted in
/// Temporal's visibility). A replay of an idempotent create that exists is not a new case.
async fn check_monthly_cap(
    state: &AppState,
    tenant: &Tenant,
    cap: u64,
    idempotency_key: Option<&str>,
) -> Result<(), ApiError> {
    if replays_an_existing_case(state, tenant, idempotency_key).await? {
        return Ok(());
    }
    let month_start = offload_workflows::view::utc_month_start(now_ms());
    let created = state
        .cases()
        .count_started_since(&tenant.0, &month_start)
        .await?;
    if created >= cap as i64 {
        return Err(ApiError::UsageLimitReached(cap));
    }
    Ok(())
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
        ("id" = uuid::Uuid, Path, description = "The caseId"),
        ("includeTranscript" = Option<bool>, Query, description = "`true` adds `conversationThread`"),
    ),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 200, description = "The case. With `Offload-Stale: true` it is the case's last snapshot, served because no worker answered; it then has no `conversationThread`.", body = Envelope<CaseView>,
            headers(("Offload-Stale" = String, description = "`true` when the answer is the last snapshot")),
            links(
                ("AnswerInputRequest" = (operation_id = "provide_input",
                    parameters(("id" = "$request.path.id")),
                    request_body = json!({
                        "inputRequestId": "$response.body#/data/inputRequest/id",
                        "providedContext": "Tax year 2025, please."
                    }))),
                ("GetAttachment" = (operation_id = "get_attachment",
                    parameters(("id" = "$request.path.id"), ("attachmentId" = "$response.body#/data/attachments/0/attachmentId")))),
                ("CancelCase" = (operation_id = "cancel_case", parameters(("id" = "$request.path.id")))),
                ("GetEvents" = (operation_id = "case_events", parameters(("id" = "$request.path.id")))),
            )),
        (status = 400, description = "`INVALID_REQUEST`: bad id or query parameter", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let include = include_transcript(query.as_deref())?;
    let loaded =
        owned_case_loaded(&state, &tenant, case_id, include, Wait::SnapshotAfterAWhile).await?;
    let mut view = loaded.record.view;
    if let Some(request) = view
        .input_request
        .as_mut()
        .filter(|r| r.status == InputRequestStatus::Pending)
    {
        request.answer_url = Some(state.answer_links().url(
            &case_id.to_string(),
            &request.id,
            request.requested_at,
        ));
    }
    if let Some(live) = loaded.record.transcript {
        view.conversation_thread = Some(
            rendered_conversation(
                &state,
                &loaded.record.archived,
                live,
                &view.attachments,
                &loaded.record.readings,
            )
            .await?,
        );
    }
    let mut response = ok(view).into_response();
    if loaded.stale {
        // No worker answered: this is the case's last snapshot (without transcript).
        response
            .headers_mut()
            .insert("offload-stale", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The messages a case archived (segments in the blob store, oldest first). A segment gone from
/// the store is a fault, not an empty conversation.
async fn archived_messages(
    state: &AppState,
    keys: &[String],
) -> Result<Vec<TranscriptMessage>, ApiError> {
    let mut messages = Vec::new();
    for key in keys {
        let unavailable =
            |e: String| ApiError::Unavailable(Dependency::BlobStore, format!("read {key}: {e}"));
        let bytes = state
            .blobs()
            .get(key)
            .await
            .map_err(|e| unavailable(e.to_string()))?
            .ok_or_else(|| unavailable("missing".into()))?;
        let segment: Vec<TranscriptMessage> =
            serde_json::from_slice(&bytes).map_err(|e| unavailable(e.to_string()))?;
        messages.extend(segment);
    }
    Ok(messages)
}

/// The conversation as text, for a record whose messages the API renders (archived segments,
/// then `live`), with whole bodies from the blob store.
pub async fn rendered_conversation(
    state: &AppState,
    archived: &[String],
    live: Vec<TranscriptMessage>,
    attachments: &[Attachment],
    readings: &[AttachmentReading],
) -> Result<Option<String>, ApiError> {
    let mut messages = archived_messages(state, archived).await?;
    messages.extend(live);
    full_transcript(state, &messages, attachments, readings).await
}

/// The transcript with the whole text of bodies kept in the blob store (the query only has
/// their first part).
async fn full_transcript(
    state: &AppState,
    messages: &[TranscriptMessage],
    attachments: &[Attachment],
    readings: &[AttachmentReading],
) -> Result<Option<String>, ApiError> {
    let mut bodies: HashMap<String, String> = HashMap::new();
    for key in messages.iter().filter_map(|m| m.body_ref.as_ref()) {
        let body = state.blobs().get(key).await.map_err(|e| {
            ApiError::Unavailable(Dependency::BlobStore, format!("read message body: {e}"))
        })?;
        if let Some(body) = body {
            bodies.insert(key.clone(), String::from_utf8_lossy(&body).into_owned());
        }
    }
    Ok(render_transcript(messages, attachments, readings, |m| {
        m.body_ref
            .as_ref()
            .and_then(|key| bodies.get(key))
            .map(String::as_str)
    }))
}

/// Hands an answer to a case that waits for it, under the rules of `POST /cases/{id}/input`
/// (which the answer page shares): the three 409s, checked against `view`, and again by the case
/// itself when the signal arrives.
pub async fn hand_over_input(
    state: &AppState,
    case_id: Uuid,
    view: &CaseView,
    input: ProvidedInput,
) -> Result<(), ApiError> {
    check_input(
        view.status,
        view.input_request.as_ref(),
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
    Ok(())
}

/// Answer the pending input request. 202 means the answer is durably recorded; from then on the
/// request reads `RESOLVED`.
#[utoipa::path(
    post, path = "/cases/{id}/input", tag = "cases",
    security(("apiKey" = [])),
    params(("id" = uuid::Uuid, Path, description = "The caseId")),
    request_body(content = body::InputBody, content_type = "application/json"),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 202, description = "Accepted", body = Envelope<InputAccepted>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::error::ErrorEnvelope),
        (status = 409, description = "`CASE_NOT_WAITING_FOR_INPUT`, `INPUT_REQUEST_NOT_PENDING` or `INPUT_REQUEST_MISMATCH`", body = crate::error::ErrorEnvelope),
        crate::error::JsonBodyErrors,
    )
)]
pub async fn provide_input(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
    body: JsonBody<body::InputBody>,
) -> Result<Response, ApiError> {
    let input = body.value.into_input()?;
    let record = owned_case(&state, &tenant, case_id, false).await?;
    let input_request_id = input.input_request_id.clone();
    hand_over_input(&state, case_id, &record.view, input).await?;
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
