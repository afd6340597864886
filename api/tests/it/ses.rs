//! Real email against moto: SES v2 raw sending, SNS-signed inbound notifications (replies,
//! bounces, complaints), S3-held mail, and refusal of forged or replayed notifications.

use crate::harness::{
    Options, TestApp, WebhookReceiver, case_body, moto_endpoint, reply_mail, spawn_app_with,
};
use mail_parser::MessageParser;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// Each test sends from its own domain, so moto's shared state tells tests apart.
fn unique_domain() -> String {
    format!(
        "mail-{}.test",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

async fn aws() -> aws_config::SdkConfig {
    offload_worker::aws::sdk_config(Some(&moto_endpoint().parse().unwrap())).await
}

async fn verify_domain(domain: &str) {
    aws_sdk_sesv2::Client::new(&aws().await)
        .create_email_identity()
        .email_identity(domain)
        .send()
        .await
        .expect("moto creates the identity");
}

async fn ses_app(domain: &str) -> TestApp {
    spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_MAILER", "ses".into()),
            ("OFFLOAD_AWS_ENDPOINT_URL", moto_endpoint().into()),
            ("OFFLOAD_SNS_CERT_ENDPOINT", moto_endpoint().into()),
            ("OFFLOAD_MAIL_FROM", format!("Avery <avery@{domain}>")),
        ],
        ..Options::default()
    })
    .await
}

/// The raw messages moto's SES took for `case_id`, oldest first.
async fn sent_through_ses(case_id: &str) -> Vec<Vec<u8>> {
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", moto_endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["ses"]["RawMessage"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m["raw_data"].as_str())
        .filter(|raw| raw.contains(case_id))
        .map(|raw| raw.as_bytes().to_vec())
        .collect()
}

/// One call of an AWS query API on moto (SNS), which routes by the credential scope.
async fn moto_query(service: &str, params: &[(&str, &str)]) -> String {
    reqwest::Client::new()
        .post(moto_endpoint())
        .header(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish(),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn xml_field(xml: &str, tag: &str) -> String {
    let start = xml.find(&format!("<{tag}>")).expect(tag) + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    xml[start..end].to_string()
}

/// A topic whose messages moto POSTs, signed, to `endpoint`.
async fn topic_to(endpoint: &str) -> String {
    let name = format!("ses-{}", uuid::Uuid::new_v4().simple());
    let topic = xml_field(
        &moto_query("sns", &[("Action", "CreateTopic"), ("Name", &name)]).await,
        "TopicArn",
    );
    moto_query(
        "sns",
        &[
            ("Action", "Subscribe"),
            ("TopicArn", &topic),
            ("Protocol", "http"),
            ("Endpoint", endpoint),
        ],
    )
    .await;
    topic
}

/// Publishes `message` (no Subject: moto leaves it out of what it signs).
async fn publish(topic: &str, message: &Value) {
    let text = message.to_string();
    let answer = moto_query(
        "sns",
        &[
            ("Action", "Publish"),
            ("TopicArn", topic),
            ("Message", &text),
        ],
    )
    .await;
    assert!(answer.contains("MessageId"), "publish failed: {answer}");
}

#[tokio::test]
async fn ses_sends_raw_mime_and_replies_thread_on_the_id_ses_assigned() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for(&case_id, "outreach", |v| v["attemptCount"] == 1)
        .await;

    let sent = sent_through_ses(&case_id).await;
    assert_eq!(sent.len(), 1);
    let first = MessageParser::default().parse(&sent[0]).unwrap();
    assert_eq!(
        first.from().unwrap().first().unwrap().address(),
        Some(format!("avery@{domain}").as_str())
    );
    assert_eq!(
        first.to().unwrap().first().unwrap().address(),
        Some("ap@northstar.example")
    );
    assert_eq!(
        first.reply_to().unwrap().first().unwrap().address(),
        Some(format!("reply+{case_id}@reply.test").as_str())
    );
    assert_eq!(
        first.message_id(),
        Some(format!("offload.{case_id}.1@reply.test").as_str())
    );
    assert_eq!(
        first.header_raw("X-Offload-Case").map(str::trim),
        Some(case_id.as_str())
    );

    // The counterparty answers the message as SES delivered it; our reply threads on both ids.
    app.inbound(&reply_mail(
        &case_id,
        "r1@northstar.example",
        "Let me check.",
    ))
    .await;
    app.wait_for(&case_id, "our answer", |v| v["attemptCount"] == 2)
        .await;
    let sent = sent_through_ses(&case_id).await;
    let second = MessageParser::default().parse(&sent[1]).unwrap();
    let references: Vec<String> = second
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|r| r.to_string())
        .collect();
    assert_eq!(references[0], format!("offload.{case_id}.1@reply.test"));
    assert!(
        references[1].ends_with("@email.amazonses.com"),
        "{references:?}"
    );
    assert_eq!(references[2], "r1@northstar.example");
    assert_eq!(second.in_reply_to().as_text(), Some("r1@northstar.example"));
    assert_eq!(
        second.subject(),
        Some("Re: Get the signed W-9 form for Northstar Supplies")
    );
}

#[tokio::test]
async fn a_permanent_ses_refusal_fails_the_case_with_send_failed() {
    // No identity for this domain: moto refuses like SES refuses an unverified sender.
    let app = ses_app(&unique_domain()).await;
    let mut hooks = WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);
    let case_id = app.create_case(body).await;
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "send_failed");
    assert_eq!(view["attemptCount"], 0);
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    let reason = event["data"]["failureReason"].as_str().unwrap();
    assert!(reason.contains("SES refused the message"), "{reason}");
}

fn received(case_id: &str, action: Value, content: Option<String>) -> Value {
    let mut notification = json!({
        "notificationType": "Received",
        "receipt": {"recipients": [format!("reply+{case_id}@reply.test")], "action": action},
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
    let topic = topic_to(&format!("{}/inbound/ses", app.base)).await;

    for (round, way) in ["utf8", "base64", "s3"].iter().enumerate() {
        let case_id = app.create_case(case_body()).await;
        app.wait_for(&case_id, "outreach", |v| v["attemptCount"] == 1)
            .await;
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
                let bucket = format!("inbound-{}", uuid::Uuid::new_v4().simple());
                let s3 = offload_worker::aws::s3_client(&aws().await, true);
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

#[tokio::test]
async fn permanent_bounces_and_complaints_fail_the_case_and_transient_bounces_do_not() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let topic = topic_to(&format!("{}/inbound/ses", app.base)).await;
    let mut hooks = WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);

    let bounced = app.create_case(body.clone()).await;
    app.wait_for(&bounced, "outreach", |v| v["attemptCount"] == 1)
        .await;
    publish(&topic, &feedback(&bounced, json!({"notificationType": "Bounce",
        "bounce": {"bounceType": "Transient", "bounceSubType": "MailboxFull", "bouncedRecipients": [{"emailAddress": "ap@northstar.example"}]}}))).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
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

    // Configuration-set event publishing spells it `eventType`.
    let complained = app.create_case(body).await;
    app.wait_for(&complained, "outreach", |v| v["attemptCount"] == 1)
        .await;
    publish(&topic, &feedback(&complained, json!({"eventType": "Complaint",
        "complaint": {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": "ap@northstar.example"}]}}))).await;
    let view = app.wait_for_status(&complained, "FAILED").await;
    assert_eq!(view["resultStatus"], "COMPLAINED");
    let (_, event) = hooks.next().await;
    assert_eq!(event["data"]["resultStatus"], "COMPLAINED");
}

#[tokio::test]
async fn forged_unsigned_and_replayed_sns_messages_get_403_and_change_nothing() {
    let domain = unique_domain();
    verify_domain(&domain).await;
    let app = ses_app(&domain).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for(&case_id, "outreach", |v| v["attemptCount"] == 1)
        .await;

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
    let topic = topic_to(&capture_url).await;
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
    assert_eq!(post(unsigned.to_string()).await.0, 400);
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
