//! What operators see in the Temporal UI and CLI: custom search attributes and the case's
//! current details.

use crate::case::CaseInput;
use crate::state::{CaseState, NOTHING_SCHEDULED};
use crate::view::iso8601_seconds;
use temporalio_workflow::common::search_attributes::SearchAttributeKey;

pub const OFFLOAD_STATUS: SearchAttributeKey<String> = SearchAttributeKey::keyword("OffloadStatus");
pub const OFFLOAD_TENANT: SearchAttributeKey<String> = SearchAttributeKey::keyword("OffloadTenant");
pub const OFFLOAD_CLIENT_REFERENCE_ID: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("OffloadClientReferenceId");
pub const OFFLOAD_COUNTERPARTY: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("OffloadCounterparty");
/// Why a finished case ended (`goal_achieved`, `max_retries`, `BOUNCED`, …).
pub const OFFLOAD_RESULT_STATUS: SearchAttributeKey<String> =
    SearchAttributeKey::keyword("OffloadResultStatus");

/// Every custom search attribute the service uses (all Keyword); the worker registers missing
/// ones at start-up.
pub const CUSTOM_SEARCH_ATTRIBUTES: [&str; 5] = [
    "OffloadStatus",
    "OffloadTenant",
    "OffloadClientReferenceId",
    "OffloadCounterparty",
    "OffloadResultStatus",
];

/// The case in a few lines for the Temporal UI's "current details".
pub fn describe_for_operators(input: &CaseInput, state: &CaseState) -> String {
    let request = &input.request;
    let next = if state.next_action_at == NOTHING_SCHEDULED {
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
