//! Signed tokens the service hands out and later takes back (attachment downloads, answer
//! links): `<payload>.<signature>`, both base64url, the payload JSON and the signature
//! HMAC-SHA256 of the payload. The signature is checked, in constant time, before anything in
//! the payload is read.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

/// `value` as a token signed with `key`.
pub fn seal<T: Serialize>(value: &T, key: &[u8]) -> String {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("a token serializes"));
    let signature = URL_SAFE_NO_PAD.encode(mac(key, payload.as_bytes()).finalize().into_bytes());
    format!("{payload}.{signature}")
}

/// What a token signed with `key` holds; `None` for anything else (tampered, foreign, garbled).
pub fn open<T: DeserializeOwned>(token: &str, key: &[u8]) -> Option<T> {
    let (payload, signature) = token.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    mac(key, payload.as_bytes()).verify_slice(&signature).ok()?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn mac(key: &[u8], message: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac
}
