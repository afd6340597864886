//! Webhook delivery: one POST per attempt; Temporal's retry policy does the retrying.

use offload_workflows::activities::WebhookDelivery;
use std::time::Duration;

pub const USER_AGENT: &str = concat!("offload/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// 410 Gone: the receiver asked us to stop.
    #[error("the receiver answered 410 Gone")]
    Gone,
    /// The URL may not be called at all.
    #[error("webhook URL refused: {0}")]
    Refused(String),
    /// Worth another try.
    #[error("webhook delivery failed: {0}")]
    Failed(String),
}

#[derive(Clone)]
pub struct WebhookSender {
    http: reqwest::Client,
    allow_http: bool,
}

impl WebhookSender {
    pub fn new(allow_http: bool) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .expect("a static HTTP client configuration is valid");
        WebhookSender { http, allow_http }
    }

    /// One delivery attempt. Any 2xx is success; 410 stops; everything else is retried.
    pub async fn deliver(&self, delivery: &WebhookDelivery) -> Result<(), WebhookError> {
        let url = url::Url::parse(&delivery.url)
            .map_err(|e| WebhookError::Refused(format!("not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            other => {
                return Err(WebhookError::Refused(format!(
                    "scheme {other} is not allowed"
                )));
            }
        }
        let body = serde_json::to_vec(&delivery.event)
            .map_err(|e| WebhookError::Refused(format!("event not serializable: {e}")))?;
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            // reqwest's error text names the URL, which may carry a client's token: keep the kind.
            .map_err(|e| WebhookError::Failed(describe(&e)))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status == reqwest::StatusCode::GONE {
            Err(WebhookError::Gone)
        } else {
            Err(WebhookError::Failed(format!("receiver answered {status}")))
        }
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out after 10 s".into()
    } else if error.is_connect() {
        "could not connect".into()
    } else if error.is_redirect() {
        "redirects are not followed".into()
    } else {
        "request failed".into()
    }
}
