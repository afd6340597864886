//! Limits and service routes: rate limits, the monthly case cap, readiness, metrics, the
//! OpenAPI document and its reference page.

use crate::harness::{Options, case_body, spawn_app, spawn_app_with};
use reqwest::Method;

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after() {
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_RATE_LIMIT_PER_MINUTE", "3".into())],
        ..Options::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get("/cases").await.status, 200);
    }
    let limited = app.get("/cases").await;
    limited.assert_error(429, "RATE_LIMITED");
    let wait: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    // Another key has its own budget.
    let other = app
        .request(Method::GET, "/cases", Some(&app.other_key), None)
        .await;
    assert_eq!(other.status, 200);
}

#[tokio::test]
async fn the_monthly_case_cap_refuses_new_cases_but_not_replays() {
    let app = spawn_app_with(Options {
        monthly_case_cap: Some(1),
        ..Options::default()
    })
    .await;
    let first = app
        .http
        .post(format!("{}/cases", app.base))
        .header("x-api-key", &app.key)
        .header("idempotency-key", "only-one")
        .json(&case_body())
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    // The cap counts through visibility, which follows the start within moments.
    for _ in 0..100 {
        if !app.get("/cases").await.data()["cases"]
            .as_array()
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let message = app
        .post("/cases", case_body())
        .await
        .assert_error(429, "USAGE_LIMIT_REACHED");
    assert!(message.contains("monthly case cap (1)"), "{message}");
    let replay = app
        .http
        .post(format!("{}/cases", app.base))
        .header("x-api-key", &app.key)
        .header("idempotency-key", "only-one")
        .json(&case_body())
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 201, "a replay is not a new case");
    let other = app
        .request(
            Method::POST,
            "/cases",
            Some(&app.other_key),
            Some(case_body()),
        )
        .await;
    assert_eq!(other.status, 201, "the cap is per tenant");
}

#[tokio::test]
async fn readiness_metrics_openapi_and_docs_are_served() {
    let app = spawn_app().await;
    let ready = app.request(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.data()["status"], "ready");

    // A case whose question is announced by webhook: the API counts the request and the case,
    // the worker the delivery, each in its own registry (this app's alone).
    let mut hooks = crate::harness::WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Which year?").await;
    hooks.next().await;
    app.get("/nope").await;
    let brew = reqwest::Method::from_bytes(b"BREW").unwrap();
    app.request(brew, "/cases", None, None).await;
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(
            "offload_http_requests_total{method=\"POST\",route=\"/cases\",status=\"201\"} 1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "offload_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("offload_http_request_duration_seconds_count{route=\"/cases\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("offload_cases_created_total 1\n"), "{text}");
    // Label values come from closed sets: a made-up method is counted as OTHER.
    assert!(
        text.contains(
            "offload_http_requests_total{method=\"OTHER\",route=\"unmatched\",status=\"405\"} 1\n"
        ),
        "{text}"
    );
    assert!(!text.contains("BREW"), "{text}");
    assert!(
        !text.contains("offload_webhook_deliveries_total"),
        "webhook deliveries are the worker's series: {text}"
    );
    use offload_worker::metrics::WebhookOutcome;
    // The receiver has the event; the worker counts it once the answer reaches it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.worker_metrics.webhooks(WebhookOutcome::Delivered) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the delivery is counted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Delivered), 1);
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Retrying), 0);
    assert!(
        app.worker_metrics
            .render()
            .contains("offload_webhook_deliveries_total{outcome=\"delivered\"} 1\n")
    );

    let served: serde_json::Value = app
        .http
        .get(format!("{}/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    assert_eq!(served, committed);
    assert_eq!(served["openapi"], "3.1.0");
    let docs = app
        .http
        .get(format!("{}/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text()
            .await
            .unwrap()
            .contains("data-url=\"/openapi.json\"")
    );
}
