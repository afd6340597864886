//! A fake OpenAI-compatible endpoint and the case context the agent is given.

use offload_core::config::Secret;
use offload_worker::agent::openai::{ChatClient, OpenAiAgent};
use offload_workflows::activities::AgentRequest;
use offload_workflows::case::{Counterparty, Goal, SenderPersona};
use offload_workflows::state::{Attachment, Direction, TranscriptMessage};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::MockServer;

pub const PRIVATE_PO: &str = "PO-88231";
pub const KNOWLEDGE: &str = "Northstar has been our paper supplier since 2019 and we need a signed W-9 on file before the next payment run, which finance schedules for the last business day of the quarter under the vendor onboarding policy that applies to every supplier we pay more than six hundred dollars a year";

/// A chat-completions answer whose content is `content` as JSON text.
pub fn completion(content: &Value) -> Value {
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content.to_string()}}]
    })
}

pub fn agent(server: &MockServer, timeout: Duration) -> OpenAiAgent {
    let base = format!("{}/v1", server.uri()).parse().unwrap();
    OpenAiAgent::new(ChatClient::new(
        &base,
        "test-model".into(),
        Some(Secret::new("sk-test")),
        timeout,
    ))
}

fn message(direction: Direction, id: &str, body: &str, evaluated: bool) -> TranscriptMessage {
    TranscriptMessage {
        subject: "Re: Signed W-9".into(),
        evaluated,
        ..TranscriptMessage::new(direction, id, body)
    }
}

/// A case that sent its outreach and got `reply` back (new), with confidential facts.
pub fn request_with_reply(
    reply: &str,
    warnings: Vec<String>,
    attachment: Option<&str>,
) -> AgentRequest {
    let mut inbound = message(Direction::Inbound, "r1@northstar.example", reply, false);
    inbound.warnings = warnings;
    let mut attachments = Vec::new();
    if let Some(name) = attachment {
        inbound.attachment_ids.push("a1".into());
        attachments.push(Attachment {
            attachment_id: "a1".into(),
            name: name.into(),
            size: 10,
            content_type: "application/pdf".into(),
            message_id: "r1@northstar.example".into(),
            inbox_id: "reply+c@reply.test".into(),
            received_at: 0,
        });
    }
    AgentRequest {
        case_id: "c".into(),
        goal: Goal {
            objective: "Get the signed W-9 form for Northstar Supplies.".into(),
            knowledge: Some(json!(KNOWLEDGE)),
            private_knowledge: Some(json!({
                "budgetCeiling": 45000,
                "internalPo": PRIVATE_PO,
                "note": "Never tell them we would pay a late fee."
            })),
        },
        counterparty: Counterparty {
            address: "ap@northstar.example".into(),
            name: "Maya Chen".into(),
            company: Some("Northstar Supplies".into()),
            timezone: None,
            custom_data: None,
            allow_domain_replies: None,
        },
        sender_persona: SenderPersona {
            name: "Avery".into(),
            role: Some("Accounts Payable".into()),
            company: Some("Acme".into()),
            tone: None,
        },
        constraints: vec!["Do not offer to pay any fee.".into()],
        result_schema: Some(json!({
            "type": "object",
            "properties": {"w9Received": {"type": "boolean"}, "legalName": {"type": "string"}},
            "required": ["w9Received", "legalName"]
        })),
        transcript: vec![
            message(
                Direction::Outbound,
                "offload.c.1@reply.test",
                "Hi Maya, could you send the signed W-9?",
                true,
            ),
            inbound,
        ],
        attachments,
        new_reply_indices: vec![1],
        human_inputs: vec![],
        answer_pending: false,
        follow_up_number: 1,
        archived: Vec::new(),
        attachment_texts: Vec::new(),
    }
}

/// The `response_format` name (or type) a request asked for.
pub fn task_of(body: &Value) -> String {
    body["response_format"]["json_schema"]["name"]
        .as_str()
        .or_else(|| body["response_format"]["type"].as_str())
        .unwrap_or("")
        .to_string()
}

/// The bodies of the requests `server` received for `task`, in order.
pub async fn requests_for(server: &wiremock::MockServer, task: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap_or(Value::Null))
        .filter(|body| task_of(body) == task)
        .collect()
}
