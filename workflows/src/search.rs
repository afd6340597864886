//! What operators see in the Temporal UI and CLI: custom search attributes and the case's
//! current details.

use crate::case::CaseInput;
use crate::state::{CaseState, NOTHING_SCHEDULED};
use crate::view::iso8601_seconds;
use temporalio_workflow::common::search_attributes::{SearchAttributeKey, Timestamp};

pub const OFFLOAD_STATUS: SearchAttributeKey<String> = SearchAttributeKey::keyword("OffloadStatus");
pub const OFFLOAD_TENANT: SearchAttributeKey<String> = SearchAttributeKey::keyword("OffloadTenant");
pub const OFFLOAD_CLIENT_REFERENCE_ID: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("OffloadClientReferenceId");
pub const OFFLOAD_COUNTERPARTY: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("OffloadCounterparty");
/// Why a finished case ended (`goal_achieved`, `max_retries`, `BOUNCED`, …).
pub const OFFLOAD_RESULT_STATUS: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("OffloadResultStatus");

/// When the case was created (set at start; a continued run keeps it, while `StartTime` is the
/// run's own). Listings page by it.
pub const OFFLOAD_CREATED_AT: SearchAttributeKey<Timestamp> =
    SearchAttributeKey::datetime("OffloadCreatedAt");

/// The type of a custom search attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeType {
    Keyword,
    Datetime,
}

/// Every custom search attribute the service uses; the worker registers missing ones at start-up.
pub const CUSTOM_SEARCH_ATTRIBUTES: [(&str, AttributeType); 6] = [
    ("OffloadStatus", AttributeType::Keyword),
    ("OffloadTenant", AttributeType::Keyword),
    ("OffloadClientReferenceId", AttributeType::Keyword),
    ("OffloadCounterparty", AttributeType::Keyword),
    ("OffloadResultStatus", AttributeType::Keyword),
    ("OffloadCreatedAt", AttributeType::Datetime),
];

/// `OffloadCreatedAt` for a creation time in Unix epoch milliseconds.
pub fn created_at_value(created_at_ms: i64) -> Timestamp {
    Timestamp::new(
        created_at_ms.div_euclid(1000),
        i32::try_from(created_at_ms.rem_euclid(1000) * 1_000_000).unwrap_or(0),
    )
}

/// The case in a few lines for the Temporal UI's "current details".
pub fn describe_for_operators(input: &CaseInput, state: &CaseState) -> String {
    let request = &input.request;
    let next = if state.is_paused() {
        "paused by the client (nothing is sent until it resumes)".to_string()
    } else if state.next_action_at == NOTHING_SCHEDULED {
        "nothing scheduled".to_string()
    } else {
        format!("next follow-up {}", iso8601_seconds(state.next_action_at))
    };
    let objective: String = request.goal.objective.chars().take(200).collect();
    let mut details = format!(
        "**{}** · {} message(s) sent · {}\n\nObjective: {}\n\nCounterparty: {}",
        state.status.as_str(),
        state.attempt_count,
        next,
        objective,
        request.counterparty.name,
    );
    if let Some(result_status) = state.result_status {
        details.push_str(&format!("\n\nResult: {}", result_status.as_str()));
    }
    if let Some(request) = state
        .input_request
        .as_ref()
        .filter(|_| state.status == crate::state::CaseStatus::InputNeeded)
    {
        details.push_str(&format!("\n\nWaiting for input: {}", request.question));
    }
    details
}
