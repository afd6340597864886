//! What `offload-api` and `offload-worker` share, and nothing either needs alone. Built on
//! `offload-workflows`; neither binary crate depends on the other.
//!
//! - [`config`]: every `OFFLOAD_*` setting, read and checked once at start-up.
//! - [`keys`]: the keys file — API key lookup in constant time, webhook secrets, minting.
//! - [`blobs`]: where attachments and long bodies are kept (a local directory or S3).
//! - [`aws`]: the AWS SDK set-up both sides use (region, credentials, endpoint override).
//! - [`temporal`]: connecting to Temporal and registering the search attributes.
//! - [`net`]: which addresses and URLs a webhook may reach (the SSRF guard).
//! - [`mail`]: the addresses and `Message-ID`s that name a case; inbound mail parsing, quote
//!   stripping, sanitising and automatic-reply detection.
//! - [`sms`]: text messages — E.164 numbers and segment counting (GSM-7 / UCS-2).
//! - [`unsubscribe`]: the signed one-click unsubscribe links of outbound mail (RFC 8058).
//! - [`metrics`]: the Prometheus registry type.
//! - [`telemetry`]: the one tracing set-up.
//! - [`otel`]: OpenTelemetry traces across the API, Temporal and the activities (opt-in).

pub mod answer_link;
pub mod aws;
pub mod blobs;
pub mod config;
pub mod keys;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod otel;
pub mod signed_token;
pub mod sms;
pub mod telemetry;
pub mod temporal;
pub mod unsubscribe;
