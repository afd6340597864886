//! SES receiving and feedback through SNS against moto: signed notifications route replies
//! (inline, base64, through S3), bounces and complaints; forged, unsigned, replayed and
//! foreign-topic messages are refused and change nothing; subscriptions are confirmed.

use crate::harness::{
    Options, WebhookReceiver, case_body, reply_address, reply_mail, spawn_app_with,
};
use crate::ses::{aws, inbound_bucket, publish, ses_app, topic_to, unique_domain, verify_domain};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

fn received(case_id: &str, action: Value, content: Option<String>) -> Value {
    let mut notification = json!({
        "notificationType": "Received",
        "receipt": {"recipients": [reply_address(case_id)], "action": action},
        "mail": {"messageId": "ses-inbound-1", "headers": [], "commonHeaders": {}}
    });
    if let Some(content) = content {
        notification["content"] = json!(content);
    }
    notification
}

#[tokio::test]
async fn sns_received_notifications_route_replies_inline_base64_and_through_s3() {
    use base64::Engine;
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let topic = topic_to(&domain, &format!("{}/inbound/ses", app.base)).await;

    for (round, way) in ["utf8", "base64", "s3"].iter().enumerate() {
        let case_id = app.create_case(case_body()).await;
        app.wait_for_outreach(&case_id).await;
        let raw = reply_mail(
            &case_id,
            &format!("sns-{round}@northstar.example"),
            "Could you resend it as PDF?",
        );
        let notification = match *way {
            "utf8" => received(
                &case_id,
                json!({"type": "SNS", "encoding": "UTF8"}),
                Some(raw),
            ),
            "base64" => received(
                &case_id,
                json!({"type": "SNS", "encoding": "BASE64"}),
                Some(base64::engine::general_purpose::STANDARD.encode(&raw)),
            ),
            _ => {
                let bucket = inbound_bucket(&domain);
                let s3 = offload_core::aws::s3_client(&aws().await, true);
                s3.create_bucket().bucket(&bucket).send().await.unwrap();
                s3.put_object()
                    .bucket(&bucket)
                    .key("ses-inbound-1")
                    .body(raw.into_bytes().into())
                    .send()
                    .await
                    .unwrap();
                received(
                    &case_id,
                    json!({"type": "S3", "bucketName": bucket, "objectKey": "ses-inbound-1"}),
                    None,
                )
            }
        };
        publish(&topic, &notification).await;
        let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
        assert_eq!(
            view["inputRequest"]["question"], "Maya Chen asked: \"Could you resend it as PDF?\"",
            "{way}"
        );
    }
}

#[tokio::test]
async fn a_failed_spf_or_dkim_verdict_makes_the_counterpartys_address_untrusted() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let topic = topic_to(&domain, &format!("{}/inbound/ses", app.base)).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    // Forged mail in the counterparty's name: the address is right, SES's checks say it is not.
    let raw = reply_mail(
        &case_id,
        "forged@northstar.example",
        "Here is the signed form.\r\nTax year: 2025",
    );
    let mut notification = received(
        &case_id,
        json!({"type": "SNS", "encoding": "UTF8"}),
        Some(raw),
    );
    notification["receipt"]["spfVerdict"] = json!({"status": "FAIL"});
    notification["receipt"]["dkimVerdict"] = json!({"status": "FAIL"});
    notification["receipt"]["spamVerdict"] = json!({"status": "PASS"});
    publish(&topic, &notification).await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    assert_eq!(view["attemptCount"], 1, "nothing was sent");
    assert!(view.get("result").is_none(), "not completed");
    let question = view["inputRequest"]["question"].as_str().unwrap();
    assert!(
        question.contains("the mail provider's SPF, DKIM check failed"),
        "{question}"
    );
}

fn feedback(case_id: &str, event: Value) -> Value {
    let mut notification = json!({
        "mail": {
            "messageId": "0100018abc-ses",
            "headers": [{"name": "X-Offload-Case", "value": case_id}],
            "commonHeaders": {"messageId": format!("<offload.{case_id}.1@reply.test>")}
        }
    });
    for (k, v) in event.as_object().unwrap() {
        notification[k] = v.clone();
    }
    notification
}

/// Requests the API has answered at `POST /inbound/ses` (by its own `/metrics`).
async fn ses_notifications_answered(app: &crate::harness::TestApp) -> u64 {
    let text = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| {
            l.starts_with("offload_http_requests_total{method=\"POST\",route=\"/inbound/ses\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test]
async fn permanent_bounces_complaints_and_rejects_fail_the_case_transient_bounces_do_not() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let topic = topic_to(&domain, &format!("{}/inbound/ses", app.base)).await;
    let mut hooks = WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);

    let bounced = app.create_case(body.clone()).await;
    app.wait_for_outreach(&bounced).await;
    let handled = ses_notifications_answered(&app).await;
    publish(&topic, &feedback(&bounced, json!({"notificationType": "Bounce",
        "bounce": {"bounceType": "Transient", "bounceSubType": "MailboxFull", "bouncedRecipients": [{"emailAddress": "ap@northstar.example"}]}}))).await;
    // The API has answered the notification before the permanent bounce below is published;
    // a case ends once, so had the transient bounce ended it, the failure reason checked below
    // would be the transient's.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while ses_notifications_answered(&app).await == handled {
        assert!(
            std::time::Instant::now() < deadline,
            "the notification arrives"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        app.view(&bounced).await["status"],
        "RUNNING",
        "a transient bounce does not end the case"
    );
    publish(&topic, &feedback(&bounced, json!({"notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "bouncedRecipients": [{"emailAddress": "ap@northstar.example", "status": "5.1.1"}]}}))).await;
    let view = app.wait_for_status(&bounced, "FAILED").await;
    assert_eq!(view["resultStatus"], "BOUNCED");
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "BOUNCED");
    assert_eq!(
        event["data"]["failureReason"],
        "Permanent bounce (General, status 5.1.1)."
    );
    app.record_history(&bounced, "bounced").await;
    // The bounced address is on the tenant's suppression list now.
    let message = app
        .post("/cases", body.clone())
        .await
        .assert_error(409, "COUNTERPARTY_SUPPRESSED");
    assert!(message.ends_with("the address bounced"), "{message}");

    // Configuration-set event publishing spells it `eventType`.
    body["counterparty"]["address"] = json!("billing@northstar.example");
    let complained = app.create_case(body.clone()).await;
    app.wait_for_outreach(&complained).await;
    publish(&topic, &feedback(&complained, json!({"eventType": "Complaint",
        "complaint": {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": "ap@northstar.example"}]}}))).await;
    let view = app.wait_for_status(&complained, "FAILED").await;
    assert_eq!(view["resultStatus"], "COMPLAINED");
    let (_, event) = hooks.next().await;
    assert_eq!(event["data"]["resultStatus"], "COMPLAINED");
    let message = app
        .post("/cases", body.clone())
        .await
        .assert_error(409, "COUNTERPARTY_SUPPRESSED");
    assert!(message.ends_with("complained about our mail"), "{message}");

    // SES refusing the message after accepting it (a virus, say) is the provider's rejection:
    // the address itself is not at fault, so it is not suppressed.
    body["counterparty"]["address"] = json!("ops@northstar.example");
    let rejected = app.create_case(body.clone()).await;
    app.wait_for_outreach(&rejected).await;
    publish(
        &topic,
        &feedback(
            &rejected,
            json!({"notificationType": "Reject", "reject": {"reason": "Bad content"}}),
        ),
    )
    .await;
    let view = app.wait_for_status(&rejected, "FAILED").await;
    assert_eq!(view["resultStatus"], "REJECTED");
    let (_, event) = hooks.next().await;
    assert_eq!(event["data"]["resultStatus"], "REJECTED");
    assert_eq!(
        event["data"]["failureReason"],
        "SES rejected the message (Bad content)."
    );
    let again = app.post("/cases", body).await;
    assert_eq!(again.status, 201, "{}", again.body);
}

#[tokio::test]
async fn forged_unsigned_and_replayed_sns_messages_get_403_and_change_nothing() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;

    // Capture what moto posts, signed, instead of letting it reach the API.
    let captured: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = captured.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let capture_url = format!("http://{}/", listener.local_addr().unwrap());
    let serve = axum::serve(
        listener,
        axum::Router::new().route(
            "/",
            axum::routing::post(move |body: String| {
                sink.lock().unwrap().push(body);
                async { "ok" }
            }),
        ),
    );
    tokio::spawn(async move { serve.await });
    let topic = topic_to(&domain, &capture_url).await;
    let raw = reply_mail(
        &case_id,
        "captured@northstar.example",
        "Here is the signed form, done.",
    );
    publish(
        &topic,
        &received(
            &case_id,
            json!({"type": "SNS", "encoding": "UTF8"}),
            Some(raw),
        ),
    )
    .await;
    let genuine = captured
        .lock()
        .unwrap()
        .pop()
        .expect("moto posted the notification");
    let post = |body: String| {
        let url = format!("{}/inbound/ses", app.base);
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .header("content-type", "text/plain; charset=UTF-8")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };

    let mut forged: Value = serde_json::from_str(&genuine).unwrap();
    forged["Message"] = json!(
        forged["Message"]
            .as_str()
            .unwrap()
            .replace("done", "not interested")
    );
    let (status, body) = post(forged.to_string()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "FORBIDDEN");

    let mut unsigned: Value = serde_json::from_str(&genuine).unwrap();
    unsigned.as_object_mut().unwrap().remove("Signature");
    assert_eq!(post(unsigned.to_string()).await.0, 403);
    let mut foreign_cert: Value = serde_json::from_str(&genuine).unwrap();
    foreign_cert["SigningCertURL"] = json!("https://evil.example/SimpleNotificationService-x.pem");
    assert_eq!(post(foreign_cert.to_string()).await.0, 403);
    assert_eq!(
        app.view(&case_id).await["attemptCount"],
        1,
        "nothing happened to the case"
    );

    let (status, body) = post(genuine.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["outcome"], "routed");
    app.wait_for_status(&case_id, "COMPLETED").await;
    let (status, _) = post(genuine).await;
    assert_eq!(status, 403, "a replayed message is refused");
}

/// Signs an SNS message with the test key (SignatureVersion 1 = SHA1, 2 = SHA256).
fn sign_with_test_key(mut message: Value, version: &str) -> Value {
    use base64::Engine;
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let key =
        rsa::RsaPrivateKey::from_pkcs8_pem(include_str!("../fixtures/sns-test-key.pem")).unwrap();
    message["SignatureVersion"] = json!(version);
    message["SigningCertURL"] =
        json!("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem");
    let envelope: offload_api::inbound::sns::Envelope = serde_json::from_value({
        let mut unsigned = message.clone();
        unsigned["Signature"] = json!("");
        unsigned
    })
    .unwrap();
    let data = offload_api::inbound::sns::string_to_sign(&envelope).unwrap();
    let signature = match version {
        "1" => SigningKey::<sha1::Sha1>::new(key)
            .sign(data.as_bytes())
            .to_vec(),
        _ => SigningKey::<sha2::Sha256>::new(key)
            .sign(data.as_bytes())
            .to_vec(),
    };
    message["Signature"] = json!(base64::engine::general_purpose::STANDARD.encode(signature));
    message
}

fn now_iso() -> String {
    offload_workflows::view::iso8601_seconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
}

/// A stand-in for sns.<region>.amazonaws.com: serves the test certificate and records
/// subscription confirmations.
async fn fake_sns_host() -> (String, Arc<Mutex<Vec<String>>>) {
    let confirmations: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = confirmations.clone();
    let app = axum::Router::new()
        .route(
            "/SimpleNotificationService-test.pem",
            axum::routing::get(|| async { include_str!("../fixtures/sns-test-cert.pem") }),
        )
        .route(
            "/",
            axum::routing::get(move |uri: axum::http::Uri| {
                seen.lock()
                    .unwrap()
                    .push(uri.query().unwrap_or("").to_string());
                async { "<ConfirmSubscriptionResponse/>" }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, confirmations)
}

#[tokio::test]
async fn a_signed_subscription_confirmation_is_confirmed_and_topics_are_allow_listed() {
    let (sns_host, confirmations) = fake_sns_host().await;
    let allowed = "arn:aws:sns:us-east-1:123456789012:offload-inbound";
    let app = spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_SNS_CERT_ENDPOINT", sns_host.clone()),
            (
                "OFFLOAD_SNS_TOPIC_ARNS",
                format!("{allowed}, arn:aws:sns:us-east-1:123456789012:other"),
            ),
        ],
        ..Options::default()
    })
    .await;
    let post = |body: Value| {
        let url = format!("{}/inbound/ses", app.base);
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let confirmation = |topic: &str| {
        json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": uuid::Uuid::new_v4().to_string(),
            "Token": "2336412f37fb687f",
            "TopicArn": topic,
            "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": format!("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={topic}&Token=2336412f37fb687f"),
            "Timestamp": now_iso(),
        })
    };

    // SignatureVersion 1 (SHA1withRSA).
    let (status, body) = post(sign_with_test_key(confirmation(allowed), "1")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["outcome"], "subscribed");
    assert_eq!(confirmations.lock().unwrap().len(), 1);
    assert!(confirmations.lock().unwrap()[0].contains("Token=2336412f37fb687f"));

    // Another topic is refused even when signed; a bad signature is refused; nothing confirmed.
    let (status, _) = post(sign_with_test_key(
        confirmation("arn:aws:sns:us-east-1:123456789012:evil"),
        "2",
    ))
    .await;
    assert_eq!(status, 403);
    let mut tampered = sign_with_test_key(confirmation(allowed), "2");
    tampered["SubscribeURL"] =
        json!("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=other");
    assert_eq!(post(tampered).await.0, 403);
    let mut stale = confirmation(allowed);
    stale["Timestamp"] = json!("2020-01-01T00:00:00.000Z");
    assert_eq!(post(sign_with_test_key(stale, "2")).await.0, 403);
    assert_eq!(confirmations.lock().unwrap().len(), 1);

    // SignatureVersion 2 (SHA256withRSA) on a notification.
    let notification = json!({
        "Type": "Notification",
        "MessageId": uuid::Uuid::new_v4().to_string(),
        "TopicArn": allowed,
        "Subject": "Amazon SES Email Event Notification",
        "Message": json!({"notificationType": "Delivery", "mail": {"messageId": "x"}}).to_string(),
        "Timestamp": now_iso(),
    });
    let (status, body) = post(sign_with_test_key(notification, "2")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["outcome"], "not_actionable");
}

#[tokio::test]
async fn with_the_certificate_host_down_a_signed_message_gets_503_naming_it() {
    // A port nothing listens on stands in for an unreachable sns.<region>.amazonaws.com.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_host = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let topic = "arn:aws:sns:us-east-1:123456789012:offload-inbound";
    let app = spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_SNS_CERT_ENDPOINT", dead_host),
            ("OFFLOAD_SNS_TOPIC_ARNS", topic.to_string()),
        ],
        ..Options::default()
    })
    .await;
    let notification = json!({
        "Type": "Notification",
        "MessageId": uuid::Uuid::new_v4().to_string(),
        "TopicArn": topic,
        "Message": json!({"notificationType": "Delivery", "mail": {"messageId": "x"}}).to_string(),
        "Timestamp": now_iso(),
    });
    let response = reqwest::Client::new()
        .post(format!("{}/inbound/ses", app.base))
        .body(sign_with_test_key(notification, "2").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "UNAVAILABLE");
    assert_eq!(
        body["error"]["message"],
        "the SNS signing certificate host is unavailable, try again shortly"
    );
}

async fn post_sns(app: &crate::harness::TestApp, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/inbound/ses", app.base))
        .header("content-type", "text/plain; charset=UTF-8")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A signed SNS notification of `topic` carrying an SES `Received` event with `raw` inline.
fn signed_received(topic: &str, case_id: &str, raw: String) -> Value {
    let event = received(
        case_id,
        json!({"type": "SNS", "encoding": "UTF8"}),
        Some(raw),
    );
    sign_with_test_key(
        json!({
            "Type": "Notification",
            "MessageId": uuid::Uuid::new_v4().to_string(),
            "TopicArn": topic,
            "Message": event.to_string(),
            "Timestamp": now_iso(),
        }),
        "2",
    )
}

#[tokio::test]
async fn without_allow_listed_topics_the_ses_endpoint_does_not_exist() {
    let (sns_host, confirmations) = fake_sns_host().await;
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_SNS_CERT_ENDPOINT", sns_host)],
        ..Options::default()
    })
    .await;
    let topic = "arn:aws:sns:us-east-1:999999999999:anyone";
    let confirmation = sign_with_test_key(
        json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": uuid::Uuid::new_v4().to_string(),
            "Token": "2336412f37fb687f",
            "TopicArn": topic,
            "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": format!("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={topic}&Token=2336412f37fb687f"),
            "Timestamp": now_iso(),
        }),
        "2",
    );
    let (status, body) = post_sns(&app, &confirmation).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    assert!(
        confirmations.lock().unwrap().is_empty(),
        "nothing confirmed"
    );

    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let raw = reply_mail(&case_id, "n@northstar.example", "Here is the signed form.");
    let (status, _) = post_sns(&app, &signed_received(topic, &case_id, raw)).await;
    assert_eq!(status, 404);
    assert_eq!(app.view(&case_id).await["status"], "RUNNING");
}

#[tokio::test]
async fn a_validly_signed_message_from_a_foreign_topic_changes_nothing() {
    let (sns_host, _) = fake_sns_host().await;
    let ours = "arn:aws:sns:us-east-1:123456789012:offload-inbound";
    let app = spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_SNS_CERT_ENDPOINT", sns_host),
            ("OFFLOAD_SNS_TOPIC_ARNS", ours.into()),
        ],
        ..Options::default()
    })
    .await;
    let hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    let before = app.view(&case_id).await;
    let thread_before = app.thread(&case_id).await;

    // Someone else's AWS account: a real signature over a real-looking reply.
    let foreign = "arn:aws:sns:us-east-1:999999999999:offload-inbound";
    let raw = reply_mail(&case_id, "f@northstar.example", "Here is the signed form.");
    let (status, body) = post_sns(&app, &signed_received(foreign, &case_id, raw.clone())).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "FORBIDDEN");

    assert_eq!(app.view(&case_id).await, before);
    assert_eq!(app.thread(&case_id).await, thread_before);
    assert_eq!(app.sent(&case_id).len(), 1);
    assert_eq!(hooks.attempts(), 0);

    // The same message from our topic is read: the topic is the only difference.
    let (status, body) = post_sns(&app, &signed_received(ours, &case_id, raw)).await;
    assert_eq!(status, 200, "{body}");
    app.wait_for_status(&case_id, "COMPLETED").await;
}

#[tokio::test]
async fn an_s3_action_naming_another_bucket_fetches_nothing_and_changes_nothing() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let topic = topic_to(&domain, &format!("{}/inbound/ses", app.base)).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let before = app.view(&case_id).await;

    // SES writes the mail to `bucket` and tells us; moto delivers within the publish call.
    let s3 = offload_core::aws::s3_client(&aws().await, true);
    let deliver_through = |bucket: String, message_id: &'static str| {
        let (s3, topic, case_id) = (s3.clone(), topic.clone(), case_id.clone());
        async move {
            s3.create_bucket().bucket(&bucket).send().await.unwrap();
            let raw = reply_mail(&case_id, message_id, "Here is the signed form.");
            s3.put_object()
                .bucket(&bucket)
                .key("mail")
                .body(raw.into_bytes().into())
                .send()
                .await
                .unwrap();
            let action = json!({"type": "S3", "bucketName": bucket, "objectKey": "mail"});
            publish(&topic, &received(&case_id, action, None)).await;
        }
    };
    // A bucket the deployment never named, holding mail that would complete the case.
    let elsewhere = format!("elsewhere-{}", uuid::Uuid::new_v4().simple());
    deliver_through(elsewhere, "s3x@northstar.example").await;
    assert_eq!(app.view(&case_id).await, before);

    // The same mail in the allow-listed bucket is read: the bucket is the only difference.
    deliver_through(inbound_bucket(&domain), "s3y@northstar.example").await;
    app.wait_for_status(&case_id, "COMPLETED").await;
}
