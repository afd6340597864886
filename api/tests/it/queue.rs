//! One case at a time per counterparty (`waitForOpenCases`, spec §7): a queued case stays
//! `CREATED` behind the tenant's earlier open cases for the same address, and starts when they
//! end — however they end.

use crate::harness::{TestApp, case_body, spawn_app};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn writing_to(address: &str) -> Value {
    let mut body = case_body();
    body["counterparty"]["address"] = json!(address);
    body
}

fn queued_for(address: &str) -> Value {
    let mut body = writing_to(address);
    body["waitForOpenCases"] = json!(true);
    body
}

/// Creates a queued case; returns its id and the `queuedBehind` of the answer.
async fn create_queued(app: &TestApp, address: &str) -> (String, Option<String>) {
    let created = app.post("/cases", queued_for(address)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let data = created.data();
    (
        data["caseId"].as_str().unwrap().to_string(),
        data["queuedBehind"].as_str().map(str::to_string),
    )
}

/// The case is queued behind `earlier` and has written nothing.
async fn assert_waiting_behind(app: &TestApp, case_id: &str, earlier: &str) {
    let view = app
        .wait_for(case_id, "the queue shown", |v| {
            v["queuedBehind"] == json!(earlier)
        })
        .await;
    assert_eq!(view["status"], "CREATED", "{view}");
    assert_eq!(view["attemptCount"], 0, "{view}");
    assert_eq!(view["waitForOpenCases"], true);
    assert!(app.sent(case_id).is_empty(), "a queued case writes nothing");
}

#[tokio::test]
async fn a_queued_case_waits_for_the_earlier_case_and_writes_once_it_completes() {
    let app = spawn_app().await;
    let first = app.create_case(case_body()).await;
    app.wait_for_outreach(&first).await;
    let (second, behind) = create_queued(&app, "ap@northstar.example").await;
    assert_eq!(
        behind.as_deref(),
        Some(first.as_str()),
        "the answer names it"
    );
    assert_waiting_behind(&app, &second, &first).await;
    // It stays queued while the earlier case goes on.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_waiting_behind(&app, &second, &first).await;

    app.reply(&first, "Attached is the signed W-9. Confirmed.")
        .await;
    app.wait_for_status(&first, "COMPLETED").await;
    // The earlier case tells it: it starts at once, not at its next look (due 10 s after the
    // first, some 7 s from now).
    let started = Instant::now();
    let view = app.wait_for_outreach(&second).await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "started {:?} after the earlier case ended",
        started.elapsed()
    );
    assert_eq!(view["status"], "RUNNING");
    assert!(view.get("queuedBehind").is_none(), "{view}");
    assert_eq!(app.sent(&second).len(), 1);

    let events = app.get(&format!("/cases/{second}/events")).await;
    let types: Vec<&str> = events.data()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types[..2], ["case.queued", "email.sent"], "{}", events.body);
    assert_eq!(events.data()["events"][0]["queuedBehind"], json!(first));

    app.post(&format!("/cases/{second}/cancel"), json!({}))
        .await;
    app.wait_for_status(&second, "FAILED").await;
    app.record_history(&second, "queued_behind_earlier_case")
        .await;
    // The earlier case's side: asked to tell, and telling when it ended.
    app.record_history(&first, "told_queued_case").await;
}

#[tokio::test]
async fn queued_cases_form_a_line_and_a_cancelled_earlier_case_lets_the_next_one_start() {
    let app = spawn_app().await;
    let address = "orders@line.example";
    let first = app.create_case(writing_to(address)).await;
    app.wait_for_outreach(&first).await;
    let (second, _) = create_queued(&app, address).await;
    let (third, _) = create_queued(&app, address).await;
    // Both wait for the oldest open case first.
    assert_waiting_behind(&app, &second, &first).await;
    assert_waiting_behind(&app, &third, &first).await;

    // The earlier case is cancelled: the next in line starts, the one after waits for it.
    app.post(&format!("/cases/{first}/cancel"), json!({})).await;
    app.wait_for_status(&first, "FAILED").await;
    app.wait_for_outreach(&second).await;
    assert_waiting_behind(&app, &third, &second).await;

    // A queued case can itself be cancelled: it ends without ever writing.
    let (fourth, behind) = create_queued(&app, address).await;
    assert_eq!(
        behind.as_deref(),
        Some(second.as_str()),
        "the oldest open one"
    );
    let cancelled = app
        .post(&format!("/cases/{fourth}/cancel"), json!({}))
        .await;
    assert!([200, 202].contains(&cancelled.status), "{}", cancelled.body);
    let view = app.wait_for_status(&fourth, "FAILED").await;
    assert_eq!(view["resultStatus"], "cancelled");
    assert!(view.get("queuedBehind").is_none(), "{view}");
    app.wait_for_run_to_close(&fourth).await;
    assert!(
        app.sent(&fourth).is_empty(),
        "a cancelled queued case never wrote"
    );

    // The second one ends too: the third starts.
    app.post(&format!("/cases/{second}/cancel"), json!({}))
        .await;
    app.wait_for_outreach(&third).await;
}

#[tokio::test]
async fn an_earlier_case_whose_run_was_terminated_does_not_strand_the_queued_one() {
    let app = spawn_app().await;
    let first = app.create_case(case_body()).await;
    app.wait_for_outreach(&first).await;
    let (second, _) = create_queued(&app, "ap@northstar.example").await;
    assert_waiting_behind(&app, &second, &first).await;
    // An operator terminates the earlier run: it tells nobody. The queued case finds out at
    // its next look (10 s after the first, then doubling).
    app.client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(first.clone())
        .terminate(temporalio_client::WorkflowTerminateOptions::builder().build())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let view = app.view(&second).await;
        if view["attemptCount"] == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "still queued: {view}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn only_the_tenants_earlier_open_cases_for_the_same_address_hold_a_case() {
    let app = spawn_app().await;
    // Nothing open for the address: it starts at once.
    let (alone, behind) = create_queued(&app, "ap@northstar.example").await;
    assert_eq!(behind, None);
    app.wait_for_outreach(&alone).await;

    // Another address, another tenant, a finished case: none holds a case.
    let other_address = app
        .create_case(writing_to("billing@elsewhere.example"))
        .await;
    app.wait_for_outreach(&other_address).await;
    let foreign = app
        .request(
            reqwest::Method::POST,
            "/cases",
            Some(&app.other_key),
            Some(writing_to("sales@shared.example")),
        )
        .await;
    assert_eq!(foreign.status, 201);
    let (own, behind) = create_queued(&app, "sales@shared.example").await;
    assert_eq!(
        behind, None,
        "another tenant's case is not ours to wait for"
    );
    app.wait_for_outreach(&own).await;

    // The address is compared without regard to case; a case without the flag is never held.
    let (held, behind) = create_queued(&app, "AP@Northstar.example").await;
    assert_eq!(behind.as_deref(), Some(alone.as_str()));
    assert_waiting_behind(&app, &held, &alone).await;
    let unqueued = app.create_case(case_body()).await;
    app.wait_for_outreach(&unqueued).await;

    // A body with a non-boolean flag is refused, naming the field.
    let mut bad = case_body();
    bad["waitForOpenCases"] = json!("yes");
    let refused = app.post("/cases", bad).await;
    let message = refused.assert_error(400, "INVALID_REQUEST");
    assert!(message.contains("waitForOpenCases"), "{message}");
}
