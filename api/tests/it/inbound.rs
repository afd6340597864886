//! `POST /inbound/email`: authentication, media type, parsing and routing.

use crate::harness::{INBOUND_SECRET, case_body, our_message_id, reply_mail, spawn_app};
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

#[tokio::test]
async fn a_reply_that_only_references_our_message_reaches_the_case() {
    // Written from another client to another address: only `References` names the thread.
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let ours = our_message_id(&case_id, 1);
    let raw = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: accounts@acme.example\r\n\
         Subject: Re: Signed W-9\r\nMessage-ID: <refs-only@northstar.example>\r\n\
         References: <older@northstar.example> <{ours}>\r\n\r\nDo you need the 2024 or 2025 form?"
    );
    let routed = app.inbound(&raw).await;
    assert_eq!(routed.status, 202, "{}", routed.body);
    assert_eq!(routed.data()["caseId"], json!(case_id));
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    assert!(
        view["inputRequest"]["question"]
            .as_str()
            .unwrap()
            .contains("2024 or 2025"),
        "{view}"
    );
}

#[tokio::test]
async fn a_long_thread_keeps_references_to_the_first_and_the_latest_19_messages() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    // Twenty automatic replies are kept on the thread (and in its references), never answered.
    for n in 1..=20 {
        let auto = reply_mail(
            &case_id,
            &format!("auto{n}@northstar.example"),
            "I am away.",
        )
        .replace("Subject: ", "Auto-Submitted: auto-replied\r\nSubject: ");
        assert_eq!(app.inbound(&auto).await.status, 202);
    }
    app.inbound(&reply_mail(
        &case_id,
        "real@northstar.example",
        "Let me check with the team.",
    ))
    .await;
    app.wait_for(&case_id, "the answer", |v| v["attemptCount"] == 2)
        .await;
    let sent = app.sent(&case_id);
    let answer = mail_parser::MessageParser::default()
        .parse(&sent[1])
        .unwrap();
    let references: Vec<String> = answer
        .references()
        .as_text_list()
        .unwrap_or_default()
        .iter()
        .map(|r| r.to_string())
        .collect();
    let mut expected = vec![our_message_id(&case_id, 1)];
    expected.extend((3..=20).map(|n| format!("auto{n}@northstar.example")));
    expected.push("real@northstar.example".into());
    assert_eq!(references, expected);
    assert_eq!(
        answer.in_reply_to().as_text(),
        Some("real@northstar.example")
    );
}
