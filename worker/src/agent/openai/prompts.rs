//! The prompts: templates kept as files (`worker/prompts/*.md`) and the text that fills them —
//! persona, counterparty, constraints, answers from the client, and the thread, newest last and
//! cut from the oldest end.

use offload_workflows::activities::AgentRequest;
use offload_workflows::state::{Direction, TranscriptMessage};
use serde_json::Value;

pub(super) const OUTREACH: &str = include_str!("../../../prompts/outreach.md");
pub(super) const FOLLOW_UP: &str = include_str!("../../../prompts/follow_up.md");
pub(super) const EVALUATE: &str = include_str!("../../../prompts/evaluate.md");
pub(super) const EXTRACT: &str = include_str!("../../../prompts/extract.md");
pub(super) const REPLY: &str = include_str!("../../../prompts/reply.md");
pub(super) const REVIEW: &str = include_str!("../../../prompts/review.md");

/// Longest text of ours we put into one prompt (the thread is cut from the oldest end).
const MAX_THREAD_CHARS: usize = 60_000;

pub(super) fn render(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

pub(super) fn text_or_none(value: Option<&Value>) -> String {
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

pub(super) fn constraints(request: &AgentRequest) -> String {
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

pub(super) fn common_vars(request: &AgentRequest) -> Vec<(&'static str, String)> {
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
pub(super) fn thread(request: &AgentRequest) -> String {
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
    // The delimiter cannot be forged from inside a message or a file.
    let mut body = m.body.replace("untrusted_email", "untrusted-email");
    for file in request
        .attachment_texts
        .iter()
        .filter(|t| m.attachment_ids.contains(&t.attachment_id))
    {
        body.push_str(&format!(
            "\n\n[text of attachment:{}]\n{}\n[end of attachment:{}]",
            file.name.replace("untrusted_email", "untrusted-email"),
            file.text.replace("untrusted_email", "untrusted-email"),
            file.name.replace("untrusted_email", "untrusted-email"),
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
