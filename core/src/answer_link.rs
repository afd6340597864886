//! Answer links (spec §7): `GET /answer/{token}` lets the client's staff answer an input request
//! without an API key. The token names one case and one input request until a moment, signed
//! with a key derived from the reply signing key, so the API (in `GET /cases/{id}`) and the
//! worker (in `case.input_needed` webhooks) mint the same URL for the same request without
//! sharing anything else. Single use comes from the case itself: once the request is answered,
//! the link only shows that it was.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use url::Url;

/// Default lifetime of a link (`OFFLOAD_ANSWER_LINK_TTL_HOURS`): 7 days.
pub const DEFAULT_TTL_HOURS: u64 = 7 * 24;

/// What a link grants: answering one input request of one case, until `expires`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AnswerGrant {
    #[serde(rename = "c")]
    pub case_id: String,
    #[serde(rename = "r")]
    pub input_request_id: String,
    /// Unix seconds.
    #[serde(rename = "e")]
    pub expires: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not a token this deployment signed (or tampered with).
    Invalid,
    Expired,
}

/// Mints and checks answer links.
#[derive(Clone)]
pub struct AnswerLinks {
    key: Vec<u8>,
    public_url: Url,
    ttl_hours: u64,
}

impl std::fmt::Debug for AnswerLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerLinks")
            .field("public_url", &self.public_url.as_str())
            .field("ttl_hours", &self.ttl_hours)
            .finish_non_exhaustive()
    }
}

impl AnswerLinks {
    /// `signing_key` is the reply signing key; links use a key derived from it, so a token of one
    /// kind can never pass as the other.
    pub fn new(signing_key: &[u8], public_url: Url, ttl_hours: u64) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(signing_key).expect("HMAC takes any key");
        mac.update(b"offload answer link v1");
        AnswerLinks {
            key: mac.finalize().into_bytes().to_vec(),
            public_url,
            ttl_hours,
        }
    }

    /// The link for an input request asked at `requested_at_ms`: the same inputs always give the
    /// same URL (no nonce), so every place that shows it shows one link.
    pub fn url(&self, case_id: &str, input_request_id: &str, requested_at_ms: i64) -> String {
        let grant = AnswerGrant {
            case_id: case_id.to_string(),
            input_request_id: input_request_id.to_string(),
            expires: requested_at_ms.div_euclid(1000) + (self.ttl_hours * 3600) as i64,
        };
        let mut url = self.public_url.clone();
        url.path_segments_mut()
            .expect("the public URL is a base")
            .pop_if_empty()
            .extend(["answer", &self.token(&grant)]);
        url.to_string()
    }

    /// The grant as a signed token (see [`crate::signed_token`]).
    pub fn token(&self, grant: &AnswerGrant) -> String {
        crate::signed_token::seal(grant, &self.key)
    }

    /// The form's anti-forgery value for a token: only a page this service rendered has it.
    pub fn form_check(&self, token: &str) -> String {
        let mut message = b"form:".to_vec();
        message.extend_from_slice(token.as_bytes());
        URL_SAFE_NO_PAD.encode(self.sign(&message))
    }

    /// Whether `presented` is the form check of `token` (constant time).
    pub fn form_check_matches(&self, token: &str, presented: &str) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(b"form:");
        mac.update(token.as_bytes());
        URL_SAFE_NO_PAD
            .decode(presented)
            .is_ok_and(|bytes| mac.verify_slice(&bytes).is_ok())
    }

    /// Checks the signature (constant time) before reading anything, then the expiry.
    pub fn verify(&self, token: &str, now_s: i64) -> Result<AnswerGrant, LinkProblem> {
        let grant: AnswerGrant =
            crate::signed_token::open(token, &self.key).ok_or(LinkProblem::Invalid)?;
        if now_s >= grant.expires {
            return Err(LinkProblem::Expired);
        }
        Ok(grant)
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> AnswerLinks {
        AnswerLinks::new(
            b"reply-signing-key-of-at-least-32-chars",
            Url::parse("https://offload.example/base/").unwrap(),
            DEFAULT_TTL_HOURS,
        )
    }

    #[test]
    fn a_link_is_the_same_wherever_it_is_minted_and_names_its_request() {
        let links = links();
        let url = links.url("case-1", "req-1", 1_700_000_000_123);
        assert_eq!(url, links.url("case-1", "req-1", 1_700_000_000_123));
        assert!(
            url.starts_with("https://offload.example/base/answer/"),
            "{url}"
        );
        let token = url.rsplit('/').next().unwrap();
        let grant = links.verify(token, 1_700_000_000).unwrap();
        assert_eq!(grant.case_id, "case-1");
        assert_eq!(grant.input_request_id, "req-1");
        assert_eq!(grant.expires, 1_700_000_000 + 7 * 24 * 3600);
    }

    #[test]
    fn a_link_expires_and_refuses_tampering_and_other_keys() {
        let links = links();
        let url = links.url("case-1", "req-1", 1_700_000_000_000);
        let token = url.rsplit('/').next().unwrap();
        let expires = 1_700_000_000 + 7 * 24 * 3600;
        assert_eq!(links.verify(token, expires), Err(LinkProblem::Expired));
        let (payload, signature) = token.split_once('.').unwrap();
        let forged = AnswerGrant {
            case_id: "case-2".into(),
            input_request_id: "req-1".into(),
            expires,
        };
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        for bad in [
            format!("{forged_payload}.{signature}"),
            format!("{payload}.{}", &signature[1..]),
            payload.to_string(),
            String::new(),
        ] {
            assert_eq!(links.verify(&bad, 0), Err(LinkProblem::Invalid), "{bad}");
        }
        let other = AnswerLinks::new(
            b"another-key-of-at-least-thirty-two-chars",
            Url::parse("https://offload.example/").unwrap(),
            DEFAULT_TTL_HOURS,
        );
        assert_eq!(other.verify(token, 0), Err(LinkProblem::Invalid));
    }

    #[test]
    fn the_form_check_belongs_to_its_token() {
        let links = links();
        let check = links.form_check("token-a");
        assert!(links.form_check_matches("token-a", &check));
        assert!(!links.form_check_matches("token-b", &check));
        assert!(!links.form_check_matches("token-a", "AAAA"));
    }
}
