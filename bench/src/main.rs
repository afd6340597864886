//! `offload-bench`: measures a running Offload (API + worker, outbox mailer, rules agent) against
//! raw Temporal measured in the same run with the same client library, and writes the figures
//! as Markdown. Started by `scripts/bench.sh`, which runs the parts and names them here:
//!
//! ```text
//! offload-bench --api URL --key KEY --inbound-secret S --temporal URL --outbox DIR
//!               --worker-pid N --temporal-pid N [--scale small|full] [--out FILE]
//! ```

mod cpu;
mod offload;
mod raw;
mod results;

use offload::Offload;

use anyhow::{Context, bail};
use futures::StreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

pub struct Args {
    pub api: String,
    pub key: String,
    pub inbound_secret: String,
    pub outbox: PathBuf,
    pub worker_pid: u32,
    pub temporal_pid: u32,
    pub full: bool,
    pub out: Option<PathBuf>,
    pub config: offload_core::config::Config,
    /// Real seconds in a case hour (`OFFLOAD_HOUR_SECONDS`, as the API and worker read it).
    pub hour_seconds: u64,
    /// The worker's case cache (`OFFLOAD_WORKER_MAX_CACHED_CASES`); the raw worker gets the same.
    pub cached_cases: usize,
}

fn args() -> anyhow::Result<Args> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut named = HashMap::new();
    for pair in raw.chunks(2) {
        let [name, value] = pair else {
            bail!("arguments come in --name value pairs");
        };
        named.insert(name.trim_start_matches("--").to_string(), value.clone());
    }
    let get = |name: &str| {
        named
            .get(name)
            .cloned()
            .with_context(|| format!("--{name} is required"))
    };
    let temporal = get("temporal")?;
    let config = offload_core::config::Config::from_lookup(|k| match k {
        "OFFLOAD_TEMPORAL_ADDRESS" => Some(temporal.clone()),
        _ => None,
    })?;
    // What the API and worker read from the same environment.
    let running = offload_core::config::Config::from_lookup(|k| std::env::var(k).ok()).ok();
    Ok(Args {
        api: get("api")?,
        key: get("key")?,
        inbound_secret: get("inbound-secret")?,
        outbox: get("outbox")?.into(),
        worker_pid: get("worker-pid")?.parse()?,
        temporal_pid: get("temporal-pid")?.parse()?,
        full: named.get("scale").is_some_and(|s| s == "full"),
        out: named.get("out").map(PathBuf::from),
        config,
        hour_seconds: running.as_ref().map_or(1, |c| c.hour_seconds),
        cached_cases: running.as_ref().map_or(500, |c| c.worker_max_cached_cases),
    })
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(i).copied().unwrap_or_default()
}

/// Two percentiles of `samples`, as `"<a> / <b> ms"`.
fn pair_ms(samples: &mut [Duration], a: f64, b: f64) -> String {
    format!(
        "{:.0} / {:.0} ms",
        ms(percentile(samples, a)),
        ms(percentile(samples, b))
    )
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Runs `n` calls of `call` with `concurrency` in flight; calls per second.
pub(crate) async fn rate<F, Fut, T>(
    n: usize,
    concurrency: usize,
    call: F,
) -> anyhow::Result<(f64, Vec<T>)>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let began = Instant::now();
    let results: Vec<anyhow::Result<T>> = futures::stream::iter(0..n)
        .map(call)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = began.elapsed().as_secs_f64();
    let ok = results.into_iter().collect::<anyhow::Result<Vec<T>>>()?;
    Ok((n as f64 / elapsed, ok))
}

fn spawn_raw_worker(client: temporalio_client::Client, cached: usize) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let sdk = temporalio_sdk::Runtime::from_current_tokio(Default::default())
                .expect("an SDK runtime");
            let options = temporalio_sdk::WorkerOptions::new(raw::RAW_QUEUE)
                .register_workflow::<raw::RawWorkflow>()
                .expect("register")
                .register_activities(raw::RawActivities)
                .max_cached_workflows(cached)
                .build();
            let mut worker =
                temporalio_sdk::Worker::new(&sdk, client, options).expect("a raw worker");
            if let Err(error) = worker.run().await {
                eprintln!("raw worker: {error}");
            }
        });
    });
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let client = offload_core::temporal::connect(&args.config, "offload-bench").await?;
    spawn_raw_worker(client.clone(), args.cached_cases);
    let offload = Offload {
        http: reqwest::Client::new(),
        args,
    };
    let (burst, samples, concurrency) = if offload.args.full {
        (500, 300, 16)
    } else {
        (200, 100, 16)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut row = |name: &str, offload: String, raw: String, ratio: String| {
        println!("{name:<44} {offload:>16} {raw:>16} {ratio:>8}");
        lines.push(format!("| {name} | {offload} | {raw} | {ratio} |"));
    };

    // Warm both paths (connections, caches) before measuring.
    for i in 0..20 {
        raw::start(&client, &format!("warm-{}-{i}", uuid::Uuid::new_v4())).await?;
        offload.create(&Offload::body(720, 0)).await?;
    }

    // 0. Temporal's CPU per case on a server that holds only the warm-up workflows.
    let fresh = cpu::through_outreach(
        &offload,
        &client,
        &Offload::body(720, 0),
        burst,
        concurrency,
    )
    .await?;
    let [name, case_ms, raw_ms, ratio] = fresh.cpu_row();
    row(&name, case_ms, raw_ms, ratio);

    // 1. Starts per second: rounds of equal bursts of each kind, their order rotated every
    //    round so that no kind always meets the busier server (each burst leaves work behind:
    //    workflow tasks, visibility writes); each kind's median round.
    let rounds = if offload.args.full { 5 } else { 3 };
    let mut raw_ids: Vec<String> = Vec::new();
    let mut created = Vec::new();
    let (mut raw_rates, mut attributed_rates, mut api_rates) = (Vec::new(), Vec::new(), Vec::new());
    let body = Offload::body(720, 0);
    for round in 0..rounds {
        for kind in 0..3 {
            match (round + kind) % 3 {
                0 => {
                    let ids: Vec<String> = (0..burst)
                        .map(|i| format!("raw-{}-{i}", uuid::Uuid::new_v4()))
                        .collect();
                    let (raw_rate, _) = rate(burst, concurrency, |i| {
                        let (client, id) = (&client, &ids[i]);
                        async move { raw::start(client, id).await }
                    })
                    .await?;
                    raw_rates.push(raw_rate);
                    raw_ids.extend(ids);
                }
                1 => {
                    let (attributed_rate, _) = rate(burst, concurrency, |i| {
                        let client = &client;
                        async move {
                            let id = format!("raw-sa-{}-{i}", uuid::Uuid::new_v4());
                            raw::start_with_attributes(client, &id).await
                        }
                    })
                    .await?;
                    attributed_rates.push(attributed_rate);
                }
                _ => {
                    let (api_rate, made) =
                        rate(burst, concurrency, |_| offload.create(&body)).await?;
                    api_rates.push(api_rate);
                    created.extend(made);
                }
            }
        }
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (raw_rate, attributed_rate, api_rate) = (
        median(&mut raw_rates),
        median(&mut attributed_rates),
        median(&mut api_rates),
    );
    println!(
        "rounds: raw {raw_rates:.0?}, raw with attributes {attributed_rates:.0?}, API {api_rates:.0?}"
    );
    row(
        &format!("creates/s (API ÷ raw start_workflow; median of {rounds} rotated rounds)"),
        format!("{api_rate:.0}/s"),
        format!("{raw_rate:.0}/s"),
        format!("{:.2}", api_rate / raw_rate),
    );
    row(
        "creates/s (API ÷ raw start with the same search attributes)",
        format!("{api_rate:.0}/s"),
        format!("{attributed_rate:.0}/s"),
        format!("{:.2}", api_rate / attributed_rate),
    );
    // Let the bursts' first steps (outreach; the raw activity) finish before timing reads.
    for (id, _) in &created {
        offload.mailed(id, 1, Duration::from_secs(300)).await?;
    }
    let began = Instant::now();
    for id in &raw_ids {
        tokio::time::timeout(Duration::from_secs(300), raw::touched_at(id))
            .await
            .with_context(|| format!("raw workflow {id} never ran its activity"))?;
    }
    println!(
        "raw workflows' activities caught up {:.1} s after the API's outreach",
        began.elapsed().as_secs_f64()
    );

    // 2. Reads: GET /cases/{id} against a raw query, one at a time, of the most recent ones
    //    (both workers still hold them: a read of an evicted run also times its replay).
    let mut raw_reads = Vec::new();
    let mut api_reads = Vec::new();
    let recent_raw: Vec<&String> = raw_ids.iter().rev().take(samples).collect();
    let recent_api: Vec<&String> = created
        .iter()
        .rev()
        .take(samples)
        .map(|(id, _)| id)
        .collect();
    for i in 0..samples {
        raw_reads.push(raw::query(&client, recent_raw[i % recent_raw.len()]).await?);
        api_reads.push(offload.get(recent_api[i % recent_api.len()]).await?.1);
    }
    for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
        let (a, r) = (percentile(&mut api_reads, p), percentile(&mut raw_reads, p));
        row(
            &format!("read {label} (GET ÷ raw query, recent cases)"),
            format!("{:.1} ms", ms(a)),
            format!("{:.1} ms", ms(r)),
            format!("{:.2}", ms(a) / ms(r)),
        );
    }

    // 3. Create → first mail against start → one activity run, one at a time.
    let mut raw_first = Vec::new();
    let mut api_first = Vec::new();
    for i in 0..samples.min(100) {
        let id = format!("raw-one-{}-{i}", uuid::Uuid::new_v4());
        let began = raw::start(&client, &id).await?;
        raw_first.push(raw::touched_at(&id).await - began);
        let (case, began) = offload.create(&body).await?;
        offload.mailed(&case, 1, Duration::from_secs(60)).await?;
        api_first.push(began.elapsed());
    }
    let (a, r) = (
        percentile(&mut api_first, 0.5),
        percentile(&mut raw_first, 0.5),
    );
    row(
        "create → first mail p50 (÷ raw one activity)",
        format!("{:.1} ms", ms(a)),
        format!("{:.1} ms", ms(r)),
        format!("{:.2}", ms(a) / ms(r)),
    );

    // 4. Cases through outreach per second, end to end, and Temporal's CPU per case, now that
    //    the server holds the earlier steps' workflows (see `cpu`).
    let loaded = cpu::through_outreach(&offload, &client, &body, burst, concurrency).await?;
    row(
        "cases through outreach per second",
        format!("{:.1}/s", loaded.per_second),
        "".into(),
        "".into(),
    );
    let [name, case_ms, raw_ms, ratio] = loaded.cpu_row();
    row(&name, case_ms, raw_ms, ratio);

    // 5. Follow-up lateness: 3 case hours (= OFFLOAD_HOUR_SECONDS × 3) after the outreach.
    let hour = offload.args.hour_seconds;
    let delay = Duration::from_secs(3 * hour);
    let follow_body = Offload::body(3, 1);
    let (_, followed) = rate(samples, concurrency, |_| offload.create(&follow_body)).await?;
    let mut late = Vec::new();
    for (id, _) in &followed {
        let first = offload.mailed(id, 1, Duration::from_secs(120)).await?;
        let second = offload
            .mailed(id, 2, delay + Duration::from_secs(120))
            .await?;
        let gap = second.duration_since(first).unwrap_or_default();
        late.push(gap.saturating_sub(delay));
    }
    row(
        "follow-up lateness p50 / max",
        pair_ms(&mut late, 0.5, 1.0),
        "".into(),
        "".into(),
    );

    // 6. History events of the typical case.
    let events = typical_case_events(&offload, &client).await?;
    row(
        "history events, typical case",
        events.to_string(),
        "".into(),
        "".into(),
    );

    // 7. Overload: many cases fall due together while a create burst runs at the highest rate
    //    the API takes; how late their follow-ups are, and how slow reads get meanwhile.
    let due_count = if offload.args.full { 1000 } else { 300 };
    let due_hours = 40;
    let due_body = Offload::body(due_hours, 1);
    let (_, due_cases) = rate(due_count, concurrency, |_| offload.create(&due_body)).await?;
    let mut first_mail = Vec::new();
    for (id, _) in &due_cases {
        first_mail.push(offload.mailed(id, 1, Duration::from_secs(600)).await?);
    }
    let earliest_due = first_mail
        .iter()
        .min()
        .copied()
        .unwrap_or_else(SystemTime::now)
        + Duration::from_secs(due_hours as u64 * hour);
    // Start the burst a little before the first follow-up falls due.
    let lead = earliest_due
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        .saturating_sub(Duration::from_secs(3));
    tokio::time::sleep(lead).await;
    let reads_stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = reads_stop.clone();
        let http = offload.http.clone();
        let (api, key) = (offload.args.api.clone(), offload.args.key.clone());
        let ids: Vec<String> = due_cases.iter().map(|(id, _)| id.clone()).collect();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let began = Instant::now();
                let _ = http
                    .get(format!("{api}/cases/{}", ids[i % ids.len()]))
                    .header("x-api-key", &key)
                    .send()
                    .await;
                latencies.push(began.elapsed());
                i += 1;
            }
            latencies
        })
    };
    let burst_body = Offload::body(720, 0);
    let (burst_rate, _) = rate(burst * 2, concurrency * 2, |_| offload.create(&burst_body)).await?;
    let mut late = Vec::new();
    for ((id, _), first) in due_cases.iter().zip(&first_mail) {
        let second = offload.mailed(id, 2, Duration::from_secs(600)).await?;
        let due = *first + Duration::from_secs(due_hours as u64 * hour);
        late.push(second.duration_since(due).unwrap_or_default());
    }
    reads_stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reads = reader.await?;
    row(
        &format!(
            "overload: {due_count} follow-ups due during a burst of {} creates",
            burst * 2
        ),
        format!(
            "late p50 {:.1} s, p99 {:.1} s",
            percentile(&mut late, 0.5).as_secs_f64(),
            percentile(&mut late, 0.99).as_secs_f64()
        ),
        format!("burst {burst_rate:.0}/s"),
        "".into(),
    );
    row(
        "overload: GET p50 / p99 meanwhile",
        pair_ms(&mut reads, 0.5, 0.99),
        "".into(),
        "".into(),
    );

    // 7. Worker memory with open cases waiting on their follow-up.
    let open_targets: &[usize] = if offload.args.full {
        &[1000, 5000, 10000]
    } else {
        &[250, 500, 1000]
    };
    let mut open = created.len() + burst * 3 + 20 + samples.min(100);
    for &target in open_targets {
        let more = target.saturating_sub(open);
        let (_, made) = rate(more, concurrency, |_| offload.create(&body)).await?;
        for (id, _) in &made {
            offload.mailed(id, 1, Duration::from_secs(900)).await?;
        }
        open = open.max(target);
        tokio::time::sleep(Duration::from_secs(2)).await;
        row(
            &format!("worker RSS with {target} open cases"),
            format!("{:.0} MiB", rss_mib(offload.args.worker_pid)),
            "".into(),
            "".into(),
        );
    }

    if let Some(out) = &offload.args.out {
        results::write(out, &lines, offload.args.full)?;
        println!("wrote {}", out.display());
        if out == Path::new(results::RECORDED) {
            results::show_in_readme(Path::new("README.md"), &lines)?;
            println!("updated the table in README.md");
        }
    }
    Ok(())
}

/// Outreach, two follow-ups, a question, the client's answer, evidence; its history's length.
async fn typical_case_events(
    offload: &Offload,
    client: &temporalio_client::Client,
) -> anyhow::Result<usize> {
    use prost::Message;
    let hour = offload.args.hour_seconds;
    let (id, _) = offload.create(&Offload::body(1, 3)).await?;
    offload
        .mailed(&id, 3, Duration::from_secs(10 + 3 * hour))
        .await?;
    offload.inbound(&id, "Which tax year do you need?").await?;
    let asked = offload
        .wait_view(&id, |v| v["status"] == "INPUT_NEEDED")
        .await?;
    let answered = offload
        .http
        .post(format!("{}/cases/{id}/input", offload.args.api))
        .header("x-api-key", &offload.args.key)
        .json(&json!({"inputRequestId": asked["inputRequest"]["id"], "providedContext": "2025."}))
        .send()
        .await?;
    if answered.status().as_u16() != 202 {
        bail!("input: {}", answered.status());
    }
    offload.mailed(&id, 4, Duration::from_secs(60)).await?;
    offload
        .inbound(&id, "Here is the signed W-9, attached and confirmed.")
        .await?;
    offload
        .wait_view(&id, |v| v["status"] == "COMPLETED")
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let bytes = offload_worker::history::export(client, &id).await?;
    Ok(
        temporalio_common::protos::temporal::api::history::v1::History::decode(bytes.as_slice())?
            .events
            .len(),
    )
}
