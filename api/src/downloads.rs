//! Attachment downloads from the local blob store: the API mints a short-lived HMAC-signed URL
//! (`GET /attachments/download?token=…`) and serves the bytes. S3 deployments hand out presigned
//! S3 URLs instead.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new().route("/attachments/download", get(download))
}

/// `<payload>.<signature>`, both base64url.
type DownloadToken = crate::rules::Token<3, 4096>;

/// What a token grants: one blob, until a moment.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Grant {
    /// Blob key `<caseId>/<attachmentId>`.
    pub key: String,
    pub name: String,
    #[serde(rename = "type")]
    pub content_type: String,
    /// Unix seconds.
    pub expires: i64,
    /// Makes every minted URL distinct, even two in the same second.
    pub nonce: u64,
}

/// The token for `grant` (see [`offload_core::signed_token`]).
pub fn sign(grant: &Grant, key: &[u8]) -> String {
    offload_core::signed_token::seal(grant, key)
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Invalid,
    Expired,
}

/// Checks the signature before reading anything, then the expiry.
pub fn verify(token: &str, key: &[u8], now: i64) -> Result<Grant, TokenProblem> {
    let grant: Grant = offload_core::signed_token::open(token, key).ok_or(TokenProblem::Invalid)?;
    if now >= grant.expires {
        return Err(TokenProblem::Expired);
    }
    Ok(grant)
}

/// Download an attachment with a token minted by `GET /cases/{id}/attachments/{attachmentId}`.
#[utoipa::path(
    get, path = "/attachments/download", tag = "cases",
    params(("token" = inline(DownloadToken), Query, description = "The token of a minted download URL")),
    responses(
        crate::error::OpenRouteErrors,
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "`INVALID_REQUEST`: no token", body = crate::error::ErrorEnvelope),
        (status = 403, description = "`FORBIDDEN`: the token is invalid, tampered with or expired", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`ATTACHMENT_NOT_FOUND`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let token = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| ApiError::invalid("token", "is required"))?;
    let token = DownloadToken::check(&token)
        .map_err(|rule| ApiError::invalid("token", rule))?
        .0;
    let grant = verify(
        &token,
        state.download_key(),
        crate::response::now_ms() / 1000,
    )
    .map_err(|problem| match problem {
        TokenProblem::Invalid => ApiError::Forbidden("token: invalid".into()),
        TokenProblem::Expired => ApiError::Forbidden("token: expired".into()),
    })?;
    let bytes = state
        .blobs()
        .get(&grant.key)
        .await
        .map_err(|e| ApiError::Internal(format!("read attachment: {e}")))?
        .ok_or(ApiError::AttachmentNotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, grant.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                offload_core::blobs::content_disposition(&grant.name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn grant(expires: i64) -> Grant {
        Grant {
            key: "c/a".into(),
            name: "w9.pdf".into(),
            content_type: "application/pdf".into(),
            expires,
            nonce: 7,
        }
    }

    #[test]
    fn a_token_is_bound_to_its_key_and_lifetime() {
        let key = b"0123456789abcdef0123456789abcdef";
        let token = sign(&grant(100), key);
        assert_eq!(verify(&token, key, 99), Ok(grant(100)));
        assert_eq!(verify(&token, key, 100), Err(TokenProblem::Expired));
        assert_eq!(
            verify(&token, b"another key, another key, anoth", 99),
            Err(TokenProblem::Invalid)
        );
        // Tampering with the payload (another blob, a later expiry) breaks the signature.
        let (_, signature) = token.split_once('.').unwrap();
        let forged = format!(
            "{}.{signature}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&grant(10_000)).unwrap())
        );
        assert_eq!(verify(&forged, key, 99), Err(TokenProblem::Invalid));
        assert_eq!(verify("garbage", key, 99), Err(TokenProblem::Invalid));
    }
}
