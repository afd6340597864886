//! Bounded work: hostile mail is read in linear time, off the async runtime, within caps — the
//! service keeps answering while it does.

use crate::harness::{Options, case_body, reply_address, spawn_app_with};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_20_mib_mail_of_a_million_hidden_elements_is_read_quickly_while_the_service_answers() {
    let app = spawn_app_with(Options::default()).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;

    let hidden = "<p hidden>x".repeat(1 << 20); // 11 MiB of unclosed hidden elements
    let closed = "<p hidden>y</p>".repeat(700_000); // and 10 MiB of closed ones
    let raw = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {}\r\nSubject: Re: W-9\r\n\
         Message-ID: <huge@northstar.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <p>Which tax year?</p>{closed}{hidden}",
        reply_address(&case_id)
    );
    assert!(raw.len() >= 20 * 1024 * 1024, "{}", raw.len());

    // /healthz is polled the whole time: the parse must not stall the runtime.
    let base = app.base.clone();
    let probe = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut slowest = Duration::ZERO;
        let mut answered = 0;
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            let started = Instant::now();
            let response = client.get(format!("{base}/healthz")).send().await.unwrap();
            assert_eq!(response.status(), 200);
            slowest = slowest.max(started.elapsed());
            answered += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (answered, slowest)
    });
    let started = Instant::now();
    let response = app.inbound(&raw).await;
    let took = started.elapsed();
    assert_eq!(response.status, 202, "{}", response.body);
    let (answered, slowest) = probe.await.unwrap();
    println!(
        "20 MiB hostile HTML read in {took:?}; /healthz answered {answered} times, slowest {slowest:?}"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        slowest < Duration::from_millis(500),
        "slowest /healthz {slowest:?}"
    );

    // What a reader sees: the visible question, none of the hidden text.
    let view = app.wait_for_status(&case_id, "INPUT_NEEDED").await;
    assert_eq!(
        view["inputRequest"]["question"],
        "Maya Chen asked: \"Which tax year?\""
    );
}

#[tokio::test]
async fn a_mail_of_thousands_of_files_lists_at_most_a_hundred_skipped_entries() {
    let app = spawn_app_with(Options {
        env: vec![("OFFLOAD_ATTACHMENT_MAX_COUNT", "1".into())],
        ..Options::default()
    })
    .await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let mut raw = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {}\r\nSubject: Re: files\r\n\
         Message-ID: <files@northstar.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nWhich year?\r\n",
        reply_address(&case_id)
    );
    for i in 0..3000 {
        raw.push_str(&format!(
            "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"f{i}.txt\"\r\n\r\nx\r\n"
        ));
    }
    raw.push_str("--b--\r\n");
    assert_eq!(app.inbound(&raw).await.status, 202);
    app.wait_for(&case_id, "the one stored file", |v| {
        v["attachments"].as_array().is_some_and(|a| a.len() == 1)
    })
    .await;
    let thread = app.thread(&case_id).await;
    let not_stored = thread
        .lines()
        .find(|l| l.starts_with("Not stored: "))
        .unwrap_or_else(|| panic!("{thread}"));
    assert_eq!(
        not_stored.matches("bytes:").count(),
        100,
        "99 named and one summary"
    );
    assert!(
        not_stored.contains("2900 more files"),
        "{}",
        &not_stored[not_stored.len().saturating_sub(200)..]
    );
}
