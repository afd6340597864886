//! Extractors: authentication, JSON bodies and path ids, each failing with the one error type.

use crate::AppState;
use crate::error::ApiError;
use crate::keys::KeyLookup;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;
use uuid::Uuid;

/// Largest JSON body accepted (spec: 64 KiB).
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// The tenant behind a valid, active `x-api-key` that is within its request rate.
#[derive(Clone, Debug)]
pub struct Tenant(pub String, pub TenantLimits);

/// What the keys file says this tenant may do.
#[derive(Clone, Copy, Debug, Default)]
pub struct TenantLimits {
    pub monthly_case_cap: Option<u64>,
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(key) = parts.headers.get("x-api-key") else {
            return Err(ApiError::Unauthorized("x-api-key: header missing".into()));
        };
        let key = key
            .to_str()
            .map_err(|_| ApiError::Unauthorized("x-api-key: unknown API key".into()))?;
        match state.keys().lookup(key.trim()) {
            KeyLookup::Active {
                tenant,
                key_id,
                monthly_case_cap,
            } => {
                state
                    .rate_limiter()
                    .check(key_id, std::time::Instant::now())
                    .map_err(ApiError::RateLimited)?;
                Ok(Tenant(tenant, TenantLimits { monthly_case_cap }))
            }
            KeyLookup::Inactive => Err(ApiError::Forbidden(
                "x-api-key: this API key is inactive".into(),
            )),
            KeyLookup::Unknown => Err(ApiError::Unauthorized("x-api-key: unknown API key".into())),
        }
    }
}

/// A JSON body read as `T`: `application/json`, at most [`MAX_JSON_BODY`] bytes, well-formed,
/// a JSON object, and of `T`'s shape — any error names the field path. `raw` is the body as
/// sent (for the idempotency fingerprint).
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Value,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        require_content_type(
            &parts.headers,
            |t| t == "application/json" || (t.starts_with("application/") && t.ends_with("+json")),
            "application/json",
        )?;
        let bytes = read_body(&parts.headers, body, MAX_JSON_BODY).await?;
        let raw: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::invalid("body", format!("malformed JSON ({e})")))?;
        if !raw.is_object() {
            return Err(ApiError::invalid("body", "must be a JSON object"));
        }
        let value = deserialize_body(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

/// Reads `raw` as `T`; a failure becomes `INVALID_REQUEST` naming the field path
/// (`constraints[1]: must be a string`, `goal.extra: unknown field`, `counterparty: is required`).
pub fn deserialize_body<T: DeserializeOwned>(raw: &Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(raw).map_err(|error| {
        let mut path = String::new();
        for segment in error.path().iter() {
            match segment {
                Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Segment::Unknown => {}
            }
        }
        let (path, problem) = explain(path, &error.inner().to_string());
        ApiError::invalid(if path.is_empty() { "body" } else { &path }, problem)
    })
}

/// Turns serde's wording into the envelope's: which field, and what it must be.
fn explain(path: String, message: &str) -> (String, String) {
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or("").to_string();
    // Missing and unknown fields are reported at their parent: name the field itself.
    let child = |field: String| {
        if path.is_empty() {
            field
        } else if path.rsplit('.').next() == Some(field.as_str()) {
            path.clone()
        } else {
            format!("{path}.{field}")
        }
    };
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (child(quoted(rest)), "is required".into());
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return (child(quoted(rest)), "unknown field".into());
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            if found == "null" {
                return (path, "is required".into());
            }
            return (path, format!("must be {}", expected_as_noun(expected)));
        }
    }
    (path, message.to_string())
}

fn expected_as_noun(expected: &str) -> &str {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" => "a whole number",
        "a sequence" => "an array",
        "a map" => "an object",
        "a boolean" | "a string" => expected,
        other if other.starts_with("struct ") => "an object",
        other => other,
    }
}

/// Checks the media type (parameters such as `charset` ignored); 415 otherwise.
pub fn require_content_type(
    headers: &HeaderMap,
    accepts: impl Fn(&str) -> bool,
    expected: &str,
) -> Result<(), ApiError> {
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match media_type {
        Some(t) if accepts(&t) => Ok(()),
        Some(t) => Err(ApiError::UnsupportedMediaType(format!(
            "expected {expected}, got {t}"
        ))),
        None => Err(ApiError::UnsupportedMediaType(format!(
            "expected {expected}, got none"
        ))),
    }
}

/// Reads a body of at most `limit` bytes; 413 beyond (a declared `Content-Length` over the limit
/// is refused before anything is read).
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<bytes::Bytes, ApiError> {
    check_declared_length(headers, limit)?;
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiError::PayloadTooLarge(limit)
        } else {
            ApiError::invalid("body", "could not be read")
        }
    })
}

/// Rejects a declared `Content-Length` over `limit` before reading anything.
fn check_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => Err(ApiError::PayloadTooLarge(limit)),
        _ => Ok(()),
    }
}

/// The `{id}` of a case route, which must be a UUID.
pub struct CaseId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for CaseId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ids = path_params(parts, state).await?;
        parse_case_id(ids.first().map(String::as_str).unwrap_or(""))
    }
}

/// `{id}` and `{attachmentId}` of the attachment route.
pub struct AttachmentPath {
    pub case_id: Uuid,
    pub attachment_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for AttachmentPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ids = path_params(parts, state).await?;
        let case_id = parse_case_id(ids.first().map(String::as_str).unwrap_or(""))?.0;
        let attachment_id = ids.get(1).cloned().unwrap_or_default();
        if attachment_id.is_empty() || attachment_id.len() > 200 {
            return Err(ApiError::invalid(
                "attachmentId",
                "not a valid attachment id",
            ));
        }
        Ok(AttachmentPath {
            case_id,
            attachment_id,
        })
    }
}

pub async fn path_params<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<Vec<String>, ApiError> {
    Path::<Vec<String>>::from_request_parts(parts, state)
        .await
        .map(|Path(ids)| ids)
        .map_err(|_| ApiError::invalid("path", "could not be decoded"))
}

pub fn parse_case_id(raw: &str) -> Result<CaseId, ApiError> {
    Uuid::parse_str(raw)
        .map(CaseId)
        .map_err(|_| ApiError::invalid("id", "not a valid case id (a UUID)"))
}
