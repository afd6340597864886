//! Sending through Amazon SES v2 (`SendEmail` with raw MIME).
//!
//! Delivery guarantee: at most once per (case, message number) from our side. A send is retried
//! only when the failure proves SES did not accept the message (throttling, a 5xx answer, a
//! refused connection). When the outcome is unknown (a timeout after the request left) the
//! message is recorded as "delivery unconfirmed" and not sent again.

use super::{Mailer, PreparedMessage, SendError, SendOutcome};
use async_trait::async_trait;
use aws_sdk_sesv2::error::SdkError;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use offload_core::aws::never_reached_server;

pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from_address: String,
    configuration_set: Option<String>,
    /// Domain of the `Message-ID`s SES writes: `email.amazonses.com` in us-east-1,
    /// `<region>.amazonses.com` elsewhere.
    message_id_domain: String,
}

impl SesMailer {
    pub fn new(
        config: &aws_config::SdkConfig,
        from_address: String,
        configuration_set: Option<String>,
    ) -> Self {
        let region = config
            .region()
            .map(|r| r.as_ref().to_string())
            .unwrap_or_else(|| "us-east-1".into());
        let message_id_domain = if region == "us-east-1" {
            "email.amazonses.com".to_string()
        } else {
            format!("{region}.amazonses.com")
        };
        SesMailer {
            client: aws_sdk_sesv2::Client::new(config),
            from_address,
            configuration_set,
            message_id_domain,
        }
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, message: &PreparedMessage) -> Result<SendOutcome, SendError> {
        let raw = RawMessage::builder()
            .data(Blob::new(message.raw.clone()))
            .build()
            .map_err(|e| SendError::Rejected(format!("message not buildable: {e}")))?;
        let mut request = self
            .client
            .send_email()
            .from_email_address(&self.from_address)
            .destination(
                Destination::builder()
                    .to_addresses(&message.to_address)
                    .build(),
            )
            .content(EmailContent::builder().raw(raw).build());
        if let Some(set) = &self.configuration_set {
            request = request.configuration_set_name(set);
        }
        match request.send().await {
            // SES replaces our Message-ID with `<its id>@<region domain>`; replies quote that.
            Ok(output) => Ok(SendOutcome::Sent {
                provider_message_id: output.message_id().map(str::to_string),
                alias_message_id: output
                    .message_id()
                    .map(|id| format!("{id}@{}", self.message_id_domain)),
            }),
            Err(error) => classify(error),
        }
    }
}

/// Sorts an SES failure: refused for good, worth retrying (SES certainly did not take it), or
/// unknown (it may have been taken: do not send again).
fn classify(
    error: SdkError<SendEmailError, aws_sdk_sesv2::config::http::HttpResponse>,
) -> Result<SendOutcome, SendError> {
    match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = aws_sdk_sesv2::error::ProvideErrorMetadata::code(service.err())
                .unwrap_or("unknown")
                .to_string();
            match service.err() {
                SendEmailError::TooManyRequestsException(_)
                | SendEmailError::LimitExceededException(_) => Err(SendError::Transient(format!(
                    "SES throttled the send ({code})"
                ))),
                SendEmailError::MessageRejected(_)
                | SendEmailError::MailFromDomainNotVerifiedException(_)
                | SendEmailError::AccountSuspendedException(_)
                | SendEmailError::SendingPausedException(_)
                | SendEmailError::BadRequestException(_)
                | SendEmailError::NotFoundException(_) => Err(SendError::Rejected(format!(
                    "SES refused the message ({code}): {}",
                    aws_sdk_sesv2::error::ProvideErrorMetadata::message(service.err())
                        .unwrap_or("no detail")
                ))),
                _ if status >= 500 => Err(SendError::Transient(format!(
                    "SES answered {status} ({code})"
                ))),
                _ if status == 429 => Err(SendError::Transient(format!("SES throttled ({code})"))),
                _ => Err(SendError::Rejected(format!(
                    "SES answered {status} ({code})"
                ))),
            }
        }
        _ => unanswered("SES", &error),
    }
}

/// What an AWS send that got no answer from the service means (shared with SMS through SNS): a
/// request that could not be built is refused; one that never reached the service may be
/// retried; anything else — a timeout, a reset, an unreadable answer — may have been taken, so
/// it is recorded as unconfirmed and not sent again.
pub(crate) fn unanswered<E, R>(
    service: &str,
    error: &SdkError<E, R>,
) -> Result<SendOutcome, SendError>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match error {
        SdkError::ConstructionFailure(_) => Err(SendError::Rejected(format!(
            "the request could not be built: {error}"
        ))),
        SdkError::DispatchFailure(_) if never_reached_server(error) => Err(SendError::Transient(
            format!("could not connect to {service}"),
        )),
        _ => {
            let mut text = error.to_string();
            text.truncate(200);
            Ok(SendOutcome::Uncertain {
                reason: format!("the outcome of the {service} call is unknown: {text}"),
            })
        }
    }
}
