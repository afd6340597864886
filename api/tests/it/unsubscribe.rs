//! Unsubscribing (spec §7, RFC 8058): the `List-Unsubscribe` headers of our mail, the one-click
//! POST, the `mailto:` reply, and what they end.

use crate::harness::{TestApp, case_body, reply_address, spawn_app};
use serde_json::json;

/// The one-click URL of the case's first message (its `List-Unsubscribe` header).
pub fn unsubscribe_url(app: &TestApp, case_id: &str) -> String {
    let sent = app.sent(case_id);
    let message = mail_parser::MessageParser::default()
        .parse(&sent[0])
        .expect("our mail parses");
    let header = message
        .header_raw("List-Unsubscribe")
        .expect("List-Unsubscribe")
        .trim()
        .to_string();
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    let mailto = format!("<mailto:{}?subject=unsubscribe>", reply_address(case_id));
    assert!(header.ends_with(&mailto), "{header}");
    header[1..header.find('>').unwrap()].to_string()
}

async fn one_click(url: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_click_unsubscribes_the_address_and_ends_the_tenants_open_cases_for_it() {
    let app = spawn_app().await;
    let first = app.create_case(case_body()).await;
    app.wait_for_outreach(&first).await;
    let second = app.create_case(case_body()).await;
    app.wait_for_outreach(&second).await;
    // Another tenant writing to the same person is not the sender they unsubscribed from.
    let foreign = app
        .request(
            reqwest::Method::POST,
            "/cases",
            Some(&app.other_key),
            Some(case_body()),
        )
        .await;
    let foreign = foreign.data()["caseId"].as_str().unwrap().to_string();

    let link = unsubscribe_url(&app, &first);
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("id=\"unsubscribe\""));
    let done = one_click(&link).await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("You are unsubscribed"));

    for case_id in [&first, &second] {
        let view = app.wait_for_status(case_id, "FAILED").await;
        assert_eq!(view["resultStatus"], "UNSUBSCRIBED", "{case_id}");
        assert_eq!(app.sent(case_id).len(), 1, "nothing more was sent");
    }
    let listed = app.get("/suppressions").await;
    assert_eq!(listed.data()["suppressions"][0]["reason"], "unsubscribed");
    app.post("/cases", case_body())
        .await
        .assert_error(409, "COUNTERPARTY_SUPPRESSED");
    let other = app
        .request(
            reqwest::Method::GET,
            &format!("/cases/{foreign}"),
            Some(&app.other_key),
            None,
        )
        .await;
    assert_ne!(other.data()["status"], "FAILED");
    // Again: nothing more happens.
    assert_eq!(one_click(&link).await.status(), 200);
}

#[tokio::test]
async fn a_tampered_or_foreign_link_unsubscribes_nobody() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let link = unsubscribe_url(&app, &case_id);
    let (base, token) = link.rsplit_once('/').unwrap();
    let (payload, signature) = token.split_once('.').unwrap();
    let mut flipped = signature.to_string();
    flipped.replace_range(0..1, if &signature[0..1] == "A" { "B" } else { "A" });
    // An answer link's token is signed for something else.
    for forged in [
        format!("{base}/{payload}.{flipped}"),
        format!("{base}/{payload}"),
        format!("{base}/nonsense"),
    ] {
        assert_eq!(one_click(&forged).await.status(), 404, "{forged}");
        assert_eq!(reqwest::get(&forged).await.unwrap().status(), 404);
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.view(&case_id).await["status"], "RUNNING");
    assert!(
        app.get("/suppressions").await.data()["suppressions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_reply_with_the_subject_unsubscribe_unsubscribes() {
    let app = spawn_app().await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let to = reply_address(&case_id);
    let mail = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {to}\r\nSubject: unsubscribe\r\n\
         Message-ID: <unsub-1@northstar.example>\r\n\r\n"
    );
    assert_eq!(app.inbound(&mail).await.status, 202);
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "UNSUBSCRIBED");
    assert_eq!(
        app.get("/suppressions").await.data()["suppressions"][0]["address"],
        json!("ap@northstar.example")
    );
}
