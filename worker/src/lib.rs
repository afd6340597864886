//! The Offload worker (`offload-worker`): hosts `CaseWorkflow` and the activities that do all its
//! I/O. Builds on `offload-core` and `offload-workflows`; never on the API.
//!
//! - [`activities`]: the activity implementations, errors sorted into retryable and permanent.
//! - [`agent`]: the `Agent` seam — the rules agent, the OpenAI-compatible agent, the guards.
//! - [`mail`]: the `Mailer` seam and MIME building; the local outbox and SES.
//! - [`sms`]: the `TextSender` seam — the local SMS outbox and SNS (not wired to cases yet).
//! - [`webhook`]: signed delivery behind the SSRF guard.
//! - [`metrics`]: the worker's series and its `/metrics` endpoint.
//! - [`history`]: exporting a case's history for the replay corpus.

pub mod activities;
pub mod agent;
pub mod eval;
pub mod history;
pub mod mail;
pub mod metrics;
pub mod otel;
pub mod queue;
pub mod reading;
pub mod sms;
pub mod webhook;

use activities::CaseActivities;
use agent::rules::RulesAgent;
use mail::outbox::OutboxMailer;
use metrics::WorkerMetrics;
use offload_core::aws;
use offload_core::config::{AgentKind, Config, MailerKind};
use offload_workflows::{CaseWorkflow, SuppressionList, WebhookRedelivery};
use std::sync::Arc;
use std::time::Duration;
use temporalio_client::Client;
use temporalio_sdk::workflow_interceptors::WorkflowInterceptorConstructor;
use temporalio_sdk::{Runtime, Worker, WorkerOptions};
use tokio_util::sync::CancellationToken;

/// The agent `OFFLOAD_AGENT` names (and, for a model, `OFFLOAD_LLM_*` configure), counting its
/// model calls in `metrics`.
pub fn configured_agent(config: &Config, metrics: Arc<WorkerMetrics>) -> Arc<dyn agent::Agent> {
    match &config.agent {
        AgentKind::Rules => Arc::new(RulesAgent),
        AgentKind::OpenAi {
            base_url,
            model,
            api_key,
            timeout_seconds,
            fallback,
        } => {
            let timeout = Duration::from_secs(*timeout_seconds);
            let client = |base_url, model: &String, api_key: &Option<_>| {
                agent::openai::ChatClient::new(base_url, model.clone(), api_key.clone(), timeout)
                    .with_metrics(metrics.clone())
            };
            let mut agent = agent::openai::OpenAiAgent::new(client(base_url, model, api_key));
            if let Some(fallback) = fallback {
                agent = agent.with_fallback(client(
                    &fallback.base_url,
                    &fallback.model,
                    &fallback.api_key,
                ));
            }
            Arc::new(agent)
        }
    }
}

/// The activities wired to the configured agent, mailer and webhook sender.
pub async fn case_activities(
    config: &Config,
    client: Client,
    metrics: Arc<WorkerMetrics>,
) -> anyhow::Result<CaseActivities> {
    let addresses = config.case_addresses().map_err(|e| {
        anyhow::anyhow!(
            "reply signing key in {} (set OFFLOAD_REPLY_SIGNING_KEY): {e}",
            config.data_dir.display()
        )
    })?;
    let agent = configured_agent(config, metrics.clone());
    let mailer: Arc<dyn mail::Mailer> = match config.mailer {
        MailerKind::Outbox => Arc::new(OutboxMailer::new(config.outbox_dir.clone())),
        MailerKind::Ses => {
            let aws = aws::sdk_config(config.aws_endpoint_url.as_ref()).await;
            Arc::new(mail::ses::SesMailer::new(
                &aws,
                config.mail_from.address.clone(),
                config.ses_configuration_set.clone(),
            ))
        }
    };
    let blobs = offload_core::blobs::from_config(config).await;
    Ok(CaseActivities {
        agent,
        mailer,
        ledger: mail::ledger::SendLedger::new(blobs.clone()),
        blobs,
        mail_from: config.mail_from.clone(),
        addresses,
        unsubscribe: config.unsubscribe_links()?,
        webhooks: webhook::WebhookSender::new(config.webhook_policy(), config.keys_file.clone())
            .with_answer_links(config.answer_links()?),
        metrics,
        earlier_cases: queue::EarlierCaseLookup::new(client),
    })
}

/// Runs the worker until `shutdown` fires; running activities get a grace period to finish.
/// What it counts goes to `metrics`.
pub async fn run(
    config: Config,
    client: Client,
    metrics: Arc<WorkerMetrics>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    offload_core::temporal::ensure_search_attributes(&client, &config.namespace).await?;
    let runtime = Runtime::from_current_tokio(Default::default())?;
    let counted = metrics.clone();
    let options = WorkerOptions::new(config.task_queue.clone())
        .register_workflow::<CaseWorkflow>()?
        .register_workflow::<WebhookRedelivery>()?
        .register_workflow::<SuppressionList>()?
        .workflow_interceptor(WorkflowInterceptorConstructor::new(move |_| {
            counted.run_in_memory()
        }))
        .register_activities(case_activities(&config, client.clone(), metrics).await?)
        .graceful_shutdown_period(Duration::from_secs(20))
        .max_cached_workflows(config.worker_max_cached_cases)
        .build();
    let mut worker = Worker::new(&runtime, client, options)?;
    let stop = worker.shutdown_handle();
    let watcher = tokio::spawn(async move {
        shutdown.cancelled().await;
        stop();
    });
    tracing::info!(task_queue = %config.task_queue, "worker polling");
    let outcome = worker.run().await;
    watcher.abort();
    outcome?;
    Ok(())
}
