//! The suppression list (spec §7): fed by bounces and by replies asking not to be contacted,
//! consulted on create (`409 COUNTERPARTY_SUPPRESSED`), listed and lifted per tenant.

use crate::harness::{TestApp, case_body, our_message_id, spawn_app};
use offload_workflows::suppression::{Suppression, SuppressionReason};
use serde_json::{Value, json};

async fn listed(app: &TestApp, key: &str, limit: u32) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/suppressions?limit={limit}&cursor={c}"),
            None => format!("/suppressions?limit={limit}"),
        };
        let page = app
            .request(reqwest::Method::GET, &path, Some(key), None)
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        all.extend(page.data()["suppressions"].as_array().unwrap().clone());
        match page.data()["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return all,
        }
    }
}

#[tokio::test]
async fn a_bounced_address_is_suppressed_for_the_tenant_until_lifted() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let (_, sample) = offload_testkit::DSN_SAMPLES[0];
    let report = offload_testkit::delivery_report(
        sample,
        "avery@mail.example.com",
        "ap@northstar.example",
        &our_message_id(&case_id, 1),
        "failed",
        "5.1.1",
    );
    assert_eq!(app.inbound(&report).await.status, 202);
    app.wait_for_status(&case_id, "FAILED").await;

    let list = listed(&app, &app.key, 50).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["address"], "ap@northstar.example");
    assert_eq!(list[0]["reason"], "hard_bounce");
    assert_eq!(list[0]["caseId"], case_id);

    // A new case for the address (any spelling of it) is refused, naming why and since when.
    let mut body = case_body();
    body["counterparty"]["address"] = json!("AP@northstar.example");
    let message = app
        .post("/cases", body.clone())
        .await
        .assert_error(409, "COUNTERPARTY_SUPPRESSED");
    assert!(
        message.starts_with("counterparty.address: on the suppression list since 20")
            && message.ends_with("the address bounced"),
        "{message}"
    );
    // Per tenant: another tenant may still write to it, and sees nothing on its list.
    let other = app
        .request(
            reqwest::Method::POST,
            "/cases",
            Some(&app.other_key),
            Some(body.clone()),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.body);
    assert!(listed(&app, &app.other_key, 50).await.is_empty());

    // Lifted: the tenant may write to it again. Lifting again changes nothing.
    for _ in 0..2 {
        let lifted = app
            .request(
                reqwest::Method::DELETE,
                "/suppressions/ap@northstar.example",
                Some(&app.key),
                None,
            )
            .await;
        assert_eq!(lifted.status, 204, "{}", lifted.body);
    }
    let mut created = app.post("/cases", body.clone()).await;
    for _ in 0..50 {
        if created.status == 201 {
            break;
        }
        // The lift is a signal: a read may come a moment before it is applied.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        created = app.post("/cases", body.clone()).await;
    }
    assert_eq!(created.status, 201, "{}", created.body);
}

#[tokio::test]
async fn a_reply_asking_not_to_be_contacted_suppresses_the_address_and_a_plain_refusal_does_not() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["counterparty"]["address"] = json!("ap@northstar.example");
    let declined = app.create_case(body.clone()).await;
    app.wait_for_outreach(&declined).await;
    app.reply(&declined, "We are not interested, thank you.")
        .await;
    app.wait_for_status(&declined, "FAILED").await;
    assert!(
        listed(&app, &app.key, 50).await.is_empty(),
        "a refusal alone"
    );

    let stopped = app.create_case(body.clone()).await;
    app.wait_for_outreach(&stopped).await;
    app.reply(
        &stopped,
        "Please stop emailing me. Do not contact me again.",
    )
    .await;
    let list = listed(&app, &app.key, 50).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["reason"], "do_not_contact");
    assert_eq!(list[0]["caseId"], stopped);
    app.post("/cases", body)
        .await
        .assert_error(409, "COUNTERPARTY_SUPPRESSED");
}

#[tokio::test]
async fn the_list_pages_through_every_shard_and_cursors_belong_to_their_tenant() {
    let app = spawn_app().await;
    let addresses: Vec<String> = (0..9).map(|n| format!("person{n}@example.com")).collect();
    for (n, address) in addresses.iter().enumerate() {
        app.api_state
            .cases()
            .suppress(
                &app.tenant,
                Suppression {
                    address: address.clone(),
                    reason: SuppressionReason::Unsubscribed,
                    since: 1_700_000_000_000 + n as i64,
                    case_id: None,
                },
            )
            .await
            .unwrap();
    }
    let mut all = Vec::new();
    for _ in 0..100 {
        all = listed(&app, &app.key, 2).await;
        if all.len() == addresses.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut seen: Vec<String> = all
        .iter()
        .map(|s| s["address"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    assert_eq!(seen, addresses, "each once");

    let first = app.get("/suppressions?limit=1").await;
    let cursor = first.data()["nextCursor"].as_str().unwrap().to_string();
    let foreign = app
        .request(
            reqwest::Method::GET,
            &format!("/suppressions?cursor={cursor}"),
            Some(&app.other_key),
            None,
        )
        .await;
    let message = foreign.assert_error(400, "INVALID_REQUEST");
    assert!(message.starts_with("cursor:"), "{message}");
    let message = app
        .request(
            reqwest::Method::DELETE,
            "/suppressions/not-an-address",
            Some(&app.key),
            None,
        )
        .await
        .assert_error(400, "INVALID_REQUEST");
    assert!(message.starts_with("address:"), "{message}");
}
