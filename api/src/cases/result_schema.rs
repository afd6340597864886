//! `resultSchema`: the JSON Schema (draft 2020-12) a case's result must match. The document
//! states the same rule the code keeps: the draft's meta-schema, keyword by keyword (written out
//! in [`document_schema`], so clients and fuzzers see what each keyword takes), without the
//! reference keywords, whose targets a case could not resolve, and with a root that accepts an
//! object. Size and depth caps the document can only describe.

use super::body::{KIB, at_most};
use crate::error::ApiError;
use serde_json::{Map, Value, json};

/// Schemas nested deeper than this are refused before compiling (deep nesting overflows stacks).
const MAX_SCHEMA_DEPTH: usize = 32;
/// Keywords that name or reach other documents; a result schema stands alone.
const REFERENCE_KEYWORDS: [&str; 9] = [
    "$ref",
    "$dynamicRef",
    "$recursiveRef",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$schema",
    "$vocabulary",
];
/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: [&str; 12] = [
    "additionalProperties",
    "propertyNames",
    "items",
    "contains",
    "if",
    "then",
    "else",
    "not",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    // Deprecated in 2020-12 but still read.
    "additionalItems",
];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAP_KEYWORDS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is a non-empty list of schemas.
const SCHEMA_LIST_KEYWORDS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// The component names in `openapi.json`.
pub const NODE: &str = "JsonSchema";

/// Checks a result schema: size, depth, the meta-schema, no references, a root that accepts an
/// object, and that it compiles (its patterns are regular expressions).
pub fn check(schema: Option<Map<String, Value>>) -> Result<Option<Value>, ApiError> {
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
    if let Some(at) = reference_in(&schema, String::new()) {
        return Err(ApiError::invalid(
            field,
            format!("must not use references ($ref, $id, $schema, …): found at {at}"),
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

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The JSON pointer of the first reference keyword in a schema position, walking the same
/// keywords the document describes (a property *named* `$ref` is no reference).
fn reference_in(schema: &Value, at: String) -> Option<String> {
    let Value::Object(map) = schema else {
        return None;
    };
    if let Some(keyword) = REFERENCE_KEYWORDS.iter().find(|k| map.contains_key(**k)) {
        return Some(format!("{at}/{keyword}"));
    }
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    for (keyword, value) in map {
        let inner = format!("{at}/{}", escape(keyword));
        let found = match (keyword.as_str(), value) {
            (k, v) if SCHEMA_KEYWORDS.contains(&k) => reference_in(v, inner),
            (k, Value::Object(schemas)) if SCHEMA_MAP_KEYWORDS.contains(&k) => schemas
                .iter()
                .find_map(|(name, v)| reference_in(v, format!("{inner}/{}", escape(name)))),
            (k, Value::Array(schemas)) if SCHEMA_LIST_KEYWORDS.contains(&k) => schemas
                .iter()
                .enumerate()
                .find_map(|(i, v)| reference_in(v, format!("{inner}/{i}"))),
            ("dependencies", Value::Object(entries)) => entries
                .iter()
                .find_map(|(name, v)| reference_in(v, format!("{inner}/{}", escape(name)))),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The draft 2020-12 meta-schema, written out for the document (references excluded).
pub fn document_schema() -> Value {
    let node = json!({"$ref": format!("#/components/schemas/{NODE}")});
    let map = json!({"type": "object", "additionalProperties": node});
    let list = json!({"type": "array", "minItems": 1, "items": node});
    let count = json!({"type": "integer", "minimum": 0});
    let strings = json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true});
    let simple =
        json!({"enum": ["array", "boolean", "integer", "null", "number", "object", "string"]});
    let mut properties = Map::new();
    for keyword in REFERENCE_KEYWORDS {
        properties.insert(keyword.into(), json!(false));
    }
    for keyword in SCHEMA_KEYWORDS {
        properties.insert(keyword.into(), node.clone());
    }
    for keyword in SCHEMA_MAP_KEYWORDS {
        properties.insert(keyword.into(), map.clone());
    }
    properties["patternProperties"]["propertyNames"] = json!({"format": "regex"});
    for keyword in SCHEMA_LIST_KEYWORDS {
        properties.insert(keyword.into(), list.clone());
    }
    for keyword in [
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "maxContains",
        "minContains",
        "maxProperties",
        "minProperties",
    ] {
        properties.insert(keyword.into(), count.clone());
    }
    for keyword in ["maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"] {
        properties.insert(keyword.into(), json!({"type": "number"}));
    }
    for keyword in [
        "format",
        "title",
        "description",
        "$comment",
        "contentEncoding",
        "contentMediaType",
    ] {
        properties.insert(keyword.into(), json!({"type": "string"}));
    }
    for keyword in ["uniqueItems", "deprecated", "readOnly", "writeOnly"] {
        properties.insert(keyword.into(), json!({"type": "boolean"}));
    }
    let more = json!({
        "type": {"anyOf": [simple, {"type": "array", "items": simple, "minItems": 1, "uniqueItems": true}]},
        "enum": {"type": "array"},
        "examples": {"type": "array"},
        "multipleOf": {"type": "number", "exclusiveMinimum": 0},
        "pattern": {"type": "string", "format": "regex"},
        "required": strings,
        "dependentRequired": {"type": "object", "additionalProperties": strings},
        "dependencies": {"type": "object", "additionalProperties": {"anyOf": [node, strings]}},
    });
    properties.extend(more.as_object().expect("an object").clone());
    json!({
        "description": "A JSON Schema (draft 2020-12) without references: the draft's meta-schema keyword by keyword; other keywords are kept and ignored.",
        "type": ["object", "boolean"],
        "properties": properties,
    })
}

/// `resultSchema` itself: a schema object whose root accepts an object, or nothing.
pub fn optional() -> Value {
    json!({
        "description": "A JSON Schema (draft 2020-12) whose root accepts an object; the result is validated against it. No references (`$ref`, `$id`, …); at most 16 KiB serialized and 32 levels deep.",
        "oneOf": [
            {"type": "null"},
            {
                "allOf": [{"$ref": format!("#/components/schemas/{NODE}")}],
                "type": "object",
                "properties": {
                    "type": {"anyOf": [
                        {"const": "object"},
                        {"type": "array", "contains": {"const": "object"}}
                    ]}
                }
            }
        ]
    })
}

/// Writes both into the document: utoipa's schema types cannot hold boolean schemas, `const`
/// or `contains`, so the generated document is completed here.
pub fn describe(document: &mut Value) {
    let schemas = &mut document["components"]["schemas"];
    schemas[NODE] = document_schema();
    schemas["CreateCaseBody"]["properties"]["resultSchema"] = optional();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_in_schema_positions_only() {
        let found = |schema: Value| reference_in(&schema, String::new());
        assert_eq!(found(json!({"$ref": "#"})), Some("/$ref".into()));
        assert_eq!(
            found(json!({"properties": {"a": {"items": {"$id": "x"}}}})),
            Some("/properties/a/items/$id".into())
        );
        assert_eq!(
            found(json!({"anyOf": [{}, {"$schema": "x"}]})),
            Some("/anyOf/1/$schema".into())
        );
        // A property named `$ref`, or an example holding one, is no reference.
        assert_eq!(
            found(json!({"properties": {"$ref": {"type": "string"}}, "examples": [{"$ref": 1}]})),
            None
        );
    }

    /// The document's node schema and the check agree on samples of every kind of keyword.
    #[test]
    fn the_document_accepts_what_the_check_accepts() {
        let mut resources = serde_json::json!({"$defs": {}});
        resources["$defs"][NODE] = document_schema();
        let mut root = optional();
        // Resolve the document's component references inside one schema.
        let text = serde_json::to_string(&root)
            .unwrap()
            .replace("#/components/schemas/", "#/$defs/");
        root = serde_json::from_str(&text).unwrap();
        let node = serde_json::to_string(&resources["$defs"][NODE])
            .unwrap()
            .replace("#/components/schemas/", "#/$defs/");
        resources["$defs"][NODE] = serde_json::from_str(&node).unwrap();
        root["$defs"] = resources["$defs"].clone();
        let document = jsonschema::draft202012::new(&root).unwrap();
        for sample in [
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}),
            json!({"type": ["object", "null"]}),
            json!({}),
            json!({"else": [1]}),
            json!({"type": "string"}),
            json!({"$ref": "#"}),
            json!({"properties": {"$ref": {"type": "string"}}}),
            json!({"minLength": -1}),
            json!({"minLength": 1.0}),
            json!({"required": ["a", "a"]}),
            json!({"type": []}),
            json!({"allOf": []}),
            json!({"pattern": "^a+$"}),
            json!({"x-unknown": {"$ref": 3}}),
            json!({"dependencies": {"a": ["b"], "c": {"type": "string"}}}),
            json!({"multipleOf": 0}),
        ] {
            let by_code = check(sample.as_object().cloned()).is_ok();
            assert_eq!(document.is_valid(&sample), by_code, "{sample}");
        }
    }
}
