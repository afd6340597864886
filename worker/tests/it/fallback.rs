//! Model operations: a fallback model takes over when the primary fails for good or keeps timing
//! out (and the decision says which model made it); rate limiting is not failure; calls, tokens
//! and latency are counted per model.

use crate::fake_model::{completion, request_with_reply, task_of};
use offload_core::config::Secret;
use offload_worker::agent::Agent;
use offload_worker::agent::openai::{ChatClient, OpenAiAgent};
use offload_worker::metrics::WorkerMetrics;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(
    server: &MockServer,
    model: &str,
    metrics: &Arc<WorkerMetrics>,
    timeout: Duration,
) -> ChatClient {
    let base = format!("{}/v1", server.uri()).parse().unwrap();
    ChatClient::new(&base, model.into(), Some(Secret::new("sk-test")), timeout)
        .with_metrics(metrics.clone())
}

/// A model that asks the client about every reply, reporting its token usage.
async fn asking_model() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(task_of(&body), "case_decision");
            let mut answer = completion(&json!({
                "decision": "needs_input", "reason": "a question", "evidence": [],
                "reply_draft": null, "question_for_client": "Which tax year?"
            }));
            answer["usage"] = json!({"prompt_tokens": 120, "completion_tokens": 30});
            ResponseTemplate::new(200).set_body_json(answer)
        })
        .mount(&server)
        .await;
    server
}

async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn a_primary_that_fails_for_good_hands_over_to_the_fallback_which_the_decision_names() {
    let metrics = Arc::new(WorkerMetrics::default());
    let primary = answering(
        404,
        json!({"error": {"message": "The model `gone` does not exist"}}),
    )
    .await;
    let fallback = asking_model().await;
    let agent = OpenAiAgent::new(client(&primary, "gone", &metrics, 5 * SECOND))
        .with_fallback(client(&fallback, "backup", &metrics, 5 * SECOND));
    let request = request_with_reply("Which tax year should it cover?", vec![], None);
    for _ in 0..2 {
        let evaluation = agent.evaluate_with_evidence(&request).await.unwrap();
        assert_eq!(evaluation.decision.outcome(), "needs_input");
        assert_eq!(evaluation.model.as_deref(), Some("backup"));
    }
    // The primary was asked once; after that, calls go straight to the fallback.
    assert_eq!(metrics.model_calls("gone", "refused"), 1);
    assert_eq!(metrics.model_calls("backup", "ok"), 2);
    assert_eq!(metrics.model_tokens("backup", "prompt"), 240);
    assert_eq!(metrics.model_tokens("backup", "completion"), 60);
    let rendered = metrics.render();
    assert!(
        rendered.contains("offload_llm_requests_total{model=\"gone\",outcome=\"refused\"} 1"),
        "{rendered}"
    );
    assert!(
        rendered.contains("offload_llm_request_duration_seconds_count{model=\"backup\"} 2"),
        "{rendered}"
    );
}

#[tokio::test]
async fn a_primary_that_keeps_timing_out_hands_over_on_the_second_timeout() {
    let metrics = Arc::new(WorkerMetrics::default());
    let primary = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&primary)
        .await;
    let fallback = asking_model().await;
    let agent = OpenAiAgent::new(client(&primary, "slow", &metrics, SECOND)).with_fallback(client(
        &fallback,
        "backup",
        &metrics,
        5 * SECOND,
    ));
    let request = request_with_reply("Which tax year should it cover?", vec![], None);
    // One timeout is worth a retry (Temporal's): the call fails as retryable.
    let first = agent.evaluate_with_evidence(&request).await;
    assert!(
        matches!(first, Err(offload_worker::agent::AgentError::Transient(_))),
        "{first:?}"
    );
    let second = agent.evaluate_with_evidence(&request).await.unwrap();
    assert_eq!(second.model.as_deref(), Some("backup"));
    assert_eq!(metrics.model_calls("slow", "timeout"), 2);
}

#[tokio::test]
async fn rate_limiting_is_not_failure_the_primary_keeps_the_call() {
    let metrics = Arc::new(WorkerMetrics::default());
    let primary = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .mount(&primary)
        .await;
    let fallback = asking_model().await;
    let agent = OpenAiAgent::new(client(&primary, "busy", &metrics, 5 * SECOND))
        .with_fallback(client(&fallback, "backup", &metrics, 5 * SECOND));
    let request = request_with_reply("Which tax year should it cover?", vec![], None);
    let outcome = agent.evaluate_with_evidence(&request).await;
    assert!(
        matches!(
            outcome,
            Err(offload_worker::agent::AgentError::RateLimited {
                retry_after: Some(d)
            }) if d == Duration::from_secs(7)
        ),
        "{outcome:?}"
    );
    assert_eq!(metrics.model_calls("backup", "ok"), 0);
    assert_eq!(metrics.model_calls("busy", "rate_limited"), 1);
}
