//! Limits and service routes: rate limits, the monthly case cap, readiness, metrics, the
//! OpenAPI document and its reference page.

use crate::harness::{Options, case_body, spawn_app, spawn_app_with, until};
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
    until("the delivery is counted", || {
        app.worker_metrics.webhooks(WebhookOutcome::Delivered) > 0
    })
    .await;
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
    let policy = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.starts_with("default-src 'none'; script-src 'self';"),
        "{policy}"
    );
    let page = docs.text().await.unwrap();
    assert!(
        page.contains("docs/swagger-ui-bundle.js") && !page.contains("https://"),
        "{page}"
    );
    for (asset, kind) in [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("init.js", "text/javascript"),
    ] {
        let served = app
            .http
            .get(format!("{}/docs/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{asset}");
        assert!(
            served.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
    }
    // Only the three files: not the vendored licence, not a path out of the folder (the
    // encoded slashes reach the handler as one segment).
    for asset in [
        "LICENSE",
        "..%2F..%2FCargo.toml",
        "swagger-ui-bundle.js.map",
    ] {
        let missing = app
            .http
            .get(format!("{}/docs/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404, "{asset}");
        assert_eq!(
            missing.json::<serde_json::Value>().await.unwrap()["error"]["code"],
            "NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_503_and_every_answer_carries_its_request_id() {
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_REQUEST_TIMEOUT_SECONDS", "2".into())],
        ..Options::default()
    })
    .await;
    // A client that sends half its body and stalls: the limit answers for it.
    let body = serde_json::to_vec(&case_body()).unwrap();
    let address = app.base.trim_start_matches("http://").to_string();
    let began = std::time::Instant::now();
    let response = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST /cases HTTP/1.1\r\nHost: x\r\nx-api-key: {}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n",
            app.key,
            body.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&body[..body.len() / 2]).await.unwrap();
        let mut response = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(30),
            socket.read_to_string(&mut response),
        )
        .await
        .expect("answered before the client gave up")
        .unwrap();
        response
    };
    assert!(began.elapsed() >= std::time::Duration::from_secs(2));
    assert!(response.starts_with("HTTP/1.1 503"), "{response}");
    assert!(
        response.contains("\"code\":\"UNAVAILABLE\"")
            && response.contains("the request took longer than 2 s"),
        "{response}"
    );
    assert!(
        response.to_ascii_lowercase().contains("retry-after: 5"),
        "{response}"
    );
    let listed = app.get("/cases").await;
    assert_eq!(
        listed.data()["cases"],
        serde_json::json!([]),
        "no case was made"
    );

    // The id a request is logged under: on successes, and in error bodies as well.
    let header =
        |r: &crate::harness::Response| r.headers["x-request-id"].to_str().unwrap().to_string();
    assert!(header(&listed).starts_with("req_"));
    let failed = app.get("/cases/not-a-uuid").await;
    failed.assert_error(400, "INVALID_REQUEST");
    assert_eq!(header(&failed), failed.body["error"]["requestId"]);
    assert_ne!(header(&failed), header(&listed), "one id per request");
}
