//! One shutdown token stops the API and the worker gracefully.

use crate::harness::{case_body, spawn_app, until};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[tokio::test]
async fn one_token_lets_running_activities_and_in_flight_requests_finish() {
    let app = spawn_app().await;
    // A webhook receiver that takes three seconds to answer.
    let delivered = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let (seen_start, seen_end) = (started.clone(), delivered.clone());
    let slow = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let (seen_start, seen_end) = (seen_start.clone(), seen_end.clone());
            async move {
                seen_start.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(3)).await;
                seen_end.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, slow).await });

    let mut body = case_body();
    body["clientWebhookUrl"] = json!(url);
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    app.reply(&case_id, "Which year?").await;
    until("the webhook activity has started", || {
        started.load(Ordering::SeqCst) > 0
    })
    .await;

    // An API request in flight when the token fires: its body arrives in two halves, a second
    // apart, over a raw connection.
    let body = serde_json::to_vec(&case_body()).unwrap();
    let address = app.base.trim_start_matches("http://").to_string();
    let key = app.key.clone();
    let in_flight = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST /cases HTTP/1.1\r\nHost: x\r\nx-api-key: {key}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&body[..body.len() / 2]).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        socket.write_all(&body[body.len() / 2..]).await.unwrap();
        let mut response = String::new();
        socket.read_to_string(&mut response).await.unwrap();
        response
    });
    // The API is handling it (headers read, body awaited) when the token fires.
    until("the request has reached the API", || {
        app.api_state.metrics().requests_in_flight() > 0
    })
    .await;
    let stopping = Instant::now();
    app.shut_down().await;
    let response = in_flight.await.unwrap();
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "the in-flight request finished: {response}"
    );
    assert_eq!(
        delivered.load(Ordering::SeqCst),
        1,
        "the running webhook activity finished"
    );
    assert!(
        stopping.elapsed() < Duration::from_secs(30),
        "{:?}",
        stopping.elapsed()
    );
    // Once stopped, the API takes no more requests.
    assert!(
        app.http
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .is_err()
    );
}
