//! Idempotent creates: the `Idempotency-Key` header, the case id it names for a tenant, and the
//! fingerprint of a body that tells a true repeat from a reuse of the key with another body.

use crate::error::ApiError;
use axum::http::HeaderMap;
use serde_json::Value;
use uuid::Uuid;

/// Namespace of case ids derived from (tenant, Idempotency-Key). Never change it: running
/// cases were named with it.
const IDEMPOTENCY_NAMESPACE: Uuid = Uuid::from_u128(0x6f66_666c_6f61_6400_8000_0000_0000_0002);

/// The optional `Idempotency-Key` header: 1..255 printable ASCII characters.
/// What an `Idempotency-Key` must be (spec: 1..255 printable characters).
pub type IdempotencyKey = crate::rules::Printable<255>;

pub fn key_from(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = IdempotencyKey::check(value.to_str().unwrap_or("\u{0}"))
        .map_err(|rule| ApiError::invalid("Idempotency-Key", rule))?;
    Ok(Some(key.0))
}

/// The case the same key from the same tenant always names.
pub fn case_id(tenant: &str, key: &str) -> Uuid {
    Uuid::new_v5(
        &IDEMPOTENCY_NAMESPACE,
        format!("{tenant}\n{key}").as_bytes(),
    )
}

/// SHA-256 of the body with object keys sorted, so key order does not make two bodies differ.
pub fn body_fingerprint(body: &Value) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let sorted: std::collections::BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, canonical(v))).collect();
                serde_json::to_value(sorted).expect("a map serializes")
            }
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(canonical(body).to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_key_names_one_case_per_tenant() {
        assert_eq!(case_id("acme", "k1"), case_id("acme", "k1"));
        assert_ne!(case_id("acme", "k1"), case_id("globex", "k1"));
        assert_ne!(case_id("acme", "k1"), case_id("acme", "k2"));
        // Pinned: cases created before this release were named this way.
        assert_eq!(
            case_id("acme", "k1"),
            Uuid::new_v5(&IDEMPOTENCY_NAMESPACE, b"acme\nk1")
        );
    }

    #[test]
    fn key_order_does_not_change_the_fingerprint_but_values_do() {
        let a = json!({"x": 1, "y": {"b": 2, "a": [1, {"d": 1, "c": 2}]}});
        let b = json!({"y": {"a": [1, {"c": 2, "d": 1}], "b": 2}, "x": 1});
        assert_eq!(body_fingerprint(&a), body_fingerprint(&b));
        assert_ne!(body_fingerprint(&a), body_fingerprint(&json!({"x": 2})));
    }

    #[test]
    fn keys_must_be_printable_and_bounded() {
        let mut headers = HeaderMap::new();
        assert_eq!(key_from(&headers).unwrap(), None);
        headers.insert("idempotency-key", "order-42".parse().unwrap());
        assert_eq!(key_from(&headers).unwrap().as_deref(), Some("order-42"));
        headers.insert("idempotency-key", "x".repeat(256).parse().unwrap());
        assert!(key_from(&headers).is_err());
        headers.insert("idempotency-key", "".parse().unwrap());
        assert!(key_from(&headers).is_err());
    }
}
