//! Pausing and resuming a case (`POST /cases/{id}/pause`, `/resume`): nothing goes out while
//! paused, replies are still recorded, and the follow-up resumes with the delay that was left.

use crate::harness::{TestApp, case_body, spawn_app};
use offload_workflows::state::NOTHING_SCHEDULED;
use serde_json::{Value, json};
use std::time::Duration;

async fn pause(app: &TestApp, case_id: &str) -> crate::harness::Response {
    app.post(&format!("/cases/{case_id}/pause"), json!({}))
        .await
}

async fn resume(app: &TestApp, case_id: &str) -> crate::harness::Response {
    app.post(&format!("/cases/{case_id}/resume"), json!({}))
        .await
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn a_paused_case_sends_no_follow_up_and_resumes_with_the_delay_that_was_left() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["followUpDelayHours"] = json!(4); // 4 s in tests
    body["maxAttempts"] = json!(1);
    let case_id = app.create_case(body).await;
    let sent = app.wait_for_outreach(&case_id).await;
    let due = sent["nextActionAt"].as_i64().unwrap();

    let paused = pause(&app, &case_id).await;
    assert_eq!(paused.status, 202, "{}", paused.body);
    assert_eq!(paused.data(), &json!({"caseId": case_id, "paused": true}));
    let paused_at = now_ms();
    let view = app
        .wait_for(&case_id, "paused", |v| v["paused"] == json!(true))
        .await;
    assert_eq!(view["nextActionAt"], json!(NOTHING_SCHEDULED));
    assert_eq!(view["status"], "RUNNING");
    // Well past the follow-up's due time: nothing went out.
    tokio::time::sleep(Duration::from_millis(
        u64::try_from(due - now_ms()).unwrap_or(0) + 2000,
    ))
    .await;
    assert_eq!(app.sent(&case_id).len(), 1, "no follow-up while paused");
    assert_eq!(app.view(&case_id).await["attemptCount"], 1);
    // Pausing again changes nothing.
    assert_eq!(pause(&app, &case_id).await.status, 202);

    let left = due - paused_at;
    let resumed = resume(&app, &case_id).await;
    assert_eq!(resumed.status, 202, "{}", resumed.body);
    let resumed_at = now_ms();
    let view = app
        .wait_for(&case_id, "resumed", |v| v["paused"] == json!(false))
        .await;
    let next = view["nextActionAt"].as_i64().unwrap();
    assert_ne!(next, NOTHING_SCHEDULED);
    // The delay that was left, from the resume (the resume lands a moment after our clock).
    assert!(
        next >= resumed_at + left - 500 && next <= resumed_at + left + 3000,
        "next action {} ms after the resume, {left} ms were left",
        next - resumed_at
    );
    let followed = app
        .wait_for(&case_id, "the follow-up", |v| v["attemptCount"] == 2)
        .await;
    assert!(followed["updatedAt"].as_i64().unwrap() >= next);
    assert_eq!(app.sent(&case_id).len(), 2);

    let events = app.get(&format!("/cases/{case_id}/events")).await;
    let types: Vec<&str> = events.data()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["email.sent", "case.paused", "case.resumed", "email.sent"]
    );
    app.post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    app.record_history(&case_id, "paused_resumed").await;
}

#[tokio::test]
async fn replies_to_a_paused_case_are_recorded_and_read_only_after_the_resume() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    assert_eq!(pause(&app, &case_id).await.status, 202);
    app.wait_for(&case_id, "paused", |v| v["paused"] == json!(true))
        .await;
    app.reply(&case_id, "Which tax year do you need?").await;
    // Recorded on the case, but neither read nor answered while paused.
    let thread = app.thread(&case_id).await;
    assert!(thread.contains("Which tax year do you need?"), "{thread}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(view["inputRequest"], Value::Null);
    assert_eq!(app.sent(&case_id).len(), 1);

    assert_eq!(resume(&app, &case_id).await.status, 202);
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    assert_eq!(view["paused"], false);
    assert!(
        view["inputRequest"]["question"]
            .as_str()
            .unwrap()
            .contains("Which tax year")
    );
}

#[tokio::test]
async fn a_paused_input_request_times_out_later_by_the_time_it_was_paused() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["inputTimeoutHours"] = json!(3); // 3 s in tests
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Which year?").await;
    let asked = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let requested_at = asked["inputRequest"]["requestedAt"].as_i64().unwrap();
    assert_eq!(pause(&app, &case_id).await.status, 202);
    app.wait_for(&case_id, "paused", |v| v["paused"] == json!(true))
        .await;
    let pause_for = Duration::from_secs(5);
    tokio::time::sleep(pause_for).await;
    assert_eq!(
        app.view(&case_id).await["status"],
        "INPUT_NEEDED",
        "the input timeout stood still"
    );
    assert_eq!(resume(&app, &case_id).await.status, 202);
    let failed = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(failed["resultStatus"], "input_timeout");
    assert!(
        failed["updatedAt"].as_i64().unwrap() >= requested_at + 3000 + 5000,
        "timed out {} ms after the request",
        failed["updatedAt"].as_i64().unwrap() - requested_at
    );
}

#[tokio::test]
async fn a_paused_case_can_be_cancelled_and_finished_cases_cannot_be_paused() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    assert_eq!(pause(&app, &case_id).await.status, 202);
    app.wait_for(&case_id, "paused", |v| v["paused"] == json!(true))
        .await;
    let cancelled = app
        .post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    assert!([200, 202].contains(&cancelled.status), "{}", cancelled.body);
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "cancelled");
    assert_eq!(view["paused"], false, "a finished case is not paused");

    pause(&app, &case_id)
        .await
        .assert_error(409, "CASE_ALREADY_TERMINAL");
    resume(&app, &case_id)
        .await
        .assert_error(409, "CASE_ALREADY_TERMINAL");
    let foreign = app
        .request(
            reqwest::Method::POST,
            &format!("/cases/{case_id}/pause"),
            Some(&app.other_key),
            None,
        )
        .await;
    foreign.assert_error(403, "FORBIDDEN");
    pause(&app, &uuid::Uuid::new_v4().to_string())
        .await
        .assert_error(404, "CASE_NOT_FOUND");
    assert_eq!(app.sent(&case_id).len(), 1);
}
