//! Real email against moto: SES v2 raw sending (retries, refusals, unknown outcomes) and the S3
//! blob store; the helpers the SNS tests (`sns.rs`) share.

use crate::harness::{
    Options, TestApp, WebhookReceiver, case_body, first_address, moto_endpoint, our_message_id,
    reply_address, reply_mail, spawn_app_with,
};
use mail_parser::MessageParser;
use serde_json::{Value, json};
use std::sync::Arc;

/// Each test sends from its own domain, so moto's shared state tells tests apart.
pub(crate) fn unique_domain() -> String {
    format!(
        "mail-{}.test",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

pub(crate) async fn aws() -> aws_config::SdkConfig {
    offload_core::aws::sdk_config(Some(&moto_endpoint().parse().unwrap())).await
}

pub(crate) async fn verify_domain(domain: &str) {
    aws_sdk_sesv2::Client::new(&aws().await)
        .create_email_identity()
        .email_identity(domain)
        .send()
        .await
        .expect("moto creates the identity");
}

/// The SNS topic of `domain`'s tests (each test its own, allow-listed by [`ses_app`]).
pub(crate) fn topic_name(domain: &str) -> String {
    format!("ses-{}", domain.replace('.', "-"))
}

/// The S3 bucket SES writes `domain`'s received mail to (allow-listed by [`ses_app`]).
pub(crate) fn inbound_bucket(domain: &str) -> String {
    format!("inbound-{}", domain.replace('.', "-"))
}

pub(crate) async fn ses_app(domain: &str) -> TestApp {
    spawn_app_with(Options {
        env: vec![
            (
                "OFFLOAD_SNS_TOPIC_ARNS",
                format!("arn:aws:sns:us-east-1:123456789012:{}", topic_name(domain)),
            ),
            ("OFFLOAD_SES_INBOUND_BUCKETS", inbound_bucket(domain)),
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

/// `domain`'s topic, whose messages moto POSTs, signed, to `endpoint`.
pub(crate) async fn topic_to(domain: &str, endpoint: &str) -> String {
    let name = topic_name(domain);
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
pub(crate) async fn publish(topic: &str, message: &Value) {
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
    app.wait_for_outreach(&case_id).await;

    let sent = sent_through_ses(&case_id).await;
    assert_eq!(sent.len(), 1);
    let first = MessageParser::default().parse(&sent[0]).unwrap();
    assert_eq!(
        first_address(first.from()),
        Some(format!("avery@{domain}").as_str())
    );
    assert_eq!(first_address(first.to()), Some("ap@northstar.example"));
    assert_eq!(
        first_address(first.reply_to()),
        Some(reply_address(&case_id).as_str())
    );
    assert_eq!(
        first.message_id(),
        Some(our_message_id(&case_id, 1).as_str())
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
    assert_eq!(references[0], our_message_id(&case_id, 1));
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

#[tokio::test]
async fn with_the_s3_blob_store_attachments_download_through_presigned_urls() {
    let bucket = format!("attachments-{}", uuid::Uuid::new_v4().simple());
    offload_core::aws::s3_client(&aws().await, true)
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let app = spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_BLOB_STORE", "s3".into()),
            ("OFFLOAD_S3_BUCKET", bucket.clone()),
            ("OFFLOAD_S3_PREFIX", "cases/".into()),
            ("OFFLOAD_AWS_ENDPOINT_URL", moto_endpoint().into()),
        ],
        ..Options::default()
    })
    .await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let pdf: Vec<u8> = (0..=255u8).rev().cycle().take(4000).collect();
    let raw =
        crate::harness::reply_with_attachment(&case_id, "s3@northstar.example", "Attached.", &pdf);
    assert_eq!(app.inbound(&raw).await.status, 202);
    let view = app.wait_for_status(&case_id, "COMPLETED").await;
    let id = view["attachments"][0]["attachmentId"].as_str().unwrap();
    let link = app.get(&format!("/cases/{case_id}/attachments/{id}")).await;
    let url = link.data()["downloadUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/{bucket}/cases/{case_id}/{id}?",
            moto_endpoint()
        )),
        "{url}"
    );
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let download = reqwest::get(url).await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().to_vec(), pdf);
}

/// A scripted stand-in for the SES v2 endpoint: request n gets `script[n]` (`ok`, a status code,
/// or `hang-up` to close the connection after reading the request). Returns the endpoint and the
/// number of requests seen.
async fn scripted_ses(script: Vec<&'static str>) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let step = script.get(n).copied().unwrap_or("ok");
            // Read the whole request: headers, then Content-Length bytes.
            let mut request = Vec::new();
            let mut buf = [0u8; 8192];
            loop {
                let read = socket.read(&mut buf).await.unwrap_or(0);
                if read == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..read]);
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let (status, error_type, body) = match step {
                "hang-up" => continue,
                "ok" => ("200 OK", None, format!("{{\"MessageId\":\"fake-{n}\"}}")),
                "429" => (
                    "429 Too Many Requests",
                    Some("TooManyRequestsException"),
                    "{\"message\":\"slow down\"}".to_string(),
                ),
                _ => (
                    "500 Internal Server Error",
                    Some("InternalFailure"),
                    "{\"message\":\"boom\"}".to_string(),
                ),
            };
            let error_header = error_type
                .map(|t| format!("x-amzn-ErrorType: {t}\r\n"))
                .unwrap_or_default();
            let response = format!(
                "HTTP/1.1 {status}\r\n{error_header}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    (url, count)
}

async fn app_sending_to(endpoint: &str) -> TestApp {
    spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_MAILER", "ses".into()),
            ("OFFLOAD_AWS_ENDPOINT_URL", endpoint.into()),
        ],
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_until_ses_takes_the_message() {
    let (endpoint, requests) = scripted_ses(vec!["500", "429", "ok"]).await;
    let app = app_sending_to(&endpoint).await;
    let case_id = app.create_case(case_body()).await;
    let view = app
        .wait_for(&case_id, "the outreach", |v| v["attemptCount"] == 1)
        .await;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 3);
    let thread = app
        .get(&format!("/cases/{case_id}?includeTranscript=true"))
        .await;
    assert!(
        !thread.data()["conversationThread"]
            .as_str()
            .unwrap()
            .contains("unconfirmed")
    );
}

#[tokio::test]
async fn a_send_whose_outcome_is_unknown_is_recorded_not_repeated() {
    let (endpoint, requests) = scripted_ses(vec!["hang-up"]).await;
    let app = app_sending_to(&endpoint).await;
    let mut body = case_body();
    // One follow-up, one case hour (1 s) later: the next and last message SES must see.
    body["followUpDelayHours"] = json!(1);
    body["maxAttempts"] = json!(1);
    let case_id = app.create_case(body).await;
    let view = app
        .wait_for(&case_id, "the outreach", |v| v["attemptCount"] == 1)
        .await;
    assert_eq!(view["status"], "RUNNING", "the case goes on as if sent");
    let thread = app.thread(&case_id).await;
    assert!(
        thread.starts_with("--- message 1 of 1 · outbound · ")
            && thread
                .lines()
                .next()
                .unwrap()
                .ends_with(" · delivery unconfirmed"),
        "{thread}"
    );
    // The outreach is settled before the follow-up timer starts, so once the follow-up is out,
    // any second send of the outreach would already have reached SES.
    app.wait_for(&case_id, "the follow-up", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the outreach once (unconfirmed), then the follow-up: never sent twice"
    );
}

#[tokio::test]
async fn the_s3_blob_store_writes_each_key_once() {
    use offload_core::blobs::{BlobError, BlobStore, S3BlobStore};
    let bucket = format!("blobs-{}", uuid::Uuid::new_v4().simple());
    let s3 = offload_core::aws::s3_client(&aws().await, true);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let store = S3BlobStore::new(s3, bucket, "offload/".into());
    store.put("case/a", b"first", "text/plain").await.unwrap();
    let again = store.put("case/a", b"second", "text/plain").await;
    assert!(
        matches!(&again, Err(BlobError::AlreadyExists(key)) if key == "case/a"),
        "{again:?}"
    );
    assert_eq!(store.get("case/a").await.unwrap().unwrap(), b"first");
}
