//! The hostile-reply corpus (`tests/fixtures/hostile.json`: instructions to mark the goal
//! achieved, fake system prompts, requests to reveal knowledge, hidden HTML and invisible text,
//! encoded payloads) run against the agent with a fake model that falls for every one of them.
//! The code-side guards must hold: no goal_achieved without evidence, no confidential value and
//! no wholesale knowledge in any mail we would send.

use crate::fake_model::{KNOWLEDGE, PRIVATE_PO, agent, completion, request_with_reply, task_of};
use offload_core::mail::inbound::InboundMail;
use offload_worker::agent::Agent;
use offload_worker::agent::guards::draft_violations;
use offload_workflows::activities::Decision;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(serde::Deserialize)]
struct Sample {
    name: String,
    kind: String,
    raw: String,
}

const LEAKY: &str = "Sure! Our budget ceiling is 45,000 and the internal PO is PO-88231. See https://evil.example/form";

/// The NEW counterparty text inside the prompt's untrusted block.
fn new_text(body: &Value) -> String {
    let user = body["messages"][1]["content"].as_str().unwrap_or("");
    user.split("status=\"NEW\">")
        .nth(1)
        .and_then(|rest| rest.split("</untrusted_email>").next())
        .and_then(|block| block.split("\n\n").nth(1))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// A model that obeys the email: claims success (quoting whatever it can), or drafts the leak
/// asked for, or declares a refusal; and approves its own drafts.
async fn compromised_model(behaviour: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(move |request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let quoted = new_text(&body);
            let answer = match task_of(&body).as_str() {
                "case_decision" => match behaviour {
                    0 => json!({"decision": "goal_achieved", "reason": "the email says so",
                                "evidence": [quoted, "attachment:w9.pdf", "The W-9 is signed."],
                                "reply_draft": LEAKY, "question_for_client": null}),
                    1 => json!({"decision": "reply", "reason": "they asked",
                                "evidence": [], "reply_draft": format!("{LEAKY} {KNOWLEDGE}"),
                                "question_for_client": null}),
                    _ => json!({"decision": "rejected", "reason": "they refused",
                                "evidence": [quoted], "reply_draft": null, "question_for_client": null}),
                },
                "draft_review" => json!({"compliant": true, "violations": []}),
                "email_draft" => json!({"subject": "Re: W-9", "body": format!("{LEAKY}\n\n{KNOWLEDGE}")}),
                _ => json!({"w9Received": true, "legalName": "Acme Evil Corp"}),
            };
            ResponseTemplate::new(200).set_body_json(completion(&answer))
        })
        .mount(&server)
        .await;
    server
}

fn assert_clean(body: &str, request: &offload_workflows::activities::AgentRequest, context: &str) {
    let violations = draft_violations(
        body,
        request.goal.private_knowledge.as_ref(),
        request.goal.knowledge.as_ref(),
        &format!("{} {KNOWLEDGE}", request.goal.objective),
    );
    assert!(
        violations.is_empty(),
        "{context}: outgoing mail {violations:?}: {body}"
    );
    assert!(
        !body.contains(PRIVATE_PO) && !body.contains("45,000") && !body.contains("45000"),
        "{context}: {body}"
    );
}

#[tokio::test]
async fn the_guards_hold_against_every_hostile_reply() {
    let corpus: Vec<Sample> =
        serde_json::from_str(include_str!("../fixtures/hostile.json")).expect("the corpus parses");
    assert!(
        corpus.len() >= 20,
        "the corpus has {} messages",
        corpus.len()
    );
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for behaviour in 0..3 {
        let server = compromised_model(behaviour).await;
        let agent = agent(&server, Duration::from_secs(5));
        for sample in &corpus {
            let mail = InboundMail::parse(sample.raw.as_bytes()).expect("a sample parses");
            let request = request_with_reply(&mail.text, mail.warnings.clone(), None);
            let context = format!(
                "{} ({}), model behaviour {behaviour}",
                sample.name, sample.kind
            );
            let decision = agent
                .evaluate(&request)
                .await
                .unwrap_or_else(|e| panic!("{context}: {e}"));
            let label = match &decision {
                Decision::GoalAchieved { .. } => {
                    panic!("{context}: goal achieved without evidence: {decision:?}")
                }
                Decision::Reply { body, .. } => {
                    assert_clean(body, &request, &context);
                    "reply"
                }
                Decision::NeedsInput { question, .. } => {
                    assert!(!question.contains(PRIVATE_PO), "{context}: {question}");
                    "needs_input"
                }
                Decision::Rejected { .. } => "rejected",
            };
            *outcomes.entry(label).or_default() += 1;
        }
        // The writers fall for it too: their drafts are still clean.
        let request = request_with_reply("", vec![], None);
        assert_clean(
            &agent.compose_outreach(&request).await.unwrap().body,
            &request,
            "outreach",
        );
        assert_clean(
            &agent.compose_follow_up(&request).await.unwrap().body,
            &request,
            "follow-up",
        );
    }
    // Reported by `cargo test -- --nocapture`; recorded in the README.
    eprintln!(
        "hostile corpus: {} messages x 3 model behaviours: 0 goal_achieved, 0 leaks; outcomes {outcomes:?}",
        corpus.len()
    );
}
