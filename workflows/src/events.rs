//! The three webhook events and their exact envelope (spec §4).

use crate::case::{CaseInput, Channel};
use crate::state::{Attachment, CaseState, CaseStatus, InputRequestStatus, ResultStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    #[serde(rename = "case.completed")]
    CaseCompleted,
    #[serde(rename = "case.failed")]
    CaseFailed,
    #[serde(rename = "case.input_needed")]
    CaseInputNeeded,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::CaseCompleted => "case.completed",
            EventType::CaseFailed => "case.failed",
            EventType::CaseInputNeeded => "case.input_needed",
        }
    }

    /// The event a case in `status` announces, if any.
    pub fn for_status(status: CaseStatus) -> Option<Self> {
        match status {
            CaseStatus::Completed => Some(EventType::CaseCompleted),
            CaseStatus::Failed => Some(EventType::CaseFailed),
            CaseStatus::InputNeeded => Some(EventType::CaseInputNeeded),
            CaseStatus::Created | CaseStatus::Running => None,
        }
    }
}

/// A webhook body. Top-level keys are snake_case, `data` keys camelCase.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    pub event_id: String,
    pub event_type: EventType,
    /// The case's `updatedAt` when the event happened (ms).
    pub timestamp: i64,
    pub data: EventData,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventData {
    pub case_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
    pub status: CaseStatus,
    pub channel: Channel,
    pub attempt_count: u32,
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_status: Option<ResultStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Present on `case.failed` only, possibly `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<Option<String>>,
    /// `case.input_needed` only: the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_request_status: Option<InputRequestStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_requested_at: Option<i64>,
    /// `case.input_needed` only: the answer link, added by the worker as it delivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_url: Option<String>,
}

impl WebhookEvent {
    /// The event announcing the case's current state, or `None` for states that announce nothing.
    pub fn for_state(input: &CaseInput, state: &CaseState) -> Option<Self> {
        let event_type = EventType::for_status(state.status)?;
        let request = &input.request;
        let input_request = state
            .input_request
            .as_ref()
            .filter(|_| event_type == EventType::CaseInputNeeded);
        let data = EventData {
            case_id: input.case_id.clone(),
            client_reference_id: request.client_reference_id.clone(),
            status: state.status,
            channel: request.channel,
            attempt_count: state.attempt_count,
            attachments: state.attachments.clone(),
            metadata: request.metadata.clone(),
            result_status: state
                .status
                .is_terminal()
                .then_some(state.result_status)
                .flatten(),
            result: (event_type == EventType::CaseCompleted)
                .then(|| state.result.clone())
                .flatten(),
            failure_reason: (event_type == EventType::CaseFailed)
                .then(|| state.failure_reason.clone()),
            input_request: input_request.map(|r| r.question.clone()),
            input_request_id: input_request.map(|r| r.id.clone()),
            input_request_status: input_request.map(|r| r.status),
            input_requested_at: input_request.map(|r| r.requested_at),
            answer_url: None,
        };
        Some(WebhookEvent {
            event_id: event_id(&input.case_id, event_type, state.updated_at),
            event_type,
            timestamp: state.updated_at,
            data,
        })
    }
}

impl WebhookEvent {
    /// Reminder `n` of the pending input request: the `case.input_needed` event again, under the
    /// request's own event id with the suffix `_reminder_<n>`.
    pub fn input_reminder(input: &CaseInput, state: &CaseState, n: u32) -> Option<Self> {
        let request = state.input_request.as_ref()?;
        let mut event = Self::for_state(input, state)?;
        if event.event_type != EventType::CaseInputNeeded {
            return None;
        }
        event.event_id = format!(
            "{}_reminder_{n}",
            event_id(
                &input.case_id,
                EventType::CaseInputNeeded,
                request.requested_at
            )
        );
        event.timestamp = request.requested_at;
        Some(event)
    }
}

/// Where the delivery of the event at the front of the queue stands (carried to the next run).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryProgress {
    /// Attempts made so far.
    pub attempts: u32,
}

/// `evt_<caseId>_<event_type with . replaced by _>_<updatedAt>`: stable across retries.
pub fn event_id(case_id: &str, event_type: EventType, updated_at: i64) -> String {
    format!(
        "evt_{case_id}_{}_{updated_at}",
        event_type.as_str().replace('.', "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_follow_the_hosted_format() {
        assert_eq!(
            event_id("c1", EventType::CaseInputNeeded, 1700000000000),
            "evt_c1_case_input_needed_1700000000000"
        );
    }
}
