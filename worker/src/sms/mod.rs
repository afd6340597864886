//! Outbound text messages: the `TextSender` seam, with the same promise as mail — at most once
//! per (case, message number) from our side, a refusal told apart from a doubt
//! ([`SendOutcome`], [`SendError`]). `outbox` writes each text as a JSON file (local runs and
//! `dev.sh`); `sns` publishes it to the number through Amazon SNS. (SNS `Publish` rather than
//! End User Messaging's `SendTextMessage`: moto, which the tests run against, emulates the first
//! and not the second; both reach the same carriers and take the origination as an attribute.)

pub mod outbox;
pub mod sns;

pub use crate::mail::{SendError, SendOutcome};
use async_trait::async_trait;
use serde::Serialize;

/// One text ready to hand to a provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreparedText {
    #[serde(rename = "caseId")]
    pub case_id: String,
    #[serde(rename = "messageNumber")]
    pub message_number: u32,
    /// The counterparty, E.164.
    pub to: String,
    /// `OFFLOAD_SMS_ORIGINATION`: our number (E.164) or an alphanumeric sender id.
    pub from: String,
    /// Plain text, at most three segments (`offload_core::sms::fit`).
    pub text: String,
}

/// Hands finished texts to an SMS provider.
#[async_trait]
pub trait TextSender: Send + Sync {
    /// Sends `text`. An `Err` means it certainly did not go out.
    async fn send(&self, text: &PreparedText) -> Result<SendOutcome, SendError>;

    /// Whether a repeated `send` of the same (case, message number) could deliver it twice, so
    /// sends must go through the send ledger (the outbox recognises repeats itself).
    fn needs_ledger(&self) -> bool {
        true
    }
}

/// Whether `origination` can be an SMS origination: an E.164 number, or an alphanumeric sender
/// id of 1–11 letters, digits and spaces with at least one letter (carriers' rule).
pub fn is_origination(origination: &str) -> bool {
    if origination.starts_with('+') {
        return offload_core::sms::e164(origination).is_some();
    }
    (1..=11).contains(&origination.len())
        && origination
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && origination.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_origination_is_a_number_or_a_short_alphanumeric_sender_id() {
        for good in ["+15555550100", "Acme", "ACME AP 2"] {
            assert!(super::is_origination(good), "{good}");
        }
        for bad in [
            "",
            "15555550100",
            "123456",
            "Acme Accounts Payable",
            "Acme!",
            "+1 555",
        ] {
            assert!(!super::is_origination(bad), "{bad}");
        }
    }
}
