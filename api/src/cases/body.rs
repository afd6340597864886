//! The request bodies of the case routes, written once: typed structs that serde reads (unknown
//! fields refused, every error naming its field path) and utoipa describes in `openapi.json`,
//! then checked semantically (trimmed lengths, sizes, addresses, schemas, webhook URLs) into
//! the workflow's own types.

use crate::error::ApiError;
use offload_core::config::is_email_address;
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
use std::str::FromStr;

const KIB: usize = 1024;
/// Schemas nested deeper than this are refused before compiling (deep nesting overflows stacks).
const MAX_SCHEMA_DEPTH: usize = 32;

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
    "inputTimeoutHours": 168
}))]
pub struct CreateCaseBody {
    /// Only `EMAIL` is implemented; `SMS` is refused with a clear message.
    pub channel: ChannelName,
    pub goal: GoalBody,
    pub counterparty: CounterpartyBody,
    pub sender_persona: SenderPersonaBody,
    /// Your reference; not unique. At most 200 characters.
    #[schema(max_length = 200)]
    pub client_reference_id: Option<String>,
    /// Rules the agent must keep. At most 20 items of at most 500 characters.
    #[schema(max_items = 20, inline)]
    pub constraints: Option<Vec<Constraint>>,
    /// Automated follow-ups after the first message (default 3).
    #[schema(minimum = 0, maximum = 10, default = 3)]
    pub max_attempts: Option<i64>,
    /// Hours between follow-ups (default 72).
    #[schema(minimum = 1, maximum = 720, default = 72)]
    pub follow_up_delay_hours: Option<i64>,
    /// A JSON Schema (draft 2020-12) whose root accepts an object; the result is validated
    /// against it. At most 16 KiB.
    #[schema(value_type = Option<Object>)]
    pub result_schema: Option<Map<String, Value>>,
    /// Where events are POSTed: an absolute `https` URL (plain `http` only when the deployment
    /// allows it).
    #[schema(max_length = 2048)]
    pub client_webhook_url: Option<String>,
    /// Opaque, echoed in webhooks, never returned by GET. At most 16 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    /// Hours an input request may stay unanswered before the case fails with `input_timeout`.
    #[schema(minimum = 1, maximum = 2160)]
    pub input_timeout_hours: Option<i64>,
}

/// One rule the agent must keep (at most 500 characters).
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Constraint(String);

impl utoipa::PartialSchema for Constraint {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(500))
            .into()
    }
}

impl utoipa::ToSchema for Constraint {}

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
    #[schema(min_length = 1, max_length = 2000)]
    pub objective: String,
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
    /// A valid email address, at most 254 characters.
    #[schema(max_length = 254, format = Email)]
    pub address: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub company: Option<String>,
    /// An IANA time zone name such as `Europe/Berlin`.
    pub timezone: Option<String>,
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
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub role: Option<String>,
    #[schema(max_length = 200)]
    pub company: Option<String>,
    /// e.g. `formal`, `friendly`.
    #[schema(max_length = 200)]
    pub tone: Option<String>,
}

/// The body of `POST /cases/{id}/input`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "inputRequestId": "3f2b8e2e-6d1a-4c55-9d5e-0c8f7a1b2c3d",
    "providedContext": "Tax year 2025, please."
}))]
pub struct InputBody {
    /// The id of the pending input request.
    #[schema(min_length = 1, max_length = 200)]
    pub input_request_id: String,
    /// The answer; 1..8000 characters after trimming.
    #[schema(min_length = 1, max_length = 8000)]
    pub provided_context: String,
}

/// `text` trimmed, of `min..=max` characters.
fn trimmed(field: &str, text: String, min: usize, max: usize) -> Result<String, ApiError> {
    let trimmed = text.trim();
    let len = trimmed.chars().count();
    if len < min || len > max {
        let rule = if min == 0 {
            format!("must be at most {max} characters")
        } else {
            format!("must be {min}..{max} characters after trimming")
        };
        return Err(ApiError::invalid(field, rule));
    }
    Ok(trimmed.to_string())
}

fn optional_trimmed(
    field: &str,
    text: Option<String>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    text.map(|t| trimmed(field, t, 0, max)).transpose()
}

fn in_range(field: &str, value: Option<i64>, min: i64, max: i64) -> Result<Option<u32>, ApiError> {
    match value {
        None => Ok(None),
        Some(v) if (min..=max).contains(&v) => Ok(Some(v as u32)),
        Some(_) => Err(ApiError::invalid(
            field,
            format!("must be between {min} and {max}"),
        )),
    }
}

fn at_most(value: &Value, field: &str, limit: usize) -> Result<(), ApiError> {
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

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A valid JSON Schema (draft 2020-12) whose root accepts an object.
fn result_schema(schema: Option<Map<String, Value>>) -> Result<Option<Value>, ApiError> {
    let field = "resultSchema";
    let Some(schema) = schema.map(Value::Object) else {
        return Ok(None);
    };
    at_most(&schema, field, 16 * KIB)?;
    if depth(&schema) > MAX_SCHEMA_DEPTH {
        return Err(ApiError::invalid(
            field,
            format!("nested deeper than {MAX_SCHEMA_DEPTH} levels"),
        ));
    }
    if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
        let at = error.instance_path().to_string();
        let at = if at.is_empty() {
            String::new()
        } else {
            format!(" at {at}")
        };
        return Err(ApiError::invalid(
            field,
            format!("not a valid JSON Schema (draft 2020-12){at}: {error}"),
        ));
    }
    let accepts_object = match schema.get("type") {
        None => true,
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        Some(_) => false,
    };
    if !accepts_object {
        return Err(ApiError::invalid(
            field,
            "the root must accept an object (type \"object\")",
        ));
    }
    if let Err(error) = jsonschema::draft202012::new(&schema) {
        return Err(ApiError::invalid(field, format!("cannot be used: {error}")));
    }
    Ok(Some(schema))
}

impl CreateCaseBody {
    /// Checks every rule of spec §2 the types cannot express and applies the defaults.
    pub fn into_request(self, webhooks: &WebhookPolicy) -> Result<CaseRequest, ApiError> {
        let ChannelName::Email = self.channel;
        let goal = Goal {
            objective: trimmed("goal.objective", self.goal.objective, 1, 2000)?,
            knowledge: knowledge("goal.knowledge", self.goal.knowledge)?,
            private_knowledge: knowledge("goal.privateKnowledge", self.goal.private_knowledge)?,
        };

        let counterparty = self.counterparty;
        let address = counterparty.address.trim().to_string();
        if !is_email_address(&address) {
            return Err(ApiError::invalid(
                "counterparty.address",
                "not a valid email address",
            ));
        }
        let timezone = optional_trimmed("counterparty.timezone", counterparty.timezone, 64)?;
        if let Some(zone) = &timezone
            && chrono_tz::Tz::from_str(zone).is_err()
        {
            return Err(ApiError::invalid(
                "counterparty.timezone",
                "not a valid IANA time zone name (such as Europe/Berlin)",
            ));
        }
        if let Some(data) = &counterparty.custom_data {
            let value = serde_json::to_value(data).expect("a string map serializes");
            at_most(&value, "counterparty.customData", 4 * KIB)?;
        }
        let counterparty = Counterparty {
            address,
            name: trimmed("counterparty.name", counterparty.name, 1, 200)?,
            company: optional_trimmed("counterparty.company", counterparty.company, 200)?,
            timezone,
            custom_data: counterparty.custom_data,
            allow_domain_replies: counterparty.allow_domain_replies,
        };

        let persona = self.sender_persona;
        let sender_persona = SenderPersona {
            name: trimmed("senderPersona.name", persona.name, 1, 200)?,
            role: optional_trimmed("senderPersona.role", persona.role, 200)?,
            company: optional_trimmed("senderPersona.company", persona.company, 200)?,
            tone: optional_trimmed("senderPersona.tone", persona.tone, 200)?,
        };

        let constraints = match self.constraints {
            None => None,
            Some(items) if items.len() > 20 => {
                return Err(ApiError::invalid("constraints", "at most 20 items"));
            }
            Some(items) => Some(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, Constraint(text))| {
                        if text.chars().count() > 500 {
                            return Err(ApiError::invalid(
                                &format!("constraints[{i}]"),
                                "must be at most 500 characters",
                            ));
                        }
                        Ok(text.trim().to_string())
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };

        let metadata = self.metadata.map(Value::Object);
        if let Some(value) = &metadata {
            at_most(value, "metadata", 16 * KIB)?;
        }
        let client_webhook_url =
            optional_trimmed("clientWebhookUrl", self.client_webhook_url, 2048)?;
        if let Some(url) = &client_webhook_url {
            webhooks
                .check_url(url)
                .map_err(|problem| ApiError::invalid("clientWebhookUrl", problem))?;
        }

        Ok(CaseRequest {
            channel: Channel::Email,
            goal,
            counterparty,
            sender_persona,
            client_reference_id: optional_trimmed(
                "clientReferenceId",
                self.client_reference_id,
                200,
            )?,
            constraints,
            max_attempts: in_range("maxAttempts", self.max_attempts, 0, 10)?
                .unwrap_or(DEFAULT_MAX_ATTEMPTS),
            follow_up_delay_hours: in_range(
                "followUpDelayHours",
                self.follow_up_delay_hours,
                1,
                720,
            )?
            .unwrap_or(DEFAULT_FOLLOW_UP_DELAY_HOURS),
            result_schema: result_schema(self.result_schema)?,
            client_webhook_url,
            metadata,
            input_timeout_hours: in_range("inputTimeoutHours", self.input_timeout_hours, 1, 2160)?,
        })
    }
}

impl InputBody {
    /// Both fields trimmed and within their lengths.
    pub fn into_input(self) -> Result<ProvidedInput, ApiError> {
        Ok(ProvidedInput {
            input_request_id: trimmed("inputRequestId", self.input_request_id, 1, 200)?,
            provided_context: trimmed("providedContext", self.provided_context, 1, 8000)?,
        })
    }
}

#[cfg(test)]
mod tests;
