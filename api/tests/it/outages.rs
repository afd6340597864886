//! Reads and answers while no worker runs; 503 naming the dependency while Temporal or the blob
//! store is down.

use crate::harness::{Options, case_body, reply_with_attachment, spawn_app, spawn_app_with};
use serde_json::json;

#[tokio::test]
async fn with_no_worker_reads_serve_the_snapshot_and_answers_still_queue() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Which year?").await;
    let live = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let request_id = live["inputRequest"]["id"].clone();

    app.stop_worker().await;
    let stale = app
        .get(&format!("/cases/{case_id}?includeTranscript=true"))
        .await;
    assert_eq!(stale.status, 200, "{}", stale.body);
    assert_eq!(stale.headers["offload-stale"], "true");
    let view = stale.data();
    assert_eq!(view["status"], "INPUT_NEEDED");
    assert_eq!(view["inputRequest"], live["inputRequest"]);
    assert_eq!(view["updatedAt"], live["updatedAt"]);
    assert!(
        view.get("conversationThread").is_none(),
        "a snapshot has no transcript"
    );

    // Answers are still checked (against the snapshot) and queued on the case.
    app.post(
        &format!("/cases/{case_id}/input"),
        json!({"inputRequestId": "other", "providedContext": "x"}),
    )
    .await
    .assert_error(409, "INPUT_REQUEST_MISMATCH");
    let accepted = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": request_id, "providedContext": "2025."}),
        )
        .await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);

    // A worker comes back and the case carries on with the queued answer.
    app.start_worker();
    let view = app
        .wait_for(&case_id, "the relayed answer", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(view["status"], "RUNNING");
    let fresh = app.get(&format!("/cases/{case_id}")).await;
    assert!(fresh.headers.get("offload-stale").is_none());
}

#[tokio::test]
async fn with_no_worker_mail_and_a_cancel_are_accepted_and_applied_when_a_worker_returns() {
    let app = spawn_app().await;
    let asked = app.create_case(case_body()).await;
    let cancelled = app.create_case(case_body()).await;
    app.wait_for_outreach(&asked).await;
    app.wait_for_outreach(&cancelled).await;

    app.stop_worker().await;
    app.reply(&asked, "Do you need the 2024 or 2025 form?")
        .await;
    // The cancel is recorded on the case but nobody can end it yet: 202, still running.
    let response = app
        .request(
            reqwest::Method::POST,
            &format!("/cases/{cancelled}/cancel"),
            Some(&app.key),
            None,
        )
        .await;
    assert_eq!(response.status, 202, "{}", response.body);
    assert_eq!(
        response.body,
        json!({"ok": true, "data": {"caseId": cancelled, "status": "RUNNING"}})
    );

    app.start_worker();
    app.wait_for_status(&asked, "INPUT_NEEDED").await;
    let view = app.wait_for_status(&cancelled, "FAILED").await;
    assert_eq!(view["resultStatus"], "cancelled");
    assert_eq!(app.sent(&cancelled).len(), 1, "nothing more went out");
}

#[tokio::test]
async fn with_temporal_down_reads_and_readiness_answer_503_with_retry_after() {
    let app = spawn_app_with(Options {
        own_temporal: true,
        ..Options::default()
    })
    .await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    app.stop_temporal();
    let read = app.get(&format!("/cases/{case_id}")).await;
    let message = read.assert_error(503, "UNAVAILABLE");
    assert_eq!(
        message,
        "the workflow engine (Temporal) is unavailable, try again shortly"
    );
    assert_eq!(read.headers["retry-after"], "5");
    let ready = app
        .request(reqwest::Method::GET, "/readyz", None, None)
        .await;
    let message = ready.assert_error(503, "UNAVAILABLE");
    assert!(message.contains("workflow engine"), "{message}");
    let health = app
        .request(reqwest::Method::GET, "/healthz", None, None)
        .await;
    assert_eq!(health.status, 200, "the process itself is up");
}

#[tokio::test]
async fn with_the_blob_store_down_a_reply_with_a_file_gets_503_naming_it_and_changes_nothing() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let before = app.get(&format!("/cases/{case_id}")).await;
    // The local blob store keeps files under <data dir>/attachments: a plain file there makes
    // every write fail, as a full or unmounted volume would.
    let attachments = app.dir.join("attachments");
    let _ = std::fs::remove_dir_all(&attachments);
    std::fs::write(&attachments, b"not a directory").unwrap();

    let raw = reply_with_attachment(
        &case_id,
        "blob-down@northstar.example",
        "Here it is.",
        b"%PDF-1.4",
    );
    let refused = app.inbound(&raw).await;
    let message = refused.assert_error(503, "UNAVAILABLE");
    assert_eq!(message, "the blob store is unavailable, try again shortly");
    assert_eq!(refused.headers["retry-after"], "5");

    let after = app.get(&format!("/cases/{case_id}")).await;
    assert_eq!(after.data(), before.data(), "the case did not move");
    let thread = app.thread(&case_id).await;
    assert!(!thread.contains("Here it is."), "{thread}");
}

#[tokio::test]
async fn a_terminated_case_reads_as_failed_with_workflow_error_not_as_running() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    // An operator terminates the run in the Temporal UI or CLI.
    app.client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.clone())
        .terminate(
            temporalio_client::WorkflowTerminateOptions::builder()
                .reason("operator")
                .build(),
        )
        .await
        .unwrap();
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "FAILED");
    assert_eq!(view["resultStatus"], "workflow_error");
    assert_eq!(view["nextActionAt"], json!(253402300799999i64));
    assert_eq!(view["attemptCount"], 1, "what happened before stays");
    app.record_history(&case_id, "terminated").await;

    let mut listed = json!(null);
    for _ in 0..100 {
        listed = app.get("/cases").await.data()["cases"][0].clone();
        if listed["status"] == "FAILED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(listed["caseId"], json!(case_id));
    assert_eq!(listed["status"], "FAILED", "the listing agrees");
}

#[tokio::test]
async fn a_case_no_worker_has_touched_reads_as_created_and_replays_its_create() {
    let app = spawn_app_with(Options {
        worker: false,
        ..Options::default()
    })
    .await;
    let create = |body: serde_json::Value| {
        app.http
            .post(format!("{}/cases", app.base))
            .header("x-api-key", app.key.clone())
            .header("idempotency-key", "untouched-1")
            .json(&body)
            .send()
    };
    let first = create(case_body()).await.unwrap();
    assert_eq!(first.status(), 201);
    let case_id = first.json::<serde_json::Value>().await.unwrap()["data"]["caseId"]
        .as_str()
        .unwrap()
        .to_string();

    // No snapshot was written yet: the read is the case as created, from its start.
    let read = app.get(&format!("/cases/{case_id}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.headers["offload-stale"], "true");
    let view = read.data();
    assert_eq!(view["caseId"], json!(case_id));
    assert_eq!(view["status"], "CREATED");
    assert_eq!(view["attemptCount"], 0);
    assert_eq!(view["counterparty"]["address"], "ap@northstar.example");

    // An idempotent create is still told apart from a different one.
    let again = create(case_body()).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let mut other = case_body();
    other["goal"]["objective"] = json!("Something else entirely.");
    let conflict = create(other).await.unwrap();
    assert_eq!(conflict.status(), 409);

    // Terminated before any worker ran it: failed, not created.
    app.client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.clone())
        .terminate(temporalio_client::WorkflowTerminateOptions::builder().build())
        .await
        .unwrap();
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "FAILED");
    assert_eq!(view["resultStatus"], "workflow_error");
}

/// An operator cancels the run in the Temporal UI or CLI (a workflow cancellation request, not
/// the API's cancel): the case ends as cancelled, the client gets `case.failed`, and the run
/// closes cancelled.
#[tokio::test]
async fn an_operator_cancelling_the_run_in_temporal_ends_the_case_and_tells_the_client() {
    let app = spawn_app().await;
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    let handle = app
        .client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.clone());
    handle
        .cancel(
            temporalio_client::WorkflowCancelOptions::builder()
                .reason("operator")
                .build(),
        )
        .await
        .unwrap();
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "cancelled");
    assert_eq!(
        event["data"]["failureReason"],
        "Cancelled in Temporal by an operator."
    );
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "cancelled");
    assert_eq!(view["attemptCount"], 1, "what happened before stays");
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        handle.get_result(Default::default()),
    )
    .await
    .expect("the run closes");
    assert!(
        matches!(
            closed,
            Err(temporalio_client::errors::WorkflowGetResultError::Cancelled { .. })
        ),
        "the run closes cancelled: {closed:?}"
    );
    app.record_history(&case_id, "operator_cancelled").await;
}

#[tokio::test]
async fn a_read_the_workflow_is_slow_to_answer_is_served_from_its_snapshot_without_waiting() {
    let app = spawn_app_with(Options {
        snapshot_after: std::time::Duration::from_millis(200),
        ..Options::default()
    })
    .await;
    let case_id = app.create_case(case_body()).await;
    let live = app.wait_for_outreach(&case_id).await;
    // No worker answers the query (as when its next step is queued behind others).
    app.stop_worker().await;
    let began = std::time::Instant::now();
    let read = app.get(&format!("/cases/{case_id}")).await;
    let took = began.elapsed();
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.headers["offload-stale"], "true");
    assert_eq!(read.data()["attemptCount"], live["attemptCount"]);
    assert_eq!(read.data()["updatedAt"], live["updatedAt"]);
    assert!(
        took >= std::time::Duration::from_millis(200) && took < std::time::Duration::from_secs(2),
        "served after the 200 ms wait, before the 2 s query timeout: {took:?}"
    );
    // What decides whether an answer is accepted waits for the workflow (here until the 2 s
    // query timeout, then checks against the snapshot): a second answer must meet its 409.
    let began = std::time::Instant::now();
    app.post(
        &format!("/cases/{case_id}/input"),
        json!({"inputRequestId": "none", "providedContext": "x"}),
    )
    .await
    .assert_error(409, "CASE_NOT_WAITING_FOR_INPUT");
    assert!(began.elapsed() >= std::time::Duration::from_secs(2));
}
