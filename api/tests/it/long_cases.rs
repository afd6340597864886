//! Long cases: a run continues as new (same caseId) before its history passes
//! `OFFLOAD_CASE_RUN_MAX_EVENTS`, carrying the case, its pending question and its webhook queue;
//! the API, signals, cancellation and listings work across runs.

use crate::harness::{Options, TestApp, WebhookReceiver, case_body, spawn_app_with};
use serde_json::json;
use temporalio_client::NamespacedClient;
use temporalio_common::protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_common::protos::temporal::api::workflowservice::v1::ListWorkflowExecutionsRequest;

/// The smallest bound the service accepts, so a test case crosses it quickly.
const SMALL_RUNS: &str = "100";

async fn app_with_small_runs() -> TestApp {
    spawn_app_with(Options {
        env: vec![("OFFLOAD_CASE_RUN_MAX_EVENTS", SMALL_RUNS.to_string())],
        ..Options::default()
    })
    .await
}

/// The statuses of the case's runs, as Temporal's visibility lists them.
async fn runs(app: &TestApp, case_id: &str) -> Vec<WorkflowExecutionStatus> {
    let mut service = app.client.connection().workflow_service();
    let response = service
        .list_workflow_executions(temporalio_client::tonic::Request::new(
            ListWorkflowExecutionsRequest {
                namespace: app.client.namespace(),
                page_size: 100,
                next_page_token: Vec::new(),
                query: format!("WorkflowId = '{case_id}'"),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    response
        .executions
        .iter()
        .map(|e| WorkflowExecutionStatus::try_from(e.status).unwrap())
        .collect()
}

/// Replies sent at once, three times over.
const NOTES_PER_BURST: usize = 20;

/// Waits until one of the case's runs has continued as new.
async fn wait_for_a_continued_run(app: &TestApp, case_id: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !runs(app, case_id)
        .await
        .contains(&WorkflowExecutionStatus::ContinuedAsNew)
    {
        if std::time::Instant::now() > deadline {
            let handle = app
                .client
                .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.to_string());
            let description = handle.describe(Default::default()).await.unwrap();
            panic!(
                "the case never continued as new ({} events)",
                description.history_length()
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

fn inbound_count(thread: &str) -> usize {
    thread.matches(" · inbound · ").count()
}

#[tokio::test]
async fn a_burst_of_replies_across_runs_loses_none_and_the_case_finishes_in_a_later_run() {
    let app = app_with_small_runs().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;

    // A question pauses the case on the client; sixty more replies arrive in bursts while it
    // waits, each a signal: the run grows past its bound and continues as new mid-question.
    app.reply(&case_id, "Which tax year do you need?").await;
    let asked = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    for round in 0..3 {
        let burst = (0..NOTES_PER_BURST).map(|i| {
            let (app, case_id) = (&app, &case_id);
            let n = round * NOTES_PER_BURST + i;
            async move {
                app.reply(case_id, &format!("Note {n}: we are checking"))
                    .await
            }
        });
        futures::future::join_all(burst).await;
    }
    wait_for_a_continued_run(&app, &case_id).await;

    // The next run still waits on the same question, and takes its answer.
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "INPUT_NEEDED");
    for field in ["id", "question", "status"] {
        assert_eq!(view["inputRequest"][field], asked["inputRequest"][field]);
    }
    // The SDK's workflow time after a local activity can differ by milliseconds between the run
    // that asked and a replay of it (a workflow task that starts while the activity runs moves
    // the clock only in the first), so the carried time may be a replay's.
    let drift = view["inputRequest"]["requestedAt"].as_i64().unwrap()
        - asked["inputRequest"]["requestedAt"].as_i64().unwrap();
    assert!(drift.abs() < 1000, "requestedAt moved by {drift} ms");
    assert_eq!(view["createdAt"], asked["createdAt"]);
    let request_id = view["inputRequest"]["id"].as_str().unwrap().to_string();
    let answered = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": request_id, "providedContext": "2025, please."}),
        )
        .await;
    assert_eq!(answered.status, 202, "{}", answered.body);
    app.wait_for(&case_id, "the answer relayed", |v| v["status"] == "RUNNING")
        .await;
    app.reply(&case_id, "Here is the signed W-9, attached and confirmed.")
        .await;
    let done = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(done["resultStatus"], "goal_achieved");

    // Every reply is on the case, once.
    let thread = app.thread(&case_id).await;
    assert_eq!(inbound_count(&thread), 2 + 3 * NOTES_PER_BURST, "{thread}");
    for i in 0..3 * NOTES_PER_BURST {
        assert_eq!(
            thread.matches(&format!("Note {i}: ")).count(),
            1,
            "note {i}"
        );
    }
    // Webhooks: the question, then the outcome — each once, in order, across the runs.
    let first = hooks.next().await.1;
    let second = hooks.next().await.1;
    assert_eq!(first["event_type"], "case.input_needed");
    assert_eq!(second["event_type"], "case.completed");
    // The listing shows the case once, by its creation.
    let listed = app.get("/cases?limit=100").await;
    let rows: Vec<&serde_json::Value> = listed.data()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["caseId"] == case_id.as_str())
        .collect();
    assert_eq!(rows.len(), 1, "{}", listed.body);
    assert_eq!(rows[0]["status"], "COMPLETED");
    assert_eq!(rows[0]["createdAt"], done["createdAt"]);
    let statuses = runs(&app, &case_id).await;
    assert!(statuses.len() >= 2, "{statuses:?}");
    app.record_history(&case_id, "continued_mid_question").await;
}

#[tokio::test]
async fn a_continued_case_can_be_cancelled_and_counts_once_against_the_listing() {
    let app = app_with_small_runs().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    // Automatic replies are kept but never evaluated: only the run grows.
    for i in 0..45 {
        let message_id = format!(
            "ooo-{i}-{}@northstar.example",
            uuid::Uuid::new_v4().simple()
        );
        let raw = crate::harness::reply_mail(&case_id, &message_id, "I am out of office.")
            .replace("Subject: ", "Auto-Submitted: auto-replied\r\nSubject: ");
        let response = app.inbound(&raw).await;
        assert_eq!(response.status, 202, "{}", response.body);
    }
    wait_for_a_continued_run(&app, &case_id).await;
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(view["attemptCount"], 1);

    let cancelled = app
        .request(
            axum::http::Method::POST,
            &format!("/cases/{case_id}/cancel"),
            Some(&app.key),
            None,
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let failed = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(failed["resultStatus"], "cancelled");
    let thread = app.thread(&case_id).await;
    assert_eq!(thread.matches("automatic reply").count(), 45, "{thread}");
    // One row per case in the listing, whatever its number of runs.
    let listed = app.get("/cases?limit=100").await;
    let rows = listed.data()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["caseId"] == case_id.as_str())
        .count();
    assert_eq!(rows, 1, "{}", listed.body);
    app.record_history(&case_id, "continued_then_cancelled")
        .await;
}

/// The size of the largest activity input and run input in the case's histories (every run).
async fn largest_payloads(app: &TestApp, case_id: &str) -> (usize, usize, usize) {
    use prost::Message;
    use temporalio_common::protos::temporal::api::history::v1::History;
    use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
    let size =
        |payloads: &Option<temporalio_common::protos::temporal::api::common::v1::Payloads>| {
            payloads.as_ref().map_or(0, |p| {
                p.payloads.iter().map(|p| p.data.len()).sum::<usize>()
            })
        };
    let (mut activity, mut run_input, mut runs) = (0, 0, 0);
    let mut bytes = offload_worker::history::export(&app.client, case_id)
        .await
        .unwrap();
    loop {
        runs += 1;
        for event in History::decode(bytes.as_slice()).unwrap().events {
            match event.attributes {
                Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => {
                    activity = activity.max(size(&a.input));
                }
                Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) => {
                    run_input = run_input.max(size(&a.input));
                }
                _ => {}
            }
        }
        let Some(previous) = offload_worker::history::continued_from(&bytes) else {
            break;
        };
        bytes = offload_worker::history::export_run(&app.client, case_id, &previous)
            .await
            .unwrap();
    }
    (activity, run_input, runs)
}

#[tokio::test]
async fn a_thread_of_500_replies_keeps_every_payload_under_512_kib() {
    const LIMIT: usize = 512 * 1024;
    // Runs of 300 events: the thread crosses several, each carrying the case to the next.
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_CASE_RUN_MAX_EVENTS", "300".to_string())],
        ..Options::default()
    })
    .await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    // 3 KB each: 1.5 MB of text in all, three times what any one payload may carry.
    let filler = "We are still collecting the paperwork on our side. ".repeat(60);
    let send = |i: usize, automatic: bool| {
        let app = &app;
        let case_id = &case_id;
        let filler = &filler;
        async move {
            let message_id = format!("r{i}-{}@northstar.example", uuid::Uuid::new_v4().simple());
            let mut raw =
                crate::harness::reply_mail(case_id, &message_id, &format!("Reply {i}. {filler}"));
            if automatic {
                raw = raw.replace("Subject: ", "Auto-Submitted: auto-replied\r\nSubject: ");
            }
            let response = app.inbound(&raw).await;
            assert_eq!(response.status, 202, "{}", response.body);
        }
    };
    // Mostly automatic replies (kept, never evaluated), ten at a time; every 50th a real one,
    // which the agent reads and answers.
    for batch in 0..50 {
        let replies = (0..10).map(|j| {
            let i = batch * 10 + j;
            send(i, i % 50 != 49)
        });
        futures::future::join_all(replies).await;
    }
    app.wait_for(&case_id, "every real reply answered", |v| {
        v["attemptCount"] == 11
    })
    .await;
    app.reply(&case_id, "Here is the signed W-9, attached and confirmed.")
        .await;
    app.wait_for_status(&case_id, "COMPLETED").await;

    // The whole thread still reads, rendered by the API from the blob store.
    let thread = app.thread(&case_id).await;
    assert_eq!(thread.matches(" · inbound · ").count(), 501);
    for i in [0, 1, 249, 498, 499] {
        assert_eq!(
            thread.matches(&format!("Reply {i}. ")).count(),
            1,
            "reply {i}"
        );
    }
    assert!(thread.contains(&format!("--- message 1 of {} ", 501 + 11)));

    let (activity, run_input, runs) = largest_payloads(&app, &case_id).await;
    assert!(activity < LIMIT, "largest activity input: {activity} bytes");
    // Agent calls are local activities (their input never reaches the server); the worker
    // measures what it was handed.
    let agent = app.worker_metrics.largest_agent_request() as usize;
    assert!(
        agent > 0 && agent < LIMIT,
        "largest agent request: {agent} bytes"
    );
    assert!(run_input < LIMIT, "largest run input: {run_input} bytes");
    assert!(runs >= 2, "the thread crossed runs: {runs}");
    let record = app
        .client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.clone())
        .query(
            offload_workflows::CaseWorkflow::case_view,
            true,
            Default::default(),
        )
        .await
        .unwrap();
    let answer = serde_json::to_vec(&record).unwrap().len();
    assert!(answer < LIMIT, "query answer: {answer} bytes");
    println!(
        "500 replies: largest agent request {agent} B, largest activity input in history \
         {activity} B, largest run input {run_input} B, query answer {answer} B, {runs} run(s)"
    );
}
