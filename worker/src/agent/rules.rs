//! The rules agent: deterministic and offline, the default. Its behaviour is documented in the
//! README ("The rules agent"); keep the two in step.
//!
//! Writing: fixed templates filled from the goal, persona and counterparty. They make no offers
//! and no promises, so they cannot break a constraint; constraints, knowledge and private
//! knowledge are never quoted in mail.
//!
//! Reading the latest reply and its files' text, first match wins (English, German, French,
//! Spanish, Dutch phrasings):
//! 0) words addressed to an AI (the model agent's injection guard) → ask the client;
//! a) refusal phrase → rejected;
//! b) a sentence ending in `?` and no attachment → ask the client, quoting the sentence;
//! c) evidence (an attachment, or "attached", "here is", "confirmed", "done", …) and nothing
//!    saying it is not done yet → goal achieved with a result built from the result schema;
//!    missing required properties → (d) asking for them;
//! d) otherwise → reply asking again.
//!
//! A fresh answer from the client is relayed to the counterparty as a reply, unless the new
//! replies already settle the case (refusal, or evidence with a complete result).

use super::guards::injection_signal;
use super::{Agent, AgentError};
use async_trait::async_trait;
use offload_workflows::activities::{AgentRequest, Decision, Draft, Evaluation};
use offload_workflows::case::{Counterparty, SenderPersona};
use offload_workflows::state::TranscriptMessage;
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

static REFUSAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            not\s+interested | decline | do\s+not\s+contact | unsubscribe | stop\s+emailing
          | kein\s+interesse | lehnen\s+(?:\w+\s+){0,3}ab
          | pas\s+intéress\w* | refusons
          | no\s+(?:estamos|estoy)\s+interesad\w* | rechazamos
          | geen\s+interesse | wijzen\s+(?:\w+\s+){0,3}af
        )\b",
    )
    .expect("valid pattern")
});
static EVIDENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            attached | here\s+is | here\s+you\s+go | confirmed | done
          | anbei | im\s+anhang | bestätigt
          | ci-joint | en\s+pièce\s+jointe | confirmé
          | adjunto | confirmado
          | bijgevoegd | in\s+de\s+bijlage | bevestigd
        )\b",
    )
    .expect("valid pattern")
});
/// Words that say the thing is not done yet — "not attached yet", "isn't signed yet", "I'll have
/// it done by Friday", "once it's confirmed", an unsigned draft: a reply with any of them is no
/// evidence, even with a file attached. Sign-offs ("talk soon", "hasta luego", "if you will need
/// anything else") are not deferrals. Both apostrophes count.
static NOT_YET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            not\s+(?:yet|attached|done|signed|confirmed|ready|available|complete)
          | \w*n['’]t\s+(?:\w+\s+)?(?:yet|been|signed|sign|ready|have|had|got|sent|send|attach\w*
                                   |confirm\w*|finish\w*|done|complete\w*|know|find|get)
          | \w*n['’]t\b[^.!?\n]{0,40}\byet
          | (?:will|['’]ll)\s+(?:\w+\s+){0,2}?(?:send|sign|get|have|follow|forward|provide|confirm
                                   |check|handle|come|do\s+it|be\s+(?:done|ready|sent|attached|signed|in\s+touch))
          | going\s+to | once\s+(?:it|we|they|i|the|our|signed|approved)
          | as\s+soon\s+as | tomorrow | next\s+week | (?:done|ready)\s+soon
          | still\s+needs? | draft | unsigned | to\s+follow | on\s+my\s+list
          | working\s+on | ignore\s+my\s+last
          | nächste[nr]?\s+woche | sobald | folgt | entwurf | noch\s+nicht
          | semaine\s+prochaine | suivra | brouillon | dès\s+(?:mon|que) | pas\s+encore
          | próxima\s+semana | todavía\s+no | borrador | luego\s+(?:se\s+lo|le)\b
          | volgende\s+week | volgt | nog\s+niet
        )",
    )
    .expect("valid pattern")
});
/// A file that says it is not the thing yet: a draft, unsigned.
static DRAFT_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:draft|unsigned|not\s+signed|entwurf|brouillon|borrador)\b")
        .expect("valid pattern")
});
/// A sentence: text up to and including `.`, `!` or `?`, or up to a line end.
static SENTENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^.!?\n]*[.!?]+|[^.!?\n]+").expect("valid pattern"));

pub struct RulesAgent;

#[async_trait]
impl Agent for RulesAgent {
    async fn compose_outreach(&self, request: &AgentRequest) -> Result<Draft, AgentError> {
        Ok(outreach(request))
    }

    async fn compose_follow_up(&self, request: &AgentRequest) -> Result<Draft, AgentError> {
        Ok(follow_up(request))
    }

    async fn evaluate(&self, request: &AgentRequest) -> Result<Decision, AgentError> {
        Ok(evaluate(request))
    }

    async fn evaluate_with_evidence(
        &self,
        request: &AgentRequest,
    ) -> Result<Evaluation, AgentError> {
        let decision = evaluate(request);
        let evidence = evidence(request, &decision);
        Ok(Evaluation {
            decision,
            evidence,
            readings: Vec::new(),
            model: None,
        })
    }
}

/// What the rules read in the newest reply to reach `decision`: the files it carried and the
/// sentence with the phrase that matched (a refusal, a question, a confirmation).
pub fn evidence(request: &AgentRequest, decision: &Decision) -> Vec<String> {
    let new: Vec<&TranscriptMessage> = request.new_replies().collect();
    let Some(latest) = new.last() else {
        return Vec::new();
    };
    let text = latest.body.as_str();
    let files = new
        .iter()
        .flat_map(|m| m.attachment_ids.iter())
        .filter_map(|id| request.attachments.iter().find(|a| &a.attachment_id == id))
        .map(|a| a.name.clone());
    let phrase = match decision {
        Decision::Rejected { .. } => Some(&*REFUSAL),
        Decision::GoalAchieved { .. } => Some(&*EVIDENCE),
        Decision::NeedsInput { .. } | Decision::Reply { .. } => None,
    };
    let sentence = match phrase {
        Some(pattern) => SENTENCE
            .find_iter(text)
            .map(|m| m.as_str().trim())
            .find(|s| pattern.is_match(s))
            .map(str::to_string),
        None => matches!(decision, Decision::NeedsInput { .. })
            .then(|| first_question(text))
            .flatten(),
    };
    files.chain(sentence).collect()
}

pub fn outreach(request: &AgentRequest) -> Draft {
    let objective = request.goal.objective.trim();
    let body = format!(
        "{greeting}\n\n{intro}I'm reaching out about the following:\n\n{objective}\n\n\
         Could you help with this? A reply to this email is all it takes.\n\n{signature}",
        greeting = greeting(&request.counterparty, &request.sender_persona),
        intro = introduction(&request.sender_persona),
        signature = signature(&request.sender_persona),
    );
    Draft {
        subject: subject_from(objective),
        body,
    }
}

pub fn follow_up(request: &AgentRequest) -> Draft {
    let objective = request.goal.objective.trim();
    let opener = if request.follow_up_number <= 1 {
        "I'm following up on my earlier message about the following:"
    } else {
        "I wanted to check in once more about the following:"
    };
    let body = format!(
        "{greeting}\n\n{opener}\n\n{objective}\n\nCould you let me know when you have a moment?\n\n{signature}",
        greeting = greeting(&request.counterparty, &request.sender_persona),
        signature = signature(&request.sender_persona),
    );
    Draft {
        subject: subject_from(objective),
        body,
    }
}

pub fn evaluate(request: &AgentRequest) -> Decision {
    let new: Vec<&TranscriptMessage> = request.new_replies().collect();
    let Some(latest) = new.last() else {
        return match request.pending_answer() {
            Some(answer) => relay(request, &answer.provided_context),
            None => Decision::Reply {
                body: ask_again(request, &[]),
                reason: "Nothing new to read.".into(),
            },
        };
    };
    let text = latest.body.as_str();
    // Values are read from the latest reply and the text of the new files (an invoice number
    // in the attached PDF counts as the counterparty's words).
    let files: Vec<String> = request
        .new_attachment_texts()
        .map(|t| t.text.clone())
        .collect();
    let with_files = if files.is_empty() {
        text.to_string()
    } else {
        format!("{text}\n\n{}", files.join("\n\n"))
    };
    let has_attachment = new.iter().any(|m| !m.attachment_ids.is_empty());
    let evidence = (has_attachment || EVIDENCE.is_match(text))
        && !NOT_YET.is_match(text)
        && !files.iter().any(|f| DRAFT_FILE.is_match(f));
    let achieved = |result: Value| Decision::GoalAchieved {
        result,
        reason: if has_attachment {
            "The counterparty sent an attachment.".into()
        } else {
            "The counterparty confirmed.".into()
        },
    };

    // Words addressed to an AI, in the reply or its files: nothing is decided on them without
    // the client. (Hidden text the rules never read: they act on what a person sees.)
    if let Some(why) = injection_signal(&with_files) {
        return Decision::NeedsInput {
            question: format!(
                "The latest reply from {} contains {why}, so it was not acted on automatically. \
                 Please check the conversation and tell us how to proceed.",
                request.counterparty.name.trim()
            ),
            reason: format!("Held for the client: {why}."),
        };
    }
    // a) refusal
    if REFUSAL.is_match(text) {
        return Decision::Rejected {
            reason: "The counterparty declined.".into(),
        };
    }
    // A fresh answer from the client goes out, unless these replies already settle the case.
    if let Some(answer) = request.pending_answer() {
        if evidence && let Ok(result) = build_result(request.result_schema.as_ref(), &with_files) {
            return achieved(result);
        }
        return relay(request, &answer.provided_context);
    }
    // b) a question, and no attachment
    if !has_attachment && let Some(question) = first_question(text) {
        return Decision::NeedsInput {
            question: format!(
                "{} asked: \"{}\"",
                request.counterparty.name.trim(),
                question
            ),
            reason: "The counterparty asked a question only the client can answer.".into(),
        };
    }
    // c) evidence
    if evidence {
        return match build_result(request.result_schema.as_ref(), &with_files) {
            Ok(result) => achieved(result),
            Err(missing) => Decision::Reply {
                body: ask_again(request, &missing),
                reason: format!("Still missing: {}.", missing.join(", ")),
            },
        };
    }
    // d) otherwise
    Decision::Reply {
        body: ask_again(request, &[]),
        reason: "The reply does not achieve the objective yet.".into(),
    }
}

fn relay(request: &AgentRequest, answer: &str) -> Decision {
    Decision::Reply {
        body: format!(
            "{greeting}\n\nThank you for your patience. To answer your question:\n\n{answer}\n\n{signature}",
            greeting = greeting(&request.counterparty, &request.sender_persona),
            answer = answer.trim(),
            signature = signature(&request.sender_persona),
        ),
        reason: "Relaying the client's answer.".into(),
    }
}

/// A plain request for what the objective needs (or for the `missing` details).
pub fn ask_again(request: &AgentRequest, missing: &[String]) -> String {
    let ask = if missing.is_empty() {
        format!(
            "Thanks for getting back to me. To wrap this up I still need the following:\n\n{}",
            request.goal.objective.trim()
        )
    } else {
        format!(
            "Thank you! To wrap this up, could you also send the following, one per line as \
             \"name: value\"?\n\n{}",
            missing
                .iter()
                .map(|m| format!("- {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    format!(
        "{}\n\n{}\n\n{}",
        greeting(&request.counterparty, &request.sender_persona),
        ask,
        signature(&request.sender_persona)
    )
}

/// The first sentence of `text` that ends in `?`.
fn first_question(text: &str) -> Option<String> {
    SENTENCE
        .find_iter(text)
        .map(|m| m.as_str().trim())
        .find(|s| s.ends_with('?') && s.len() > 1)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The result the reply supports, or the labels of the required properties it lacks.
///
/// Boolean properties are `true` (the reply is the evidence); string, integer and number
/// properties come from `<name>: <value>` lines, the name matched case-insensitively with
/// camelCase, snake_case and kebab-case split into words. Without a schema the result is
/// `{"summary": <the reply>}`.
pub fn build_result(schema: Option<&Value>, text: &str) -> Result<Value, Vec<String>> {
    let Some(schema) = schema else {
        let summary: String = text.chars().take(2000).collect();
        return Ok(serde_json::json!({ "summary": summary }));
    };
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let labelled = labelled_values(text);
    let mut result = Map::new();
    let mut missing = Vec::new();
    for (name, property) in &properties {
        let kind = property.get("type").and_then(Value::as_str).unwrap_or("");
        let words = words_of(name);
        let found = labelled
            .iter()
            .find(|(label, _)| *label == words)
            .map(|(_, v)| v.as_str());
        let value = match (kind, found) {
            ("boolean", _) => Some(Value::Bool(true)),
            ("string", Some(v)) => Some(Value::String(v.to_string())),
            ("integer", Some(v)) => v.replace(',', "").parse::<i64>().ok().map(Value::from),
            ("number", Some(v)) => v
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number)),
            _ => None,
        };
        match value {
            Some(value) => {
                result.insert(name.clone(), value);
            }
            None if required.contains(&name.as_str()) => missing.push(title_case(&words)),
            None => {}
        }
    }
    let result = Value::Object(result);
    if !missing.is_empty() {
        return Err(missing);
    }
    // A result the schema rejects is not a result: ask again instead of returning it.
    match jsonschema::validator_for(schema) {
        Ok(validator) if validator.is_valid(&result) => Ok(result),
        Ok(validator) => Err(validator
            .iter_errors(&result)
            .map(|e| {
                let path = e.instance_path().to_string();
                let field = path.trim_start_matches('/');
                if field.is_empty() {
                    "the details requested".to_string()
                } else {
                    title_case(&words_of(field))
                }
            })
            .collect()),
        Err(_) => Err(vec!["the details requested".into()]),
    }
}

/// `<label>: <value>` lines, labels normalised to lower-case words.
fn labelled_values(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim().trim_start_matches(['-', '*', '•']).trim();
            // A spreadsheet row of two cells, `Label | value` (its value may hold a colon:
            // `10:30`), or `Label: value`.
            let (label, value) = match line.split_once(" | ") {
                Some((label, value)) if !value.contains(" | ") => (label, value),
                Some(_) => return None,
                None => line.split_once(':')?,
            };
            let value = value.trim();
            (!value.is_empty() && label.len() <= 80).then(|| (words_of(label), value.to_string()))
        })
        .collect()
}

/// `taxYear`, `tax_year`, `Tax-Year` and `tax year` all become `tax year`.
fn words_of(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.trim().chars() {
        if c == '_' || c == '-' || c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            previous_lower = false;
        } else {
            if c.is_uppercase() && previous_lower && !out.ends_with(' ') {
                out.push(' ');
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            out.extend(c.to_lowercase());
        }
    }
    out.trim().to_string()
}

fn title_case(words: &str) -> String {
    words
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_formal(persona: &SenderPersona) -> bool {
    persona.tone.as_deref().is_some_and(|t| {
        t.to_ascii_lowercase().contains("formal") && !t.to_ascii_lowercase().contains("informal")
    })
}

/// "Dear Maya Chen," for a formal tone, otherwise "Hi Maya,".
fn greeting(counterparty: &Counterparty, persona: &SenderPersona) -> String {
    let name = counterparty.name.trim();
    if is_formal(persona) {
        format!("Dear {name},")
    } else {
        format!("Hi {},", name.split_whitespace().next().unwrap_or(name))
    }
}

/// "I'm Avery, Accounts Payable at Acme. " — whatever the persona gives.
fn introduction(persona: &SenderPersona) -> String {
    let mut intro = format!("I'm {}", persona.name.trim());
    match (persona.role.as_deref(), persona.company.as_deref()) {
        (Some(role), Some(company)) => {
            intro.push_str(&format!(", {} at {}", role.trim(), company.trim()))
        }
        (Some(role), None) => intro.push_str(&format!(", {}", role.trim())),
        (None, Some(company)) => intro.push_str(&format!(" from {}", company.trim())),
        (None, None) => {}
    }
    intro.push_str(". ");
    intro
}

fn signature(persona: &SenderPersona) -> String {
    let closing = if is_formal(persona) {
        "Kind regards,"
    } else {
        "Best regards,"
    };
    let mut lines = vec![closing.to_string(), persona.name.trim().to_string()];
    let title: Vec<&str> = [persona.role.as_deref(), persona.company.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .collect();
    if !title.is_empty() {
        lines.push(title.join(", "));
    }
    lines.join("\n")
}

/// The objective's first sentence, at most 70 characters, cut at a word.
fn subject_from(objective: &str) -> String {
    let first = objective
        .split_terminator(['.', '\n', '!', '?'])
        .next()
        .unwrap_or(objective)
        .trim();
    let first = if first.is_empty() {
        "Quick question"
    } else {
        first
    };
    if first.chars().count() <= 70 {
        return first.to_string();
    }
    let mut subject = String::new();
    for word in first.split_whitespace() {
        if subject.chars().count() + word.chars().count() + 1 > 68 {
            break;
        }
        if !subject.is_empty() {
            subject.push(' ');
        }
        subject.push_str(word);
    }
    format!("{subject}…")
}

#[cfg(test)]
mod tests;
