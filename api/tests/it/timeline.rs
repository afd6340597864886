//! The case timeline (`GET /cases/{id}/events`) and redelivering a past webhook event
//! (`POST /cases/{id}/webhooks/{eventId}/redeliver`).

use crate::harness::{WebhookReceiver, case_body, reply_address, spawn_app};
use base64::Engine;
use serde_json::{Value, json};

/// The whole timeline, page by page (`limit` each), and the number of pages.
async fn whole_timeline(app: &crate::harness::TestApp, case_id: &str, limit: u32) -> Vec<Value> {
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let path = match &cursor {
            Some(c) => format!("/cases/{case_id}/events?limit={limit}&cursor={c}"),
            None => format!("/cases/{case_id}/events?limit={limit}"),
        };
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let batch = page.data()["events"].as_array().unwrap().clone();
        assert!(batch.len() <= limit as usize);
        events.extend(batch);
        match page.data()["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return events,
        }
    }
    panic!("the timeline never ended");
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_timeline_tells_a_whole_case_oldest_first_without_repeating_bodies() {
    let app = spawn_app().await;
    // The first delivery attempt fails: the timeline shows both attempts with their statuses.
    let mut hooks = WebhookReceiver::start(1).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Hello! Which tax year should the form cover?")
        .await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let (_, needed) = hooks.next().await;
    let input_event = needed["event_id"].as_str().unwrap().to_string();
    let request_id = view["inputRequest"]["id"].as_str().unwrap().to_string();
    let answer = "Tax year 2025, signed by the controller.";
    let accepted = app
        .post(
            &format!("/cases/{case_id}/input"),
            json!({"inputRequestId": request_id, "providedContext": answer}),
        )
        .await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    app.wait_for(&case_id, "the relayed answer", |v| v["attemptCount"] == 2)
        .await;
    app.reply(&case_id, "Attached is the signed W-9. Confirmed.")
        .await;
    app.wait_for_status(&case_id, "COMPLETED").await;
    let (_, completed) = hooks.next().await;
    app.wait_for_run_to_close(&case_id).await;

    let events = whole_timeline(&app, &case_id, 200).await;
    let story: Vec<&str> = types(&events)
        .into_iter()
        .filter(|t| *t != "webhook.attempt")
        .collect();
    assert_eq!(
        story,
        [
            "email.sent",
            "email.received",
            "decision",
            "input.requested",
            "input.provided",
            "decision",
            "email.sent",
            "email.received",
            "decision",
            "case.finished"
        ],
        "{events:#?}"
    );
    let at: Vec<i64> = events.iter().map(|e| e["at"].as_i64().unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "oldest first: {at:?}");

    let of = |kind: &str| -> Vec<&Value> { events.iter().filter(|e| e["type"] == kind).collect() };
    let sent = of("email.sent");
    assert_eq!(sent[0]["kind"], "outreach");
    assert_eq!(sent[1]["kind"], "reply");
    assert_eq!(sent[0]["to"], "Maya Chen <ap@northstar.example>");
    let decisions = of("decision");
    assert_eq!(decisions[0]["outcome"], "needs_input");
    assert_eq!(
        decisions[0]["evidence"],
        json!(["Which tax year should the form cover?"]),
        "the question the decision rests on"
    );
    assert!(
        decisions[0]["reason"]
            .as_str()
            .unwrap()
            .contains("question")
    );
    assert_eq!(decisions[1]["outcome"], "reply");
    assert_eq!(decisions[2]["outcome"], "goal_achieved");
    assert_eq!(
        decisions[2]["evidence"],
        json!(["Attached is the signed W-9."])
    );
    assert_eq!(of("input.requested")[0]["inputRequestId"], request_id);
    assert_eq!(of("input.provided")[0]["inputRequestId"], request_id);
    let finished = of("case.finished")[0];
    assert_eq!(finished["status"], "COMPLETED");
    assert_eq!(finished["resultStatus"], "goal_achieved");

    // Every delivery attempt, with the receiver's answer.
    let attempts: Vec<(String, u64, u64)> = of("webhook.attempt")
        .iter()
        .map(|e| {
            (
                e["eventId"].as_str().unwrap().to_string(),
                e["attempt"].as_u64().unwrap(),
                e["httpStatus"].as_u64().unwrap(),
            )
        })
        .collect();
    let completed_event = completed["event_id"].as_str().unwrap().to_string();
    assert_eq!(
        attempts,
        [
            (input_event.clone(), 1, 500),
            (input_event, 2, 200),
            (completed_event, 1, 200)
        ]
    );

    // An audit trail, not the transcript: the client's answer and our mail's text are not in it.
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains("signed by the controller"), "{text}");
    assert!(!text.contains("To wrap this up"), "{text}");

    // Pages of two give the same entries, in the same order.
    assert_eq!(whole_timeline(&app, &case_id, 2).await, events);
    app.record_history(&case_id, "webhook_retried").await;
}

#[tokio::test]
async fn timeline_reads_are_scoped_to_the_tenant_and_cursors_to_the_case() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let other = app.create_case(case_body()).await;

    let page = app.get(&format!("/cases/{case_id}/events?limit=1")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let cursor = page.data()["nextCursor"].as_str().map(str::to_string);
    let foreign = app
        .request(
            reqwest::Method::GET,
            &format!("/cases/{case_id}/events"),
            Some(&app.other_key),
            None,
        )
        .await;
    foreign.assert_error(403, "FORBIDDEN");
    app.get(&format!("/cases/{}/events", uuid::Uuid::new_v4()))
        .await
        .assert_error(404, "CASE_NOT_FOUND");
    let message = app
        .get(&format!("/cases/{case_id}/events?limit=0"))
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert!(message.starts_with("limit:"), "{message}");
    if let Some(cursor) = cursor {
        let message = app
            .get(&format!("/cases/{other}/events?cursor={cursor}"))
            .await
            .assert_error(400, "INVALID_REQUEST");
        assert!(message.starts_with("cursor:"), "{message}");
    }
}

#[tokio::test]
async fn a_long_timeline_keeps_its_older_entries_in_the_blob_store_and_pages_through_them() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    // Out-of-office replies: each one entry, none evaluated; the case waits on throughout.
    let to = reply_address(&case_id);
    let replies = 130;
    for n in 0..replies {
        let ooo = format!(
            "From: Maya Chen <ap@northstar.example>\r\nTo: {to}\r\n\
             Subject: Automatic reply\r\nAuto-Submitted: auto-replied\r\n\
             Message-ID: <ooo-{n}@northstar.example>\r\n\r\nI am out of the office."
        );
        assert_eq!(app.inbound(&ooo).await.status, 202);
    }
    let expected = replies + 1;
    let mut events = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while events.len() < expected {
        assert!(
            std::time::Instant::now() < deadline,
            "{} entries",
            events.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        events = whole_timeline(&app, &case_id, 37).await;
    }
    assert_eq!(types(&events)[0], "email.sent");
    let ids: Vec<&str> = events[1..]
        .iter()
        .map(|e| {
            assert_eq!(e["type"], "email.auto_reply");
            e["messageId"].as_str().unwrap()
        })
        .collect();
    let expected_ids: Vec<String> = (0..replies)
        .map(|n| format!("ooo-{n}@northstar.example"))
        .collect();
    assert_eq!(ids, expected_ids, "every entry once, in order");
    // The oldest ones were moved out of the case, to its blob store.
    let archived = app
        .api_state
        .blobs()
        .get(&format!("{case_id}/timeline-00001"))
        .await
        .unwrap()
        .expect("the first timeline chunk is in the blob store");
    let chunk: Vec<Value> = serde_json::from_slice(&archived).unwrap();
    assert_eq!(chunk.len(), 50);
    assert_eq!(chunk[..], events[..50]);
    app.post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    app.record_history(&case_id, "timeline_archived").await;
}

#[tokio::test]
async fn redelivery_sends_the_same_event_again_with_a_fresh_signature() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Which year?").await;
    let first = hooks.delivery().await;
    let event_id = first.body["event_id"].as_str().unwrap().to_string();
    // A second later, so the redelivery's timestamp (seconds) is a new one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let path = format!("/cases/{case_id}/webhooks/{event_id}/redeliver");
    let accepted = app.post(&path, json!({})).await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    assert_eq!(
        accepted.data(),
        &json!({"caseId": case_id, "eventId": event_id, "accepted": true})
    );
    let again = hooks.delivery().await;
    assert_eq!(again.body, first.body, "the same event");
    assert_eq!(again.headers["webhook-id"], first.headers["webhook-id"]);
    assert_ne!(
        again.headers["webhook-timestamp"],
        first.headers["webhook-timestamp"]
    );
    let key = base64::engine::general_purpose::STANDARD
        .decode(app.webhook_secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let timestamp: i64 = again.headers["webhook-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let signature =
        offload_worker::webhook::signature(&key, &event_id, timestamp, again.raw.as_bytes());
    assert_eq!(
        again.headers["webhook-signature"].to_str().unwrap(),
        signature
    );

    // The attempt is recorded once the worker reports it to the case.
    let mut tail = Vec::new();
    for _ in 0..100 {
        tail = whole_timeline(&app, &case_id, 100)
            .await
            .into_iter()
            .filter(|e| e["type"].as_str().unwrap().starts_with("webhook."))
            .collect();
        if tail.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(tail.len(), 3, "{tail:#?}");
    assert_eq!(tail[1]["type"], "webhook.redelivery_requested");
    assert_eq!(tail[1]["eventId"], event_id);
    assert_eq!(tail[2]["redelivery"], true);
    assert_eq!(tail[2]["httpStatus"], 200);
    app.post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    app.record_history(&case_id, "redelivered").await;
}

#[tokio::test]
async fn a_finished_case_redelivers_through_its_own_redelivery_and_its_timeline_shows_it() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "We are not interested.").await;
    app.wait_for_status(&case_id, "FAILED").await;
    let first = hooks.delivery().await;
    let event_id = first.body["event_id"].as_str().unwrap().to_string();
    app.wait_for_run_to_close(&case_id).await;
    let before = whole_timeline(&app, &case_id, 100).await;

    for _ in 0..2 {
        let accepted = app
            .post(
                &format!("/cases/{case_id}/webhooks/{event_id}/redeliver"),
                json!({}),
            )
            .await;
        assert_eq!(accepted.status, 202, "{}", accepted.body);
        let again = hooks.delivery().await;
        assert_eq!(again.body, first.body);
    }
    let mut after = Vec::new();
    for _ in 0..100 {
        after = whole_timeline(&app, &case_id, 3).await;
        if after.len() == before.len() + 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "the case's own entries first"
    );
    assert_eq!(
        types(&after[before.len()..]),
        [
            "webhook.redelivery_requested",
            "webhook.attempt",
            "webhook.redelivery_requested",
            "webhook.attempt"
        ]
    );
    assert!(
        after[before.len()..]
            .iter()
            .filter(|e| e["type"] == "webhook.attempt")
            .all(|e| e["redelivery"] == true && e["httpStatus"] == 200)
    );
    let redelivery = offload_workflows::redelivery::redelivery_workflow_id(&case_id, 1);
    app.record_history(&redelivery, "redelivery_after_close")
        .await;
}

#[tokio::test]
async fn redelivery_of_an_event_the_case_never_sent_is_404_and_other_tenants_get_403() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Which year?").await;
    let (_, event) = hooks.next().await;
    let event_id = event["event_id"].as_str().unwrap().to_string();
    let quiet = app.create_case(case_body()).await;
    app.wait_for_outreach(&quiet).await;

    let post = |case: &str, event: &str| format!("/cases/{case}/webhooks/{event}/redeliver");
    // Never sent; another case's event under this case; a case without a webhook.
    for path in [
        post(&case_id, &format!("evt_{case_id}_case_completed_1")),
        post(&quiet, &event_id),
        post(&quiet, &event_id.replace(&case_id, &quiet)),
    ] {
        app.post(&path, json!({}))
            .await
            .assert_error(404, "EVENT_NOT_FOUND");
    }
    let message = app
        .post(&post(&case_id, "evt..%2F..%2Fkeys"), json!({}))
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert!(message.starts_with("eventId:"), "{message}");
    app.request(
        reqwest::Method::POST,
        &post(&case_id, &event_id),
        Some(&app.other_key),
        Some(json!({})),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    app.post(
        &post(&uuid::Uuid::new_v4().to_string(), &event_id),
        json!({}),
    )
    .await
    .assert_error(404, "CASE_NOT_FOUND");
    // Nothing was sent again.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(hooks.attempts(), 1);
}
