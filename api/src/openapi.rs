//! The OpenAPI 3.1 document, generated from the handlers and the very types that read requests
//! and write answers (so the document cannot describe a shape the code does not use). The committed
//! `openapi.json` must equal it (a test checks); regenerate with
//! `cargo run -p offload-api -- openapi > openapi.json`.

use serde_json::Value;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Offload case API",
        description = "Create cases that email a counterparty, follow up, read replies, ask you when a decision is needed and report the outcome.",
        license(name = "Apache-2.0")
    ),
    paths(
        crate::cases::create_case,
        crate::cases::listing::list_cases,
        crate::cases::cancel_case,
        crate::cases::get_case,
        crate::cases::provide_input,
        crate::cases::timeline::case_events,
        crate::cases::controls::pause_case,
        crate::cases::controls::resume_case,
        crate::cases::controls::redeliver_event,
        crate::suppressions::list_suppressions,
        crate::suppressions::lift_suppression,
        crate::unsubscribe::confirm,
        crate::unsubscribe::unsubscribe,
        crate::attachments::get_attachment,
        crate::answer_page::show,
        crate::answer_page::submit,
        crate::inbound::receive_email,
        crate::inbound::ses::receive_ses,
        crate::downloads::download,
        crate::meta::healthz,
        crate::meta::readyz,
        crate::meta::metrics,
        crate::meta::openapi_json,
        crate::meta::docs,
        crate::meta::docs_asset,
    ),
    components(schemas(
        crate::error::ErrorEnvelope,
        crate::cases::body::CreateCaseBody,
        crate::cases::body::InputBody
    )),
    modifiers(&ApiKeyScheme),
    tags(
        (name = "cases", description = "Cases and their input requests"),
        (name = "inbound", description = "Mail coming back from counterparties"),
        (name = "suppressions", description = "Addresses the tenant's cases must not write to"),
        (name = "unsubscribe", description = "One-click unsubscribe links of outbound mail (no API key)"),
        (name = "answer links", description = "Pages where the client's staff answer input requests without an API key"),
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
    drop_null_from_parameters(&mut document);
    crate::cases::result_schema::describe(&mut document);
    let mut json = serde_json::to_string_pretty(&document).expect("JSON serializes");
    json.push('\n');
    json
}

/// A parameter is absent or has a value, never `null`: utoipa describes an optional one as
/// "null or the value", which would have clients send the text `null`.
fn drop_null_from_parameters(document: &mut Value) {
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for operation in paths.values_mut().filter_map(Value::as_object_mut) {
        for operation in operation.values_mut() {
            let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for parameter in parameters {
                let schema = &mut parameter["schema"];
                if let Some(variants) = schema["oneOf"].as_array()
                    && variants.len() == 2
                    && variants[0] == serde_json::json!({"type": "null"})
                {
                    *schema = variants[1].clone();
                }
            }
        }
    }
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

    #[test]
    fn parameters_are_lists_and_never_null() {
        let document: serde_json::Value = serde_json::from_str(&super::document()).unwrap();
        for (path, operations) in document["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let Some(parameters) = operation.get("parameters") else {
                    continue;
                };
                for parameter in parameters.as_array().expect("a list") {
                    let schema = parameter["schema"].to_string();
                    assert!(!schema.contains("\"null\""), "{method} {path}: {schema}");
                }
            }
        }
    }

    /// The committed document and the deserializers agree: each request body's example names
    /// every property the document lists, and the type that reads the body accepts it whole.
    #[test]
    fn request_bodies_accept_every_property_the_document_lists() {
        use crate::cases::body::{CreateCaseBody, InputBody};
        let document: serde_json::Value = serde_json::from_str(crate::meta::OPENAPI_JSON).unwrap();
        let schemas = &document["components"]["schemas"];
        for name in ["CreateCaseBody", "InputBody"] {
            let schema = &schemas[name];
            let listed: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
            let example = &schema["example"];
            let given: Vec<&String> = example.as_object().unwrap().keys().collect();
            let mut missing: Vec<&&String> = listed.iter().filter(|k| !given.contains(k)).collect();
            missing.sort();
            assert!(missing.is_empty(), "{name}'s example lacks {missing:?}");
            assert_eq!(
                schema["additionalProperties"], false,
                "{name} refuses unknown fields"
            );
            let accepted = match name {
                "CreateCaseBody" => crate::extract::deserialize_body::<CreateCaseBody>(example)
                    .and_then(|b| b.into_request(&Default::default()))
                    .map(|_| ()),
                _ => crate::extract::deserialize_body::<InputBody>(example)
                    .and_then(InputBody::into_input)
                    .map(|_| ()),
            };
            assert!(accepted.is_ok(), "{name}: {accepted:?}");
        }
    }
}
