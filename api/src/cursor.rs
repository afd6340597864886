//! Opaque page cursors: base64url JSON of a position and what it is bound to (a listing's
//! filters, a case, a tenant), so a cursor never pages through anything else.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The cursor of position `at`, bound to `binding`.
pub fn seal<T: Serialize>(at: &T, binding: &str) -> String {
    URL_SAFE_NO_PAD.encode(
        serde_json::to_vec(&serde_json::json!({"f": binding, "p": at}))
            .expect("a cursor serializes"),
    )
}

/// The position a cursor bound to `binding` holds; `400` naming `cursor` (`is not a cursor of
/// {what}`) for anything else.
pub fn open<T: DeserializeOwned>(cursor: &str, binding: &str, what: &str) -> Result<T, ApiError> {
    let bad = || ApiError::invalid("cursor", format!("is not a cursor of {what}"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if value["f"] != binding {
        return Err(bad());
    }
    serde_json::from_value(value["p"].clone()).map_err(|_| bad())
}
