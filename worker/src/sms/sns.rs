//! Sending texts through Amazon SNS (`Publish` to a phone number). The origination goes as
//! `AWS.MM.SMS.OriginationNumber` (a number) or `AWS.SNS.SMS.SenderID` (a sender id), and every
//! text is `Transactional` (delivered for reliability, not lowest cost).
//!
//! Delivery guarantee as for SES: a send is retried only when the failure proves SNS did not take
//! it (throttling, a 5xx answer, a refused connection); an unknown outcome is recorded as
//! "delivery unconfirmed" and not sent again (the caller's send ledger keeps retries out).

use super::{PreparedText, SendError, SendOutcome, TextSender};
use async_trait::async_trait;
use aws_sdk_sns::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sns::operation::publish::PublishError;
use aws_sdk_sns::types::MessageAttributeValue;

pub struct SnsTexts {
    client: aws_sdk_sns::Client,
}

impl SnsTexts {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        SnsTexts {
            client: aws_sdk_sns::Client::new(config),
        }
    }
}

fn attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("data type and value are set")
}

#[async_trait]
impl TextSender for SnsTexts {
    async fn send(&self, text: &PreparedText) -> Result<SendOutcome, SendError> {
        let origination = if text.from.starts_with('+') {
            "AWS.MM.SMS.OriginationNumber"
        } else {
            "AWS.SNS.SMS.SenderID"
        };
        let published = self
            .client
            .publish()
            .phone_number(&text.to)
            .message(&text.text)
            .message_attributes(origination, attribute(&text.from))
            .message_attributes("AWS.SNS.SMS.SMSType", attribute("Transactional"))
            .send()
            .await;
        match published {
            Ok(output) => Ok(SendOutcome::Sent {
                provider_message_id: output.message_id().map(str::to_string),
                alias_message_id: None,
            }),
            Err(error) => classify(error),
        }
    }
}

/// Sorts an SNS failure: refused for good, worth retrying (SNS certainly did not take it), or
/// unknown (it may have been taken: do not send again).
fn classify(
    error: SdkError<PublishError, aws_sdk_sns::config::http::HttpResponse>,
) -> Result<SendOutcome, SendError> {
    match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().unwrap_or("unknown").to_string();
            let detail = service.err().message().unwrap_or("no detail").to_string();
            match service.err() {
                PublishError::KmsThrottlingException(_) => Err(SendError::Transient(format!(
                    "SNS throttled the send ({code})"
                ))),
                _ if code.starts_with("Throttl") => Err(SendError::Transient(format!(
                    "SNS throttled the send ({code})"
                ))),
                PublishError::InternalErrorException(_) => {
                    Err(SendError::Transient(format!("SNS failed ({code})")))
                }
                _ if status >= 500 || status == 429 => Err(SendError::Transient(format!(
                    "SNS answered {status} ({code})"
                ))),
                // Invalid numbers, opted-out numbers, spend limits, auth: not for a retry.
                _ => Err(SendError::Rejected(format!(
                    "SNS refused the text ({code}): {detail}"
                ))),
            }
        }
        _ => crate::mail::ses::unanswered("SNS", &error),
    }
}
