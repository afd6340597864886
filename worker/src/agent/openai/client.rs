//! The chat-completions client: our own wire types over plain reqwest, one attempt per call
//! (Temporal owns retries), answers read as one JSON object.

use crate::agent::AgentError;
use offload_core::config::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

// --- wire types -----------------------------------------------------------------------------

#[derive(Serialize, Debug)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: Vec<ChatMessage>,
    response_format: Value,
    temperature: f32,
}

#[derive(Serialize, Debug)]
struct ChatMessage {
    role: &'static str,
    content: String,
}

#[derive(Deserialize, Debug)]
struct ChatResponse {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

/// Tokens one completion used, as the endpoint reports them.
#[derive(Deserialize, Debug, Default)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

#[derive(Deserialize, Debug)]
struct Choice {
    message: AssistantMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Debug)]
struct AssistantMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

// --- the client -------------------------------------------------------------------------------

/// One chat-completions endpoint.
pub struct ChatClient {
    http: reqwest::Client,
    url: url::Url,
    model: String,
    api_key: Option<Secret>,
    /// Tokens the endpoint reported, prompt and completion, since the client was made.
    tokens: [std::sync::atomic::AtomicU64; 2],
    /// Where calls, their time, outcome and tokens are counted, by model.
    metrics: Option<std::sync::Arc<crate::metrics::WorkerMetrics>>,
}

impl ChatClient {
    pub fn new(
        base_url: &url::Url,
        model: String,
        api_key: Option<Secret>,
        timeout: Duration,
    ) -> Self {
        let mut base = base_url.clone();
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        ChatClient {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(Duration::from_secs(10))
                .build()
                .expect("a static HTTP client configuration is valid"),
            url: base
                .join("chat/completions")
                .expect("a relative path joins"),
            model,
            api_key,
            tokens: Default::default(),
            metrics: None,
        }
    }

    /// Counts this client's calls in `metrics` (the worker's `/metrics`).
    pub fn with_metrics(mut self, metrics: std::sync::Arc<crate::metrics::WorkerMetrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The model this client asks.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Prompt and completion tokens used so far (as the endpoint reported them).
    pub fn tokens_used(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.tokens[0].load(Relaxed), self.tokens[1].load(Relaxed))
    }

    /// One completion whose content must be a JSON object; counted by model and outcome.
    pub(super) async fn complete(
        &self,
        system: String,
        user: String,
        format: Value,
    ) -> Result<Value, AgentError> {
        let started = std::time::Instant::now();
        let outcome = self.complete_once(system, user, format).await;
        if let Some(metrics) = &self.metrics {
            let label = outcome_label(&outcome);
            metrics.model_call(&self.model, label, started.elapsed());
        }
        outcome
    }

    async fn complete_once(
        &self,
        system: String,
        user: String,
        format: Value,
    ) -> Result<Value, AgentError> {
        let body = ChatRequest {
            model: &self.model,
            messages: vec![
                ChatMessage {
                    role: "system",
                    content: system,
                },
                ChatMessage {
                    role: "user",
                    content: user,
                },
            ],
            response_format: format,
            temperature: 0.0,
        };
        let mut request = self.http.post(self.url.clone()).json(&body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose());
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                AgentError::Transient("the model endpoint timed out".into())
            } else {
                AgentError::Transient("the model endpoint could not be reached".into())
            }
        })?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(AgentError::RateLimited { retry_after });
        }
        if status.is_server_error() || status == reqwest::StatusCode::REQUEST_TIMEOUT {
            return Err(AgentError::Transient(format!(
                "the model endpoint answered {status}"
            )));
        }
        if !status.is_success() {
            // 4xx: a bad request, key or model; retrying cannot help. The provider's message is
            // kept (it names the problem) but cut short.
            let detail: String = response
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect();
            return Err(AgentError::Permanent(format!(
                "the model endpoint answered {status}: {detail}"
            )));
        }
        let parsed: ChatResponse = response.json().await.map_err(|_| {
            AgentError::Transient("the model endpoint sent an unreadable answer".into())
        })?;
        if let Some(usage) = &parsed.usage {
            use std::sync::atomic::Ordering::Relaxed;
            self.tokens[0].fetch_add(usage.prompt_tokens, Relaxed);
            self.tokens[1].fetch_add(usage.completion_tokens, Relaxed);
            if let Some(metrics) = &self.metrics {
                metrics.model_call_tokens(
                    &self.model,
                    usage.prompt_tokens,
                    usage.completion_tokens,
                );
            }
        }
        let choice = parsed
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| AgentError::Transient("the model sent no choices".into()))?;
        if choice.message.refusal.is_some() {
            return Err(AgentError::Transient("the model refused".into()));
        }
        if choice.finish_reason.as_deref() == Some("length") {
            return Err(AgentError::Transient(
                "the model's answer was cut off".into(),
            ));
        }
        let content = choice.message.content.unwrap_or_default();
        let value: Value = serde_json::from_str(strip_code_fence(&content))
            .map_err(|_| AgentError::Transient("the model's answer is not JSON".into()))?;
        if !value.is_object() {
            return Err(AgentError::Transient(
                "the model's answer is not a JSON object".into(),
            ));
        }
        Ok(value)
    }
}

/// How a call ended, as metrics name it (`ok`, `timeout`, `rate_limited`, `server_error`,
/// `refused`, `unusable`, `unreachable`). The error texts are written in this file, so they are
/// read only here.
pub(super) fn outcome_label(outcome: &Result<Value, AgentError>) -> &'static str {
    match outcome {
        Ok(_) => "ok",
        Err(AgentError::RateLimited { .. }) => "rate_limited",
        Err(AgentError::Permanent(_)) => "refused",
        Err(AgentError::Transient(why)) if why.contains("timed out") => "timeout",
        Err(AgentError::Transient(why)) if why.contains("could not be reached") => "unreachable",
        Err(AgentError::Transient(why)) if why.contains("answered") => "server_error",
        Err(AgentError::Transient(_)) => "unusable",
    }
}

/// Whether a permanent failure is the endpoint refusing every call — 401, 403, 404: the key, the
/// access, the model — rather than this call's own (a prompt too long, a filter).
pub(super) fn refuses_every_call(error: &AgentError) -> bool {
    matches!(error, AgentError::Permanent(why)
        if ["answered 401", "answered 403", "answered 404"].iter().any(|s| why.contains(s)))
}

/// Some local servers wrap JSON in a Markdown fence even in JSON mode.
fn strip_code_fence(text: &str) -> &str {
    let trimmed = text.trim();
    trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .map(str::trim)
        .unwrap_or(trimmed)
}

/// Whether OpenAI's strict mode accepts `schema`: every object closed, every property required,
/// only supported keywords, at most five levels deep.
pub fn strict_compatible(schema: &Value, depth: usize) -> bool {
    const ALLOWED: &[&str] = &[
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "description",
        "title",
        "anyOf",
        "const",
        "$schema",
    ];
    let Some(object) = schema.as_object() else {
        return false;
    };
    if depth > 5 || object.keys().any(|k| !ALLOWED.contains(&k.as_str())) {
        return false;
    }
    if let Some(variants) = object.get("anyOf") {
        return variants
            .as_array()
            .is_some_and(|v| v.iter().all(|s| strict_compatible(s, depth + 1)));
    }
    match object.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Some(properties) = object.get("properties").and_then(Value::as_object) else {
                return false;
            };
            let required: Vec<&str> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            object.get("additionalProperties") == Some(&Value::Bool(false))
                && properties.keys().all(|k| required.contains(&k.as_str()))
                && properties.values().all(|p| strict_compatible(p, depth + 1))
        }
        Some("array") => object
            .get("items")
            .is_some_and(|items| strict_compatible(items, depth + 1)),
        Some("string" | "number" | "integer" | "boolean" | "null") => true,
        _ => object
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|types| {
                types.iter().all(|t| {
                    matches!(
                        t.as_str(),
                        Some("string" | "number" | "integer" | "boolean" | "null")
                    )
                })
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_mode_takes_only_closed_fully_required_schemas() {
        assert!(strict_compatible(
            &json!({"type": "object", "additionalProperties": false, "required": ["a"], "properties": {"a": {"type": "string"}}}),
            0
        ));
        assert!(!strict_compatible(
            &json!({"type": "object", "properties": {"a": {"type": "string"}}}),
            0
        ));
        assert!(!strict_compatible(
            &json!({"type": "object", "additionalProperties": false, "required": [], "properties": {"a": {"type": "string"}}}),
            0
        ));
        assert!(!strict_compatible(
            &json!({"type": "object", "additionalProperties": false, "required": ["a"], "properties": {"a": {"type": "string", "format": "date"}}}),
            0
        ));
    }
}
