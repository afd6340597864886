//! Webhook delivery, Standard Webhooks style: signed with the tenant's `whsec_` secret, one POST
//! per attempt (Temporal's retry policy does the retrying), only to addresses that pass the SSRF
//! guard.

use base64::Engine;
use hmac::{Hmac, Mac};
use offload_core::answer_link::AnswerLinks;
use offload_core::keys::{KeyStore, decode_webhook_secret};
use offload_core::net::WebhookPolicy;
use offload_workflows::activities::WebhookDelivery;
use offload_workflows::events::{EventType, WebhookEvent};
use sha2::Sha256;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub const USER_AGENT: &str = concat!("offload/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// 410 Gone: the receiver asked us to stop.
    #[error("the receiver answered 410 Gone")]
    Gone,
    /// The URL may not be called at all.
    #[error("webhook refused: {0}")]
    Refused(String),
    /// The receiver answered with another status than 2xx or 410: worth another try.
    #[error("the receiver answered {0}")]
    Status(u16),
    /// No answer (timeout, no connection): worth another try.
    #[error("webhook delivery failed: {0}")]
    Failed(String),
}

impl WebhookError {
    /// The receiver's HTTP status, when it answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            WebhookError::Gone => Some(410),
            WebhookError::Status(status) => Some(*status),
            WebhookError::Refused(_) | WebhookError::Failed(_) => None,
        }
    }
}

/// The Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// Resolves webhook hosts and keeps only addresses the guard allows, so the connection goes to
/// a checked address (no second lookup to rebind).
struct GuardedResolver {
    policy: Arc<WebhookPolicy>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0} resolves only to addresses webhooks may not reach")]
struct NonPublicHost(String);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| policy.may_reach(a.ip()))
                .collect();
            if usable.is_empty() {
                return Err(
                    Box::new(NonPublicHost(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[derive(Clone)]
pub struct WebhookSender {
    http: reqwest::Client,
    policy: Arc<WebhookPolicy>,
    keys_file: PathBuf,
    answer_links: Option<AnswerLinks>,
}

impl WebhookSender {
    pub fn new(policy: WebhookPolicy, keys_file: PathBuf) -> Self {
        let policy = Arc::new(policy);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            // HTTP(S)_PROXY from the environment would move the connection (and the SSRF
            // guard's decision) to a proxy: webhooks always connect directly.
            .no_proxy()
            .user_agent(USER_AGENT)
            .dns_resolver(GuardedResolver {
                policy: policy.clone(),
            })
            .build()
            .expect("a static HTTP client configuration is valid");
        WebhookSender {
            http,
            policy,
            keys_file,
            answer_links: None,
        }
    }

    /// `case.input_needed` events carry the input request's answer link (`data.answerUrl`).
    pub fn with_answer_links(mut self, links: AnswerLinks) -> Self {
        self.answer_links = Some(links);
        self
    }

    /// The event as delivered: with its answer link, when it has a pending request.
    fn as_delivered(&self, event: &WebhookEvent) -> WebhookEvent {
        let mut event = event.clone();
        let data = &mut event.data;
        if let (Some(links), EventType::CaseInputNeeded, Some(id), Some(at)) = (
            &self.answer_links,
            event.event_type,
            &data.input_request_id,
            data.input_requested_at,
        ) {
            data.answer_url = Some(links.url(&data.case_id, id, at));
        }
        event
    }

    /// One delivery attempt: the receiver's 2xx status on success. 410 stops; everything else is
    /// retried.
    pub async fn deliver(&self, delivery: &WebhookDelivery) -> Result<u16, WebhookError> {
        // The same rules the API applied at creation, checked again: the deployment's policy
        // may have tightened since. (Host names are checked by the resolver.)
        let url = self
            .policy
            .check_url(&delivery.url)
            .map_err(|problem| WebhookError::Refused(format!("the URL {problem}")))?;
        // The keys file is read per delivery, so a rotated secret applies at once.
        let keys = KeyStore::load(&self.keys_file)
            .map_err(|e| WebhookError::Failed(format!("cannot read the keys file: {e}")))?;
        let key = keys
            .webhook_secret(&delivery.tenant)
            .and_then(decode_webhook_secret)
            .ok_or_else(|| {
                WebhookError::Refused("the tenant has no webhook signing secret".into())
            })?;
        let body = serde_json::to_vec(&self.as_delivered(&delivery.event))
            .map_err(|e| WebhookError::Refused(format!("event not serializable: {e}")))?;
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let id = &delivery.event.event_id;
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&key, id, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else if status == reqwest::StatusCode::GONE {
            Err(WebhookError::Gone)
        } else {
            Err(WebhookError::Status(status.as_u16()))
        }
    }
}

/// reqwest's error text names the URL, which may carry a client's token: keep only the kind.
fn classify(error: &reqwest::Error) -> WebhookError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<NonPublicHost>() {
            return WebhookError::Refused(refused.to_string());
        }
        source = e.source();
    }
    WebhookError::Failed(
        if error.is_timeout() {
            "timed out after 10 s"
        } else if error.is_connect() {
            "could not connect"
        } else {
            "request failed"
        }
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The Standard Webhooks reference example.
        let key = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
