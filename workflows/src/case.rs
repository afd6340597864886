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
    /// While an input request is pending, `case.input_needed` is sent again every this many
    /// hours, at most [`MAX_INPUT_REMINDERS`] times (spec §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_reminder_hours: Option<u32>,
    /// When the case may write to the counterparty, in `counterparty.timezone` (spec §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_window: Option<crate::send_window::SendWindow>,
    /// The case waits for the tenant's earlier open cases for the same address to end before
    /// it writes (spec §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for_open_cases: Option<bool>,
}

/// The most reminders one input request gets.
pub const MAX_INPUT_REMINDERS: u32 = 3;

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
    /// Which generation of the workflow created the case (absent: 1). Behaviour that would not
    /// replay on older histories is keyed to it rather than to `patched` markers, so new cases
    /// pay no marker events. Generation 2: bounded runs and transcript, local activities for the
    /// agent, sending and archiving, one search-attribute upsert per status change. Generation 3
    /// ([`CURRENT_GENERATION`]): the workflow makes (and records) each webhook delivery attempt
    /// itself, and archives the older part of its timeline.
    #[serde(
        default = "first_generation",
        skip_serializing_if = "is_first_generation"
    )]
    pub generation: u32,
    /// The configured agent answers in far less than a second (the rules agent): generation 2
    /// runs its calls as local activities (fewer events and workflow tasks). A model endpoint
    /// does not: a workflow task stays open while a local activity runs, which would hold up
    /// signals and queries for seconds, so its calls stay ordinary activities.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local_agent: bool,
    /// A run continues as new (same caseId) at its next wait once its history holds this many
    /// events, or when Temporal suggests it (`OFFLOAD_CASE_RUN_MAX_EVENTS`; generation 2 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_max_events: Option<u32>,
    /// With `waitForOpenCases`: the tenant's open cases for the same address created before
    /// this one (oldest first, as the API found them), which it waits for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queued_behind: Vec<String>,
    /// On a continued run: the case as the previous run left it. Absent on the first run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<Box<CarriedCase>>,
}

/// What one run hands the next when it continues as new: the whole case state (pending input
/// request included) and the webhook events not yet delivered, in order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CarriedCase {
    /// 2 for the first continued run, and so on.
    pub run: u32,
    pub case: crate::state::CaseState,
    pub events: std::collections::VecDeque<crate::events::WebhookEvent>,
    /// Where the delivery of the first event stood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<crate::events::DeliveryProgress>,
    /// Ids of queued events the client asked to have delivered again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redeliveries: Vec<String>,
}

/// The generation of the workflow new cases are created with (see [`CaseInput::generation`]).
pub const CURRENT_GENERATION: u32 = 3;

fn first_generation() -> u32 {
    1
}

fn is_first_generation(generation: &u32) -> bool {
    *generation == 1
}

/// The smallest `run_max_events` honoured: a fresh run must get work done before it continues.
pub const MIN_RUN_EVENTS: u32 = 100;
/// The default bound (`OFFLOAD_CASE_RUN_MAX_EVENTS`): far below Temporal's 10,240-event warning
/// and 51,200-event limit, and small enough that replaying a run on a cold worker is quick.
pub const DEFAULT_RUN_MAX_EVENTS: u32 = 2_000;

impl CaseInput {
    /// The counterparty's time zone (UTC when not given).
    pub fn zone(&self) -> chrono_tz::Tz {
        crate::send_window::zone(self.request.counterparty.timezone.as_deref())
    }

    /// When a message due at `at_ms` may go out: `at_ms`, or the next start of the sending
    /// window when it falls outside.
    pub fn sends_at(&self, at_ms: i64) -> i64 {
        match &self.request.send_window {
            Some(window) => window.next_open(self.zone(), at_ms),
            None => at_ms,
        }
    }

    /// Whether a message of `kind` waits for the sending window (replies only when `strict`).
    pub fn waits_for_window(&self, kind: crate::state::OutboundKind) -> bool {
        self.request
            .send_window
            .as_ref()
            .is_some_and(|window| kind != crate::state::OutboundKind::Reply || window.strict)
    }

    /// The first moment the case may write on or after `date` (`YYYY-MM-DD`) in the
    /// counterparty's time zone, or `None` for a date that does not parse.
    pub fn first_send_on(&self, date: &str) -> Option<i64> {
        let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        let zone = self.zone();
        Some(self.sends_at(crate::send_window::midnight(zone, date)))
    }

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
