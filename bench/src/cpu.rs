//! The Temporal server's CPU per case through outreach, next to raw workflows through their one
//! activity. Counted from an idle server (so earlier steps' visibility writes are not billed to
//! the burst) until it is idle again (so the burst's own are), less the idle server's own rate
//! over that time. The cost grows with what the server already holds, so the step is measured
//! twice: on a fresh server and after the other steps.

use crate::offload::Offload;
use crate::{ms, rate, raw};
use serde_json::Value;
use std::time::{Duration, Instant};
use temporalio_client::Client;

pub struct Through {
    /// Workflows (open and closed) on the server when the burst began.
    pub workflows_before: usize,
    /// Cases through outreach per second, end to end.
    pub per_second: f64,
    /// Server CPU per case, and per raw workflow, in ms.
    pub case_ms: f64,
    pub raw_ms: f64,
}

impl Through {
    /// Its results-table row: measure, Offload, raw, ratio.
    pub fn cpu_row(&self) -> [String; 4] {
        [
            format!(
                "Temporal server CPU per case through outreach, server holding {} workflows (÷ raw through its activity)",
                self.workflows_before
            ),
            format!("{:.1} ms", self.case_ms),
            format!("{:.1} ms", self.raw_ms),
            format!("{:.2}", self.case_ms / self.raw_ms),
        ]
    }
}

/// A burst of `burst` cases through their outreach, then as many raw workflows through their
/// activity, each measured from idle to idle.
pub async fn through_outreach(
    offload: &Offload,
    client: &Client,
    body: &Value,
    burst: usize,
    concurrency: usize,
) -> anyhow::Result<Through> {
    let temporal = offload.args.temporal_pid;
    let idle = settle(temporal).await;
    let workflows_before = client
        .count_workflows(String::new(), Default::default())
        .await?
        .count();
    let (cpu_before, began) = (cpu_time(temporal), Instant::now());
    let (_, cases) = rate(burst, concurrency, |_| offload.create(body)).await?;
    for (id, _) in &cases {
        offload.mailed(id, 1, Duration::from_secs(600)).await?;
    }
    let per_second = burst as f64 / began.elapsed().as_secs_f64();
    settle(temporal).await;
    let case_ms = net_cpu(temporal, cpu_before, began, idle) / burst as f64;

    let idle = settle(temporal).await;
    let (cpu_before, began) = (cpu_time(temporal), Instant::now());
    let ids: Vec<String> = (0..burst)
        .map(|i| format!("raw-cpu-{}-{i}", uuid::Uuid::new_v4()))
        .collect();
    rate(burst, concurrency, |i| {
        let id = &ids[i];
        async move { raw::start(client, id).await }
    })
    .await?;
    for id in &ids {
        raw::touched_at(id).await;
    }
    settle(temporal).await;
    let raw_ms = net_cpu(temporal, cpu_before, began, idle) / burst as f64;
    Ok(Through {
        workflows_before,
        per_second,
        case_ms,
        raw_ms,
    })
}

/// CPU time (user + system) a process has used.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15; after the name, the third field is 3.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Waits until the Temporal server is idle — under 20 ms of CPU per second over a 2 s window,
/// for at most a minute — and returns its idle rate (CPU ms per second).
async fn settle(pid: u32) -> f64 {
    let window = Duration::from_secs(2);
    let mut rate = f64::MAX;
    for _ in 0..30 {
        let before = cpu_time(pid);
        tokio::time::sleep(window).await;
        rate = ms(cpu_time(pid).saturating_sub(before)) / window.as_secs_f64();
        if rate < 20.0 {
            break;
        }
    }
    rate
}

/// CPU ms the server spent since `before`/`began`, less its idle rate over that time.
fn net_cpu(pid: u32, before: Duration, began: Instant, idle_per_second: f64) -> f64 {
    let spent = ms(cpu_time(pid).saturating_sub(before));
    (spent - idle_per_second * began.elapsed().as_secs_f64()).max(0.0)
}
