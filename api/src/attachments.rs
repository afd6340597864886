//! `GET /cases/{id}/attachments/{attachmentId}`: an attachment's metadata and a fresh download
//! URL (minted on every call, bound to this one attachment, refused after `expiresAt`).

use crate::AppState;
use crate::cases::owned_case;
use crate::downloads::{Grant, sign};
use crate::error::ApiError;
use crate::extract::{AttachmentPath, Tenant};
use crate::response::{Envelope, now_ms, ok};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use offload_workflows::state::Attachment;
use offload_workflows::view::iso8601_seconds;
use serde::Serialize;
use std::time::Duration;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/cases/{id}/attachments/{attachmentId}",
        get(get_attachment),
    )
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentLink {
    #[serde(flatten)]
    pub attachment: Attachment,
    /// A URL that downloads the file until `expiresAt`.
    pub download_url: String,
    /// ISO 8601 UTC, e.g. `2026-03-21T15:57:00Z`.
    pub expires_at: String,
}

/// An attachment's metadata with a freshly minted download URL.
#[utoipa::path(
    get, path = "/cases/{id}/attachments/{attachmentId}", tag = "cases",
    security(("apiKey" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The caseId"),
        ("attachmentId" = uuid::Uuid, Path, description = "An attachmentId from the case"),
    ),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 200, description = "The attachment", body = Envelope<AttachmentLink>),
        (status = 400, description = "`INVALID_REQUEST`", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND` or `ATTACHMENT_NOT_FOUND`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn get_attachment(
    State(state): State<AppState>,
    tenant: Tenant,
    path: AttachmentPath,
) -> Result<Json<Envelope<AttachmentLink>>, ApiError> {
    let record = owned_case(&state, &tenant, path.case_id, false).await?;
    let attachment = record
        .view
        .attachments
        .into_iter()
        .find(|a| a.attachment_id == path.attachment_id)
        .ok_or(ApiError::AttachmentNotFound)?;
    let key = format!("{}/{}", path.case_id, attachment.attachment_id);
    let ttl = Duration::from_secs(state.config().download_url_ttl_seconds);
    let presigned = state
        .blobs()
        .presigned_download(&key, &attachment.name, &attachment.content_type, ttl)
        .await
        .map_err(|e| ApiError::Internal(format!("presign attachment: {e}")))?;
    let (download_url, expires) = match presigned {
        Some(link) => (link.url, link.expires_at),
        None => {
            let expires = now_ms() / 1000 + ttl.as_secs() as i64;
            let token = sign(
                &Grant {
                    key,
                    name: attachment.name.clone(),
                    content_type: attachment.content_type.clone(),
                    expires,
                    nonce: rand::random(),
                },
                state.download_key(),
            );
            let mut url = state
                .config()
                .public_url
                .join("attachments/download")
                .expect("a relative path joins");
            url.query_pairs_mut().append_pair("token", &token);
            (url.to_string(), expires)
        }
    };
    Ok(ok(AttachmentLink {
        attachment,
        download_url,
        expires_at: iso8601_seconds(expires * 1000),
    }))
}
