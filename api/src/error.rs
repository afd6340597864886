//! The one error type at the HTTP edge and the one envelope every error uses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use offload_workflows::state::InputRejection;
use serde::Serialize;

tokio::task_local! {
    /// The id of the request being served; set by the request-id middleware.
    pub static REQUEST_ID: String;
}

/// The current request's id (or a fresh one outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| format!("req_{}", uuid::Uuid::new_v4().simple()))
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed JSON, failed validation, a bad path or query parameter. The message names the
    /// field: `counterparty.address: not a valid email address`.
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("case not found")]
    CaseNotFound,
    #[error("attachment not found on this case")]
    AttachmentNotFound,
    #[error("eventId: this case sent no such webhook event")]
    EventNotFound,
    #[error(
        "this finished case's webhooks were redelivered {} times already",
        offload_workflows::redelivery::MAX_REDELIVERIES
    )]
    RedeliveryLimitReached,
    #[error("no route for {0}")]
    RouteNotFound(String),
    #[error("method {0} is not allowed on this route")]
    MethodNotAllowed(String),
    #[error("{0}")]
    InputRejected(InputRejection),
    #[error("Idempotency-Key: already used with a different request body")]
    IdempotencyConflict,
    #[error("the case is already finished")]
    CaseAlreadyTerminal,
    /// The counterparty's address is on the tenant's suppression list; the message says why
    /// and since when.
    #[error("counterparty.address: {0}")]
    CounterpartySuppressed(String),
    /// Too many requests for this API key; retry after the duration.
    #[error("x-api-key: too many requests, retry after {} s", .0.as_secs().max(1))]
    RateLimited(std::time::Duration),
    #[error("the tenant's monthly case cap ({0}) is reached for this UTC calendar month")]
    UsageLimitReached(u64),
    #[error("body: larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    #[error("content-type: {0}")]
    UnsupportedMediaType(String),
    /// A dependency cannot be reached; the answer names it, the detail is logged, not returned.
    #[error("{}, try again shortly", .0.unavailable())]
    Unavailable(Dependency, String),
    /// The request took longer than `OFFLOAD_REQUEST_TIMEOUT_SECONDS`.
    #[error("the request took longer than {} s, try again shortly", .0.as_secs())]
    TimedOut(std::time::Duration),
    /// Anything unexpected; the detail is logged, not returned.
    #[error("internal error")]
    Internal(String),
}

/// What a `503 UNAVAILABLE` was waiting for, so answers and logs blame the right part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dependency {
    /// The Temporal server.
    WorkflowEngine,
    /// The Temporal server, refusing more calls of this kind for now (its per-namespace rate
    /// limits, such as `frontend.namespaceRPS.visibility`).
    WorkflowEngineRateLimit,
    /// Temporal answered, but no worker answered a read of the case (and it has no snapshot).
    CaseWorker,
    /// Where attachments and long bodies are kept (local directory or S3 bucket).
    BlobStore,
    /// The S3 bucket SES wrote received mail to.
    S3,
    /// The host SNS signing certificates are fetched from.
    SnsCertificateHost,
    /// Amazon SNS, confirming a subscription.
    Sns,
}

impl Dependency {
    /// A stable name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Dependency::WorkflowEngine => "workflow_engine",
            Dependency::WorkflowEngineRateLimit => "workflow_engine_rate_limit",
            Dependency::CaseWorker => "case_worker",
            Dependency::BlobStore => "blob_store",
            Dependency::S3 => "s3",
            Dependency::SnsCertificateHost => "sns_certificate_host",
            Dependency::Sns => "sns",
        }
    }

    fn unavailable(self) -> &'static str {
        match self {
            Dependency::WorkflowEngine => "the workflow engine (Temporal) is unavailable",
            Dependency::WorkflowEngineRateLimit => {
                "the workflow engine (Temporal) is rate-limiting these calls"
            }
            Dependency::CaseWorker => "no case worker answered",
            Dependency::BlobStore => "the blob store is unavailable",
            Dependency::S3 => "the S3 bucket with the received mail is unavailable",
            Dependency::SnsCertificateHost => "the SNS signing certificate host is unavailable",
            Dependency::Sns => "Amazon SNS did not confirm the subscription",
        }
    }
}

/// Every error: `{"ok": false, "error": {...}}`.
#[derive(utoipa::ToSchema)]
#[schema(example = json!({
    "ok": false,
    "error": {
        "code": "INVALID_REQUEST",
        "message": "counterparty.address: not a valid email address",
        "requestId": "req_4f1c2a9e8b7d4c3a9f0e1d2c3b4a5968"
    }
}))]
pub struct ErrorEnvelope {
    /// Always `false`.
    pub ok: bool,
    pub error: ErrorDetail,
}

#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// A stable code such as `INVALID_REQUEST` or `CASE_NOT_FOUND`.
    pub code: String,
    /// What went wrong, naming the field path.
    pub message: String,
    /// Quote it when asking for help; it is also in the `x-request-id` header.
    pub request_id: String,
}

/// Answers every `x-api-key` route can give besides its own.
#[derive(utoipa::IntoResponses)]
pub enum KeyedRouteErrors {
    /// `UNAUTHORIZED`: the `x-api-key` header is missing or names no key.
    #[response(status = 401)]
    Unauthorized(ErrorEnvelope),
    /// `FORBIDDEN`: the key is inactive, or the case belongs to another tenant.
    #[response(status = 403)]
    Forbidden(ErrorEnvelope),
    /// `RATE_LIMITED`: the key's request rate is exceeded (see `Retry-After`); on `POST /cases`
    /// also `USAGE_LIMIT_REACHED`: the tenant's monthly case cap is reached.
    #[response(status = 429, headers(("Retry-After" = String, description = "Seconds to wait")))]
    TooManyRequests(ErrorEnvelope),
    /// `INTERNAL_ERROR`: an unexpected failure (details only in the logs).
    #[response(status = 500)]
    Internal(ErrorEnvelope),
    /// `UNAVAILABLE`: a dependency is unreachable (the message names it) or the request took over 30 s.
    #[response(status = 503, headers(("Retry-After" = String, description = "Seconds to wait")))]
    Unavailable(ErrorEnvelope),
}

/// Answers every route taking a JSON body can give about the body itself.
#[derive(utoipa::IntoResponses)]
pub enum JsonBodyErrors {
    /// `PAYLOAD_TOO_LARGE`: the body is over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorEnvelope),
    /// `UNSUPPORTED_MEDIA_TYPE`: the body is not `application/json`.
    #[response(status = 415)]
    NotJson(ErrorEnvelope),
}

/// Answers every route without an API key can give besides its own.
#[derive(utoipa::IntoResponses)]
pub enum OpenRouteErrors {
    /// `INTERNAL_ERROR`: an unexpected failure (details only in the logs).
    #[response(status = 500)]
    Internal(ErrorEnvelope),
    /// `UNAVAILABLE`: a dependency is unreachable (the message names it) or the request took over 30 s.
    #[response(status = 503, headers(("Retry-After" = String, description = "Seconds to wait")))]
    Unavailable(ErrorEnvelope),
}

#[derive(Serialize)]
struct Envelope<'a> {
    ok: bool,
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    code: &'a str,
    message: String,
    request_id: String,
}

impl ApiError {
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "INVALID_REQUEST"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "FORBIDDEN"),
            ApiError::CaseNotFound => (StatusCode::NOT_FOUND, "CASE_NOT_FOUND"),
            ApiError::AttachmentNotFound => (StatusCode::NOT_FOUND, "ATTACHMENT_NOT_FOUND"),
            ApiError::EventNotFound => (StatusCode::NOT_FOUND, "EVENT_NOT_FOUND"),
            ApiError::RedeliveryLimitReached => (StatusCode::CONFLICT, "REDELIVERY_LIMIT_REACHED"),
            ApiError::RouteNotFound(_) => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED"),
            ApiError::InputRejected(InputRejection::NotWaitingForInput) => {
                (StatusCode::CONFLICT, "CASE_NOT_WAITING_FOR_INPUT")
            }
            ApiError::InputRejected(InputRejection::NotPending) => {
                (StatusCode::CONFLICT, "INPUT_REQUEST_NOT_PENDING")
            }
            ApiError::InputRejected(InputRejection::Mismatch) => {
                (StatusCode::CONFLICT, "INPUT_REQUEST_MISMATCH")
            }
            ApiError::IdempotencyConflict => (StatusCode::CONFLICT, "IDEMPOTENCY_CONFLICT"),
            ApiError::CaseAlreadyTerminal => (StatusCode::CONFLICT, "CASE_ALREADY_TERMINAL"),
            ApiError::CounterpartySuppressed(_) => {
                (StatusCode::CONFLICT, "COUNTERPARTY_SUPPRESSED")
            }
            ApiError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
            ApiError::UsageLimitReached(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "USAGE_LIMIT_REACHED")
            }
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
            }
            ApiError::Unavailable(..) | ApiError::TimedOut(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE")
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR"),
        }
    }

    pub fn invalid(field: &str, problem: impl std::fmt::Display) -> Self {
        ApiError::InvalidRequest(format!("{field}: {problem}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let request_id = current_request_id();
        match &self {
            ApiError::Internal(detail) => {
                tracing::error!(%request_id, %detail, "internal error");
            }
            ApiError::Unavailable(dependency, detail) => {
                tracing::warn!(%request_id, dependency = dependency.name(), %detail, "dependency unavailable");
            }
            ApiError::TimedOut(_) => tracing::warn!(%request_id, "request timed out"),
            _ => {}
        }
        let body = Envelope {
            ok: false,
            error: ErrorBody {
                code,
                message: self.to_string(),
                request_id,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let retry_after = match &self {
            ApiError::Unavailable(..) | ApiError::TimedOut(_) => Some(5),
            ApiError::RateLimited(wait) => Some(wait.as_secs_f64().ceil().max(1.0) as u64),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&seconds.to_string()).expect("digits are a header value"),
            );
        }
        response
    }
}
