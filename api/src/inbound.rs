//! Inbound mail: `POST /inbound/email` takes a raw RFC 822 message from any mail system,
//! authenticated by a shared secret, routes it to its case, stores its attachments and signals
//! the case.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{read_body, require_content_type};
use crate::response::{Envelope, now_ms, ok};
use crate::store::Delivery;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use offload_worker::mail::inbound::InboundMail;
use offload_worker::mail::reply_address;
use offload_workflows::state::{Attachment, InboundReply};
use serde::Serialize;
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// Largest raw message accepted.
pub const MAX_INBOUND_MAIL: usize = 64 * 1024 * 1024;

/// Namespace of attachment ids: an id is derived from (case, message, position), so a message
/// delivered twice stores its files under the same ids.
const ATTACHMENT_NAMESPACE: Uuid = Uuid::from_u128(0x6f66_666c_6f61_6400_8000_0000_0000_0001);

pub fn router() -> Router<AppState> {
    Router::new().route("/inbound/email", post(receive_email))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InboundOutcome {
    pub case_id: String,
    /// Present (true) when the case is already finished and the reply was only logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<bool>,
}

fn check_secret(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = headers
        .get("x-offload-inbound-secret")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let Some(expected) = &state.config().inbound_secret else {
        return Err(ApiError::Unauthorized(
            "x-offload-inbound-secret: inbound mail is not configured (OFFLOAD_INBOUND_SECRET)"
                .into(),
        ));
    };
    if presented.is_empty() || !bool::from(presented.ct_eq(expected.expose().as_bytes())) {
        return Err(ApiError::Unauthorized(
            "x-offload-inbound-secret: missing or wrong".into(),
        ));
    }
    Ok(())
}

/// A raw RFC 822 reply from any mail system.
#[utoipa::path(
    post, path = "/inbound/email", tag = "inbound",
    security(("inboundSecret" = [])),
    request_body(content = String, content_type = "message/rfc822", description = "The whole message, headers and body"),
    responses(
        (status = 202, description = "Routed to an open case", body = Envelope<InboundOutcome>),
        (status = 200, description = "The case is finished; the reply was logged and ignored", body = Envelope<InboundOutcome>),
        (status = 400, description = "`INVALID_REQUEST`: not an RFC 822 message", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "`UNAUTHORIZED`: missing or wrong secret", body = crate::openapi::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`: no case matches", body = crate::openapi::ErrorEnvelope),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`", body = crate::openapi::ErrorEnvelope),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`", body = crate::openapi::ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn receive_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    check_secret(&state, &headers)?;
    require_content_type(&headers, |t| t == "message/rfc822", "message/rfc822")?;
    let raw = read_body(&headers, body, MAX_INBOUND_MAIL).await?;
    let mail = InboundMail::parse(&raw).map_err(|e| ApiError::invalid("body", e))?;
    deliver_to_case(&state, mail).await
}

/// Routes a parsed message to its case and signals it. Shared by every inbound channel.
pub async fn deliver_to_case(state: &AppState, mail: InboundMail) -> Result<Response, ApiError> {
    let domain = &state.config().reply_domain;
    let case_id = mail.case_id(domain).ok_or(ApiError::CaseNotFound)?;
    let record = state
        .cases()
        .record(case_id, false)
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    let ignored = || {
        tracing::info!(%case_id, "reply to a finished case logged and ignored");
        (
            StatusCode::OK,
            ok(InboundOutcome {
                case_id: case_id.to_string(),
                ignored: Some(true),
            }),
        )
            .into_response()
    };
    if record.view.status.is_terminal() {
        return Ok(ignored());
    }

    let received_at = now_ms();
    let inbox_id = reply_address(&case_id.to_string(), domain);
    let mut attachments = Vec::with_capacity(mail.files.len());
    for (position, file) in mail.files.iter().enumerate() {
        let attachment_id = Uuid::new_v5(
            &ATTACHMENT_NAMESPACE,
            format!("{case_id}/{}/{position}", mail.message_id).as_bytes(),
        )
        .to_string();
        state
            .blobs()
            .put(&format!("{case_id}/{attachment_id}"), &file.bytes)
            .await
            .map_err(|e| ApiError::Internal(format!("store attachment: {e}")))?;
        attachments.push(Attachment {
            attachment_id,
            name: file.name.clone(),
            size: file.bytes.len() as u64,
            content_type: file.content_type.clone(),
            message_id: mail.message_id.clone(),
            inbox_id: inbox_id.clone(),
            received_at,
        });
    }
    let reply = InboundReply {
        message_id: mail.message_id,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        received_at,
        text: mail.text,
        attachments,
    };
    match state.cases().send_reply(case_id, reply).await? {
        Delivery::Closed => Ok(ignored()),
        Delivery::Delivered => {
            tracing::info!(%case_id, "reply routed to case");
            Ok((
                StatusCode::ACCEPTED,
                ok(InboundOutcome {
                    case_id: case_id.to_string(),
                    ignored: None,
                }),
            )
                .into_response())
        }
    }
}
