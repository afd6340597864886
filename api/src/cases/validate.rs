//! Validation of request bodies: every rule of spec §2, every message naming the field path.

use crate::error::ApiError;
use offload_core::config::is_email_address;
use offload_workflows::case::{
    CaseRequest, Channel, Counterparty, DEFAULT_FOLLOW_UP_DELAY_HOURS, DEFAULT_MAX_ATTEMPTS, Goal,
    SenderPersona,
};
use offload_workflows::state::ProvidedInput;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::str::FromStr;

const KIB: usize = 1024;
/// Schemas nested deeper than this are refused before compiling (deep nesting overflows stacks).
const MAX_SCHEMA_DEPTH: usize = 32;

type Object = Map<String, Value>;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Unknown fields are refused, naming the first one.
fn only_known(object: &Object, path: &str, known: &[&str]) -> Result<(), ApiError> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(ApiError::invalid(&join(path, unknown), "unknown field")),
        None => Ok(()),
    }
}

fn object<'a>(parent: &'a Object, path: &str, key: &str) -> Result<Option<&'a Object>, ApiError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(ApiError::invalid(&join(path, key), "must be an object")),
    }
}

fn required_object<'a>(parent: &'a Object, path: &str, key: &str) -> Result<&'a Object, ApiError> {
    object(parent, path, key)?.ok_or_else(|| ApiError::invalid(&join(path, key), "is required"))
}

/// A string field, trimmed, of `min..=max` characters.
fn string(
    parent: &Object,
    path: &str,
    key: &str,
    min: usize,
    max: usize,
) -> Result<Option<String>, ApiError> {
    let field = join(path, key);
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let trimmed = s.trim();
            let len = trimmed.chars().count();
            if len < min || len > max {
                let rule = if min == 0 {
                    format!("must be at most {max} characters")
                } else {
                    format!("must be {min}..{max} characters after trimming")
                };
                return Err(ApiError::invalid(&field, rule));
            }
            Ok(Some(trimmed.to_string()))
        }
        Some(_) => Err(ApiError::invalid(&field, "must be a string")),
    }
}

fn required_string(
    parent: &Object,
    path: &str,
    key: &str,
    min: usize,
    max: usize,
) -> Result<String, ApiError> {
    string(parent, path, key, min, max)?
        .ok_or_else(|| ApiError::invalid(&join(path, key), "is required"))
}

fn integer(parent: &Object, key: &str, min: i64, max: i64) -> Result<Option<u32>, ApiError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(v) if (min..=max).contains(&v) => Ok(Some(v as u32)),
            Some(_) => Err(ApiError::invalid(
                key,
                format!("must be between {min} and {max}"),
            )),
            None => Err(ApiError::invalid(key, "must be a whole number")),
        },
        Some(_) => Err(ApiError::invalid(key, "must be an integer")),
    }
}

fn serialized_len(value: &Value) -> usize {
    serde_json::to_vec(value)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

fn at_most(value: &Value, field: &str, limit: usize) -> Result<(), ApiError> {
    if serialized_len(value) > limit {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {} KiB serialized", limit / KIB),
        ));
    }
    Ok(())
}

fn knowledge(goal: &Object, key: &str) -> Result<Option<Value>, ApiError> {
    let field = join("goal", key);
    match goal.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value @ (Value::String(_) | Value::Object(_))) => {
            at_most(value, &field, 16 * KIB)?;
            Ok(Some(value.clone()))
        }
        Some(_) => Err(ApiError::invalid(&field, "must be a string or an object")),
    }
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A valid JSON Schema (draft 2020-12) whose root accepts an object.
fn result_schema(root: &Object) -> Result<Option<Value>, ApiError> {
    let field = "resultSchema";
    let Some(schema) = object(root, "", field)? else {
        return Ok(None);
    };
    let schema = Value::Object(schema.clone());
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

fn webhook_url(root: &Object, policy: &WebhookPolicy) -> Result<Option<String>, ApiError> {
    let allow_http = policy.allow_http;
    let field = "clientWebhookUrl";
    let Some(raw) = string(root, "", field, 0, 2048)? else {
        return Ok(None);
    };
    let url =
        url::Url::parse(&raw).map_err(|_| ApiError::invalid(field, "must be an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(ApiError::invalid(
                field,
                "must use https (plain http is only allowed when OFFLOAD_WEBHOOK_ALLOW_HTTP=true)",
            ));
        }
        _ => return Err(ApiError::invalid(field, "must be an https URL")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ApiError::invalid(field, "must name a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::invalid(field, "must not carry credentials"));
    }
    // Hostnames are checked when they are resolved, at delivery; literal addresses now.
    let host = url.host_str().unwrap_or("");
    if let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        && !offload_core::net::webhook_may_reach(ip, &policy.allowed)
    {
        return Err(ApiError::invalid(
            field,
            "must not point at a private, loopback, link-local or otherwise non-public address",
        ));
    }
    Ok(Some(raw))
}

fn constraints(root: &Object) -> Result<Option<Vec<String>>, ApiError> {
    let field = "constraints";
    match root.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            if items.len() > 20 {
                return Err(ApiError::invalid(field, "at most 20 items"));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let at = format!("{field}[{i}]");
                    match item {
                        Value::String(s) if s.chars().count() <= 500 => Ok(s.trim().to_string()),
                        Value::String(_) => {
                            Err(ApiError::invalid(&at, "must be at most 500 characters"))
                        }
                        _ => Err(ApiError::invalid(&at, "must be a string")),
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some)
        }
        Some(_) => Err(ApiError::invalid(field, "must be an array of strings")),
    }
}

fn custom_data(counterparty: &Object) -> Result<Option<BTreeMap<String, String>>, ApiError> {
    let field = "counterparty.customData";
    let Some(map) = object(counterparty, "counterparty", "customData")? else {
        return Ok(None);
    };
    at_most(&Value::Object(map.clone()), field, 4 * KIB)?;
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            _ => Err(ApiError::invalid(
                &format!("{field}.{k}"),
                "must be a string",
            )),
        })
        .collect::<Result<BTreeMap<_, _>, _>>()
        .map(Some)
}

/// Which webhook URLs this deployment accepts.
pub struct WebhookPolicy {
    pub allow_http: bool,
    pub allowed: Vec<offload_core::net::Cidr>,
}

/// Validates a `POST /cases` body and applies defaults.
pub fn create_request(root: &Object, webhooks: &WebhookPolicy) -> Result<CaseRequest, ApiError> {
    only_known(
        root,
        "",
        &[
            "channel",
            "goal",
            "counterparty",
            "senderPersona",
            "clientReferenceId",
            "constraints",
            "maxAttempts",
            "followUpDelayHours",
            "resultSchema",
            "clientWebhookUrl",
            "metadata",
            "inputTimeoutHours",
        ],
    )?;

    let channel = match root.get("channel") {
        None | Some(Value::Null) => return Err(ApiError::invalid("channel", "is required")),
        Some(Value::String(c)) if c == "EMAIL" => Channel::Email,
        Some(Value::String(c)) if c == "SMS" => {
            return Err(ApiError::invalid(
                "channel",
                "SMS is not supported; the only channel is \"EMAIL\"",
            ));
        }
        Some(_) => return Err(ApiError::invalid("channel", "must be \"EMAIL\"")),
    };

    let goal = required_object(root, "", "goal")?;
    only_known(
        goal,
        "goal",
        &["objective", "knowledge", "privateKnowledge"],
    )?;
    let goal = Goal {
        objective: required_string(goal, "goal", "objective", 1, 2000)?,
        knowledge: knowledge(goal, "knowledge")?,
        private_knowledge: knowledge(goal, "privateKnowledge")?,
    };

    let counterparty_obj = required_object(root, "", "counterparty")?;
    only_known(
        counterparty_obj,
        "counterparty",
        &["address", "name", "company", "timezone", "customData"],
    )?;
    let address = required_string(counterparty_obj, "counterparty", "address", 1, 254).map_err(
        |e| match e {
            ApiError::InvalidRequest(m) if m.ends_with("characters after trimming") => {
                ApiError::invalid("counterparty.address", "not a valid email address")
            }
            other => other,
        },
    )?;
    if !is_email_address(&address) {
        return Err(ApiError::invalid(
            "counterparty.address",
            "not a valid email address",
        ));
    }
    let timezone = string(counterparty_obj, "counterparty", "timezone", 1, 64)?;
    if let Some(zone) = &timezone
        && chrono_tz::Tz::from_str(zone).is_err()
    {
        return Err(ApiError::invalid(
            "counterparty.timezone",
            "not a valid IANA time zone name (such as Europe/Berlin)",
        ));
    }
    let counterparty = Counterparty {
        address,
        name: required_string(counterparty_obj, "counterparty", "name", 1, 200)?,
        company: string(counterparty_obj, "counterparty", "company", 0, 200)?,
        timezone,
        custom_data: custom_data(counterparty_obj)?,
    };

    let persona = required_object(root, "", "senderPersona")?;
    only_known(
        persona,
        "senderPersona",
        &["name", "role", "company", "tone"],
    )?;
    let sender_persona = SenderPersona {
        name: required_string(persona, "senderPersona", "name", 1, 200)?,
        role: string(persona, "senderPersona", "role", 0, 200)?,
        company: string(persona, "senderPersona", "company", 0, 200)?,
        tone: string(persona, "senderPersona", "tone", 0, 200)?,
    };

    let metadata = match object(root, "", "metadata")? {
        Some(map) => {
            let value = Value::Object(map.clone());
            at_most(&value, "metadata", 16 * KIB)?;
            Some(value)
        }
        None => None,
    };

    Ok(CaseRequest {
        channel,
        goal,
        counterparty,
        sender_persona,
        client_reference_id: string(root, "", "clientReferenceId", 0, 200)?,
        constraints: constraints(root)?,
        max_attempts: integer(root, "maxAttempts", 0, 10)?.unwrap_or(DEFAULT_MAX_ATTEMPTS),
        follow_up_delay_hours: integer(root, "followUpDelayHours", 1, 720)?
            .unwrap_or(DEFAULT_FOLLOW_UP_DELAY_HOURS),
        result_schema: result_schema(root)?,
        client_webhook_url: webhook_url(root, webhooks)?,
        metadata,
        input_timeout_hours: integer(root, "inputTimeoutHours", 1, 2160)?,
    })
}

/// Validates a `POST /cases/{id}/input` body.
pub fn input(root: &Object) -> Result<ProvidedInput, ApiError> {
    only_known(root, "", &["inputRequestId", "providedContext"])?;
    Ok(ProvidedInput {
        input_request_id: required_string(root, "", "inputRequestId", 1, 200)?,
        provided_context: required_string(root, "", "providedContext", 1, 8000)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "channel": "EMAIL",
            "goal": {"objective": "Get the signed W-9"},
            "counterparty": {"address": "ap@northstar.example", "name": "Maya Chen"},
            "senderPersona": {"name": "Avery"}
        })
    }

    const STRICT: WebhookPolicy = WebhookPolicy {
        allow_http: false,
        allowed: Vec::new(),
    };

    fn message(body: Value) -> String {
        match create_request(body.as_object().unwrap(), &STRICT) {
            Err(ApiError::InvalidRequest(m)) => m,
            other => panic!("expected INVALID_REQUEST, got {other:?}"),
        }
    }

    fn with(path: &[&str], value: Value) -> Value {
        let mut body = valid();
        let mut target = &mut body;
        for key in &path[..path.len() - 1] {
            target = target
                .as_object_mut()
                .unwrap()
                .entry(key.to_string())
                .or_insert(json!({}));
        }
        target[path[path.len() - 1]] = value;
        body
    }

    #[test]
    fn defaults_are_applied() {
        let request = create_request(valid().as_object().unwrap(), &STRICT).unwrap();
        assert_eq!(request.max_attempts, 3);
        assert_eq!(request.follow_up_delay_hours, 72);
        assert_eq!(request.input_timeout_hours, None);
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (
                with(&["channel"], json!("SMS")),
                "channel: SMS is not supported",
            ),
            (
                with(&["channel"], json!("FAX")),
                "channel: must be \"EMAIL\"",
            ),
            (
                with(&["goal", "objective"], json!("   ")),
                "goal.objective: must be 1..2000",
            ),
            (
                with(&["goal", "objective"], json!("x".repeat(2001))),
                "goal.objective: must be 1..2000",
            ),
            (
                with(&["goal", "knowledge"], json!(5)),
                "goal.knowledge: must be a string or an object",
            ),
            (
                with(&["goal", "knowledge"], json!("x".repeat(17 * 1024))),
                "goal.knowledge: must be at most 16 KiB",
            ),
            (
                with(&["goal", "extra"], json!(1)),
                "goal.extra: unknown field",
            ),
            (
                with(&["counterparty", "address"], json!("not-an-email")),
                "counterparty.address: not a valid email address",
            ),
            (
                with(
                    &["counterparty", "address"],
                    json!(format!("{}@x.com", "a".repeat(250))),
                ),
                "counterparty.address: not a valid email address",
            ),
            (
                with(&["counterparty", "name"], json!("")),
                "counterparty.name: must be 1..200",
            ),
            (
                with(&["counterparty", "timezone"], json!("Mars/Olympus")),
                "counterparty.timezone: not a valid IANA",
            ),
            (
                with(&["counterparty", "customData"], json!({"a": 1})),
                "counterparty.customData.a: must be a string",
            ),
            (
                with(&["senderPersona", "tone"], json!("x".repeat(201))),
                "senderPersona.tone: must be at most 200",
            ),
            (
                with(&["constraints"], json!(["ok", 3])),
                "constraints[1]: must be a string",
            ),
            (
                with(&["constraints"], json!(vec!["c"; 21])),
                "constraints: at most 20 items",
            ),
            (
                with(&["maxAttempts"], json!(11)),
                "maxAttempts: must be between 0 and 10",
            ),
            (
                with(&["maxAttempts"], json!(1.5)),
                "maxAttempts: must be a whole number",
            ),
            (
                with(&["followUpDelayHours"], json!(0)),
                "followUpDelayHours: must be between 1 and 720",
            ),
            (
                with(&["inputTimeoutHours"], json!(2161)),
                "inputTimeoutHours: must be between 1 and 2160",
            ),
            (
                with(&["resultSchema"], json!({"type": "array"})),
                "resultSchema: the root must accept an object",
            ),
            (
                with(&["resultSchema"], json!({"type": 12})),
                "resultSchema: not a valid JSON Schema",
            ),
            (
                with(&["resultSchema"], json!("object")),
                "resultSchema: must be an object",
            ),
            (
                with(&["clientWebhookUrl"], json!("http://example.com/hook")),
                "clientWebhookUrl: must use https",
            ),
            (
                with(&["clientWebhookUrl"], json!("not a url")),
                "clientWebhookUrl: must be an absolute URL",
            ),
            (
                with(&["clientReferenceId"], json!("x".repeat(201))),
                "clientReferenceId: must be at most 200",
            ),
            (
                with(&["metadata"], json!([1])),
                "metadata: must be an object",
            ),
            (with(&["surprise"], json!(true)), "surprise: unknown field"),
        ];
        for (body, expected) in cases {
            let got = message(body);
            assert!(
                got.starts_with(expected),
                "expected {expected:?}, got {got:?}"
            );
        }
        let mut missing = valid();
        missing.as_object_mut().unwrap().remove("counterparty");
        assert_eq!(message(missing), "counterparty: is required");
    }

    #[test]
    fn deep_schemas_are_refused_before_compiling() {
        let mut schema = json!({"type": "object"});
        for _ in 0..40 {
            schema = json!({"type": "object", "properties": {"x": schema}});
        }
        assert!(message(with(&["resultSchema"], schema)).contains("nested deeper"));
    }
}
