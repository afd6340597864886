//! Attachments: limits, exact bytes, minted download URLs that expire and cannot be forged;
//! large bodies kept by reference.

use crate::harness::{Options, case_body, reply_address, reply_mail, spawn_app_with};
use base64::Engine;
use serde_json::{Value, json};

pub fn multipart_reply(
    case_id: &str,
    message_id: &str,
    body: &str,
    files: &[(&str, Vec<u8>)],
) -> String {
    let to = reply_address(case_id);
    let mut raw = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {to}\r\n\
         Subject: Re: files\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain\r\n\r\n{body}\r\n"
    );
    for (name, bytes) in files {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        let wrapped: Vec<String> = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        raw.push_str(&format!(
            "--sep\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            wrapped.join("\r\n")
        ));
    }
    raw.push_str("--sep--\r\n");
    raw
}

#[tokio::test]
async fn files_over_the_limits_are_skipped_and_recorded_and_bytes_round_trip_exactly() {
    let app = spawn_app_with(Options {
        env: vec![
            ("OFFLOAD_ATTACHMENT_MAX_BYTES", "1000".into()),
            ("OFFLOAD_ATTACHMENT_MAX_COUNT", "2".into()),
            // Long enough that the download below never races the expiry on a busy machine.
            ("OFFLOAD_DOWNLOAD_URL_TTL_SECONDS", "10".into()),
        ],
        ..Options::default()
    })
    .await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;

    let every_byte: Vec<u8> = (0..=255u8).cycle().take(900).collect();
    let raw = multipart_reply(
        &case_id,
        "files@northstar.example",
        "Let me know if you need more.",
        &[
            ("all-bytes.bin", every_byte.clone()),
            ("too-big.bin", vec![7u8; 1001]),
            ("second.bin", vec![1u8; 10]),
            ("third.bin", vec![2u8; 10]),
        ],
    );
    assert_eq!(app.inbound(&raw).await.status, 202);
    let view = app
        .wait_for(&case_id, "the files", |v| {
            v["attachments"].as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
    let names: Vec<&str> = view["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["all-bytes.bin", "second.bin"]);
    let thread = app.thread(&case_id).await;
    assert!(thread.contains("Not stored: too-big.bin (1001 bytes: over the limit of 1000 bytes), third.bin (10 bytes: over the limit of 2 attachments per message)"), "{thread}");

    let id = view["attachments"][0]["attachmentId"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/cases/{case_id}/attachments/{id}");
    let first = app.get(&path).await;
    let second = app.get(&path).await;
    let url = first.data()["downloadUrl"].as_str().unwrap().to_string();
    assert_ne!(
        url,
        second.data()["downloadUrl"].as_str().unwrap(),
        "each call mints a new URL"
    );
    let expires_at = first.data()["expiresAt"].as_str().unwrap();
    assert!(
        expires_at.ends_with('Z') && expires_at.len() == 20,
        "{expires_at}"
    );

    let download = reqwest::get(&url).await.unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("all-bytes.bin")
    );
    assert_eq!(download.bytes().await.unwrap().to_vec(), every_byte);

    // Tampered: one character of the signature changed.
    let at = url.rfind('.').unwrap() + 5;
    let swapped = if &url[at..=at] == "x" { "y" } else { "x" };
    let tampered = format!("{}{swapped}{}", &url[..at], &url[at + 1..]);
    let refused = reqwest::get(&tampered).await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "FORBIDDEN");
    let missing = reqwest::get(format!("{}/attachments/download", app.base))
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);

    // Refused once expired: the clock is past the expiry the link itself carries (whole
    // seconds; the link is valid while now < expires).
    use base64::Engine;
    let payload = url
        .split("token=")
        .nth(1)
        .unwrap()
        .split('.')
        .next()
        .unwrap();
    let grant: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let expires = grant["expires"].as_i64().unwrap();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    };
    assert!(expires - now() <= 10, "the link lives 10 s: {expires}");
    while now() < expires {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let expired = reqwest::get(&url).await.unwrap();
    assert_eq!(expired.status(), 403);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["error"]["message"], "token: expired");
}

#[tokio::test]
async fn a_large_body_is_kept_by_reference_and_shown_whole() {
    let app = spawn_app_with(Options::default()).await;
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let long: String = (0..3000)
        .map(|i| format!("line {i} of a very long reply\r\n"))
        .collect();
    let raw = reply_mail(
        &case_id,
        "long@northstar.example",
        &format!("{long}the end"),
    );
    assert_eq!(app.inbound(&raw).await.status, 202);
    let view = app
        .wait_for(&case_id, "the reply", |v| v["attemptCount"] == 2)
        .await;
    assert_eq!(view["status"], json!("RUNNING"));
    let thread = app.thread(&case_id).await;
    assert!(
        thread.contains("line 2999 of a very long reply\nthe end"),
        "the whole body is shown"
    );
}
