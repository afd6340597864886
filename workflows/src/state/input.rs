//! Questions for the client: the input request, the answers, and the rules an answer must
//! pass.

use super::CaseStatus;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InputRequestStatus {
    Pending,
    Resolved,
}

/// A question for the client.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InputRequest {
    pub id: String,
    pub question: String,
    pub status: InputRequestStatus,
    pub requested_at: i64,
    /// A page where the client's staff answer without an API key (spec §7), while the request
    /// is pending. Added by the API when it shows the request; the case never stores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_url: Option<String>,
    /// Reminders sent for this request (`inputReminderHours`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reminders_sent: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// An answered input request.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HumanInput {
    pub input_request_id: String,
    pub question: String,
    pub provided_context: String,
    pub provided_at: i64,
}

/// The client's answer as the API passes it to the case (signal `input_provided`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProvidedInput {
    pub input_request_id: String,
    pub provided_context: String,
}

/// Why an answer cannot be applied. The API answers each with its own 409.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputRejection {
    #[error("the case is not waiting for input")]
    NotWaitingForInput,
    #[error("the active input request is already resolved")]
    NotPending,
    #[error("inputRequestId is not the active input request")]
    Mismatch,
}

/// The 409 rules of `POST /cases/{id}/input`, in their documented order. The API checks them
/// against the view before signalling; the workflow checks them again when the signal arrives, so
/// two racing answers can never both be applied.
pub fn check_input(
    status: CaseStatus,
    active: Option<&InputRequest>,
    input_request_id: &str,
) -> Result<(), InputRejection> {
    if status != CaseStatus::InputNeeded {
        return Err(InputRejection::NotWaitingForInput);
    }
    let Some(active) = active else {
        return Err(InputRejection::NotWaitingForInput);
    };
    if active.status != InputRequestStatus::Pending {
        return Err(InputRejection::NotPending);
    }
    if active.id != input_request_id {
        return Err(InputRejection::Mismatch);
    }
    Ok(())
}

/// An answer that arrived for a request that was no longer pending; kept for operators.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredInput {
    pub input: ProvidedInput,
    pub reason: String,
    pub at: i64,
}
