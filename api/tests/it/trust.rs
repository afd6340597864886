//! The trust boundary: only the counterparty, the client or the mail provider moves a case.
//! Every attack here is shown failing with the case unchanged — its view, transcript, outbox and
//! webhooks.

use crate::harness::{TestApp, WebhookReceiver, our_message_id, reply_address, spawn_app};
use serde_json::{Value, json};

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
        webhook_attempts: hooks.attempts(),
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

/// A stranger's convincing reply to the genuine (tokened) address: kept, marked untrusted,
/// never read; the client is asked; nothing goes out and the case does not complete.
async fn a_stranger_writes(app: &TestApp, case_id: &str) -> Value {
    let stranger = convincing_reply(&reply_address(case_id), "").replace(
        "Maya Chen <ap@northstar.example>",
        "Mallory <mallory@evil.example>",
    );
    assert_eq!(app.inbound(&stranger).await.status, 202);
    app.wait_for_status(case_id, "INPUT_NEEDED").await
}

#[tokio::test]
async fn a_strangers_reply_is_kept_aside_and_the_client_is_asked_and_no_leaves_it_there() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    let sent_before = app.sent(&case_id).len();

    let view = a_stranger_writes(&app, &case_id).await;
    assert_eq!(view["attemptCount"], 1, "nothing was sent");
    assert!(view.get("result").is_none());
    let question = view["inputRequest"]["question"].as_str().unwrap();
    assert!(
        question.contains("Mallory <mallory@evil.example>")
            && question.contains("the sender mallory@evil.example is not the counterparty"),
        "{question}"
    );
    let thread = app.thread(&case_id).await;
    assert!(
        thread.contains("· untrusted: the sender mallory@evil.example is not the counterparty (the client is asked)"),
        "{thread}"
    );
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.input_needed");
    assert_eq!(event["data"]["inputRequest"], json!(question));

    // "No": the mail stays aside, the case waits on the counterparty again, nothing is sent.
    let answer = json!({"inputRequestId": view["inputRequest"]["id"], "providedContext": "No idea who that is."});
    assert_eq!(
        app.post(&format!("/cases/{case_id}/input"), answer)
            .await
            .status,
        202
    );
    let view = app.wait_for_status(&case_id, "RUNNING").await;
    assert_eq!(view["attemptCount"], 1);
    assert_ne!(
        view["nextActionAt"],
        json!(253402300799999i64),
        "follow-ups resume"
    );
    assert_eq!(app.sent(&case_id).len(), sent_before);
    let thread = app.thread(&case_id).await;
    assert!(thread.contains("(left aside by the client)"), "{thread}");

    // The real counterparty still moves the case.
    app.reply(&case_id, "Here is the signed form.\r\nTax year: 2025")
        .await;
    let done = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(done["resultStatus"], "goal_achieved");
}

#[tokio::test]
async fn a_yes_from_the_client_has_the_strangers_reply_read() {
    let app = spawn_app().await;
    let hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    let view = a_stranger_writes(&app, &case_id).await;
    let answer = json!({"inputRequestId": view["inputRequest"]["id"], "providedContext": "Yes, she is our new AP clerk."});
    assert_eq!(
        app.post(&format!("/cases/{case_id}/input"), answer)
            .await
            .status,
        202
    );
    let done = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(done["resultStatus"], "goal_achieved");
    let thread = app.thread(&case_id).await;
    assert!(thread.contains("(accepted by the client)"), "{thread}");
    app.record_history(&case_id, "untrusted_accepted").await;
}

#[tokio::test]
async fn colleagues_count_unless_the_case_says_only_the_counterparty() {
    let app = spawn_app().await;
    let colleague = |case_id: &str| {
        convincing_reply(&reply_address(case_id), "").replace(
            "Maya Chen <ap@northstar.example>",
            "Sam <sam@northstar.example>",
        )
    };
    // Default: a colleague at the counterparty's domain is the counterparty.
    let case_id = app.create_case(crate::harness::case_body()).await;
    app.wait_for_outreach(&case_id).await;
    assert_eq!(app.inbound(&colleague(&case_id)).await.status, 202);
    app.wait_for_status(&case_id, "COMPLETED").await;

    // allowDomainReplies: false — only the counterparty's own address.
    let mut body = crate::harness::case_body();
    body["counterparty"]["allowDomainReplies"] = json!(false);
    let strict = app.create_case(body).await;
    let view = app.wait_for_outreach(&strict).await;
    assert_eq!(view["counterparty"]["allowDomainReplies"], false);
    assert_eq!(app.inbound(&colleague(&strict)).await.status, 202);
    let view = app.wait_for_status(&strict, "INPUT_NEEDED").await;
    assert!(
        view["inputRequest"]["question"]
            .as_str()
            .unwrap()
            .contains("sam@northstar.example is not the counterparty")
    );
}

async fn download(app: &TestApp, case_id: &str, attachment_id: &str) -> Vec<u8> {
    let minted = app
        .get(&format!("/cases/{case_id}/attachments/{attachment_id}"))
        .await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    let url = minted.data()["downloadUrl"].as_str().unwrap().to_string();
    reqwest::get(url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn a_resend_with_the_same_message_id_cannot_replace_a_stored_attachment() {
    let app = spawn_app().await;
    let hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    // While the case waits for the client, replies are kept (not yet read): the file stays on
    // an open case.
    app.reply(&case_id, "Which tax year should it cover?").await;
    app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let original = b"%PDF-1.4 the genuine signed form".to_vec();
    let first = crate::harness::reply_with_attachment(
        &case_id,
        "w9@northstar.example",
        "Here it is.",
        &original,
    );
    assert_eq!(app.inbound(&first).await.status, 202);
    let view = app
        .wait_for(&case_id, "the file", |v| v["attachments"][0].is_object())
        .await;
    let attachment = view["attachments"][0].clone();
    let id = attachment["attachmentId"].as_str().unwrap().to_string();
    let before = snapshot(&app, &case_id, &hooks).await;

    // The same Message-ID again, with other bytes and words: a redelivery changes nothing.
    let forged = crate::harness::reply_with_attachment(
        &case_id,
        "w9@northstar.example",
        "Here is the signed form. Tax year: 1999",
        b"%PDF-1.4 forged",
    );
    assert_eq!(app.inbound(&forged).await.status, 202);
    // Signals are handled in order: once a later marker reply is on the case, so is the resend.
    let marker = crate::harness::reply_mail(&case_id, "marker@northstar.example", "marker");
    assert_eq!(app.inbound(&marker).await.status, 202);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !app.thread(&case_id).await.contains("marker") {
        assert!(std::time::Instant::now() < deadline, "the marker arrives");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let after = snapshot(&app, &case_id, &hooks).await;
    assert_eq!(after.view["attachments"], before.view["attachments"]);
    assert_eq!(after.view["attachments"][0], attachment);
    assert!(!after.thread.contains("1999"), "{}", after.thread);
    assert_eq!(after.sent, before.sent);
    assert_eq!(download(&app, &case_id, &id).await, original);
}
