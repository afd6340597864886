//! Tests of `body`.

use super::*;
use crate::extract::deserialize_body;
use serde_json::json;

fn valid() -> Value {
    json!({
        "channel": "EMAIL",
        "goal": {"objective": "Get the signed W-9"},
        "counterparty": {"address": "ap@northstar.example", "name": "Maya Chen"},
        "senderPersona": {"name": "Avery"}
    })
}

fn create(body: &Value) -> Result<CaseRequest, ApiError> {
    deserialize_body::<CreateCaseBody>(body)?.into_request(&WebhookPolicy::default())
}

fn message(body: Value) -> String {
    match create(&body) {
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
fn defaults_are_applied_and_text_trimmed() {
    let request = create(&with(&["goal", "objective"], json!("  Get it  "))).unwrap();
    assert_eq!(request.max_attempts, 3);
    assert_eq!(request.follow_up_delay_hours, 72);
    assert_eq!(request.input_timeout_hours, None);
    assert_eq!(request.goal.objective, "Get it");
    let knowledge = create(&with(&["goal", "knowledge"], json!({"vendorId": "V-1"}))).unwrap();
    assert_eq!(knowledge.goal.knowledge, Some(json!({"vendorId": "V-1"})));
    let text = create(&with(&["goal", "privateKnowledge"], json!("hold"))).unwrap();
    assert_eq!(text.goal.private_knowledge, Some(json!("hold")));
    let nulls = create(&with(&["clientReferenceId"], Value::Null)).unwrap();
    assert_eq!(nulls.client_reference_id, None, "null reads as absent");
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
        (with(&["channel"], json!(1)), "channel: must be a string"),
        (
            with(&["goal", "objective"], json!("   ")),
            "goal.objective: must be 1..2000",
        ),
        (
            with(&["goal", "objective"], json!("x".repeat(2001))),
            "goal.objective: must be 1..2000",
        ),
        (
            with(&["goal", "objective"], Value::Null),
            "goal.objective: is required",
        ),
        (
            with(&["goal", "knowledge"], json!(5)),
            "goal.knowledge: must be a string or an object",
        ),
        (
            with(&["goal", "privateKnowledge"], json!([1])),
            "goal.privateKnowledge: must be a string or an object",
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
            with(
                &["counterparty", "customData"],
                json!({"a": "x".repeat(5000)}),
            ),
            "counterparty.customData: must be at most 4 KiB",
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
            with(&["constraints"], json!(["ok", "x".repeat(501)])),
            "constraints[1]: must be at most 500 characters",
        ),
        (
            with(&["constraints"], json!(vec!["c"; 21])),
            "constraints: at most 20 items",
        ),
        (
            with(&["constraints"], json!("one")),
            "constraints: must be an array",
        ),
        (
            with(&["maxAttempts"], json!(11)),
            "maxAttempts: must be between 0 and 10",
        ),
        (
            with(&["maxAttempts"], json!(-1)),
            "maxAttempts: must be between 0 and 10",
        ),
        (
            with(&["maxAttempts"], json!(1.5)),
            "maxAttempts: must be a whole number",
        ),
        (
            with(&["maxAttempts"], json!("3")),
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
            with(&["clientWebhookUrl"], json!("https://10.0.0.1/hook")),
            "clientWebhookUrl: must not point at a private",
        ),
        (
            with(&["clientReferenceId"], json!("x".repeat(201))),
            "clientReferenceId: must be at most 200",
        ),
        (
            // References go into Temporal's visibility queries: one line only.
            with(&["clientReferenceId"], json!("order\u{0}42")),
            "clientReferenceId: must be at most 200 characters after trimming, without control characters",
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
    let mut missing = valid();
    missing["senderPersona"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert_eq!(message(missing), "senderPersona.name: is required");
}

#[test]
fn deep_schemas_are_refused_before_compiling() {
    let mut schema = json!({"type": "object"});
    for _ in 0..40 {
        schema = json!({"type": "object", "properties": {"x": schema}});
    }
    assert!(message(with(&["resultSchema"], schema)).contains("nested deeper"));
}

#[test]
fn input_bodies_are_trimmed_and_bounded() {
    let input = deserialize_body::<InputBody>(
        &json!({"inputRequestId": " r1 ", "providedContext": " 2025 "}),
    )
    .unwrap()
    .into_input()
    .unwrap();
    assert_eq!(input.input_request_id, "r1");
    assert_eq!(input.provided_context, "2025");
    let too_long = deserialize_body::<InputBody>(
        &json!({"inputRequestId": "r1", "providedContext": "x".repeat(8001)}),
    );
    assert!(matches!(too_long, Err(ApiError::InvalidRequest(m))
        if m == "providedContext: must be 1..8000 characters after trimming"));
}
