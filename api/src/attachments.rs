//! `GET /cases/{id}/attachments/{attachmentId}`: an attachment's stored metadata.

use crate::AppState;
use crate::cases::owned_case;
use crate::error::ApiError;
use crate::extract::{AttachmentPath, Tenant};
use crate::response::{Envelope, ok};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use offload_workflows::state::Attachment;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/cases/{id}/attachments/{attachmentId}",
        get(get_attachment),
    )
}

/// An attachment's stored metadata.
#[utoipa::path(
    get, path = "/cases/{id}/attachments/{attachmentId}", tag = "cases",
    security(("apiKey" = [])),
    params(
        ("id" = String, Path, description = "The caseId (a UUID)"),
        ("attachmentId" = String, Path, description = "An attachmentId from the case"),
    ),
    responses(
        (status = 200, description = "The attachment", body = Envelope<Attachment>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "`UNAUTHORIZED`", body = crate::openapi::ErrorEnvelope),
        (status = 403, description = "`FORBIDDEN`", body = crate::openapi::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND` or `ATTACHMENT_NOT_FOUND`", body = crate::openapi::ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn get_attachment(
    State(state): State<AppState>,
    tenant: Tenant,
    path: AttachmentPath,
) -> Result<Json<Envelope<Attachment>>, ApiError> {
    let record = owned_case(&state, &tenant, path.case_id, false).await?;
    let attachment = record
        .view
        .attachments
        .into_iter()
        .find(|a| a.attachment_id == path.attachment_id)
        .ok_or(ApiError::AttachmentNotFound)?;
    Ok(ok(attachment))
}
