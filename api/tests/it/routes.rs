//! Every route and error code of the envelope.

use crate::harness::{case_body, spawn_app};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn unknown_routes_and_methods_get_the_error_envelope() {
    let app = spawn_app().await;
    app.request(Method::GET, "/nope", Some(&app.key), None)
        .await
        .assert_error(404, "NOT_FOUND");
    app.request(Method::DELETE, "/cases", Some(&app.key), None)
        .await
        .assert_error(405, "METHOD_NOT_ALLOWED");
    let health = app.request(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body, json!({"ok": true, "data": {"status": "ok"}}));
}

#[tokio::test]
async fn keys_are_checked_before_anything_else() {
    let app = spawn_app().await;
    let message = app
        .request(Method::POST, "/cases", None, Some(json!({})))
        .await
        .assert_error(401, "UNAUTHORIZED");
    assert!(message.starts_with("x-api-key:"), "{message}");
    app.request(Method::GET, "/cases/not-a-uuid", Some("ofk_unknown"), None)
        .await
        .assert_error(401, "UNAUTHORIZED");
    app.request(
        Method::POST,
        "/cases",
        Some(&app.inactive_key),
        Some(case_body()),
    )
    .await
    .assert_error(403, "FORBIDDEN");
}

#[tokio::test]
async fn bodies_are_checked_for_type_size_and_shape() {
    let app = spawn_app().await;
    let url = format!("{}/cases", app.base);

    let wrong_type = app
        .http
        .post(&url)
        .header("x-api-key", &app.key)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let body: serde_json::Value = wrong_type.json().await.unwrap();
    assert_eq!(body["error"]["code"], "UNSUPPORTED_MEDIA_TYPE");

    let huge = json!({"channel": "EMAIL", "metadata": {"blob": "x".repeat(70 * 1024)}});
    let too_large = app
        .http
        .post(&url)
        .header("x-api-key", &app.key)
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 413);
    let body: serde_json::Value = too_large.json().await.unwrap();
    assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");

    let malformed = app
        .http
        .post(&url)
        .header("x-api-key", &app.key)
        .header("content-type", "application/json")
        .body("{\"channel\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("body: malformed JSON")
    );

    let mut invalid = case_body();
    invalid["counterparty"]["address"] = json!("maya at northstar");
    let message = app
        .post("/cases", invalid)
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert_eq!(message, "counterparty.address: not a valid email address");

    let mut unknown = case_body();
    unknown["priority"] = json!("high");
    let message = app
        .post("/cases", unknown)
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert_eq!(message, "priority: unknown field");
}

#[tokio::test]
async fn a_created_case_is_readable_with_defaults_and_transcript() {
    let app = spawn_app().await;
    let mut body = case_body();
    body.as_object_mut().unwrap().remove("followUpDelayHours");
    body["clientReferenceId"] = json!("inv-42");
    body["metadata"] = json!({"internal": "never shown"});
    body["constraints"] = json!(["Do not offer payment"]);
    let response = app.post("/cases", body).await;
    assert_eq!(response.status, 201);
    assert_eq!(response.data()["status"], "CREATED");
    let case_id = response.data()["caseId"].as_str().unwrap().to_string();
    assert_eq!(
        uuid::Uuid::parse_str(&case_id).unwrap().get_version_num(),
        4
    );

    let view = app
        .wait_for(&case_id, "first message", |v| v["attemptCount"] == 1)
        .await;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(view["maxAttempts"], 3);
    assert_eq!(view["followUpDelayHours"], 72);
    assert_eq!(view["clientReferenceId"], "inv-42");
    assert_eq!(view["constraints"], json!(["Do not offer payment"]));
    assert_eq!(view["attachments"], json!([]));
    assert_eq!(view["inputRequest"], json!(null));
    assert_eq!(view["humanInputs"], json!([]));
    // 72 case hours of 1 s each after the send.
    let next = view["nextActionAt"].as_i64().unwrap();
    let updated = view["updatedAt"].as_i64().unwrap();
    assert_eq!(next - updated, 72_000);
    for hidden in [
        "metadata",
        "clientWebhookUrl",
        "failureReason",
        "resultStatus",
        "result",
        "conversationThread",
    ] {
        assert!(
            view.get(hidden).is_none(),
            "{hidden} must not be shown: {view}"
        );
    }

    let with_thread = app
        .get(&format!("/cases/{case_id}?includeTranscript=true"))
        .await;
    let thread = with_thread.data()["conversationThread"].as_str().unwrap();
    assert!(
        thread.starts_with("--- message 1 of 1 · outbound · "),
        "{thread}"
    );
    assert!(
        thread.contains("\nTo: Maya Chen <ap@northstar.example>\n"),
        "{thread}"
    );

    app.get(&format!("/cases/{case_id}?includeTranscript=yes"))
        .await
        .assert_error(400, "INVALID_REQUEST");
    let message = app
        .get("/cases/not-a-uuid")
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert!(message.starts_with("id:"), "{message}");
    app.get(&format!("/cases/{}", uuid::Uuid::new_v4()))
        .await
        .assert_error(404, "CASE_NOT_FOUND");
    app.get(&format!(
        "/cases/{case_id}/attachments/{}",
        uuid::Uuid::new_v4()
    ))
    .await
    .assert_error(404, "ATTACHMENT_NOT_FOUND");
    app.get(&format!("/cases/{}/attachments/x", uuid::Uuid::new_v4()))
        .await
        .assert_error(404, "CASE_NOT_FOUND");
}
