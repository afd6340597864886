//! The trust boundary: only the counterparty, the client or the mail provider moves a case.
//! Every attack here is shown failing with the case unchanged — its view, transcript, outbox and
//! webhooks.

use crate::harness::{TestApp, WebhookReceiver, our_message_id, reply_address, spawn_app};
use serde_json::Value;
use std::sync::atomic::Ordering;

/// Everything an attack could change about a case.
#[derive(Debug, PartialEq)]
struct Snapshot {
    view: Value,
    thread: String,
    sent: usize,
    webhook_attempts: usize,
}

async fn snapshot(app: &TestApp, case_id: &str, hooks: &WebhookReceiver) -> Snapshot {
    let response = app
        .get(&format!("/cases/{case_id}?includeTranscript=true"))
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    let mut view = response.data().clone();
    let thread = view["conversationThread"]
        .as_str()
        .unwrap_or("")
        .to_string();
    view.as_object_mut().unwrap().remove("conversationThread");
    Snapshot {
        view,
        thread,
        sent: app.sent(case_id).len(),
        webhook_attempts: hooks.attempts.load(Ordering::SeqCst),
    }
}

/// A reply to `to` that would complete a W-9 case if it were believed.
fn convincing_reply(to: &str, extra_headers: &str) -> String {
    format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {to}\r\nSubject: Re: Signed W-9\r\n\
         Message-ID: <{}@northstar.example>\r\n{extra_headers}\r\nHere is the signed form.\r\nTax year: 2025\r\n",
        uuid::Uuid::new_v4().simple()
    )
}

#[tokio::test]
async fn a_reply_to_the_case_id_without_its_token_reaches_no_case() {
    let app = spawn_app().await;
    let hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    let before = snapshot(&app, &case_id, &hooks).await;

    let domain = crate::harness::REPLY_DOMAIN;
    // The caseId is not a secret (it is in headers and derivable from Idempotency-Keys); the
    // token in the genuine address is.
    let genuine = reply_address(&case_id);
    let token = genuine
        .split('@')
        .next()
        .unwrap()
        .rsplit('.')
        .next()
        .unwrap();
    let wrong_token = genuine.replace(token, "aaaaaaaaaaaaaaaa");
    for to in [
        format!("reply+{case_id}@{domain}"),
        wrong_token,
        format!("reply+{case_id}.@{domain}"),
    ] {
        app.inbound(&convincing_reply(&to, ""))
            .await
            .assert_error(404, "CASE_NOT_FOUND");
    }
    // Threading headers naming the case without the token do not route either.
    let tokenless_reference = format!("offload.{case_id}.1@{domain}");
    let by_reference = convincing_reply(
        "someone@else.example",
        &format!("In-Reply-To: <{tokenless_reference}>\r\nReferences: <{tokenless_reference}>\r\n"),
    );
    app.inbound(&by_reference)
        .await
        .assert_error(404, "CASE_NOT_FOUND");

    assert_eq!(snapshot(&app, &case_id, &hooks).await, before);

    // The genuine reference routes: the token is what makes the difference.
    let genuine_reference = our_message_id(&case_id, 1);
    let routed = convincing_reply(
        "someone@else.example",
        &format!("In-Reply-To: <{genuine_reference}>\r\n"),
    );
    assert_eq!(app.inbound(&routed).await.status, 202);
}
