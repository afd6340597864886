//! `POST /inbound/email`: authentication, media type, parsing and routing.

use crate::harness::{INBOUND_SECRET, case_body, reply_mail, spawn_app};
use serde_json::json;

#[tokio::test]
async fn inbound_mail_is_authenticated_parsed_and_routed() {
    let app = spawn_app().await;
    let url = format!("{}/inbound/email", app.base);
    let case_id = app.create_case(case_body()).await;
    let raw = reply_mail(&case_id, "m1@northstar.example", "Hello");

    for secret in [None, Some("wrong-secret-wrong-secret")] {
        let mut request = app
            .http
            .post(&url)
            .header("content-type", "message/rfc822")
            .body(raw.clone());
        if let Some(secret) = secret {
            request = request.header("x-offload-inbound-secret", secret);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "UNAUTHORIZED");
    }

    let wrong_type = app
        .http
        .post(&url)
        .header("x-offload-inbound-secret", INBOUND_SECRET)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);

    app.inbound("this is not a mail message")
        .await
        .assert_error(400, "INVALID_REQUEST");

    let unroutable =
        "From: someone@else.example\r\nTo: nobody@reply.test\r\nSubject: hi\r\n\r\nhello";
    app.inbound(unroutable)
        .await
        .assert_error(404, "CASE_NOT_FOUND");
    let unknown_case = reply_mail(&uuid::Uuid::new_v4().to_string(), "m0@x", "hello");
    app.inbound(&unknown_case)
        .await
        .assert_error(404, "CASE_NOT_FOUND");

    let routed = app.inbound(&raw).await;
    assert_eq!(routed.status, 202, "{}", routed.body);
    assert_eq!(
        routed.body,
        json!({"ok": true, "data": {"caseId": case_id}})
    );
}

#[tokio::test]
async fn the_same_message_delivered_twice_counts_once() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let raw = reply_mail(&case_id, "dup@northstar.example", "Could you resend it?");
    assert_eq!(app.inbound(&raw).await.status, 202);
    assert_eq!(app.inbound(&raw).await.status, 202);
    app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let thread = app.thread(&case_id).await;
    assert!(thread.contains("--- message 2 of 2 · inbound"), "{thread}");
}
