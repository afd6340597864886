//! What a case costs: in Temporal, the history events of the typical case (outreach, two
//! follow-ups, a question, the client's answer, evidence), counted by kind — few events mean less
//! server work per case and quicker replays (a webhook receiver adds 6 events per event
//! delivered: its activity and the workflow task that learns of it); in the worker, memory only
//! for the cases its cache holds.

use crate::harness::{Options, case_body, spawn_app, spawn_app_with};
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
    // Ten case hours (10 s here) apart, so the reply below comes well before a third follow-up.
    body["followUpDelayHours"] = json!(10);
    body["maxAttempts"] = json!(3);
    let case_id = app.create_case(body).await;
    // Outreach and two follow-ups.
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
    app.wait_for_run_to_close(&case_id).await;

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

#[tokio::test]
async fn a_worker_holds_only_the_cases_its_cache_keeps_evicted_ones_are_freed() {
    const CACHE: usize = 2;
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_WORKER_MAX_CACHED_CASES", CACHE.to_string())],
        ..Options::default()
    })
    .await;
    // Each case waits on its follow-up timer when the next one pushes it out of the cache.
    let mut cases = Vec::new();
    for _ in 0..12 {
        let case_id = app.create_case(case_body()).await;
        app.wait_for_outreach(&case_id).await;
        cases.push(case_id);
    }
    // An evicted case still works: it is replayed for the reply and answers it.
    app.reply(&cases[0], "Which tax year do you need?").await;
    app.wait_for_status(&cases[0], "INPUT_NEEDED").await;

    let in_memory = app.worker_metrics.runs_in_memory();
    println!("12 cases, cache of {CACHE}: {in_memory} runs in memory");
    assert!(
        in_memory as usize <= CACHE,
        "{in_memory} case runs still in memory with a cache of {CACHE}"
    );
}
