//! Amazon SNS HTTP(S) notifications: parsing, signature verification (SignatureVersion 1 =
//! SHA1withRSA, 2 = SHA256withRSA), the certificate host rule, and a certificate cache.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// The JSON document SNS POSTs (as `text/plain`).
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope {
    #[serde(rename = "Type")]
    pub kind: String,
    pub message_id: String,
    pub topic_arn: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub message: String,
    pub timestamp: String,
    /// Missing signature fields parse as empty so that an unsigned message is refused as
    /// unsigned (403), not as malformed.
    #[serde(default)]
    pub signature_version: String,
    #[serde(default)]
    pub signature: String,
    #[serde(rename = "SigningCertURL", default)]
    pub signing_cert_url: String,
    #[serde(rename = "SubscribeURL", default)]
    pub subscribe_url: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Rejection {
    #[error("certificate URL not trusted")]
    UntrustedCertificateUrl,
    #[error("certificate could not be fetched")]
    CertificateUnavailable,
    #[error("certificate unreadable")]
    BadCertificate,
    #[error("unsupported SignatureVersion {0}")]
    UnsupportedVersion(String),
    #[error("signature does not verify")]
    BadSignature,
    #[error("unknown message Type {0}")]
    UnknownType(String),
}

/// The bytes SNS signs: `name\nvalue\n` pairs in a fixed order per message type.
pub fn string_to_sign(m: &Envelope) -> Result<String, Rejection> {
    let mut s = String::new();
    let mut push = |k: &str, v: &str| {
        s.push_str(k);
        s.push('\n');
        s.push_str(v);
        s.push('\n');
    };
    match m.kind.as_str() {
        "Notification" => {
            push("Message", &m.message);
            push("MessageId", &m.message_id);
            if let Some(subject) = &m.subject {
                push("Subject", subject);
            }
            push("Timestamp", &m.timestamp);
            push("TopicArn", &m.topic_arn);
            push("Type", &m.kind);
        }
        "SubscriptionConfirmation" | "UnsubscribeConfirmation" => {
            push("Message", &m.message);
            push("MessageId", &m.message_id);
            push("SubscribeURL", m.subscribe_url.as_deref().unwrap_or(""));
            push("Timestamp", &m.timestamp);
            push("Token", m.token.as_deref().unwrap_or(""));
            push("TopicArn", &m.topic_arn);
            push("Type", &m.kind);
        }
        other => return Err(Rejection::UnknownType(other.to_string())),
    }
    Ok(s)
}

/// AWS's rule for URLs SNS hands us (certificates, subscription confirmations): https, a host
/// `sns.<region>.amazonaws.com[.cn]`, no user info, no port.
pub fn is_sns_url(raw: &str) -> bool {
    let Ok(url) = url::Url::parse(raw) else {
        return false;
    };
    let host_ok = url.host_str().is_some_and(|host| {
        let Some(rest) = host.strip_prefix("sns.") else {
            return false;
        };
        let region = rest
            .strip_suffix(".amazonaws.com")
            .or_else(|| rest.strip_suffix(".amazonaws.com.cn"));
        region.is_some_and(|r| {
            r.len() >= 3 && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    });
    url.scheme() == "https"
        && host_ok
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
}

pub fn is_certificate_url(raw: &str) -> bool {
    is_sns_url(raw) && url::Url::parse(raw).is_ok_and(|u| u.path().ends_with(".pem"))
}

/// Verifies `m`'s signature with the PEM certificate `cert_pem`.
pub fn verify_with_certificate(m: &Envelope, cert_pem: &[u8]) -> Result<(), Rejection> {
    use base64::Engine;
    use rsa::RsaPublicKey;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    use x509_cert::Certificate;
    use x509_cert::der::{DecodePem, Encode};

    let cert = Certificate::from_pem(cert_pem).map_err(|_| Rejection::BadCertificate)?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|_| Rejection::BadCertificate)?;
    let key = RsaPublicKey::from_public_key_der(&spki).map_err(|_| Rejection::BadCertificate)?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(&m.signature)
        .map_err(|_| Rejection::BadSignature)?;
    let signature =
        Signature::try_from(signature.as_slice()).map_err(|_| Rejection::BadSignature)?;
    let data = string_to_sign(m)?;
    let verified = match m.signature_version.as_str() {
        "1" => VerifyingKey::<sha1::Sha1>::new(key).verify(data.as_bytes(), &signature),
        "2" => VerifyingKey::<sha2::Sha256>::new(key).verify(data.as_bytes(), &signature),
        other => return Err(Rejection::UnsupportedVersion(other.to_string())),
    };
    verified.map_err(|_| Rejection::BadSignature)
}

/// Fetches and caches signing certificates. Only URLs that pass the AWS host rule are ever
/// fetched; in tests `endpoint` redirects those fetches to a local emulator.
pub struct CertificateCache {
    http: reqwest::Client,
    endpoint: Option<url::Url>,
    certificates: Mutex<HashMap<String, Vec<u8>>>,
}

const MAX_CACHED_CERTIFICATES: usize = 64;

impl CertificateCache {
    pub fn new(endpoint: Option<url::Url>) -> Self {
        CertificateCache {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a static HTTP client configuration is valid"),
            endpoint,
            certificates: Mutex::new(HashMap::new()),
        }
    }

    pub async fn verify(&self, m: &Envelope) -> Result<(), Rejection> {
        if !is_certificate_url(&m.signing_cert_url) {
            return Err(Rejection::UntrustedCertificateUrl);
        }
        let cached = self
            .certificates
            .lock()
            .expect("certificate cache lock")
            .get(&m.signing_cert_url)
            .cloned();
        let pem = match cached {
            Some(pem) => pem,
            None => {
                let pem = self.fetch(&m.signing_cert_url).await?;
                let mut cache = self.certificates.lock().expect("certificate cache lock");
                if cache.len() >= MAX_CACHED_CERTIFICATES {
                    cache.clear();
                }
                cache.insert(m.signing_cert_url.clone(), pem.clone());
                pem
            }
        };
        verify_with_certificate(m, &pem)
    }

    async fn fetch(&self, cert_url: &str) -> Result<Vec<u8>, Rejection> {
        let mut request = match &self.endpoint {
            None => self.http.get(cert_url),
            Some(endpoint) => {
                let path = url::Url::parse(cert_url)
                    .map(|u| u.path().to_string())
                    .map_err(|_| Rejection::UntrustedCertificateUrl)?;
                // moto serves certificates only to requests that look like SNS API calls.
                self.http
                    .get(
                        endpoint
                            .join(&path)
                            .map_err(|_| Rejection::UntrustedCertificateUrl)?,
                    )
                    .header(
                        "authorization",
                        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, \
                         SignedHeaders=host, Signature=0",
                    )
            }
        };
        request = request.header("accept", "application/x-pem-file, */*");
        let response = request
            .send()
            .await
            .map_err(|_| Rejection::CertificateUnavailable)?;
        if !response.status().is_success() {
            return Err(Rejection::CertificateUnavailable);
        }
        let body = response
            .bytes()
            .await
            .map_err(|_| Rejection::CertificateUnavailable)?;
        if body.len() > 64 * 1024 {
            return Err(Rejection::BadCertificate);
        }
        Ok(body.to_vec())
    }
}

/// Remembers recently handled SNS message ids so a replayed message does nothing.
pub struct SeenMessages {
    seen: Mutex<Seen>,
}

/// The ids in arrival order (to forget the oldest) and as a set (to look up at once).
#[derive(Default)]
struct Seen {
    order: std::collections::VecDeque<String>,
    ids: std::collections::HashSet<String>,
}

/// How many handled message ids are remembered (a replay older than this is refused by its
/// timestamp anyway).
const REMEMBERED_MESSAGES: usize = 10_000;
/// SNS message ids are UUIDs; anything much longer is not worth remembering whole.
const MAX_REMEMBERED_ID: usize = 128;

impl Default for SeenMessages {
    fn default() -> Self {
        SeenMessages {
            seen: Mutex::new(Seen::default()),
        }
    }
}

impl SeenMessages {
    pub fn contains(&self, id: &str) -> bool {
        let key = &id[..id.floor_char_boundary(MAX_REMEMBERED_ID)];
        self.seen.lock().expect("seen lock").ids.contains(key)
    }

    /// Remembers `id`, forgetting the oldest beyond [`REMEMBERED_MESSAGES`].
    pub fn remember(&self, id: &str) {
        let key = id[..id.floor_char_boundary(MAX_REMEMBERED_ID)].to_string();
        let mut seen = self.seen.lock().expect("seen lock");
        if !seen.ids.insert(key.clone()) {
            return;
        }
        seen.order.push_back(key);
        while seen.order.len() > REMEMBERED_MESSAGES {
            if let Some(oldest) = seen.order.pop_front() {
                seen.ids.remove(&oldest);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.seen.lock().expect("seen lock").order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sns_hosts_are_trusted() {
        for ok in [
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
        ] {
            assert!(is_certificate_url(ok), "{ok}");
        }
        for bad in [
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.test/x.pem",
            "https://user@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com:8443/x.pem",
            "https://sns.us-east-1.amazonaws.com/x.txt",
            "https://evil.test/sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.x.amazonaws.com/x.pem",
        ] {
            assert!(!is_certificate_url(bad), "{bad}");
        }
    }

    #[test]
    fn notifications_sign_subject_only_when_present() {
        let mut m = Envelope {
            kind: "Notification".into(),
            message_id: "id".into(),
            topic_arn: "arn".into(),
            subject: None,
            message: "hello\nworld".into(),
            timestamp: "t".into(),
            signature_version: "2".into(),
            signature: String::new(),
            signing_cert_url: String::new(),
            subscribe_url: None,
            token: None,
        };
        assert_eq!(
            string_to_sign(&m).unwrap(),
            "Message\nhello\nworld\nMessageId\nid\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n"
        );
        m.subject = Some("s".into());
        assert!(string_to_sign(&m).unwrap().contains("Subject\ns\n"));
    }

    #[test]
    fn the_replay_memory_is_bounded_and_forgets_the_oldest() {
        let seen = SeenMessages::default();
        for i in 0..REMEMBERED_MESSAGES + 5 {
            seen.remember(&format!("id-{i}"));
        }
        assert_eq!(seen.len(), REMEMBERED_MESSAGES);
        assert!(!seen.contains("id-0"));
        assert!(seen.contains(&format!("id-{}", REMEMBERED_MESSAGES + 4)));
        seen.remember(&"x".repeat(10_000));
        assert!(seen.contains(&"x".repeat(10_000)));
    }
}
