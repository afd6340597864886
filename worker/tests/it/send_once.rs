//! At most once to SES across a crash: the worker process (`offload-worker`, the real binary) is
//! `kill -9`ed while SES holds its `SendEmail` call open; the retry on a fresh worker finds the
//! send ledger's "about to send" marker without an outcome, records "delivery unconfirmed" on the
//! case, and does not call SES again. Real Temporal dev server; SES is a scripted endpoint that
//! counts what reaches it.

use offload_core::config::Config;
use offload_workflows::CaseWorkflow;
use offload_workflows::case::{CaseInput, CaseRequest};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use temporalio_client::{WorkflowQueryOptions, WorkflowStartOptions};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SEND_PATH: &str = "/v2/email/outbound-emails";

/// The environment of one worker process (everything it needs is named here).
fn worker_env(temporal: &str, ses: &str, dir: &std::path::Path) -> HashMap<&'static str, String> {
    HashMap::from([
        ("OFFLOAD_TEMPORAL_ADDRESS", temporal.to_string()),
        (
            "OFFLOAD_TASK_QUEUE",
            format!("send-once-{}", uuid::Uuid::new_v4()),
        ),
        ("OFFLOAD_DATA_DIR", dir.display().to_string()),
        ("OFFLOAD_HOUR_SECONDS", "3600".to_string()),
        ("OFFLOAD_MAILER", "ses".to_string()),
        ("OFFLOAD_AWS_ENDPOINT_URL", ses.to_string()),
        (
            "OFFLOAD_MAIL_FROM",
            "Offload Test <offload@mail.test>".to_string(),
        ),
        ("OFFLOAD_REPLY_DOMAIN", "reply.mail.test".to_string()),
        (
            "OFFLOAD_REPLY_SIGNING_KEY",
            "send-once test reply signing key, long enough".to_string(),
        ),
        ("AWS_ACCESS_KEY_ID", "test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ])
}

fn spawn_worker(env: &HashMap<&'static str, String>, log: &std::path::Path) -> std::process::Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_offload-worker"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("the offload-worker binary starts")
}

fn case_input(case_id: &str) -> CaseInput {
    let request: CaseRequest = serde_json::from_value(serde_json::json!({
        "channel": "EMAIL",
        "goal": {"objective": "Collect a signed W-9"},
        "counterparty": {"address": "ap@northstar.example", "name": "Maya Chen"},
        "senderPersona": {"name": "Avery"},
        "maxAttempts": 3,
        "followUpDelayHours": 72
    }))
    .unwrap();
    CaseInput {
        case_id: case_id.to_string(),
        tenant: "acme".to_string(),
        created_at: 1_764_547_200_000,
        hour_seconds: 3600,
        request,
        request_hash: None,
        generation: offload_workflows::case::CURRENT_GENERATION,
        local_agent: true,
        run_max_events: None,
        queued_behind: Vec::new(),
        carried: None,
    }
}

async fn wait_until<T>(
    what: &str,
    limit: Duration,
    mut probe: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_worker_killed_during_the_ses_call_never_sends_the_message_twice() {
    let ses = MockServer::start().await;
    // SES takes the message and holds its answer far longer than the test lasts.
    Mock::given(method("POST"))
        .and(path(SEND_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"MessageId": "scripted-1"}))
                .set_delay(Duration::from_secs(600)),
        )
        .mount(&ses)
        .await;
    let dir = std::env::temp_dir().join(format!("offload-send-once-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("worker.log");
    let env = worker_env(offload_testkit::temporal_address(), &ses.uri(), &dir);
    let config = Config::from_lookup(|k| env.get(k).cloned()).expect("test config");
    let client = offload_testkit::connect_when_ready(&config).await;

    let mut worker = spawn_worker(&env, &log);
    let case_id = uuid::Uuid::new_v4().to_string();
    client
        .start_workflow(
            CaseWorkflow::run,
            case_input(&case_id),
            WorkflowStartOptions::new(config.task_queue.clone(), case_id.clone()).build(),
        )
        .await
        .unwrap();

    let sends = async || {
        ses.received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == SEND_PATH)
            .count()
    };
    wait_until("the SES call", Duration::from_secs(60), async || {
        (sends().await >= 1).then_some(())
    })
    .await;
    // The exact moment: SES has the message, the worker has not heard back.
    worker.kill().unwrap();
    worker.wait().unwrap();

    let mut worker = spawn_worker(&env, &log);
    let handle = client.get_workflow_handle::<CaseWorkflow>(case_id.clone());
    let view = wait_until(
        "the case to record the message",
        Duration::from_secs(90),
        async || {
            let record = handle
                .query(
                    CaseWorkflow::case_view,
                    true,
                    WorkflowQueryOptions::default(),
                )
                .await
                .ok()?;
            let view = serde_json::to_value(&record.view).unwrap();
            (view["attemptCount"] == 1).then_some(view)
        },
    )
    .await;
    worker.kill().unwrap();
    worker.wait().unwrap();

    assert_eq!(view["status"], "RUNNING");
    let transcript = view["conversationThread"].as_str().unwrap_or_default();
    assert!(
        transcript.contains("delivery unconfirmed"),
        "the message is recorded as unconfirmed: {transcript}"
    );
    assert_eq!(sends().await, 1, "SES was called exactly once");
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("delivery unconfirmed"),
        "the retry says why it did not send"
    );
    std::fs::remove_dir_all(&dir).ok();
}
