//! Cases belong to the tenant that created them.

use crate::harness::{case_body, spawn_app};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn another_tenant_gets_403_on_every_case_route() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let other = Some(app.other_key.as_str());

    app.request(Method::GET, &format!("/cases/{case_id}"), other, None)
        .await
        .assert_error(403, "FORBIDDEN");
    app.request(
        Method::GET,
        &format!("/cases/{case_id}/attachments/a"),
        other,
        None,
    )
    .await
    .assert_error(403, "FORBIDDEN");
    app.request(
        Method::POST,
        &format!("/cases/{case_id}/input"),
        other,
        Some(json!({"inputRequestId": "x", "providedContext": "y"})),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    // Existence is checked before ownership.
    app.request(
        Method::GET,
        &format!("/cases/{}", uuid::Uuid::new_v4()),
        other,
        None,
    )
    .await
    .assert_error(404, "CASE_NOT_FOUND");
    // The owner still reads it.
    assert_eq!(app.view(&case_id).await["caseId"], json!(case_id));
}
