//! The OpenAI-compatible agent (`OFFLOAD_AGENT=openai`): any chat-completions endpoint (OpenAI,
//! Ollama, vLLM, llama.cpp server, LiteLLM). Plain reqwest with our own types; one attempt per
//! call (Temporal owns retries). The model only proposes: a structured decision, drafts and
//! extractions; the guards in [`super::guards`] decide what is accepted and what may be sent.

use super::guards::{draft_violations, injection_signal, ungrounded_values, valid_evidence};
use super::rules;
use super::{Agent, AgentError};
use async_trait::async_trait;
use offload_core::config::Secret;
use offload_workflows::activities::{AgentRequest, Decision, Draft};
use offload_workflows::state::{Direction, TranscriptMessage};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::Duration;

const OUTREACH: &str = include_str!("../../prompts/outreach.md");
const FOLLOW_UP: &str = include_str!("../../prompts/follow_up.md");
const EVALUATE: &str = include_str!("../../prompts/evaluate.md");
const EXTRACT: &str = include_str!("../../prompts/extract.md");
const REPLY: &str = include_str!("../../prompts/reply.md");
const REVIEW: &str = include_str!("../../prompts/review.md");

/// Longest text of ours we put into one prompt (the thread is cut from the oldest end).
const MAX_THREAD_CHARS: usize = 60_000;

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

/// What the model answers to "evaluate".
#[derive(Deserialize, Debug, Clone)]
struct Envelope {
    decision: String,
    reason: String,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    reply_draft: Option<String>,
    #[serde(default)]
    question_for_client: Option<String>,
}

#[derive(Deserialize, Debug)]
struct Review {
    compliant: bool,
    #[serde(default)]
    violations: Vec<String>,
}

fn strict(name: &str, schema: Value) -> Value {
    json!({"type": "json_schema", "json_schema": {"name": name, "strict": true, "schema": schema}})
}

fn draft_format() -> Value {
    strict(
        "email_draft",
        json!({
            "type": "object", "additionalProperties": false,
            "required": ["subject", "body"],
            "properties": {"subject": {"type": "string"}, "body": {"type": "string"}}
        }),
    )
}

fn envelope_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["decision", "reason", "evidence", "reply_draft", "question_for_client"],
        "properties": {
            "decision": {"type": "string", "enum": ["goal_achieved", "rejected", "reply", "needs_input"]},
            "reason": {"type": "string"},
            "evidence": {"type": "array", "items": {"type": "string"}},
            "reply_draft": {"type": ["string", "null"]},
            "question_for_client": {"type": ["string", "null"]}
        }
    })
}

fn review_format() -> Value {
    strict(
        "draft_review",
        json!({
            "type": "object", "additionalProperties": false,
            "required": ["compliant", "violations"],
            "properties": {"compliant": {"type": "boolean"}, "violations": {"type": "array", "items": {"type": "string"}}}
        }),
    )
}

// --- the client -------------------------------------------------------------------------------

/// One chat-completions endpoint.
pub struct ChatClient {
    http: reqwest::Client,
    url: url::Url,
    model: String,
    api_key: Option<Secret>,
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
        }
    }

    /// One completion whose content must be a JSON object.
    async fn complete(
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

// --- prompts ----------------------------------------------------------------------------------

fn render(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

fn text_or_none(value: Option<&Value>) -> String {
    match value {
        None => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

fn persona(request: &AgentRequest) -> String {
    let p = &request.sender_persona;
    let mut who = p.name.clone();
    if let Some(role) = &p.role {
        who.push_str(&format!(", {role}"));
    }
    if let Some(company) = &p.company {
        who.push_str(&format!(" at {company}"));
    }
    who
}

fn counterparty(request: &AgentRequest) -> String {
    let c = &request.counterparty;
    match &c.company {
        Some(company) => format!("{} ({company})", c.name),
        None => c.name.clone(),
    }
}

fn constraints(request: &AgentRequest) -> String {
    if request.constraints.is_empty() {
        "(none)".into()
    } else {
        request
            .constraints
            .iter()
            .map(|c| format!("- {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn human_inputs(request: &AgentRequest) -> String {
    if request.human_inputs.is_empty() {
        return "(nothing yet)".into();
    }
    request
        .human_inputs
        .iter()
        .map(|h| {
            format!(
                "- Asked: {}\n  Answered: {}",
                h.question, h.provided_context
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn common_vars(request: &AgentRequest) -> Vec<(&'static str, String)> {
    vec![
        ("persona", persona(request)),
        ("persona_name", request.sender_persona.name.clone()),
        (
            "tone",
            request
                .sender_persona
                .tone
                .clone()
                .unwrap_or_else(|| "professional and friendly".into()),
        ),
        ("objective", request.goal.objective.clone()),
        ("knowledge", text_or_none(request.goal.knowledge.as_ref())),
        (
            "private_knowledge",
            text_or_none(request.goal.private_knowledge.as_ref()),
        ),
        ("constraints", constraints(request)),
        ("counterparty", counterparty(request)),
        ("human_inputs", human_inputs(request)),
        ("follow_up_number", request.follow_up_number.to_string()),
    ]
}

/// The conversation as delimited, untrusted data; the newest messages win when it is long.
fn thread(request: &AgentRequest) -> String {
    let new: std::collections::HashSet<usize> = request.new_reply_indices.iter().copied().collect();
    let mut blocks: Vec<String> = request
        .transcript
        .iter()
        .enumerate()
        .map(|(i, m)| message_block(request, i, m, new.contains(&i)))
        .collect();
    let mut total: usize = blocks.iter().map(String::len).sum();
    while total > MAX_THREAD_CHARS && blocks.len() > 1 {
        total -= blocks.remove(0).len();
    }
    blocks.join("\n\n")
}

fn message_block(request: &AgentRequest, i: usize, m: &TranscriptMessage, new: bool) -> String {
    let who = match m.direction {
        Direction::Inbound => "counterparty",
        Direction::Outbound => "us",
    };
    let files: Vec<String> = m
        .attachment_ids
        .iter()
        .filter_map(|id| request.attachments.iter().find(|a| &a.attachment_id == id))
        .map(|a| format!("attachment:{}", a.name))
        .collect();
    // The delimiter cannot be forged from inside a message.
    let body = m.body.replace("untrusted_email", "untrusted-email");
    format!(
        "<untrusted_email n=\"{}\" from=\"{who}\" status=\"{}\">\nSubject: {}\nAttachments: {}\n\n{}\n</untrusted_email>",
        i + 1,
        if new { "NEW" } else { "earlier" },
        m.subject.replace("untrusted_email", "untrusted-email"),
        if files.is_empty() {
            "(none)".into()
        } else {
            files.join(", ")
        },
        body
    )
}

// --- the agent -------------------------------------------------------------------------------

pub struct OpenAiAgent {
    client: ChatClient,
}

impl OpenAiAgent {
    pub fn new(client: ChatClient) -> Self {
        OpenAiAgent { client }
    }

    /// Everything a draft of ours may quote: the goal and the knowledge (for links).
    fn allowed_text(request: &AgentRequest) -> String {
        format!(
            "{} {}",
            request.goal.objective,
            text_or_none(request.goal.knowledge.as_ref())
        )
    }

    /// Why `body` may not go out: the code checks, then (with constraints) the model's review.
    async fn violations(
        &self,
        request: &AgentRequest,
        body: &str,
    ) -> Result<Vec<String>, AgentError> {
        let mut violations = draft_violations(
            body,
            request.goal.private_knowledge.as_ref(),
            request.goal.knowledge.as_ref(),
            &Self::allowed_text(request),
        );
        if violations.is_empty() && !request.constraints.is_empty() {
            let system = render(
                REVIEW,
                &[
                    ("constraints", constraints(request)),
                    ("draft", body.to_string()),
                ],
            );
            let review: Review = serde_json::from_value(
                self.client
                    .complete(system, "Review the draft.".into(), review_format())
                    .await?,
            )
            .map_err(|_| AgentError::Transient("the review does not match its schema".into()))?;
            if !review.compliant {
                violations.extend(
                    review
                        .violations
                        .into_iter()
                        .take(5)
                        .map(|v| v.chars().take(300).collect()),
                );
                if violations.is_empty() {
                    violations.push("it breaks one of the rules".into());
                }
            }
        }
        Ok(violations)
    }

    async fn draft(
        &self,
        template: &str,
        request: &AgentRequest,
        violations: &[String],
    ) -> Result<Draft, AgentError> {
        let mut vars = common_vars(request);
        vars.push((
            "violations",
            violations
                .iter()
                .map(|v| format!("- {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ));
        let mut system = render(template, &vars);
        if !violations.is_empty() && template != REPLY {
            system.push_str(&format!(
                "\n\nYour previous draft was refused for these reasons; fix all of them:\n{}",
                vars.last().map(|(_, v)| v.as_str()).unwrap_or("")
            ));
        }
        let value = self
            .client
            .complete(system, thread(request), draft_format())
            .await?;
        let subject = value["subject"].as_str().unwrap_or("").trim().to_string();
        let body = value["body"].as_str().unwrap_or("").trim().to_string();
        if body.is_empty() {
            return Err(AgentError::Transient(
                "the model wrote an empty draft".into(),
            ));
        }
        Ok(Draft { subject, body })
    }

    /// Writes with `template`, checks, rewrites once with the reasons, and falls back to
    /// `fallback` (which the same checks clear) when the model still will not comply.
    async fn write_checked(
        &self,
        template: &str,
        request: &AgentRequest,
        fallback: Draft,
    ) -> Result<Draft, AgentError> {
        let first = self.draft(template, request, &[]).await?;
        let violations = self.violations(request, &first.body).await?;
        if violations.is_empty() {
            return Ok(first);
        }
        tracing::warn!(case_id = %request.case_id, count = violations.len(), "draft refused; rewriting once");
        let second = self.draft(template, request, &violations).await?;
        if self.violations(request, &second.body).await?.is_empty() {
            return Ok(second);
        }
        tracing::warn!(case_id = %request.case_id, "draft refused twice; sending the safe template instead");
        Ok(safe(request, fallback))
    }

    /// A reply body the guards clear: the rewritten reply, or a template.
    async fn checked_reply(
        &self,
        request: &AgentRequest,
        proposed: Option<String>,
    ) -> Result<String, AgentError> {
        if let Some(body) = proposed.filter(|b| !b.trim().is_empty())
            && self.violations(request, &body).await?.is_empty()
        {
            return Ok(body);
        }
        let fallback = match rules::evaluate(request) {
            Decision::Reply { body, .. } => body,
            _ => rules::ask_again(request, &[]),
        };
        let subject = String::new();
        let draft = self
            .write_checked(
                REPLY,
                request,
                Draft {
                    subject,
                    body: fallback,
                },
            )
            .await?;
        Ok(draft.body)
    }

    async fn extract(
        &self,
        request: &AgentRequest,
        new_text: &str,
    ) -> Result<Result<Value, String>, AgentError> {
        let schema = request
            .result_schema
            .clone()
            .unwrap_or_else(|| json!({"type": "object"}));
        let validator = jsonschema::draft202012::new(&schema)
            .map_err(|e| AgentError::Permanent(format!("the result schema cannot be used: {e}")))?;
        let format = if strict_compatible(&schema, 0) {
            strict("case_result", schema.clone())
        } else {
            json!({"type": "json_object"})
        };
        let mut repair_note = String::new();
        let mut problems = Vec::new();
        for round in 0..2 {
            let mut vars = common_vars(request);
            vars.push((
                "result_schema",
                serde_json::to_string_pretty(&schema).unwrap_or_default(),
            ));
            vars.push(("repair_note", repair_note.clone()));
            let result = self
                .client
                .complete(render(EXTRACT, &vars), thread(request), format.clone())
                .await?;
            problems = validator
                .iter_errors(&result)
                .take(10)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            problems.extend(
                ungrounded_values(&result, new_text)
                    .into_iter()
                    .map(|path| format!("the value at {path} is not in the counterparty's words")),
            );
            if problems.is_empty() {
                return Ok(Ok(result));
            }
            if round == 0 {
                repair_note = format!(
                    "\nYour previous answer was refused:\n{}\nAnswer again, fixing every point.\n",
                    problems
                        .iter()
                        .map(|p| format!("- {p}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
        Ok(Err(problems.join("; ")))
    }
}

/// `draft` if the code checks clear it, else the rules agent's plain request for the objective
/// (which quotes nothing but the objective).
fn safe(request: &AgentRequest, draft: Draft) -> Draft {
    let allowed = OpenAiAgent::allowed_text(request);
    let clean = |body: &str| {
        draft_violations(
            body,
            request.goal.private_knowledge.as_ref(),
            request.goal.knowledge.as_ref(),
            &allowed,
        )
        .is_empty()
    };
    if clean(&draft.body) {
        return draft;
    }
    let body = rules::ask_again(request, &[]);
    Draft {
        subject: draft.subject,
        body,
    }
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

#[async_trait]
impl Agent for OpenAiAgent {
    async fn compose_outreach(&self, request: &AgentRequest) -> Result<Draft, AgentError> {
        self.write_checked(OUTREACH, request, rules::outreach(request))
            .await
    }

    async fn compose_follow_up(&self, request: &AgentRequest) -> Result<Draft, AgentError> {
        self.write_checked(FOLLOW_UP, request, rules::follow_up(request))
            .await
    }

    async fn evaluate(&self, request: &AgentRequest) -> Result<Decision, AgentError> {
        let new: Vec<&TranscriptMessage> = request.new_replies().collect();
        let new_text = new
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        let new_files: Vec<String> = new
            .iter()
            .flat_map(|m| m.attachment_ids.iter())
            .filter_map(|id| request.attachments.iter().find(|a| &a.attachment_id == id))
            .map(|a| a.name.clone())
            .collect();
        // Text a person would not see, or text addressed to an AI: the model's verdict on such a
        // reply is not acted on without the client.
        let suspicion = new
            .iter()
            .find_map(|m| m.warnings.first().cloned())
            .or_else(|| injection_signal(&new_text).map(str::to_string));

        let mut vars = common_vars(request);
        vars.push((
            "answer_note",
            if request.pending_answer().is_some() {
                "The client has just answered; unless the new emails settle the case, reply to pass the answer on.".into()
            } else {
                String::new()
            },
        ));
        let value = self
            .client
            .complete(
                render(EVALUATE, &vars),
                thread(request),
                strict("case_decision", envelope_schema()),
            )
            .await?;
        if !jsonschema::is_valid(&envelope_schema(), &value) {
            return Err(AgentError::Transient(
                "the decision does not match its schema".into(),
            ));
        }
        let envelope: Envelope = serde_json::from_value(value)
            .map_err(|_| AgentError::Transient("the decision does not match its schema".into()))?;
        let reason: String = envelope.reason.chars().take(500).collect();
        let evidence = valid_evidence(&envelope.evidence, &new_text, &new_files);

        match envelope.decision.as_str() {
            "goal_achieved" | "rejected" if suspicion.is_some() => {
                let why = suspicion.unwrap_or_default();
                Ok(Decision::NeedsInput {
                    question: format!(
                        "The latest reply from {} contains {why}, so it was not acted on automatically. \
                         The assistant's reading was \"{}\" ({reason}). Please check the conversation and \
                         tell us how to proceed.",
                        request.counterparty.name,
                        envelope.decision.replace('_', " "),
                    ),
                    reason: format!("suspicious reply: {why}"),
                })
            }
            "goal_achieved" if evidence.is_empty() => Ok(Decision::Reply {
                body: self.checked_reply(request, None).await?,
                reason: "the model claimed success without evidence from the counterparty".into(),
            }),
            "goal_achieved" => match self.extract(request, &new_text).await? {
                Ok(result) => Ok(Decision::GoalAchieved { result, reason }),
                Err(problems) => Ok(Decision::NeedsInput {
                    question: format!(
                        "{} seems to have done what was asked ({reason}), but no result matching your \
                         result schema could be taken from the reply: {problems}. Please tell us the \
                         result, or how to proceed.",
                        request.counterparty.name
                    ),
                    reason: "the extracted result did not validate".into(),
                }),
            },
            "rejected" if evidence.is_empty() => Ok(Decision::Reply {
                body: self.checked_reply(request, None).await?,
                reason: "the model read a refusal the counterparty's words do not show".into(),
            }),
            "rejected" => Ok(Decision::Rejected { reason }),
            "needs_input" => {
                let question = envelope
                    .question_for_client
                    .filter(|q| !q.trim().is_empty())
                    .unwrap_or_else(|| {
                        format!(
                            "{} needs a decision from you: {reason}",
                            request.counterparty.name
                        )
                    });
                Ok(Decision::NeedsInput {
                    question: question.chars().take(2000).collect(),
                    reason,
                })
            }
            _ => Ok(Decision::Reply {
                body: self.checked_reply(request, envelope.reply_draft).await?,
                reason,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn templates_fill_every_placeholder() {
        for template in [OUTREACH, FOLLOW_UP, EVALUATE, EXTRACT, REPLY, REVIEW] {
            let vars: Vec<(&str, String)> = [
                "persona",
                "persona_name",
                "tone",
                "objective",
                "knowledge",
                "private_knowledge",
                "constraints",
                "counterparty",
                "human_inputs",
                "follow_up_number",
                "answer_note",
                "result_schema",
                "repair_note",
                "violations",
                "draft",
            ]
            .iter()
            .map(|n| (*n, "x".to_string()))
            .collect();
            let rendered = render(template, &vars);
            assert!(!rendered.contains("{{"), "{rendered}");
        }
    }
}
