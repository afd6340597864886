//! Idempotent creates, listing and cancelling.

use crate::harness::{WebhookReceiver, case_body, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn an_idempotency_key_replays_the_same_case_and_refuses_another_body() {
    let app = spawn_app().await;
    let create = |key: &str, body: Value, api_key: String| {
        let request = app
            .http
            .post(format!("{}/cases", app.base))
            .header("x-api-key", api_key)
            .header("idempotency-key", key.to_string())
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            let replayed = response
                .headers()
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap().to_string());
            let status = response.status().as_u16();
            (status, replayed, response.json::<Value>().await.unwrap())
        }
    };
    let body = case_body();
    let (status, replayed, first) = create("order-42", body.clone(), app.key.clone()).await;
    assert_eq!((status, replayed), (201, None), "{first}");
    let case_id = first["data"]["caseId"].as_str().unwrap().to_string();

    // The same body, keys in another order: the same case, marked as a replay.
    let reordered: Value = serde_json::from_str(
        &serde_json::to_string(&json!({
            "senderPersona": body["senderPersona"], "counterparty": body["counterparty"],
            "goal": body["goal"], "channel": "EMAIL", "followUpDelayHours": 600
        }))
        .unwrap(),
    )
    .unwrap();
    let (status, replayed, again) = create("order-42", reordered, app.key.clone()).await;
    assert_eq!((status, replayed.as_deref()), (201, Some("true")));
    assert_eq!(again["data"]["caseId"], json!(case_id));

    let mut other = body.clone();
    other["goal"]["objective"] = json!("Something else entirely.");
    let (status, _, conflict) = create("order-42", other, app.key.clone()).await;
    assert_eq!(status, 409);
    assert_eq!(conflict["error"]["code"], "IDEMPOTENCY_CONFLICT");

    // Keys are per tenant; without a key every request is a new case.
    let (status, _, theirs) = create("order-42", body.clone(), app.other_key.clone()).await;
    assert_eq!(status, 201);
    assert_ne!(theirs["data"]["caseId"], json!(case_id));
    let a = app.create_case(body.clone()).await;
    let b = app.create_case(body.clone()).await;
    assert_ne!(a, b);

    let (status, _, bad) = create(&"k".repeat(256), body.clone(), app.key.clone()).await;
    assert_eq!(status, 400);
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Idempotency-Key:")
    );
}

#[tokio::test]
async fn listing_shows_only_the_tenants_cases_newest_first_with_filters_and_a_cursor() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for reference in ["alpha", "it's-beta", "it's-beta"] {
        let mut body = case_body();
        body["clientReferenceId"] = json!(reference);
        created.push(app.create_case(body).await);
    }
    let theirs = app
        .request(
            Method::POST,
            "/cases",
            Some(&app.other_key),
            Some(case_body()),
        )
        .await;
    assert_eq!(theirs.status, 201);

    // Visibility catches up shortly after the start.
    let mut listed = Vec::new();
    for _ in 0..100 {
        listed = app.get("/cases").await.data()["cases"]
            .as_array()
            .unwrap()
            .clone();
        if listed.len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let ids: Vec<&str> = listed
        .iter()
        .map(|c| c["caseId"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = created.iter().rev().map(String::as_str).collect();
    assert_eq!(ids, newest_first, "only this tenant's cases, newest first");
    assert!(listed[0]["createdAt"].as_i64().unwrap() >= listed[2]["createdAt"].as_i64().unwrap());
    assert!(["CREATED", "RUNNING"].contains(&listed[0]["status"].as_str().unwrap()));

    let betas = app.get("/cases?clientReferenceId=it%27s-beta").await;
    assert_eq!(betas.data()["cases"].as_array().unwrap().len(), 2);
    assert!(
        betas.data()["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["clientReferenceId"] == "it's-beta")
    );

    app.wait_for(&created[0], "outreach", |v| v["attemptCount"] == 1)
        .await;
    let mut running = 0;
    for _ in 0..100 {
        running = app.get("/cases?status=RUNNING").await.data()["cases"]
            .as_array()
            .unwrap()
            .len();
        if running == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(running, 3);
    assert_eq!(
        app.get("/cases?status=COMPLETED").await.data()["cases"],
        json!([])
    );

    // Page through one at a time.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/cases?limit=1&cursor={c}"),
            None => "/cases?limit=1".to_string(),
        };
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        paged.extend(
            page.data()["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["caseId"].as_str().unwrap().to_string()),
        );
        match page.data()["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
        assert!(paged.len() <= 3, "{paged:?}");
    }
    assert_eq!(paged, newest_first);

    let first = app.get("/cases?limit=1").await;
    let cursor = first.data()["nextCursor"].as_str().unwrap().to_string();
    app.get(&format!("/cases?status=RUNNING&cursor={cursor}"))
        .await
        .assert_error(400, "INVALID_REQUEST");
    app.request(
        Method::GET,
        &format!("/cases?limit=1&cursor={cursor}"),
        Some(&app.other_key),
        None,
    )
    .await
    .assert_error(400, "INVALID_REQUEST");
    for bad in [
        "/cases?limit=0",
        "/cases?limit=101",
        "/cases?limit=x",
        "/cases?status=DONE",
        "/cases?cursor=%%%",
    ] {
        app.get(bad).await.assert_error(400, "INVALID_REQUEST");
    }
}

#[tokio::test]
async fn cancelling_stops_a_case_for_good_and_a_finished_case_gives_409() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);
    // The follow-up is due 30 s after the outreach: the cancel has a wide margin to come first.
    body["followUpDelayHours"] = json!(30);
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;

    app.request(
        Method::POST,
        &format!("/cases/{case_id}/cancel"),
        Some(&app.other_key),
        None,
    )
    .await
    .assert_error(403, "FORBIDDEN");
    let cancelled = app
        .request(
            Method::POST,
            &format!("/cases/{case_id}/cancel"),
            Some(&app.key),
            None,
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(
        cancelled.body,
        json!({"ok": true, "data": {"caseId": case_id, "status": "FAILED", "resultStatus": "cancelled"}})
    );
    let view = app.view(&case_id).await;
    assert_eq!(view["resultStatus"], "cancelled");
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "cancelled");
    assert_eq!(event["data"]["failureReason"], "Cancelled by the client.");
    app.record_history(&case_id, "cancelled").await;

    // No further email: the run has closed (its follow-up timer cancelled), so nothing more
    // can go out.
    app.wait_for_run_to_close(&case_id).await;
    assert_eq!(app.sent(&case_id).len(), 1);
    assert_eq!(app.view(&case_id).await["attemptCount"], 1);

    app.request(
        Method::POST,
        &format!("/cases/{case_id}/cancel"),
        Some(&app.key),
        None,
    )
    .await
    .assert_error(409, "CASE_ALREADY_TERMINAL");
    app.request(
        Method::POST,
        &format!("/cases/{}/cancel", uuid::Uuid::new_v4()),
        Some(&app.key),
        None,
    )
    .await
    .assert_error(404, "CASE_NOT_FOUND");

    // A case waiting for the client can be cancelled too.
    let waiting = app.create_case(case_body()).await;
    app.wait_for_outreach(&waiting).await;
    app.reply(&waiting, "Which year?").await;
    app.wait_for_status(&waiting, "INPUT_NEEDED").await;
    let cancelled = app
        .request(
            Method::POST,
            &format!("/cases/{waiting}/cancel"),
            Some(&app.key),
            None,
        )
        .await;
    assert_eq!(cancelled.data()["resultStatus"], "cancelled");
}

#[tokio::test]
async fn listing_is_newest_first_by_creation_across_open_and_closed_cases_and_pages_hold_still() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for _ in 0..3 {
        let case_id = app.create_case(case_body()).await;
        app.wait_for_outreach(&case_id).await;
        created.push(case_id);
    }
    let (oldest, middle, newest) = (&created[0], &created[1], &created[2]);
    // The oldest and the newest close; the middle one stays open.
    for case_id in [oldest, newest] {
        let cancelled = app
            .post(&format!("/cases/{case_id}/cancel"), json!({}))
            .await;
        assert_eq!(cancelled.data()["status"], "FAILED", "{}", cancelled.body);
    }
    let listed_ids = |page: &crate::harness::Response| -> Vec<String> {
        page.data()["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["caseId"].as_str().unwrap().to_string())
            .collect()
    };
    let expected = vec![newest.clone(), middle.clone(), oldest.clone()];
    let mut all = Vec::new();
    for _ in 0..100 {
        let page = app.get("/cases").await;
        all = listed_ids(&page);
        let statuses: Vec<&str> = page.data()["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"].as_str().unwrap())
            .collect();
        if statuses == ["FAILED", "RUNNING", "FAILED"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(all, expected, "creation order, whether open or closed");

    // A page is cut by creation time: closing a case between pages moves nothing.
    let first = app.get("/cases?limit=1").await;
    assert_eq!(listed_ids(&first), std::slice::from_ref(newest));
    let cursor = first.data()["nextCursor"].as_str().unwrap().to_string();
    app.post(&format!("/cases/{middle}/cancel"), json!({}))
        .await;
    let mut rest = Vec::new();
    let mut next = Some(cursor);
    while let Some(cursor) = next {
        let page = app.get(&format!("/cases?limit=1&cursor={cursor}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        rest.extend(listed_ids(&page));
        next = page.data()["nextCursor"].as_str().map(str::to_string);
        assert!(rest.len() <= 2, "{rest:?}");
    }
    assert_eq!(rest, [middle.clone(), oldest.clone()]);
}

#[tokio::test]
async fn a_listing_larger_than_a_visibility_page_is_read_in_slices_in_order() {
    // Visibility pages of 2 executions: seven cases need slices of start time.
    let app = crate::harness::spawn_app_with(crate::harness::Options {
        visibility_page: Some(2),
        worker: false,
        ..Default::default()
    })
    .await;
    let mut created = Vec::new();
    for _ in 0..7 {
        created.push(app.create_case(case_body()).await);
        // Distinct start times, a few milliseconds apart.
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
    }
    created.reverse();
    let read_all = |limit: usize| {
        let app = &app;
        async move {
            let mut ids = Vec::new();
            let mut cursor: Option<String> = None;
            for _ in 0..200 {
                let path = match &cursor {
                    Some(c) => format!("/cases?limit={limit}&cursor={c}"),
                    None => format!("/cases?limit={limit}"),
                };
                let page = app.get(&path).await;
                assert_eq!(page.status, 200, "{}", page.body);
                let cases = page.data()["cases"].as_array().unwrap();
                assert!(cases.len() <= limit);
                ids.extend(
                    cases
                        .iter()
                        .map(|c| c["caseId"].as_str().unwrap().to_string()),
                );
                match page.data()["nextCursor"].as_str() {
                    Some(next) => cursor = Some(next.to_string()),
                    None => return ids,
                }
            }
            panic!("the listing never ended: {ids:?}");
        }
    };
    let mut all = Vec::new();
    for _ in 0..100 {
        all = read_all(3).await;
        if all.len() == 7 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(all, created, "every case once, newest first");
    assert_eq!(read_all(1).await, created);
    assert_eq!(read_all(100).await, created);
}
