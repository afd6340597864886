//! Webhook delivery: Standard Webhooks signatures, 410 stops, and the SSRF guard at creation and
//! at delivery.

use crate::harness::{Options, WebhookReceiver, case_body, spawn_app, spawn_app_with, until};
use base64::Engine;
use offload_worker::metrics::WebhookOutcome;
use serde_json::json;

#[tokio::test]
async fn webhooks_carry_a_standard_webhooks_signature_a_receiver_can_verify() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Which year?").await;
    let delivered = hooks.delivery().await;

    let header = |name: &str| delivered.headers[name].to_str().unwrap().to_string();
    let id = header("webhook-id");
    assert_eq!(id, delivered.body["event_id"].as_str().unwrap());
    let timestamp: i64 = header("webhook-timestamp").parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - timestamp).abs() < 120,
        "timestamp in seconds: {timestamp}"
    );
    assert!(header("user-agent").starts_with("offload/"));

    // What a receiver does: HMAC-SHA256 over "<id>.<timestamp>.<body>" with the base64 key after
    // "whsec_", compared with each "v1,<signature>" in the header.
    let key = base64::engine::general_purpose::STANDARD
        .decode(app.webhook_secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let expected =
        offload_worker::webhook::signature(&key, &id, timestamp, delivered.raw.as_bytes());
    assert!(
        header("webhook-signature")
            .split(' ')
            .any(|s| s == expected),
        "{}",
        header("webhook-signature")
    );
    let forged = offload_worker::webhook::signature(&key, &id, timestamp, b"{}");
    assert_ne!(forged, expected);
}

#[tokio::test]
async fn a_410_gone_stops_the_retries() {
    let app = spawn_app().await;
    let hooks = WebhookReceiver::start_answering(usize::MAX, 410).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);
    body["maxAttempts"] = json!(0);
    body["followUpDelayHours"] = json!(1);
    let case_id = app.create_case(body).await;
    app.wait_for_status(&case_id, "FAILED").await;
    // The run closes only once its pump is done with the event for good: no retry can follow.
    app.wait_for_run_to_close(&case_id).await;
    assert_eq!(hooks.attempts(), 1);
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Gone), 1);
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Retrying), 0);
}

#[tokio::test]
async fn webhooks_never_reach_non_public_addresses_unless_allow_listed() {
    // No allow-list here: loopback is off limits.
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_WEBHOOK_ALLOW_CIDRS", String::new())],
        ..Options::default()
    })
    .await;
    let hooks = WebhookReceiver::start(0).await;

    // A literal private address is refused at creation, naming the field.
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);
    let message = app
        .post("/cases", body)
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert!(
        message.starts_with("clientWebhookUrl: must not point at a private"),
        "{message}"
    );

    // Names are resolved at creation too: `localhost` and names that lead only to refused
    // addresses are refused with the same field. (That delivery resolves names through the
    // guard again is shown in the worker's tests.)
    for host in ["localhost", "LOCALHOST.", "hooks.localhost"] {
        let mut body = case_body();
        body["clientWebhookUrl"] = json!(hooks.url.replace("127.0.0.1", host));
        let message = app
            .post("/cases", body)
            .await
            .assert_error(400, "INVALID_REQUEST");
        assert!(
            message.starts_with("clientWebhookUrl: must not name a host that is local"),
            "{host}: {message}"
        );
    }
    // The machine's own name, where it resolves only to loopback (as on most hosts).
    let own = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let own = own.trim();
    let resolved: Vec<std::net::IpAddr> = tokio::net::lookup_host((own, 80))
        .await
        .map(|a| a.map(|s| s.ip()).collect())
        .unwrap_or_default();
    if !own.is_empty() && !resolved.is_empty() && resolved.iter().all(|ip| ip.is_loopback()) {
        let mut body = case_body();
        body["clientWebhookUrl"] = json!(hooks.url.replace("127.0.0.1", own));
        app.post("/cases", body)
            .await
            .assert_error(400, "INVALID_REQUEST");
    }
    assert_eq!(hooks.attempts(), 0);
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Delivered), 0);
}

#[tokio::test]
async fn redirects_are_not_followed_and_the_same_event_id_is_kept_on_every_try() {
    let app = spawn_app().await;
    let target = WebhookReceiver::start(0).await;
    let seen_ids: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let ids = seen_ids.clone();
    let location = target.url.clone();
    let redirector = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            ids.lock()
                .unwrap()
                .push(headers["webhook-id"].to_str().unwrap().to_string());
            let location = location.clone();
            async move {
                (
                    axum::http::StatusCode::TEMPORARY_REDIRECT,
                    [("location", location)],
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, redirector).await });

    let mut body = case_body();
    body["clientWebhookUrl"] = json!(url);
    body["maxAttempts"] = json!(0);
    body["followUpDelayHours"] = json!(1);
    let case_id = app.create_case(body).await;
    app.wait_for_status(&case_id, "FAILED").await;
    // Retries after 1 s and 2 s. By the third try, a redirect followed on either earlier one
    // would have reached the target: all with the same id, none followed.
    until("three tries have come", || {
        seen_ids.lock().unwrap().len() >= 3
    })
    .await;
    let ids = seen_ids.lock().unwrap().clone();
    assert!(
        ids.iter().all(|id| id == &ids[0])
            && ids[0].starts_with(&format!("evt_{case_id}_case_failed_")),
        "{ids:?}"
    );
    assert_eq!(target.attempts(), 0, "the redirect was not followed");
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_1_2_and_4_seconds() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(3).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Which year?").await;
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.input_needed");
    let gaps = hooks.gaps();
    assert_eq!(gaps.len(), 3, "three failures, then the delivery: {gaps:?}");
    for (gap, expected) in gaps.iter().zip([1, 2, 4]) {
        let expected = std::time::Duration::from_secs(expected);
        // Never sooner than the backoff; later by what a busy machine adds to a retry.
        assert!(
            *gap >= expected - std::time::Duration::from_millis(50)
                && *gap < expected + std::time::Duration::from_secs(8),
            "retry gaps {gaps:?}"
        );
    }
    // The activity records its outcome once the receiver has answered.
    until("the delivery is counted", || {
        app.worker_metrics.webhooks(WebhookOutcome::Delivered) > 0
    })
    .await;
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Retrying), 3);
}

#[tokio::test]
async fn a_receiver_that_never_answers_is_given_up_on_after_10_seconds_and_retried() {
    let app = spawn_app().await;
    let arrivals: std::sync::Arc<std::sync::Mutex<Vec<std::time::Instant>>> = Default::default();
    let seen = arrivals.clone();
    let hanging = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let first = {
                let mut seen = seen.lock().unwrap();
                seen.push(std::time::Instant::now());
                seen.len() == 1
            };
            async move {
                if first {
                    tokio::time::sleep(std::time::Duration::from_secs(120)).await;
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, hanging).await });

    let case_id = app.create_case_reporting_to(&url).await;
    app.reply(&case_id, "Which year?").await;
    until("the retry delivers", || {
        app.worker_metrics.webhooks(WebhookOutcome::Delivered) > 0
    })
    .await;
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2, "one hung attempt, one retry");
    let gap = arrivals[1] - arrivals[0];
    // The 10 s request timeout, then the first retry 1 s later.
    assert!(
        gap >= std::time::Duration::from_secs(11) && gap < std::time::Duration::from_secs(20),
        "the retry came {gap:?} after the hung attempt"
    );
    assert_eq!(app.worker_metrics.webhooks(WebhookOutcome::Retrying), 1);
}
