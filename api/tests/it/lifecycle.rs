//! The case lifecycle end to end: outreach, follow-ups, replies, questions, answers, outcomes,
//! webhooks.

use crate::harness::{
    WebhookReceiver, case_body, first_address, our_message_id, reply_address, reply_mail,
    reply_with_attachment, spawn_app,
};
use mail_parser::MessageParser;
use serde_json::json;

#[tokio::test]
async fn happy_path_question_answer_evidence_completes_with_result_and_ordered_webhooks() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["clientWebhookUrl"] = json!(hooks.url);
    body["clientReferenceId"] = json!("vendor-7");
    body["metadata"] = json!({"ticket": 7});
    body["resultSchema"] = json!({
        "type": "object",
        "properties": {
            "w9Received": {"type": "boolean"},
            "taxYear": {"type": "string"}
        },
        "required": ["w9Received", "taxYear"]
    });
    let case_id = app.create_case(body).await;

    // Outreach: one message, threaded identity, per-case Reply-To.
    app.wait_for_outreach(&case_id).await;
    let sent = app.sent(&case_id);
    assert_eq!(sent.len(), 1);
    let first = MessageParser::default().parse(&sent[0]).unwrap();
    let first_id = first.message_id().unwrap().to_string();
    assert_eq!(first_id, our_message_id(&case_id, 1));
    assert_eq!(
        first.subject(),
        Some("Get the signed W-9 form for Northstar Supplies")
    );
    assert_eq!(
        first_address(first.reply_to()),
        Some(reply_address(&case_id).as_str())
    );
    assert_eq!(first_address(first.from()), Some("offload@mail.test"));
    assert_eq!(first_address(first.to()), Some("ap@northstar.example"));

    // A question goes to the client.
    let answer = app
        .inbound(&reply_mail(&case_id, "q1@northstar.example",
            "Happy to help. Which tax year should the form cover?\r\n\r\nOn Mon, Avery wrote:\r\n> hello"))
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({"ok": true, "data": {"caseId": case_id}})
    );
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let request = view["inputRequest"].clone();
    assert_eq!(request["status"], "PENDING");
    assert_eq!(
        request["question"],
        "Maya Chen asked: \"Which tax year should the form cover?\""
    );
    assert_eq!(view["nextActionAt"], json!(253402300799999i64));

    let (headers, event) = hooks.next().await;
    assert_eq!(headers["content-type"], "application/json");
    assert!(
        headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("offload/")
    );
    assert_eq!(event["event_type"], "case.input_needed");
    assert_eq!(
        event["event_id"],
        json!(format!(
            "evt_{case_id}_case_input_needed_{}",
            view["updatedAt"]
        ))
    );
    assert_eq!(event["timestamp"], view["updatedAt"]);
    let data = &event["data"];
    assert_eq!(data["caseId"], json!(case_id));
    assert_eq!(data["clientReferenceId"], "vendor-7");
    assert_eq!(data["status"], "INPUT_NEEDED");
    assert_eq!(data["channel"], "EMAIL");
    assert_eq!(data["attemptCount"], 1);
    assert_eq!(data["attachments"], json!([]));
    assert_eq!(data["metadata"], json!({"ticket": 7}));
    assert_eq!(data["inputRequest"], request["question"]);
    assert_eq!(data["inputRequestId"], request["id"]);
    assert_eq!(data["inputRequestStatus"], "PENDING");
    assert_eq!(data["inputRequestedAt"], request["requestedAt"]);

    // The answer is accepted once, relayed as a threaded reply, and the case runs again.
    let input =
        json!({"inputRequestId": request["id"], "providedContext": "  Tax year 2025, please.  "});
    let accepted = app
        .post(&format!("/cases/{case_id}/input"), input.clone())
        .await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    assert_eq!(
        accepted.body,
        json!({"ok": true, "data": {"caseId": case_id, "inputRequestId": request["id"], "accepted": true}})
    );
    app.post(&format!("/cases/{case_id}/input"), input)
        .await
        .assert_answer_used();
    let view = app
        .wait_for(&case_id, "the relayed answer", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(view["inputRequest"]["status"], "RESOLVED");
    assert_eq!(
        view["humanInputs"][0]["providedContext"],
        "Tax year 2025, please."
    );
    assert_eq!(view["humanInputs"][0]["inputRequestId"], request["id"]);
    assert_eq!(
        view["goal"]["knowledge"]["additionalHumanContext"],
        "Tax year 2025, please."
    );
    let sent = app.sent(&case_id);
    let second = MessageParser::default().parse(&sent[1]).unwrap();
    assert_eq!(
        second.subject(),
        Some("Re: Get the signed W-9 form for Northstar Supplies")
    );
    assert_eq!(second.in_reply_to().as_text(), Some("q1@northstar.example"));
    let references: Vec<String> = second
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|r| r.to_string())
        .collect();
    assert_eq!(
        references,
        vec![first_id.clone(), "q1@northstar.example".to_string()]
    );
    assert!(
        second
            .body_text(0)
            .unwrap()
            .contains("Tax year 2025, please.")
    );

    // Evidence with an attachment completes the case with a schema-valid result.
    let pdf = b"%PDF-1.4 signed w-9 \x00\x01\x02".to_vec();
    let response = app
        .inbound(&reply_with_attachment(
            &case_id,
            "e1@northstar.example",
            "Here is the signed form.\r\nTax year: 2025",
            &pdf,
        ))
        .await;
    assert_eq!(response.status, 202, "{}", response.body);
    let view = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(view["resultStatus"], "goal_achieved");
    assert_eq!(
        view["result"],
        json!({"w9Received": true, "taxYear": "2025"})
    );
    assert_eq!(view["nextActionAt"], json!(253402300799999i64));
    let attachment = view["attachments"][0].clone();
    assert_eq!(attachment["name"], "vendor-w9.pdf");
    assert_eq!(attachment["size"], json!(pdf.len()));
    assert_eq!(attachment["type"], "application/pdf");
    assert_eq!(attachment["messageId"], "e1@northstar.example");
    assert_eq!(attachment["inboxId"], json!(reply_address(&case_id)));
    let stored = std::fs::read(
        app.config
            .attachments_dir()
            .join(&case_id)
            .join(attachment["attachmentId"].as_str().unwrap()),
    )
    .unwrap();
    assert_eq!(stored, pdf);
    let fetched = app
        .get(&format!(
            "/cases/{case_id}/attachments/{}",
            attachment["attachmentId"].as_str().unwrap()
        ))
        .await;
    assert_eq!(fetched.status, 200);
    for (field, value) in attachment.as_object().unwrap() {
        assert_eq!(&fetched.data()[field], value, "{field}");
    }
    let download = reqwest::get(fetched.data()["downloadUrl"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf.as_slice());

    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.completed");
    assert_eq!(event["data"]["resultStatus"], "goal_achieved");
    assert_eq!(event["data"]["result"], view["result"]);
    assert_eq!(event["data"]["attachments"], view["attachments"]);
    assert!(event["data"].get("failureReason").is_none());
    assert!(event["data"].get("inputRequestId").is_none());

    let thread = app.thread(&case_id).await;
    assert!(
        thread.contains("--- message 4 of 4 · inbound · "),
        "{thread}"
    );
    assert!(thread.contains("Attachments: vendor-w9.pdf ("), "{thread}");
    assert!(
        !thread.contains("> hello"),
        "quoted history must be stripped: {thread}"
    );

    // Replies after the end are logged and ignored.
    let late = app
        .inbound(&reply_mail(
            &case_id,
            "late@northstar.example",
            "One more thing?",
        ))
        .await;
    assert_eq!(late.status, 200);
    assert_eq!(
        late.body,
        json!({"ok": true, "data": {"caseId": case_id, "ignored": true}})
    );
    assert_eq!(app.view(&case_id).await["status"], "COMPLETED");

    app.record_history(&case_id, "completed").await;
}

#[tokio::test]
async fn silence_spends_the_follow_up_budget_then_fails_with_max_retries() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let mut body = case_body();
    body["maxAttempts"] = json!(2);
    body["followUpDelayHours"] = json!(1);
    body["clientWebhookUrl"] = json!(hooks.url);
    let case_id = app.create_case(body).await;

    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "max_retries");
    assert_eq!(view["attemptCount"], 3);
    assert_eq!(view["nextActionAt"], json!(253402300799999i64));
    let sent = app.sent(&case_id);
    assert_eq!(sent.len(), 3);
    let follow_up = MessageParser::default().parse(&sent[2]).unwrap();
    assert_eq!(
        follow_up.subject(),
        Some("Re: Get the signed W-9 form for Northstar Supplies")
    );
    assert_eq!(
        follow_up.in_reply_to().as_text(),
        Some(our_message_id(&case_id, 2).as_str())
    );

    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "max_retries");
    assert_eq!(
        event["data"]["failureReason"],
        "Maximum follow-up attempts reached."
    );
    assert_eq!(event["data"]["attemptCount"], 3);

    app.record_history(&case_id, "max_retries").await;
}

#[tokio::test]
async fn a_reply_resets_the_follow_up_budget() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["maxAttempts"] = json!(1);
    body["followUpDelayHours"] = json!(10);
    let case_id = app.create_case(body).await;
    // The one follow-up goes out: the budget is spent, and in 10 s the case would fail.
    app.wait_for(&case_id, "the follow-up", |v| v["attemptCount"] == 2)
        .await;
    app.reply(&case_id, "Let me check with the team.").await;
    // The reply is answered (attempt 3) with a fresh budget of one follow-up (attempt 4).
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "max_retries");
    assert_eq!(view["attemptCount"], 4, "{view}");
}

#[tokio::test]
async fn follow_ups_go_out_at_the_next_action_the_api_showed() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["maxAttempts"] = json!(1);
    body["followUpDelayHours"] = json!(3);
    let case_id = app.create_case(body).await;
    let outreach = app.wait_for_outreach(&case_id).await;
    let due = outreach["nextActionAt"].as_i64().unwrap();
    assert_eq!(due - outreach["updatedAt"].as_i64().unwrap(), 3000);
    let followed = app
        .wait_for(&case_id, "the follow-up", |v| v["attemptCount"] == 2)
        .await;
    let sent_at = followed["updatedAt"].as_i64().unwrap();
    // Never early; late by at most what a busy machine adds to a timer and a send.
    assert!(sent_at >= due, "sent at {sent_at}, due at {due}");
    assert!(sent_at - due < 10_000, "sent {} ms late", sent_at - due);
    assert_eq!(followed["nextActionAt"].as_i64().unwrap(), sent_at + 3000);
}

#[tokio::test]
async fn a_refusal_fails_the_case_as_rejected() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "We are not interested, please stop emailing us.")
        .await;
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "failed_rejected");
    assert!(view.get("result").is_none());
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.failed");
    assert_eq!(event["data"]["resultStatus"], "failed_rejected");
    assert!(event["data"]["failureReason"].is_string());

    app.record_history(&case_id, "rejected").await;
}

#[tokio::test]
async fn a_failing_webhook_receiver_does_not_hold_up_the_case() {
    let app = spawn_app().await;
    // The receiver fails every delivery until the case has ended: the case cannot wait for them.
    let mut hooks = WebhookReceiver::start_failing_until_released().await;
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(&case_id, "Should it be signed in blue ink?")
        .await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    let id = view["inputRequest"]["id"].clone();
    app.post(
        &format!("/cases/{case_id}/input"),
        json!({"inputRequestId": id, "providedContext": "Any ink."}),
    )
    .await;
    app.reply(&case_id, "Not interested after all.").await;
    app.wait_for_status(&case_id, "FAILED").await;
    let failed_so_far = hooks.attempts();
    assert!(failed_so_far >= 1, "the first event was being retried");

    hooks.release();
    let (_, first) = hooks.next().await;
    let (_, second) = hooks.next().await;
    assert_eq!(first["event_type"], "case.input_needed");
    assert_eq!(second["event_type"], "case.failed");
}

#[tokio::test]
async fn an_out_of_office_reply_is_kept_and_the_follow_ups_go_on() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["maxAttempts"] = json!(1);
    // The automatic reply arrives well before the follow-up is due.
    body["followUpDelayHours"] = json!(10);
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    let to = reply_address(&case_id);
    let ooo = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {to}\r\n\
         Subject: Automatic reply: Get the signed W-9\r\nAuto-Submitted: auto-replied\r\n\
         Message-ID: <ooo@northstar.example>\r\n\r\nI am out of the office with limited access to email. Is it urgent?"
    );
    assert_eq!(app.inbound(&ooo).await.status, 202);
    // No question for the client, no answer: the follow-up goes out on time, then the budget ends.
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "max_retries");
    assert_eq!(view["attemptCount"], 2);
    assert_eq!(view["inputRequest"], json!(null));
    let thread = app.thread(&case_id).await;
    assert!(
        thread.contains("--- message 2 of 3 · inbound · ")
            && thread.contains(" · automatic reply\n"),
        "{thread}"
    );
}
