//! Unsubscribe links (spec §7, RFC 8058): every outbound mail carries `List-Unsubscribe` with a
//! signed `POST /unsubscribe/{token}` URL (and a `mailto:` to the case's reply address) and
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. The token names the case; the key is
//! derived from the reply signing key, so the worker (which writes the headers) and the API
//! (which honours them) agree without sharing anything else. Links do not expire: a recipient
//! may unsubscribe from any mail they kept.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use url::Url;

#[derive(Serialize, Deserialize)]
struct Grant {
    #[serde(rename = "u")]
    case_id: String,
}

/// Mints and checks unsubscribe links.
#[derive(Clone)]
pub struct UnsubscribeLinks {
    key: Vec<u8>,
    public_url: Url,
}

impl std::fmt::Debug for UnsubscribeLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnsubscribeLinks")
            .field("public_url", &self.public_url.as_str())
            .finish_non_exhaustive()
    }
}

impl UnsubscribeLinks {
    pub fn new(signing_key: &[u8], public_url: Url) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(signing_key).expect("HMAC takes any key");
        mac.update(b"offload unsubscribe v1");
        UnsubscribeLinks {
            key: mac.finalize().into_bytes().to_vec(),
            public_url,
        }
    }

    /// The token for the case's mail.
    pub fn token(&self, case_id: &str) -> String {
        crate::signed_token::seal(
            &Grant {
                case_id: case_id.to_string(),
            },
            &self.key,
        )
    }

    /// The one-click URL for the case's mail.
    pub fn url(&self, case_id: &str) -> String {
        let mut url = self.public_url.clone();
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}/unsubscribe/{}", self.token(case_id)));
        url.to_string()
    }

    /// The case a token names; `None` for anything this deployment did not sign.
    pub fn case_of(&self, token: &str) -> Option<String> {
        crate::signed_token::open::<Grant>(token, &self.key).map(|grant| grant.case_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_its_case_and_nothing_else_passes() {
        let links =
            UnsubscribeLinks::new(b"key", Url::parse("https://offload.example/base/").unwrap());
        let url = links.url("c1");
        assert!(
            url.starts_with("https://offload.example/base/unsubscribe/"),
            "{url}"
        );
        let token = url.rsplit('/').next().unwrap();
        assert_eq!(links.case_of(token).as_deref(), Some("c1"));
        let other =
            UnsubscribeLinks::new(b"other", Url::parse("https://offload.example/").unwrap());
        assert_eq!(other.case_of(token), None, "another deployment's key");
        let answer = crate::answer_link::AnswerLinks::new(
            b"key",
            Url::parse("https://offload.example/").unwrap(),
            1,
        );
        let answer_url = answer.url("c1", "r1", 0);
        let answer_token = answer_url.rsplit('/').next().unwrap();
        assert_eq!(
            links.case_of(answer_token),
            None,
            "an answer link is no unsubscribe link"
        );
        assert_eq!(links.case_of("garbage"), None);
    }
}
