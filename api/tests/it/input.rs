//! `POST /cases/{id}/input`: the three 409s in their documented order, and validation.

use crate::harness::{case_body, reply_mail, spawn_app};
use serde_json::json;

#[tokio::test]
async fn input_is_refused_with_the_right_409_for_each_stale_state() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let path = format!("/cases/{case_id}/input");

    // Not waiting for input yet.
    app.post(
        &path,
        json!({"inputRequestId": "whatever", "providedContext": "x"}),
    )
    .await
    .assert_error(409, "CASE_NOT_WAITING_FOR_INPUT");

    app.inbound(&reply_mail(
        &case_id,
        "q@northstar.example",
        "Do you need the 2024 or 2025 form?",
    ))
    .await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let id = view["inputRequest"]["id"].as_str().unwrap().to_string();

    // Validation comes before state.
    let message = app
        .post(
            &path,
            json!({"inputRequestId": id, "providedContext": "   "}),
        )
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert_eq!(
        message,
        "providedContext: must be 1..8000 characters after trimming"
    );
    let message = app
        .post(&path, json!({"providedContext": "2025"}))
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert_eq!(message, "inputRequestId: is required");
    app.post(
        &path,
        json!({"inputRequestId": id, "providedContext": "x".repeat(8001)}),
    )
    .await
    .assert_error(400, "INVALID_REQUEST");

    // A request that is not the active one.
    app.post(
        &path,
        json!({"inputRequestId": uuid::Uuid::new_v4().to_string(), "providedContext": "2025"}),
    )
    .await
    .assert_error(409, "INPUT_REQUEST_MISMATCH");

    // The real answer, then the same answer again.
    let accepted = app
        .post(
            &path,
            json!({"inputRequestId": id, "providedContext": "2025"}),
        )
        .await;
    assert_eq!(accepted.status, 202);
    app.post(
        &path,
        json!({"inputRequestId": id, "providedContext": "2025"}),
    )
    .await
    .assert_answer_used();

    let view = app
        .wait_for(&case_id, "the answer relayed", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(
        view["humanInputs"].as_array().unwrap().len(),
        1,
        "one answer applied: {view}"
    );

    app.post(
        &format!("/cases/{}/input", uuid::Uuid::new_v4()),
        json!({"inputRequestId": id, "providedContext": "2025"}),
    )
    .await
    .assert_error(404, "CASE_NOT_FOUND");
}

#[tokio::test]
async fn the_input_loop_can_go_round_twice() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let path = format!("/cases/{case_id}/input");
    for (round, question) in ["Which year?", "Which entity?"].iter().enumerate() {
        app.inbound(&reply_mail(
            &case_id,
            &format!("q{round}@northstar.example"),
            question,
        ))
        .await;
        let view = app
            .wait_for(&case_id, "a new question", |v| {
                v["status"] == "INPUT_NEEDED" && v["inputRequest"]["status"] == "PENDING"
            })
            .await;
        let id = view["inputRequest"]["id"].clone();
        let accepted = app
            .post(
                &path,
                json!({"inputRequestId": id, "providedContext": format!("answer {round}")}),
            )
            .await;
        assert_eq!(accepted.status, 202);
        app.wait_for(&case_id, "the answer relayed", |v| {
            v["attemptCount"] == round as i64 + 2
        })
        .await;
    }
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "RUNNING");
    let answers: Vec<&str> = view["humanInputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["providedContext"].as_str().unwrap())
        .collect();
    assert_eq!(answers, ["answer 0", "answer 1"]);
    assert_eq!(
        view["goal"]["knowledge"]["additionalHumanContext"],
        "answer 0\n\nanswer 1"
    );

    // Close the case so a recorded history is a whole run.
    app.reply(&case_id, "Done, it is attached.").await;
    app.wait_for_status(&case_id, "COMPLETED").await;
    app.record_history(&case_id, "input_loop_twice").await;
}

#[tokio::test]
async fn an_unanswered_input_request_fails_the_case_after_input_timeout_hours() {
    let app = spawn_app().await;
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["inputTimeoutHours"] = json!(2);
    body["clientWebhookUrl"] = json!(hooks.url);
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    app.inbound(&reply_mail(
        &case_id,
        "q@northstar.example",
        "Is a scan enough?",
    ))
    .await;
    // The question lasts 2 s: the webhook, not a poll, shows it was asked.
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "input_timeout");
    let (_, first) = hooks.next().await;
    let (_, second) = hooks.next().await;
    assert_eq!(first["event_type"], "case.input_needed");
    let asked_at = first["data"]["inputRequestedAt"].as_i64().unwrap();
    assert!(view["updatedAt"].as_i64().unwrap() - asked_at >= 2000);
    assert_eq!(second["event_type"], "case.failed");
    assert_eq!(second["data"]["resultStatus"], "input_timeout");
    assert_eq!(
        second["data"]["failureReason"],
        "The input request was not answered within inputTimeoutHours."
    );

    app.record_history(&case_id, "input_timeout").await;
}

#[tokio::test]
async fn a_reply_that_arrives_while_the_client_is_asked_is_read_with_the_answer() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Do you need the 2024 or 2025 form?")
        .await;
    let asked = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    // Meanwhile the counterparty sends the form anyway: kept, not acted on without the client.
    app.reply(
        &case_id,
        "Never mind, here is the signed W-9 for 2025, attached and confirmed.",
    )
    .await;
    app.wait_for(&case_id, "the second reply on the case", |v| {
        v["status"] == "INPUT_NEEDED" && v["updatedAt"] != asked["updatedAt"]
    })
    .await;
    assert!(
        app.thread(&case_id)
            .await
            .contains("here is the signed W-9 for 2025"),
        "the reply is on the thread while the case waits"
    );
    let accepted = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": asked["inputRequest"]["id"], "providedContext": "2025"}),
        )
        .await;
    assert_eq!(accepted.status, 202);
    // Read together with the answer, the waiting reply settles the case: no relay goes out.
    let view = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(view["resultStatus"], "goal_achieved");
    assert_eq!(view["attemptCount"], 1, "{view}");
    assert_eq!(app.sent(&case_id).len(), 1);
}

#[tokio::test]
async fn a_pending_question_is_reminded_three_times_then_the_input_timeout_ends_the_case() {
    let app = spawn_app().await;
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let mut body = case_body();
    // Case hours are seconds here: reminders at 2, 4 and 6 s, the timeout at 12 s.
    body["inputReminderHours"] = json!(2);
    body["inputTimeoutHours"] = json!(12);
    body["clientWebhookUrl"] = json!(hooks.url);
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Is a scan enough?").await;

    let (_, asked) = hooks.next().await;
    assert_eq!(asked["event_type"], "case.input_needed");
    let asked_id = asked["event_id"].as_str().unwrap().to_string();
    let requested_at = asked["data"]["inputRequestedAt"].as_i64().unwrap();
    for n in 1..=3 {
        let (headers, reminder) = hooks.next().await;
        assert_eq!(reminder["event_id"], format!("{asked_id}_reminder_{n}"));
        assert_eq!(reminder["event_type"], "case.input_needed");
        assert_eq!(reminder["data"], asked["data"], "the same payload");
        // Never early: sent at least n × 2 s after the question (whole seconds).
        let sent: i64 = headers["webhook-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            sent >= requested_at / 1000 + 2 * n - 1,
            "reminder {n} early"
        );
    }
    let (_, failed) = hooks.next().await;
    assert_eq!(failed["event_type"], "case.failed", "no fourth reminder");
    assert_eq!(failed["data"]["resultStatus"], "input_timeout");
    app.record_history(&case_id, "input_reminded").await;
}

#[tokio::test]
async fn reminders_stop_when_the_question_is_answered() {
    use prost::Message;
    use temporalio_common::protos::temporal::api::enums::v1::EventType;
    use temporalio_common::protos::temporal::api::history::v1::History;

    let app = spawn_app().await;
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["inputReminderHours"] = json!(2);
    body["clientWebhookUrl"] = json!(hooks.url);
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Do you need the 2024 or 2025 form?")
        .await;
    let (_, asked) = hooks.next().await;
    let (_, first) = hooks.next().await;
    assert_eq!(
        first["event_id"],
        format!("{}_reminder_1", asked["event_id"].as_str().unwrap())
    );
    let id = asked["data"]["inputRequestId"].as_str().unwrap();
    let accepted = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": id, "providedContext": "2025"}),
        )
        .await;
    assert_eq!(accepted.status, 202);
    app.wait_for(&case_id, "the answer relayed", |v| v["attemptCount"] == 2)
        .await;

    // The answer cancelled the next reminder's timer: recorded in the case's history.
    let bytes = offload_worker::history::export(&app.client, &case_id)
        .await
        .unwrap();
    let events = History::decode(bytes.as_slice()).unwrap().events;
    let kinds: Vec<EventType> = events
        .iter()
        .filter_map(|e| EventType::try_from(e.event_type).ok())
        .collect();
    // The latest signal is the answer (the reply came before it).
    let answered = kinds
        .iter()
        .rposition(|k| *k == EventType::WorkflowExecutionSignaled)
        .expect("the answer's signal");
    assert!(
        kinds[answered..].contains(&EventType::TimerCanceled),
        "the pending reminder was cancelled: {kinds:?}"
    );
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "RUNNING");
    app.reply(
        &case_id,
        "Here is the signed W-9 for 2025, attached and confirmed.",
    )
    .await;
    app.wait_for_status(&case_id, "COMPLETED").await;
    let (_, completed) = hooks.next().await;
    assert_eq!(
        completed["event_type"], "case.completed",
        "no reminder after the answer"
    );
}
