//! `GET /cases/{id}/attachments/{attachmentId}`: an attachment's stored metadata.

use crate::cases::owned_case;
use crate::error::ApiError;
use crate::extract::{AttachmentPath, Tenant};
use crate::response::{ok, Envelope};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use offload_workflows::state::Attachment;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{id}/attachments/{attachmentId}", get(get_attachment))
}

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
