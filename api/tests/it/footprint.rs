//! What a case costs Temporal: the history events of the typical case (outreach, two follow-ups,
//! a question, the client's answer, evidence), counted by kind. Few events mean less server work
//! per case and quicker replays. (A webhook receiver adds 6 events per event delivered: its
//! activity and the workflow task that learns of it.)

use crate::harness::{case_body, spawn_app};
use serde_json::json;
use std::collections::BTreeMap;

/// The bound the typical case must stay within.
const TYPICAL_CASE_EVENTS: usize = 60;

#[tokio::test]
async fn the_typical_case_makes_at_most_60_history_events() {
    use prost::Message;
    use temporalio_common::protos::temporal::api::enums::v1::EventType;
    use temporalio_common::protos::temporal::api::history::v1::History;

    let app = spawn_app().await;
    let mut body = case_body();
    body["followUpDelayHours"] = json!(1);
    body["maxAttempts"] = json!(3);
    let case_id = app.create_case(body).await;
    // Outreach and two follow-ups, one case hour (1 s here) apart.
    app.wait_for(&case_id, "two follow-ups", |v| v["attemptCount"] == 3)
        .await;
    app.reply(&case_id, "Which tax year do you need?").await;
    let asked = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let answered = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": asked["inputRequest"]["id"], "providedContext": "2025."}),
        )
        .await;
    assert_eq!(answered.status, 202, "{}", answered.body);
    app.wait_for(&case_id, "the answer relayed", |v| v["attemptCount"] == 4)
        .await;
    app.reply(&case_id, "Here is the signed W-9, attached and confirmed.")
        .await;
    app.wait_for_status(&case_id, "COMPLETED").await;
    // The run ends once the last webhook is delivered.
    let handle = app
        .client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(case_id.clone());
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        handle.get_result(Default::default()),
    )
    .await
    .expect("the run closes")
    .expect("the run completes");

    let bytes = offload_worker::history::export(&app.client, &case_id)
        .await
        .unwrap();
    let events = History::decode(bytes.as_slice()).unwrap().events;
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for event in &events {
        let kind = EventType::try_from(event.event_type)
            .map(|t| {
                t.as_str_name()
                    .trim_start_matches("EVENT_TYPE_")
                    .to_string()
            })
            .unwrap_or_default();
        *by_kind.entry(kind).or_default() += 1;
    }
    println!("typical case: {} events {by_kind:#?}", events.len());
    assert!(
        events.len() <= TYPICAL_CASE_EVENTS,
        "{} events: {by_kind:#?}",
        events.len()
    );
}
