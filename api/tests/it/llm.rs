//! The whole case lifecycle driven by the OpenAI-compatible agent against a fake model.

use crate::harness::{Options, case_body, reply_with_attachment, spawn_app_with, until};
use mail_parser::MessageParser;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn completion(content: &Value) -> Value {
    json!({"choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content.to_string()}}]})
}

/// The NEW counterparty text of an evaluation prompt.
fn new_text(user: &str) -> String {
    user.split("status=\"NEW\">")
        .skip(1)
        .filter_map(|rest| rest.split("</untrusted_email>").next())
        .filter_map(|block| {
            block
                .split_once("\n\n")
                .map(|(_, body)| body.trim().to_string())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A plausible model: asks the client about questions, relays answers, accepts attachments.
fn answer(body: &Value) -> Value {
    let task = body["response_format"]["json_schema"]["name"]
        .as_str()
        .or_else(|| body["response_format"]["type"].as_str())
        .unwrap_or("");
    let system = body["messages"][0]["content"].as_str().unwrap_or("");
    let user = body["messages"][1]["content"].as_str().unwrap_or("");
    let new = new_text(user);
    match task {
        "email_draft" => json!({"subject": "Signed W-9 for Northstar Supplies",
                                "body": "Hi Maya,\n\nCould you send us your signed W-9?\n\nThanks,\nAvery"}),
        "draft_review" => json!({"compliant": true, "violations": []}),
        "case_decision" if system.contains("The client has just answered") => {
            let answered = system
                .rsplit("Answered: ")
                .next()
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("");
            json!({"decision": "reply", "reason": "pass the answer on", "evidence": [],
                   "reply_draft": format!("Hi Maya,\n\n{answered}\n\nThanks,\nAvery"), "question_for_client": null})
        }
        "case_decision" if new.contains('?') => json!({
            "decision": "needs_input", "reason": "a question for the client", "evidence": [],
            "reply_draft": null, "question_for_client": format!("Maya Chen asked: \"{}\"", new.trim())}),
        "case_decision" if new.contains("signed form") => json!({
            "decision": "goal_achieved", "reason": "the signed form arrived",
            "evidence": ["attachment:vendor-w9.pdf", "Here is the signed form."],
            "reply_draft": null, "question_for_client": null}),
        "case_decision" => json!({"decision": "reply", "reason": "ask again", "evidence": [],
                                  "reply_draft": "Could you send it?\n\nAvery", "question_for_client": null}),
        _ => json!({"w9Received": true, "taxYear": "2025"}),
    }
}

/// An app whose agent is the OpenAI-compatible one, talking to `model`.
async fn app_on(model: &MockServer) -> crate::harness::TestApp {
    spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_AGENT", "openai".into()),
            ("OFFLOAD_LLM_BASE_URL", format!("{}/v1", model.uri())),
            ("OFFLOAD_LLM_MODEL", "test-model".into()),
            ("OFFLOAD_LLM_API_KEY", "sk-test".into()),
        ],
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_case_runs_from_outreach_to_completion_on_the_openai_agent() {
    let model = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test"))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            ResponseTemplate::new(200).set_body_json(completion(&answer(&body)))
        })
        .mount(&model)
        .await;
    let app = app_on(&model).await;
    let mut body = case_body();
    body["resultSchema"] = json!({
        "type": "object",
        "properties": {"w9Received": {"type": "boolean"}, "taxYear": {"type": "string"}},
        "required": ["w9Received", "taxYear"]
    });
    let case_id = app.create_case(body).await;

    app.wait_for_outreach(&case_id).await;
    let sent = app.sent(&case_id);
    let first = MessageParser::default().parse(&sent[0]).unwrap();
    assert_eq!(first.subject(), Some("Signed W-9 for Northstar Supplies"));
    assert!(
        first
            .body_text(0)
            .unwrap()
            .contains("Could you send us your signed W-9?")
    );

    app.reply(&case_id, "Which tax year should it cover?").await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    assert_eq!(
        view["inputRequest"]["question"],
        "Maya Chen asked: \"Which tax year should it cover?\""
    );

    let id = view["inputRequest"]["id"].clone();
    let accepted = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": id, "providedContext": "Tax year 2025."}),
        )
        .await;
    assert_eq!(accepted.status, 202);
    app.wait_for(&case_id, "the relayed answer", |v| v["attemptCount"] == 2)
        .await;
    let sent = app.sent(&case_id);
    let relay = MessageParser::default().parse(&sent[1]).unwrap();
    assert!(relay.body_text(0).unwrap().contains("Tax year 2025."));

    let pdf = b"%PDF-1.4 signed".to_vec();
    app.inbound(&reply_with_attachment(
        &case_id,
        "e@northstar.example",
        "Here is the signed form.\r\nTax year: 2025",
        &pdf,
    ))
    .await;
    let view = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(view["resultStatus"], "goal_achieved");
    assert_eq!(
        view["result"],
        json!({"w9Received": true, "taxYear": "2025"})
    );
    let tasks: Vec<String> = model
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["response_format"]["json_schema"]["name"]
                .as_str()
                .or_else(|| body["response_format"]["type"].as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect();
    // Outreach, three evaluations, one extraction (the client's schema is not strict-compatible).
    assert_eq!(
        tasks,
        [
            "email_draft",
            "case_decision",
            "case_decision",
            "case_decision",
            "json_object"
        ]
    );
}

/// Stops win over a model that is still deciding: the client's cancellation (or a bounce) ends
/// the case at once, the call in flight is cancelled, and nothing the model would have decided
/// (here: goal achieved) is acted on.
#[tokio::test]
async fn a_cancel_while_the_model_is_deciding_wins() {
    let model = MockServer::start().await;
    let decisions = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = decisions.clone();
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(move |request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let reply = ResponseTemplate::new(200).set_body_json(completion(&answer(&body)));
            if body["response_format"]["json_schema"]["name"] == "case_decision" {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // Slow enough that the cancellation surely lands mid-decision.
                reply.set_delay(std::time::Duration::from_secs(30))
            } else {
                reply
            }
        })
        .mount(&model)
        .await;
    let app = app_on(&model).await;
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Here is the signed form.").await;
    until("the model is asked", || {
        decisions.load(std::sync::atomic::Ordering::SeqCst) > 0
    })
    .await;

    let started = std::time::Instant::now();
    let cancelled = app
        .post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.data()["status"], "FAILED");
    assert_eq!(cancelled.data()["resultStatus"], "cancelled");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the case did not wait for the model ({:?})",
        started.elapsed()
    );

    // The only event is case.failed; the first message is the only one sent.
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "cancelled");
    assert_eq!(app.sent(&case_id).len(), 1);
    let view = app.view(&case_id).await;
    assert!(view.get("result").is_none());
    assert_eq!(
        decisions.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "no retry of the decision"
    );
    app.record_history(&case_id, "cancelled_while_deciding")
        .await;
}

/// While the case acts on an answer (here: the model takes a few seconds to relay it), the same
/// answer again reads as used: `409 INPUT_REQUEST_NOT_PENDING`, and nothing is applied twice.
#[tokio::test]
async fn a_second_answer_while_the_first_is_acted_on_gets_409_input_request_not_pending() {
    let model = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let system = body["messages"][0]["content"].as_str().unwrap_or("");
            let reply = ResponseTemplate::new(200).set_body_json(completion(&answer(&body)));
            if system.contains("The client has just answered") {
                reply.set_delay(std::time::Duration::from_secs(3))
            } else {
                reply
            }
        })
        .mount(&model)
        .await;
    let app = app_on(&model).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Which tax year should it cover?").await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let input = json!({"inputRequestId": view["inputRequest"]["id"], "providedContext": "2025."});
    let path = format!("/cases/{case_id}/input");
    let accepted = app.post(&path, input.clone()).await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    app.post(&path, input)
        .await
        .assert_error(409, "INPUT_REQUEST_NOT_PENDING");
    let view = app
        .wait_for(&case_id, "the relayed answer", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(view["humanInputs"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_model_that_refuses_every_request_fails_the_case_with_workflow_error() {
    // A 400 (a model name the endpoint does not know) is not retried: the case fails at once.
    let model = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": {"message": "The model does not exist"}})),
        )
        .mount(&model)
        .await;
    let app = app_on(&model).await;
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);
    let case_id = app.create_case(body).await;
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "workflow_error");
    assert_eq!(view["attemptCount"], 0, "nothing was sent");
    assert!(app.sent(&case_id).is_empty());
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "workflow_error");
    let reason = event["data"]["failureReason"].as_str().unwrap();
    assert!(reason.contains("400"), "{reason}");
    assert_eq!(
        model.received_requests().await.unwrap().len(),
        1,
        "a permanent failure is not retried"
    );
}
