//! Webhook delivery's SSRF guard at delivery time: a host name is resolved through the guard,
//! so a name that leads to a refused address is never connected to (whatever it resolved to
//! when the case was created).

use offload_core::net::WebhookPolicy;
use offload_worker::webhook::{WebhookError, WebhookSender};
use offload_workflows::activities::WebhookDelivery;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A receiver on loopback counting what reaches it.
async fn receiver() -> (u16, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (port, hits)
}

fn delivery(url: String) -> WebhookDelivery {
    serde_json::from_value(serde_json::json!({
        "url": url,
        "tenant": "acme",
        "event": {
            "event_id": "evt_x_case_completed_1",
            "event_type": "case.completed",
            "timestamp": 1,
            "data": {"caseId": "x", "status": "COMPLETED", "channel": "EMAIL", "attemptCount": 1, "attachments": []}
        }
    }))
    .expect("a delivery")
}

fn keys_file() -> std::path::PathBuf {
    let minted = offload_core::keys::mint("acme");
    let path = std::env::temp_dir().join(format!(
        "offload-webhook-keys-{}.toml",
        uuid::Uuid::new_v4()
    ));
    std::fs::write(&path, minted.entry_toml).unwrap();
    path
}

#[tokio::test]
async fn a_name_that_resolves_to_loopback_is_never_connected_to() {
    let (port, hits) = receiver().await;
    let sender = WebhookSender::new(
        WebhookPolicy {
            allow_http: true,
            allowed: Vec::new(),
        },
        keys_file(),
    );
    let outcome = sender
        .deliver(&delivery(format!("http://localhost:{port}/hook")))
        .await;
    assert!(
        matches!(&outcome, Err(WebhookError::Refused(why)) if why.contains("localhost")),
        "{outcome:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0, "no connection was made");

    // Allow-listed, the same name is reached: the guard is what stopped it.
    let allowed = WebhookSender::new(
        WebhookPolicy {
            allow_http: true,
            allowed: vec![offload_core::net::Cidr::parse("127.0.0.1/32").unwrap()],
        },
        keys_file(),
    );
    let _ = allowed
        .deliver(&delivery(format!("http://localhost:{port}/hook")))
        .await;
    assert!(hits.load(Ordering::SeqCst) >= 1);
}
