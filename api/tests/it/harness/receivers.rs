//! A local HTTP receiver for webhooks.

use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A webhook as received: headers, the parsed body, and the raw bytes (for signatures).
pub struct Delivered {
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub raw: String,
}

/// A local HTTP receiver for webhooks; it can be told to fail its first requests, or every
/// request until released.
pub struct WebhookReceiver {
    pub url: String,
    events: mpsc::UnboundedReceiver<Delivered>,
    /// When each request arrived, in order.
    arrivals: Arc<Mutex<Vec<Instant>>>,
    failures_left: Arc<AtomicUsize>,
}

impl WebhookReceiver {
    /// Answers 500 to the first `fail_first` requests, then 200.
    pub async fn start(fail_first: usize) -> Self {
        Self::start_answering(fail_first, 500).await
    }

    /// Answers `status` to the first `fail_first` requests, then 200.
    pub async fn start_answering(fail_first: usize, status: u16) -> Self {
        let (tx, events) = mpsc::unbounded_channel();
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let failures_left = Arc::new(AtomicUsize::new(fail_first));
        let (arrived, failing) = (arrivals.clone(), failures_left.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, raw: String| {
                let tx = tx.clone();
                arrived.lock().unwrap().push(Instant::now());
                let fail = failing
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                        left.checked_sub(1)
                    })
                    .is_ok();
                async move {
                    if fail {
                        return axum::http::StatusCode::from_u16(status).unwrap();
                    }
                    let body: Value = serde_json::from_str(&raw).expect("webhook body is JSON");
                    let _ = tx.send(Delivered { headers, body, raw });
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        WebhookReceiver {
            url,
            events,
            arrivals,
            failures_left,
        }
    }

    /// Answers 500 to every request until [`WebhookReceiver::release`].
    pub async fn start_failing_until_released() -> Self {
        Self::start(usize::MAX).await
    }

    /// From now on every request is answered 200.
    pub fn release(&self) {
        self.failures_left.store(0, Ordering::SeqCst);
    }

    /// Requests received so far, answered or not.
    pub fn attempts(&self) -> usize {
        self.arrivals.lock().unwrap().len()
    }

    /// Gaps between consecutive requests, in order.
    pub fn gaps(&self) -> Vec<Duration> {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// The next delivered event.
    pub async fn delivery(&mut self) -> Delivered {
        tokio::time::timeout(Duration::from_secs(60), self.events.recv())
            .await
            .expect("a webhook within 60 s")
            .expect("receiver open")
    }

    /// The next delivered event (headers, body).
    pub async fn next(&mut self) -> (axum::http::HeaderMap, Value) {
        let delivered = self.delivery().await;
        (delivered.headers, delivered.body)
    }
}
