//! Measuring decisions: `offload-worker eval [--corpus DIR] [--agent rules|openai]` runs an agent
//! over a labeled corpus of threads and reports how often it decides right.
//!
//! A corpus is a directory of JSON files, each an array of [`EvalCase`]s, and a `files/`
//! directory with the attachments they name (read exactly as the worker reads received files).
//! The run fails (exit 1) on any false `goal_achieved` — a case reported done that is not — and
//! on any reply that gives away a value of the private knowledge.

mod report;

pub use report::Report;

use crate::agent::Agent;
use crate::agent::guards::leaked_values;
use crate::reading;
use offload_workflows::activities::{AgentRequest, AttachmentText, Decision};
use offload_workflows::case::{Counterparty, Goal, SenderPersona};
use offload_workflows::state::{Attachment, Direction, ReadingStatus, TranscriptMessage};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One labeled thread.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvalCase {
    pub id: String,
    /// What kind of reply it is (`confirmation`, `partial`, `question`, `refusal`, `deferral`,
    /// `forwarded`, `hostile`, …): the report breaks results down by it.
    pub category: String,
    /// The language of the counterparty's reply (ISO 639-1).
    pub language: String,
    pub objective: String,
    #[serde(default)]
    pub knowledge: Option<Value>,
    #[serde(default)]
    pub private_knowledge: Option<Value>,
    #[serde(default)]
    pub result_schema: Option<Value>,
    /// Oldest first; the counterparty's messages after our last one are the new replies.
    pub thread: Vec<EvalMessage>,
    pub expected: Expected,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvalMessage {
    pub from: Party,
    pub body: String,
    /// File names under the corpus's `files/`.
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Us,
    Counterparty,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expected {
    /// `goal_achieved`, `rejected`, `reply` or `needs_input`.
    pub decision: String,
    /// Result fields a `goal_achieved` must carry, with their values.
    #[serde(default)]
    pub result: Map<String, Value>,
}

/// What the agent did with one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: EvalCase,
    /// The decision's name, or `error`.
    pub decided: String,
    pub result: Option<Value>,
    /// Values of the private knowledge the reply to the counterparty gave away.
    pub leaked: usize,
    pub millis: u128,
    pub tokens: u64,
}

/// Every case of the corpus at `dir`, in file-name order.
pub fn load_corpus(dir: &Path) -> Result<Vec<EvalCase>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the corpus {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let batch: Vec<EvalCase> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        cases.extend(batch);
    }
    let mut ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(twice) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("case id {} is used twice", twice[0]));
    }
    Ok(cases)
}

/// Runs `agent` over `cases` one by one.
pub async fn run(agent: &dyn Agent, cases: &[EvalCase], corpus: &Path) -> Result<Report, String> {
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        let request = agent_request(case, &corpus.join("files"))?;
        let tokens_before = agent.tokens_used();
        let started = Instant::now();
        let decision = agent.evaluate(&request).await;
        let millis = started.elapsed().as_millis();
        let tokens_after = agent.tokens_used();
        let tokens = (tokens_after.0 + tokens_after.1) - (tokens_before.0 + tokens_before.1);
        let (decided, result, leaked) = match &decision {
            Ok(decision) => (
                decision.outcome().to_string(),
                match decision {
                    Decision::GoalAchieved { result, .. } => Some(result.clone()),
                    _ => None,
                },
                match decision {
                    Decision::Reply { body, .. } => {
                        leaked_values(body, case.private_knowledge.as_ref())
                    }
                    _ => 0,
                },
            ),
            Err(_) => ("error".to_string(), None, 0),
        };
        outcomes.push(Outcome {
            case: case.clone(),
            decided,
            result,
            leaked,
            millis,
            tokens,
        });
    }
    Ok(Report::new(outcomes))
}

/// The request the worker would hand the agent for this thread: our messages and theirs, the
/// files read as the worker reads them, the counterparty's messages after our last one new.
pub fn agent_request(case: &EvalCase, files: &Path) -> Result<AgentRequest, String> {
    let last_ours = case.thread.iter().rposition(|m| m.from == Party::Us);
    let mut transcript = Vec::new();
    let mut attachments = Vec::new();
    let mut attachment_texts = Vec::new();
    let mut new_reply_indices = Vec::new();
    for (i, message) in case.thread.iter().enumerate() {
        let (direction, from, to) = match message.from {
            Party::Us => (
                Direction::Outbound,
                "Avery <avery@acme.example>",
                "Maya Chen <ap@northstar.example>",
            ),
            Party::Counterparty => (
                Direction::Inbound,
                "Maya Chen <ap@northstar.example>",
                "Avery <avery@acme.example>",
            ),
        };
        let message_id = format!("{}-{}@eval.example", case.id, i + 1);
        let mut entry = TranscriptMessage {
            at: 1_764_547_200_000 + i as i64 * 3_600_000,
            from: from.into(),
            to: to.into(),
            subject: "Re: our request".into(),
            ..TranscriptMessage::new(direction, message_id.clone(), message.body.clone())
        };
        for (n, name) in message.attachments.iter().enumerate() {
            let bytes = std::fs::read(files.join(name))
                .map_err(|e| format!("case {}: cannot read files/{name}: {e}", case.id))?;
            let attachment_id = format!("{}-{}-{}", case.id, i + 1, n + 1);
            let content_type = content_type_of(name);
            let reading = reading::read(name, content_type, &bytes);
            if reading.status == ReadingStatus::Text {
                attachment_texts.push(AttachmentText {
                    attachment_id: attachment_id.clone(),
                    name: name.clone(),
                    text: reading.text,
                });
            }
            entry.attachment_ids.push(attachment_id.clone());
            attachments.push(Attachment {
                attachment_id,
                name: name.clone(),
                size: bytes.len() as u64,
                content_type: content_type.into(),
                message_id: message_id.clone(),
                inbox_id: "reply+eval@reply.example".into(),
                received_at: entry.at,
            });
        }
        if message.from == Party::Counterparty && last_ours.is_none_or(|last| i > last) {
            new_reply_indices.push(transcript.len());
        }
        transcript.push(entry);
    }
    Ok(AgentRequest {
        case_id: case.id.clone(),
        goal: Goal {
            objective: case.objective.clone(),
            knowledge: case.knowledge.clone(),
            private_knowledge: case.private_knowledge.clone(),
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
        constraints: Vec::new(),
        result_schema: case.result_schema.clone(),
        transcript,
        attachments,
        new_reply_indices,
        human_inputs: Vec::new(),
        answer_pending: false,
        follow_up_number: 1,
        archived: Vec::new(),
        attachment_texts,
    })
}

fn content_type_of(name: &str) -> &'static str {
    match name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}
