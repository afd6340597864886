//! The OpenAPI 3.1 document, generated from the handlers and their types. The committed
//! `openapi.json` must equal it (a test checks); regenerate with
//! `cargo run -p offload-api -- openapi > openapi.json`.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::OpenApi;

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
    #[schema(example = "EMAIL")]
    pub channel: ChannelName,
    pub goal: GoalBody,
    pub counterparty: CounterpartyBody,
    pub sender_persona: SenderPersonaBody,
    /// Your reference; not unique. At most 200 characters.
    #[schema(max_length = 200)]
    pub client_reference_id: Option<String>,
    /// Rules the agent must keep. At most 20 items of at most 500 characters.
    #[schema(max_items = 20)]
    pub constraints: Option<Vec<String>>,
    /// Automated follow-ups after the first message (default 3).
    #[schema(minimum = 0, maximum = 10, default = 3)]
    pub max_attempts: Option<u32>,
    /// Hours between follow-ups (default 72).
    #[schema(minimum = 1, maximum = 720, default = 72)]
    pub follow_up_delay_hours: Option<u32>,
    /// A JSON Schema (draft 2020-12) whose root accepts an object; the result is validated
    /// against it. At most 16 KiB.
    #[schema(value_type = Option<Object>)]
    pub result_schema: Option<Value>,
    /// Where events are POSTed: an absolute `https` URL (plain `http` only when the deployment
    /// allows it).
    #[schema(max_length = 2048)]
    pub client_webhook_url: Option<String>,
    /// Opaque, echoed in webhooks, never returned by GET. At most 16 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Hours an input request may stay unanswered before the case fails with `input_timeout`.
    #[schema(minimum = 1, maximum = 2160)]
    pub input_timeout_hours: Option<u32>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub enum ChannelName {
    #[serde(rename = "EMAIL")]
    Email,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalBody {
    /// What the case should achieve; 1..2000 characters after trimming.
    #[schema(min_length = 1, max_length = 2000)]
    pub objective: String,
    /// Context the agent may use when writing (a string or an object, at most 16 KiB).
    #[schema(value_type = Option<Object>)]
    pub knowledge: Option<Value>,
    /// Facts that inform decisions but never leave in mail (a string or an object, at most 16 KiB).
    #[schema(value_type = Option<Object>)]
    pub private_knowledge: Option<Value>,
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

/// Every error: `{"ok": false, "error": {...}}`.
#[derive(utoipa::ToSchema)]
#[schema(example = json!({
    "ok": false,
    "error": {
        "code": "INVALID_REQUEST",
        "message": "counterparty.address: not a valid email address",
        "requestId": "req_4f1c2a9e8b7d4c3a9f0e1d2c3b4a5968"
    }
}))]
pub struct ErrorEnvelope {
    /// Always `false`.
    pub ok: bool,
    pub error: ErrorDetail,
}

#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// A stable code such as `INVALID_REQUEST` or `CASE_NOT_FOUND`.
    pub code: String,
    /// What went wrong, naming the field path.
    pub message: String,
    /// Quote it when asking for help; it is also in the `x-request-id` header.
    pub request_id: String,
}

/// Answers every `x-api-key` route can give besides its own.
#[derive(utoipa::IntoResponses)]
pub enum KeyedRouteErrors {
    /// `UNAUTHORIZED`: the `x-api-key` header is missing or names no key.
    #[response(status = 401)]
    Unauthorized(ErrorEnvelope),
    /// `FORBIDDEN`: the key is inactive, or the case belongs to another tenant.
    #[response(status = 403)]
    Forbidden(ErrorEnvelope),
    /// `RATE_LIMITED`: the key's request rate is exceeded (see `Retry-After`); on `POST /cases`
    /// also `USAGE_LIMIT_REACHED`: the tenant's monthly case cap is reached.
    #[response(status = 429, headers(("Retry-After" = String, description = "Seconds to wait")))]
    TooManyRequests(ErrorEnvelope),
    /// `INTERNAL_ERROR`: an unexpected failure (details only in the logs).
    #[response(status = 500)]
    Internal(ErrorEnvelope),
    /// `UNAVAILABLE`: the workflow engine cannot be reached, or the request took over 30 s.
    #[response(status = 503, headers(("Retry-After" = String, description = "Seconds to wait")))]
    Unavailable(ErrorEnvelope),
}

/// Answers every route taking a JSON body can give about the body itself.
#[derive(utoipa::IntoResponses)]
pub enum JsonBodyErrors {
    /// `PAYLOAD_TOO_LARGE`: the body is over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorEnvelope),
    /// `UNSUPPORTED_MEDIA_TYPE`: the body is not `application/json`.
    #[response(status = 415)]
    NotJson(ErrorEnvelope),
}

/// Answers every route without an API key can give besides its own.
#[derive(utoipa::IntoResponses)]
pub enum OpenRouteErrors {
    /// `INTERNAL_ERROR`: an unexpected failure (details only in the logs).
    #[response(status = 500)]
    Internal(ErrorEnvelope),
    /// `UNAVAILABLE`: the workflow engine cannot be reached, or the request took over 30 s.
    #[response(status = 503, headers(("Retry-After" = String, description = "Seconds to wait")))]
    Unavailable(ErrorEnvelope),
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Offload case API",
        description = "Create cases that email a counterparty, follow up, read replies, ask you when a decision is needed and report the outcome.",
        license(name = "Apache-2.0")
    ),
    paths(
        crate::cases::create_case,
        crate::cases::list_cases,
        crate::cases::cancel_case,
        crate::cases::get_case,
        crate::cases::provide_input,
        crate::attachments::get_attachment,
        crate::inbound::receive_email,
        crate::inbound::receive_ses,
        crate::downloads::download,
        crate::meta::healthz,
        crate::meta::readyz,
        crate::meta::metrics,
        crate::meta::openapi_json,
        crate::meta::docs,
    ),
    components(schemas(ErrorEnvelope, CreateCaseBody, InputBody)),
    modifiers(&ApiKeyScheme),
    tags(
        (name = "cases", description = "Cases and their input requests"),
        (name = "inbound", description = "Mail coming back from counterparties"),
        (name = "service", description = "Service health"),
    )
)]
pub struct ApiDoc;

struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-api-key"))),
        );
        components.add_security_scheme(
            "inboundSecret",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-offload-inbound-secret"))),
        );
    }
}

/// The document as pretty JSON with a trailing newline, exactly as committed.
pub fn document() -> String {
    let mut document =
        serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    fix_link_keys(&mut document);
    let mut json = serde_json::to_string_pretty(&document).expect("JSON serializes");
    json.push('\n');
    json
}

/// utoipa 5.5 writes Link objects' `operationId`/`operationRef`/`requestBody` in snake case;
/// OpenAPI spells them in camel case.
fn fix_link_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(links)) = map.get_mut("links") {
                for link in links.values_mut() {
                    if let Value::Object(link) = link {
                        for (from, to) in [
                            ("operation_id", "operationId"),
                            ("operation_ref", "operationRef"),
                            ("request_body", "requestBody"),
                        ] {
                            if let Some(v) = link.remove(from) {
                                link.insert(to.to_string(), v);
                            }
                        }
                    }
                }
            }
            for child in map.values_mut() {
                fix_link_keys(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_link_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_openapi_json_matches_the_code() {
        let path = std::path::PathBuf::from(
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
        )
        .join("../openapi.json");
        let generated = super::document();
        if std::env::var("OFFLOAD_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "openapi.json differs from the code; regenerate it with \
             `cargo run -p offload-api -- openapi > openapi.json` (or OFFLOAD_UPDATE_OPENAPI=1 cargo test)"
        );
    }
}
