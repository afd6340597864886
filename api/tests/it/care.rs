//! Counterparty care: sending windows and out-of-office return dates (spec §7).

use crate::harness::{case_body, our_message_id, reply_address, spawn_app};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use offload_workflows::state::NOTHING_SCHEDULED;
use serde_json::json;

const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

fn day_name(date: NaiveDate) -> &'static str {
    DAYS[date.weekday().num_days_from_monday() as usize]
}

#[tokio::test]
async fn outreach_outside_the_sending_window_waits_for_its_start_in_the_counterpartys_zone() {
    let app = spawn_app().await;
    let zone: chrono_tz::Tz = "America/New_York".parse().unwrap();
    // The window opens only on the day after tomorrow (New York time), 09:00–17:00.
    let opens_on = Utc::now().with_timezone(&zone).date_naive() + Duration::days(2);
    let mut body = case_body();
    body["counterparty"]["timezone"] = json!("America/New_York");
    body["sendWindow"] = json!({"start": "09:00", "end": "17:00", "days": [day_name(opens_on)]});
    let case_id = app.create_case(body).await;

    let expected = zone
        .from_local_datetime(&opens_on.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap()))
        .earliest()
        .unwrap()
        .timestamp_millis();
    let view = app
        .wait_for(&case_id, "the deferred outreach", |v| {
            v["nextActionAt"] != json!(NOTHING_SCHEDULED)
        })
        .await;
    assert_eq!(view["status"], "CREATED");
    assert_eq!(view["attemptCount"], 0);
    assert_eq!(view["nextActionAt"], json!(expected), "09:00 in New York");
    assert_eq!(view["sendWindow"]["days"], json!([day_name(opens_on)]));
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(app.sent(&case_id).is_empty(), "nothing before the window");

    // A deferred case can be cancelled; nothing ever goes out.
    let cancelled = app
        .post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    assert!([200, 202].contains(&cancelled.status), "{}", cancelled.body);
    let view = app.wait_for_status(&case_id, "FAILED").await;
    assert_eq!(view["resultStatus"], "cancelled");
    assert!(app.sent(&case_id).is_empty());
    app.record_history(&case_id, "deferred_outreach").await;
}

#[tokio::test]
async fn an_open_window_sends_at_once_and_bad_windows_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["sendWindow"] = json!({"start": "00:00", "end": "23:59", "days": DAYS, "strict": true});
    let case_id = app.create_case(body).await;
    // Open (unless this runs in the last minute of a UTC day): the outreach goes at once.
    let now = Utc::now();
    if now.time() < NaiveTime::from_hms_opt(23, 58, 0).unwrap() {
        app.wait_for_outreach(&case_id).await;
    }

    for (window, field) in [
        (
            json!({"start": "9:00", "end": "17:00", "days": ["MON"]}),
            "sendWindow.start",
        ),
        (
            json!({"start": "09:00", "end": "24:00", "days": ["MON"]}),
            "sendWindow.end",
        ),
        (
            json!({"start": "09:00", "end": "17:00", "days": []}),
            "sendWindow.days",
        ),
        (
            json!({"start": "09:00", "end": "17:00", "days": ["MON", "MON"]}),
            "sendWindow.days",
        ),
        (
            json!({"start": "09:00", "end": "17:00", "days": ["MONDAY"]}),
            "sendWindow.days",
        ),
        (
            json!({"start": "09:00", "end": "17:00", "days": ["MON"], "tz": "UTC"}),
            "sendWindow",
        ),
    ] {
        let mut body = case_body();
        body["sendWindow"] = window.clone();
        let response = app.post("/cases", body).await;
        assert_eq!(response.status, 400, "{window}: {}", response.body);
        let message = response.assert_error(400, "INVALID_REQUEST");
        assert!(message.starts_with(field), "{window}: {message}");
    }
}

#[tokio::test]
async fn an_out_of_office_return_date_moves_the_next_follow_up_to_the_day_after_the_absence() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["followUpDelayHours"] = json!(3); // 3 s in tests
    body["maxAttempts"] = json!(1);
    let case_id = app.create_case(body).await;
    let sent = app.wait_for_outreach(&case_id).await;
    let planned = sent["nextActionAt"].as_i64().unwrap();

    let until = Utc::now().date_naive() + Duration::days(4);
    let to = reply_address(&case_id);
    let ooo = format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: {to}\r\n\
         Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\
         Message-ID: <ooo-return@northstar.example>\r\n\r\n\
         Thank you for your message. I am out of the office until {}.",
        until.format("%-d %B %Y")
    );
    assert_eq!(app.inbound(&ooo).await.status, 202);
    // Away through `until`: the follow-up waits for the next day (no window: its midnight UTC).
    let back = (until + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let view = app
        .wait_for(&case_id, "the follow-up to move", |v| {
            v["nextActionAt"] != json!(planned)
        })
        .await;
    assert_eq!(view["nextActionAt"], json!(back));
    assert_eq!(view["status"], "RUNNING");
    // Well past the planned follow-up: none went out.
    tokio::time::sleep(std::time::Duration::from_millis(
        u64::try_from(planned - Utc::now().timestamp_millis()).unwrap_or(0) + 2000,
    ))
    .await;
    assert_eq!(
        app.sent(&case_id).len(),
        1,
        "no follow-up during the absence"
    );

    let events = app.get(&format!("/cases/{case_id}/events")).await;
    let auto_reply = events.data()["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "email.auto_reply")
        .cloned()
        .expect("the automatic reply is on the timeline");
    assert_eq!(
        auto_reply["returnsOn"],
        json!((until + Duration::days(1)).to_string())
    );
    app.post(&format!("/cases/{case_id}/cancel"), json!({}))
        .await;
    app.record_history(&case_id, "return_date_deferred").await;
}

#[tokio::test]
async fn a_permanent_delivery_report_from_any_common_mta_fails_the_case_as_bounced() {
    let app = spawn_app().await;
    for (mta, sample) in offload_testkit::DSN_SAMPLES {
        let mut hooks = crate::harness::WebhookReceiver::start(0).await;
        // An address of its own per report (a bounced address is suppressed for the tenant).
        let address = format!("ap+{mta}@northstar.example");
        let mut body = case_body();
        body["counterparty"]["address"] = json!(address);
        body["clientWebhookUrl"] = json!(hooks.url);
        let case_id = app.create_case(body).await;
        app.wait_for_outreach(&case_id).await;
        // Sent to our sending address (the envelope sender), not the case's reply address: the
        // returned copy's Message-ID names the case.
        let report = offload_testkit::delivery_report(
            sample,
            "avery@mail.example.com",
            &address,
            &our_message_id(&case_id, 1),
            "failed",
            "5.1.1",
        );
        let routed = app.inbound(&report).await;
        assert_eq!(routed.status, 202, "{mta}: {}", routed.body);
        let view = app.wait_for_status(&case_id, "FAILED").await;
        assert_eq!(view["resultStatus"], "BOUNCED", "{mta}");
        let (_, event) = hooks.next().await;
        assert_eq!(event["event_type"], "case.failed");
        let reason = event["data"]["failureReason"].as_str().unwrap_or("");
        assert!(
            reason.starts_with("delivery status notification: 5.1.1"),
            "{mta}: {reason}"
        );
        assert_eq!(app.sent(&case_id).len(), 1, "{mta}: nothing more was sent");
    }
    // The whole tenant stops writing only to addresses whose own mail system (or ours) reported
    // the bounce; Gmail's sample is from googlemail.com, which could be anyone's report.
    let listed = app.get("/suppressions").await;
    let mut suppressed: Vec<&str> = listed.data()["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    suppressed.sort();
    assert_eq!(
        suppressed,
        [
            "ap+exchange@northstar.example",
            "ap+exim@northstar.example",
            "ap+postfix@northstar.example"
        ]
    );
}

#[tokio::test]
async fn delivery_reports_that_are_transient_about_someone_else_or_not_about_our_mail_change_nothing()
 {
    let app = spawn_app().await;
    let (mta, sample) = offload_testkit::DSN_SAMPLES[0];
    let case_id = app.create_case(case_body()).await;
    app.wait_for_outreach(&case_id).await;
    let ours = our_message_id(&case_id, 1);
    let to = reply_address(&case_id);
    for (n, (recipient, message_id, action, status, why)) in [
        (
            "ap@northstar.example",
            ours.as_str(),
            "delayed",
            "4.4.7",
            "a delay",
        ),
        (
            "ap@northstar.example",
            ours.as_str(),
            "failed",
            "4.2.2",
            "a transient failure",
        ),
        (
            "someone@northstar.example",
            ours.as_str(),
            "failed",
            "5.1.1",
            "another recipient",
        ),
        // A forged report naming a message id we never signed, sent to the case's address.
        (
            "ap@northstar.example",
            "forged.1.xyz@mail.example.com",
            "failed",
            "5.1.1",
            "not our message",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        // Each report its own Message-Id (a repeated one would count once).
        let report =
            offload_testkit::delivery_report(sample, &to, recipient, message_id, action, status)
                .replace("Message-Id: <", &format!("Message-Id: <{n}."));
        let routed = app.inbound(&report).await;
        assert_eq!(routed.status, 202, "{mta} {why}: {}", routed.body);
    }
    // Kept (a mail daemon is not the counterparty: untrusted, never read); the case goes on.
    let thread = app.thread(&case_id).await;
    assert_eq!(thread.matches(" · inbound · ").count(), 4, "{thread}");
    let view = app.view(&case_id).await;
    assert_eq!(view["status"], "RUNNING");
    assert!(view.get("resultStatus").is_none());
    assert_eq!(app.sent(&case_id).len(), 1);
}
