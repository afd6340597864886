//! The case as the client described it: the validated body of `POST /cases`, and the input the
//! API hands to each case workflow.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The only channel this service implements.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
pub enum Channel {
    #[serde(rename = "EMAIL")]
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "EMAIL",
        }
    }
}

/// What the case should achieve and what the agent may draw on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Goal {
    pub objective: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<Value>,
    /// Facts that may inform decisions but must never reach the counterparty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_knowledge: Option<Value>,
}

/// The person the service writes to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Counterparty {
    pub address: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<BTreeMap<String, String>>,
    /// Whether a reply from another address of the counterparty's domain counts as theirs
    /// (absent: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_domain_replies: Option<bool>,
}

/// Who the service writes as.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SenderPersona {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<String>,
}

/// A validated `POST /cases` body with defaults applied.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaseRequest {
    pub channel: Channel,
    pub goal: Goal,
    pub counterparty: Counterparty,
    pub sender_persona: SenderPersona,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Vec<String>>,
    pub max_attempts: u32,
    pub follow_up_delay_hours: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_webhook_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_timeout_hours: Option<u32>,
}

pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
pub const DEFAULT_FOLLOW_UP_DELAY_HOURS: u32 = 72;

/// The input of one case workflow. Everything time-related that must stay stable across replays
/// (the creation time, the length of an "hour") is fixed here, at creation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaseInput {
    pub case_id: String,
    pub tenant: String,
    /// Unix epoch milliseconds.
    pub created_at: i64,
    /// Real seconds in one case "hour" (`OFFLOAD_HOUR_SECONDS`), which scales every delay.
    pub hour_seconds: u64,
    pub request: CaseRequest,
    /// SHA-256 of the create body when it came with an `Idempotency-Key`: tells a true repeat
    /// from a reuse of the key with another body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_hash: Option<String>,
}

impl CaseInput {
    /// The follow-up delay in milliseconds of real time.
    pub fn follow_up_delay_ms(&self) -> i64 {
        hours_to_ms(self.request.follow_up_delay_hours, self.hour_seconds)
    }
}

/// `hours` case hours in milliseconds, saturating rather than overflowing.
pub fn hours_to_ms(hours: u32, hour_seconds: u64) -> i64 {
    let ms = u64::from(hours)
        .saturating_mul(hour_seconds)
        .saturating_mul(1000);
    i64::try_from(ms).unwrap_or(i64::MAX)
}
