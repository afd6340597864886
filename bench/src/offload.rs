//! The Offload API as the benchmark drives it from outside: creates, reads and inbound mail over
//! HTTP, and the outbox the worker writes each message to.

use crate::Args;
use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

pub struct Offload {
    pub http: reqwest::Client,
    pub args: Args,
}

impl Offload {
    pub fn body(follow_up_hours: u32, max_attempts: u32) -> Value {
        json!({
            "channel": "EMAIL",
            "goal": {"objective": "Collect the signed W-9 for Northstar Supplies"},
            "counterparty": {"address": "ap@northstar.example", "name": "Maya Chen"},
            "senderPersona": {"name": "Avery", "company": "Acme"},
            "maxAttempts": max_attempts,
            "followUpDelayHours": follow_up_hours,
        })
    }

    /// Creates a case; its id and the instant the request began.
    pub async fn create(&self, body: &Value) -> anyhow::Result<(String, Instant)> {
        let began = Instant::now();
        let response = self
            .http
            .post(format!("{}/cases", self.args.api))
            .header("x-api-key", &self.args.key)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let answer: Value = response.json().await?;
        if status.as_u16() != 201 {
            bail!("create: {status} {answer}");
        }
        Ok((
            answer["data"]["caseId"].as_str().unwrap_or("").to_string(),
            began,
        ))
    }

    pub async fn get(&self, id: &str) -> anyhow::Result<(Value, Duration)> {
        let began = Instant::now();
        let response = self
            .http
            .get(format!("{}/cases/{id}", self.args.api))
            .header("x-api-key", &self.args.key)
            .send()
            .await?;
        let answer: Value = response.json().await?;
        Ok((answer["data"].clone(), began.elapsed()))
    }

    pub fn mail(&self, id: &str, n: u32) -> PathBuf {
        self.args.outbox.join(format!("{id}-{n:03}.eml"))
    }

    /// Waits until the case's `n`th message is in the outbox; when it was written.
    pub async fn mailed(&self, id: &str, n: u32, limit: Duration) -> anyhow::Result<SystemTime> {
        let deadline = Instant::now() + limit;
        let path = self.mail(id, n);
        loop {
            if let Ok(meta) = std::fs::metadata(&path) {
                return Ok(meta.modified()?);
            }
            if Instant::now() > deadline {
                bail!("case {id}: message {n} not written within {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub async fn inbound(&self, id: &str, text: &str) -> anyhow::Result<()> {
        let first = std::fs::read_to_string(self.mail(id, 1))?;
        // The case's own reply address (`Reply-To`, which the writer may fold).
        let reply_to = first
            .split("<reply+")
            .nth(1)
            .and_then(|v| v.split('>').next())
            .map(|v| format!("reply+{v}"))
            .context("Reply-To")?;
        let raw = format!(
            "From: Maya Chen <ap@northstar.example>\r\nTo: <{reply_to}>\r\nSubject: Re: W-9\r\n\
             Message-ID: <{}@northstar.example>\r\nContent-Type: text/plain\r\n\r\n{text}\r\n",
            uuid::Uuid::new_v4().simple()
        );
        let response = self
            .http
            .post(format!("{}/inbound/email", self.args.api))
            .header("x-offload-inbound-secret", &self.args.inbound_secret)
            .header("content-type", "message/rfc822")
            .body(raw)
            .send()
            .await?;
        if response.status().as_u16() != 202 {
            bail!("inbound: {}", response.status());
        }
        Ok(())
    }

    pub async fn wait_view(
        &self,
        id: &str,
        what: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (view, _) = self.get(id).await?;
            if what(&view) {
                return Ok(view);
            }
            if Instant::now() > deadline {
                bail!("case {id}: timed out; last view {view}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
