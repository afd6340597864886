//! The request bodies of the case routes, written once: typed structs that serde reads (unknown
//! fields refused, every error naming its field path) and utoipa describes in `openapi.json`,
//! then checked semantically (trimmed lengths, sizes, addresses, schemas, webhook URLs) into
//! the workflow's own types.

use super::result_schema;
use crate::error::ApiError;
use crate::rules::{AtMost, Chars, EmailAddress, TimeZone, Trimmed, WebhookUrl, Whole};
use offload_core::net::WebhookPolicy;
use offload_workflows::case::{
    CaseRequest, Channel, Counterparty, DEFAULT_FOLLOW_UP_DELAY_HOURS, DEFAULT_MAX_ATTEMPTS, Goal,
    SenderPersona,
};
use offload_workflows::state::ProvidedInput;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

mod window;
pub use window::{Clock, SendWindowBody};

pub(super) const KIB: usize = 1024;

/// The body of `POST /cases`. Unknown fields are refused.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "channel": "EMAIL",
    "goal": {
        "objective": "Get the signed W-9 form for Northstar Supplies.",
        "knowledge": {"vendorId": "V-1042"},
        "privateKnowledge": {"paymentHold": "Payments stay on hold until the W-9 arrives."}
    },
    "counterparty": {"address": "ap@northstar.example", "name": "Maya Chen", "company": "Northstar Supplies"},
    "senderPersona": {"name": "Avery", "role": "Accounts Payable", "company": "Acme", "tone": "friendly"},
    "clientReferenceId": "vendor-1042",
    "constraints": ["Do not offer to pay any fee."],
    "maxAttempts": 3,
    "followUpDelayHours": 72,
    "resultSchema": {
        "type": "object",
        "properties": {"w9Received": {"type": "boolean"}, "taxYear": {"type": "string"}},
        "required": ["w9Received"]
    },
    "clientWebhookUrl": "https://hooks.acme.example/offload",
    "metadata": {"ticket": 7},
    "inputTimeoutHours": 168,
    "inputReminderHours": 24,
    "sendWindow": {"start": "09:00", "end": "17:00", "days": ["MON", "TUE", "WED", "THU", "FRI"]},
    "waitForOpenCases": true
}))]
pub struct CreateCaseBody {
    /// Only `EMAIL` is implemented; `SMS` is refused with a clear message.
    pub channel: ChannelName,
    pub goal: GoalBody,
    pub counterparty: CounterpartyBody,
    pub sender_persona: SenderPersonaBody,
    /// Your reference; not unique. At most 200 characters after trimming, one line (no control
    /// characters).
    #[schema(inline)]
    pub client_reference_id: Option<ClientReference>,
    /// Rules the agent must keep. At most 20 items of at most 500 characters.
    #[schema(schema_with = constraints_schema)]
    pub constraints: Option<AtMost<Chars<0, 500>, 20>>,
    /// Automated follow-ups after the first message (default 3).
    #[schema(inline, default = 3)]
    pub max_attempts: Option<Whole<0, 10>>,
    /// Hours between follow-ups (default 72).
    #[schema(inline, default = 72)]
    pub follow_up_delay_hours: Option<Whole<1, 720>>,
    /// Described in `openapi.json` by [`result_schema::describe`].
    #[schema(value_type = Option<Object>)]
    pub result_schema: Option<Map<String, Value>>,
    /// Where events are POSTed: an absolute `https` URL naming its host by a domain name.
    /// Deployments that allow plain `http` (`OFFLOAD_WEBHOOK_ALLOW_HTTP`) or private targets
    /// (`OFFLOAD_WEBHOOK_ALLOW_CIDRS`) also accept `http` and literal addresses; a host that
    /// is local or resolves only to private addresses is refused.
    #[schema(inline)]
    pub client_webhook_url: Option<WebhookUrl>,
    /// Opaque, echoed in webhooks, never returned by GET. At most 16 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    /// Hours an input request may stay unanswered before the case fails with `input_timeout`.
    #[schema(inline)]
    pub input_timeout_hours: Option<Whole<1, 2160>>,
    /// While an input request waits, `case.input_needed` is sent again every this many hours
    /// (event id suffix `_reminder_<n>`), at most 3 times.
    #[schema(inline)]
    pub input_reminder_hours: Option<Whole<1, 720>>,
    /// When the case may write to the counterparty, in `counterparty.timezone` (UTC when
    /// absent). Without it messages go out at once.
    pub send_window: Option<SendWindowBody>,
    /// One case at a time: the case stays `CREATED` (showing `queuedBehind`) until your
    /// earlier open cases for the same counterparty address have ended, then starts.
    pub wait_for_open_cases: Option<bool>,
}

fn constraints_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::rules::nullable(<AtMost<Chars<0, 500>, 20> as utoipa::PartialSchema>::schema())
}

/// A client reference, in a body or as a listing filter.
pub type ClientReference = Trimmed<0, 200, true>;

/// The channel; only `EMAIL` is implemented.
#[derive(Serialize, utoipa::ToSchema)]
pub enum ChannelName {
    #[serde(rename = "EMAIL")]
    Email,
}

impl<'de> Deserialize<'de> for ChannelName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match String::deserialize(deserializer)?.as_str() {
            "EMAIL" => Ok(ChannelName::Email),
            "SMS" => Err(de::Error::custom(
                "SMS is not supported; the only channel is \"EMAIL\"",
            )),
            _ => Err(de::Error::custom("must be \"EMAIL\"")),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalBody {
    /// What the case should achieve; 1..2000 characters after trimming.
    #[schema(inline)]
    pub objective: Trimmed<1, 2000>,
    /// Context the agent may use when writing (a string or an object, at most 16 KiB).
    pub knowledge: Option<Knowledge>,
    /// Facts that inform decisions but never leave in mail (a string or an object, ≤ 16 KiB).
    pub private_knowledge: Option<Knowledge>,
}

/// Free text, or an object of facts.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Knowledge {
    Text(String),
    Facts(Map<String, Value>),
}

impl<'de> Deserialize<'de> for Knowledge {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KnowledgeVisitor;
        impl<'de> Visitor<'de> for KnowledgeVisitor {
            type Value = Knowledge;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an object")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Knowledge, E> {
                Ok(Knowledge::Text(text.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Knowledge, M::Error> {
                Map::deserialize(de::value::MapAccessDeserializer::new(map)).map(Knowledge::Facts)
            }
        }
        deserializer.deserialize_any(KnowledgeVisitor)
    }
}

impl Knowledge {
    fn into_value(self) -> Value {
        match self {
            Knowledge::Text(text) => Value::String(text),
            Knowledge::Facts(facts) => Value::Object(facts),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CounterpartyBody {
    /// A valid email address (a dot-atom addr-spec), at most 254 characters.
    #[schema(inline)]
    pub address: EmailAddress,
    /// 1..200 characters after trimming.
    #[schema(inline)]
    pub name: Trimmed<1, 200>,
    /// At most 200 characters after trimming.
    #[schema(inline)]
    pub company: Option<Trimmed<0, 200>>,
    /// An IANA time zone name such as `Europe/Berlin`.
    #[schema(inline)]
    pub timezone: Option<TimeZone>,
    /// String values only; at most 4 KiB.
    pub custom_data: Option<BTreeMap<String, String>>,
    /// Whether replies from other addresses of the counterparty's domain count as theirs
    /// (default `true`; never for public mail domains such as gmail.com). Other senders' mail is
    /// kept as untrusted and the client is asked about it.
    pub allow_domain_replies: Option<bool>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SenderPersonaBody {
    /// 1..200 characters after trimming.
    #[schema(inline)]
    pub name: Trimmed<1, 200>,
    /// At most 200 characters after trimming.
    #[schema(inline)]
    pub role: Option<Trimmed<0, 200>>,
    /// At most 200 characters after trimming.
    #[schema(inline)]
    pub company: Option<Trimmed<0, 200>>,
    /// e.g. `formal`, `friendly`; at most 200 characters after trimming.
    #[schema(inline)]
    pub tone: Option<Trimmed<0, 200>>,
}

/// The body of `POST /cases/{id}/input`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "inputRequestId": "3f2b8e2e-6d1a-4c55-9d5e-0c8f7a1b2c3d",
    "providedContext": "Tax year 2025, please."
}))]
pub struct InputBody {
    /// The id of the pending input request (trimmed).
    #[schema(inline)]
    pub input_request_id: Trimmed<1, 200>,
    /// The answer; 1..8000 characters after trimming.
    #[schema(inline)]
    pub provided_context: Trimmed<1, 8000>,
}

pub(super) fn at_most(value: &Value, field: &str, limit: usize) -> Result<(), ApiError> {
    let len = serde_json::to_vec(value)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if len > limit {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {} KiB serialized", limit / KIB),
        ));
    }
    Ok(())
}

fn knowledge(field: &str, knowledge: Option<Knowledge>) -> Result<Option<Value>, ApiError> {
    let Some(value) = knowledge.map(Knowledge::into_value) else {
        return Ok(None);
    };
    at_most(&value, field, 16 * KIB)?;
    Ok(Some(value))
}

impl CreateCaseBody {
    /// Checks the rules of spec §2 that reach across fields or need the deployment's policy,
    /// and applies the defaults; each field's own rule was kept as serde read it.
    pub fn into_request(self, webhooks: &WebhookPolicy) -> Result<CaseRequest, ApiError> {
        let ChannelName::Email = self.channel;
        let goal = Goal {
            objective: self.goal.objective.into_inner(),
            knowledge: knowledge("goal.knowledge", self.goal.knowledge)?,
            private_knowledge: knowledge("goal.privateKnowledge", self.goal.private_knowledge)?,
        };

        let counterparty = self.counterparty;
        if let Some(data) = &counterparty.custom_data {
            let value = serde_json::to_value(data).expect("a string map serializes");
            at_most(&value, "counterparty.customData", 4 * KIB)?;
        }
        let counterparty = Counterparty {
            address: counterparty.address.0,
            name: counterparty.name.into_inner(),
            company: counterparty.company.map(Trimmed::into_inner),
            timezone: counterparty.timezone.map(|zone| zone.0),
            custom_data: counterparty.custom_data,
            allow_domain_replies: counterparty.allow_domain_replies,
        };

        let persona = self.sender_persona;
        let sender_persona = SenderPersona {
            name: persona.name.into_inner(),
            role: persona.role.map(Trimmed::into_inner),
            company: persona.company.map(Trimmed::into_inner),
            tone: persona.tone.map(Trimmed::into_inner),
        };

        let constraints = self.constraints.map(|items| {
            items
                .0
                .into_iter()
                .map(|Chars(text)| text.trim().to_string())
                .collect()
        });

        let metadata = self.metadata.map(Value::Object);
        if let Some(value) = &metadata {
            at_most(value, "metadata", 16 * KIB)?;
        }
        if let Some(url) = &self.client_webhook_url {
            webhooks
                .check_url(&url.0)
                .map_err(|problem| ApiError::invalid("clientWebhookUrl", problem))?;
            // What the document states, for the production policy; the checks above give the
            // more specific reason first.
            if webhooks.is_strict() && !url.has_documented_shape() {
                return Err(ApiError::invalid(
                    "clientWebhookUrl",
                    WebhookUrl::SHAPE_RULE,
                ));
            }
        }

        Ok(CaseRequest {
            channel: Channel::Email,
            goal,
            counterparty,
            sender_persona,
            client_reference_id: self.client_reference_id.map(Trimmed::into_inner),
            constraints,
            max_attempts: self.max_attempts.map_or(DEFAULT_MAX_ATTEMPTS, Whole::get),
            follow_up_delay_hours: self
                .follow_up_delay_hours
                .map_or(DEFAULT_FOLLOW_UP_DELAY_HOURS, Whole::get),
            result_schema: result_schema::check(self.result_schema)?,
            client_webhook_url: self.client_webhook_url.map(|url| url.0),
            metadata,
            input_timeout_hours: self.input_timeout_hours.map(Whole::get),
            input_reminder_hours: self.input_reminder_hours.map(Whole::get),
            send_window: self
                .send_window
                .map(SendWindowBody::into_window)
                .transpose()?,
            wait_for_open_cases: self.wait_for_open_cases,
        })
    }
}

impl InputBody {
    /// Both fields were trimmed and measured as serde read them.
    pub fn into_input(self) -> Result<ProvidedInput, ApiError> {
        Ok(ProvidedInput {
            input_request_id: self.input_request_id.into_inner(),
            provided_context: self.provided_context.into_inner(),
        })
    }
}

#[cfg(test)]
mod tests;
