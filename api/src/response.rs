//! The success envelope.

use axum::Json;
use serde::Serialize;

/// Every success: `{"ok": true, "data": ...}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Envelope<T> {
    /// Always `true`.
    pub ok: bool,
    pub data: T,
}

pub fn ok<T: Serialize>(data: T) -> Json<Envelope<T>> {
    Json(Envelope { ok: true, data })
}

/// Unix epoch milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
