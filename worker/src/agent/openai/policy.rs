//! The decision policy: what the agent asks the model for (drafts, a decision envelope,
//! extractions, reviews) and what of its answers it accepts. The model only proposes; the guards
//! in [`crate::agent::guards`] decide what is accepted and what may be sent.

use super::chain::{ModelChain, answered_by};
use super::client::{ChatClient, strict_compatible};
use super::prompts::{
    EVALUATE, EXTRACT, FOLLOW_UP, OUTREACH, REPLY, REVIEW, common_vars, constraints, render,
    text_or_none, thread,
};
use crate::agent::guards::{draft_violations, injection_signal, ungrounded_values, valid_evidence};
use crate::agent::rules;
use crate::agent::{Agent, AgentError};
use async_trait::async_trait;
use offload_workflows::activities::{AgentRequest, Decision, Draft, Evaluation};
use offload_workflows::state::TranscriptMessage;
use serde::Deserialize;
use serde_json::{Value, json};

/// Why the code overruled the model's verdict — the decision's reason, so that operators (and
/// tests) see which guard fired.
pub mod overruled {
    /// The reply holds hidden text or text addressed to an AI (prefix; the signal follows).
    pub const SUSPICIOUS_REPLY: &str = "suspicious reply";
    /// Success claimed without a valid quote or file from the counterparty's new mail.
    pub const SUCCESS_WITHOUT_EVIDENCE: &str =
        "the model claimed success without evidence from the counterparty";
    /// A refusal claimed without a valid quote from the counterparty's new mail.
    pub const REFUSAL_WITHOUT_EVIDENCE: &str =
        "the model read a refusal the counterparty's words do not show";
    /// The result broke the schema or held values not in the counterparty's words.
    pub const RESULT_REFUSED: &str = "the extracted result did not validate";
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

pub struct OpenAiAgent {
    client: ModelChain,
}

impl OpenAiAgent {
    pub fn new(client: ChatClient) -> Self {
        OpenAiAgent {
            client: ModelChain::new(client),
        }
    }

    /// Turns to `fallback` when the primary model fails for good or keeps timing out.
    pub fn with_fallback(mut self, fallback: ChatClient) -> Self {
        self.client = self.client.with_fallback(fallback);
        self
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

#[async_trait]
impl Agent for OpenAiAgent {
    fn tokens_used(&self) -> (u64, u64) {
        self.client.tokens_used()
    }

    fn name(&self) -> &str {
        self.client.primary_model()
    }

    async fn compose_outreach(&self, request: &AgentRequest) -> Result<Draft, AgentError> {
        self.write_checked(OUTREACH, request, rules::outreach(request))
            .await
    }

    async fn compose_follow_up(&self, request: &AgentRequest) -> Result<Draft, AgentError> {
        self.write_checked(FOLLOW_UP, request, rules::follow_up(request))
            .await
    }

    async fn evaluate(&self, request: &AgentRequest) -> Result<Decision, AgentError> {
        self.evaluate_with_evidence(request)
            .await
            .map(|evaluation| evaluation.decision)
    }

    async fn evaluate_with_evidence(
        &self,
        request: &AgentRequest,
    ) -> Result<Evaluation, AgentError> {
        // Which model answered last is recorded with the decision (a fallback shows).
        let (outcome, model) = answered_by(self.evaluate_checked(request)).await;
        outcome.map(|evaluation| Evaluation {
            model,
            ..evaluation
        })
    }
}

impl OpenAiAgent {
    /// The decision, checked by the guards (see [`Agent::evaluate_with_evidence`]).
    async fn evaluate_checked(&self, request: &AgentRequest) -> Result<Evaluation, AgentError> {
        let new: Vec<&TranscriptMessage> = request.new_replies().collect();
        // The new replies and the text of their files: all the counterparty's words, for
        // every guard (injection, evidence, grounding).
        let new_text = request.new_words();
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

        let decision = match envelope.decision.as_str() {
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
                    reason: format!("{}: {why}", overruled::SUSPICIOUS_REPLY),
                })
            }
            "goal_achieved" if evidence.is_empty() => Ok(Decision::Reply {
                body: self.checked_reply(request, None).await?,
                reason: overruled::SUCCESS_WITHOUT_EVIDENCE.into(),
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
                    reason: overruled::RESULT_REFUSED.into(),
                }),
            },
            "rejected" if evidence.is_empty() => Ok(Decision::Reply {
                body: self.checked_reply(request, None).await?,
                reason: overruled::REFUSAL_WITHOUT_EVIDENCE.into(),
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
        };
        Ok(Evaluation {
            decision: decision?,
            evidence,
            readings: Vec::new(),
            model: None,
        })
    }
}
