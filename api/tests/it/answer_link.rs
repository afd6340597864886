//! Answer links (spec §7): the link in GET and in the webhook, the page, the form answering
//! exactly like `POST /cases/{id}/input`, single use, expiry, forged posts and tampered tokens.

use crate::harness::{TestApp, WebhookReceiver, spawn_app};
use serde_json::{Value, json};

/// A case asking its client "Which tax year…?", with its webhook receiver.
async fn asking_case(app: &TestApp, hooks: &WebhookReceiver) -> (String, Value) {
    let case_id = app.create_case_reporting_to(&hooks.url).await;
    app.reply(
        &case_id,
        "Which tax year should it cover? <script>alert('x')</script>",
    )
    .await;
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    (case_id, view)
}

pub(crate) struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

pub(crate) async fn fetch(url: &str, form: Option<&[(&str, &str)]>, site: Option<&str>) -> Page {
    let http = reqwest::Client::new();
    let mut request = match form {
        None => http.get(url),
        Some(fields) => {
            let body: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            http.post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
        }
    };
    if let Some(site) = site {
        request = request.header("sec-fetch-site", site);
    }
    let response = request.send().await.expect("the API answers");
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        html: response.text().await.unwrap(),
    }
}

/// The hidden `check` value of a rendered form.
pub(crate) fn form_check(html: &str) -> String {
    let at = html
        .find("name=\"check\" value=\"")
        .expect("the form has its check")
        + 20;
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_answer_link_is_in_the_case_and_its_webhook_and_answers_like_the_api() {
    let app = spawn_app().await;
    let mut hooks = WebhookReceiver::start(0).await;
    let (case_id, view) = asking_case(&app, &hooks).await;
    let url = view["inputRequest"]["answerUrl"]
        .as_str()
        .expect("a pending request shows its answer link")
        .to_string();
    assert!(url.starts_with(&format!("{}/answer/", app.base)), "{url}");
    let (_, event) = hooks.next().await;
    assert_eq!(event["event_type"], "case.input_needed");
    assert_eq!(
        event["data"]["answerUrl"],
        url.as_str(),
        "one link everywhere"
    );

    // The page: the question, the conversation with the counterparty's text escaped, a form.
    let page = fetch(&url, None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Which tax year should it cover?"));
    assert!(
        !page.html.contains("<script>"),
        "nothing from the case is markup"
    );
    assert!(
        page.html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Get the signed W-9") || page.html.contains("W-9"));
    assert!(
        page.html
            .contains("<textarea id=\"answer\" name=\"answer\"")
    );
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert_eq!(page.headers["cache-control"], "no-store");
    let check = form_check(&page.html);

    // A post from another site, or without the page's check, changes nothing.
    let forged = fetch(
        &url,
        Some(&[("answer", "2019"), ("check", &check)]),
        Some("cross-site"),
    )
    .await;
    assert_eq!(forged.status, 403);
    let unchecked = fetch(&url, Some(&[("answer", "2019")]), None).await;
    assert_eq!(unchecked.status, 403);
    let blank = fetch(&url, Some(&[("answer", "   "), ("check", &check)]), None).await;
    assert_eq!(blank.status, 400);
    assert!(
        blank.html.contains("role=\"alert\""),
        "the form again, saying why"
    );
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "INPUT_NEEDED");
    assert_eq!(view["humanInputs"], json!([]));

    // The answer: handed to the case exactly like POST /cases/{id}/input.
    let sent = fetch(
        &url,
        Some(&[("answer", "Tax year 2025."), ("check", &check)]),
        Some("same-origin"),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.html);
    assert!(sent.html.contains("your answer was sent"));
    let view = app
        .wait_for(&case_id, "the answer on the case", |v| {
            v["humanInputs"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await;
    assert_eq!(view["humanInputs"][0]["providedContext"], "Tax year 2025.");
    assert_eq!(
        view["inputRequest"]["answerUrl"],
        Value::Null,
        "only a pending request has a link"
    );

    // Single use: the link now only says it was answered, and a second post changes nothing.
    let again = fetch(&url, None, None).await;
    assert_eq!(again.status, 409);
    assert!(again.html.contains("already answered"));
    let second = fetch(
        &url,
        Some(&[("answer", "Tax year 2019."), ("check", &check)]),
        None,
    )
    .await;
    assert_eq!(second.status, 409);
    let view = app.view(&case_id).await;
    assert_eq!(view["humanInputs"].as_array().unwrap().len(), 1);
    assert_eq!(view["humanInputs"][0]["providedContext"], "Tax year 2025.");
}

#[tokio::test]
async fn a_tampered_foreign_or_expired_link_reveals_nothing() {
    let app = spawn_app().await;
    let hooks = WebhookReceiver::start(0).await;
    let (case_id, view) = asking_case(&app, &hooks).await;
    let url = view["inputRequest"]["answerUrl"].as_str().unwrap();
    let request_id = view["inputRequest"]["id"].as_str().unwrap();
    let (base, token) = url.rsplit_once('/').unwrap();

    // Tampered: any change to the token is an invalid link, with nothing from the case.
    let mut tampered = token.to_string();
    tampered.insert(
        3,
        if tampered.as_bytes()[3] == b'A' {
            'B'
        } else {
            'A'
        },
    );
    for bad in [
        format!("{base}/{tampered}"),
        format!("{base}/x.y"),
        format!("{base}/"),
    ] {
        let page = fetch(&bad, None, None).await;
        assert!(page.status == 404, "{bad}: {}", page.status);
        assert!(!page.html.contains("tax year"), "{bad}");
    }

    // A link signed by another deployment's key.
    let mut config = app.config.clone();
    config.reply_signing_key = Some(offload_core::config::Secret::new(
        "another-deployment-signing-key-0123456789",
    ));
    let foreign = config.answer_links().unwrap().url(
        &case_id,
        request_id,
        view["inputRequest"]["requestedAt"].as_i64().unwrap(),
    );
    assert_eq!(fetch(&foreign, None, None).await.status, 404);

    // Expired: this deployment's own link for the same request, asked 8 days ago.
    let links = app.config.answer_links().unwrap();
    let eight_days_ago = offload_api::response::now_ms() - 8 * 24 * 3600 * 1000;
    let expired = links.url(&case_id, request_id, eight_days_ago);
    let page = fetch(&expired, None, None).await;
    assert_eq!(page.status, 410);
    assert!(page.html.contains("expired"));
    assert!(!page.html.contains("tax year"));
    let posted = fetch(
        &expired,
        Some(&[
            ("answer", "2025"),
            (
                "check",
                &links.form_check(expired.rsplit('/').next().unwrap()),
            ),
        ]),
        None,
    )
    .await;
    assert_eq!(posted.status, 410);
    assert_eq!(app.view(&case_id).await["humanInputs"], json!([]));
}
