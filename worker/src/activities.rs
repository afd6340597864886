//! The activity implementations behind `offload_workflows::activities`. Each is one step of I/O;
//! errors are sorted into retryable and permanent so Temporal's retry policy does the right thing.

use crate::agent::{Agent, AgentError};
use crate::mail::{self, Mailer, SendError, SendOutcome};
use crate::metrics::{WebhookOutcome, WorkerMetrics};
use crate::webhook::{WebhookError, WebhookSender};
use offload_core::config::Mailbox;
use offload_core::mail::CaseAddresses;
use offload_workflows::activities::{
    AGENT_FAILED, AgentRequest, Decision, Draft, OutboundEmail, SEND_REJECTED, SentEmail,
    WEBHOOK_GONE, WEBHOOK_REFUSED, WebhookDelivery,
};
use std::sync::Arc;
use temporalio_common::error::ApplicationFailure;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

pub struct CaseActivities {
    pub agent: Arc<dyn Agent>,
    pub mailer: Arc<dyn Mailer>,
    pub mail_from: Mailbox,
    /// Reply addresses and `Message-ID`s, signed.
    pub addresses: CaseAddresses,
    pub webhooks: WebhookSender,
    pub metrics: Arc<WorkerMetrics>,
}

fn permanent(kind: &str, message: String) -> ActivityError {
    ActivityError::application(
        ApplicationFailure::builder(message)
            .type_name(kind.to_string())
            .non_retryable(true)
            .build(),
    )
}

fn retryable(message: String) -> ActivityError {
    ActivityError::application(ApplicationFailure::new(message))
}

fn agent_error(error: AgentError) -> ActivityError {
    match error {
        AgentError::Permanent(_) => permanent(AGENT_FAILED, error.to_string()),
        AgentError::Transient(_) => retryable(error.to_string()),
        // Honour the endpoint's Retry-After through Temporal's next-retry delay.
        AgentError::RateLimited { retry_after } => ActivityError::application(
            ApplicationFailure::builder(error.to_string())
                .maybe_next_retry_delay(retry_after)
                .build(),
        ),
    }
}

/// How often a running agent activity reports that it is alive. Cancellation reaches an
/// activity only in the answer to a heartbeat, so this is also how soon a stopped case stops
/// its model calls (the workflow's heartbeat timeout is longer).
const AGENT_HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs agent work while heartbeating; gives up at once (cancelled) when the case asks it to
/// stop, dropping the model call in flight.
async fn heartbeating<T>(
    ctx: &ActivityContext,
    work: impl std::future::Future<Output = Result<T, AgentError>>,
) -> Result<T, ActivityError> {
    let mut work = std::pin::pin!(work);
    let mut beat = tokio::time::interval(AGENT_HEARTBEAT);
    loop {
        tokio::select! {
            done = &mut work => return done.map_err(agent_error),
            () = ctx.cancelled() => {
                tracing::info!("agent activity cancelled: the case stopped");
                return Err(ActivityError::cancelled());
            }
            _ = beat.tick() => {
                let _ = ctx.record_heartbeat(()).await;
            }
        }
    }
}

#[activities]
impl CaseActivities {
    #[activity(name = "compose_outreach")]
    pub async fn compose_outreach(
        self: Arc<Self>,
        ctx: ActivityContext,
        request: AgentRequest,
    ) -> Result<Draft, ActivityError> {
        heartbeating(&ctx, self.agent.compose_outreach(&request)).await
    }

    #[activity(name = "compose_follow_up")]
    pub async fn compose_follow_up(
        self: Arc<Self>,
        ctx: ActivityContext,
        request: AgentRequest,
    ) -> Result<Draft, ActivityError> {
        heartbeating(&ctx, self.agent.compose_follow_up(&request)).await
    }

    #[activity(name = "evaluate_reply")]
    pub async fn evaluate_reply(
        self: Arc<Self>,
        ctx: ActivityContext,
        request: AgentRequest,
    ) -> Result<Decision, ActivityError> {
        heartbeating(&ctx, self.agent.evaluate(&request)).await
    }

    #[activity(name = "send_email")]
    pub async fn send_email(
        self: Arc<Self>,
        _ctx: ActivityContext,
        email: OutboundEmail,
    ) -> Result<SentEmail, ActivityError> {
        let prepared = mail::prepare(&email, &self.mail_from, &self.addresses);
        let sent = |provider_message_id, alias_message_id, delivery_uncertain| SentEmail {
            message_id: prepared.message_id.clone(),
            provider_message_id,
            alias_message_id,
            delivery_uncertain,
            from: prepared.from_header.clone(),
            to: prepared.to_header.clone(),
        };
        match self.mailer.send(&prepared).await {
            Ok(SendOutcome::Sent {
                provider_message_id,
                alias_message_id,
            }) => {
                tracing::info!(
                    case_id = %email.case_id,
                    message_number = email.message_number,
                    "message sent"
                );
                Ok(sent(provider_message_id, alias_message_id, None))
            }
            Ok(SendOutcome::Uncertain { reason }) => {
                tracing::warn!(
                    case_id = %email.case_id,
                    message_number = email.message_number,
                    %reason,
                    "delivery unconfirmed; not sending again"
                );
                Ok(sent(None, None, Some(reason)))
            }
            Err(error @ SendError::Rejected(_)) => Err(permanent(SEND_REJECTED, error.to_string())),
            Err(error @ SendError::Transient(_)) => Err(retryable(error.to_string())),
        }
    }

    #[activity(name = "deliver_webhook")]
    pub async fn deliver_webhook(
        self: Arc<Self>,
        ctx: ActivityContext,
        delivery: WebhookDelivery,
    ) -> Result<(), ActivityError> {
        let attempt = ctx.info().attempt;
        let outcome = self.webhooks.deliver(&delivery).await;
        let event_id = &delivery.event.event_id;
        match outcome {
            Ok(()) => {
                tracing::info!(%event_id, attempt, "webhook delivered");
                self.metrics.webhook(WebhookOutcome::Delivered);
                Ok(())
            }
            Err(error) => {
                tracing::warn!(%event_id, attempt, %error, "webhook delivery failed");
                self.metrics.webhook(match error {
                    WebhookError::Gone => WebhookOutcome::Gone,
                    WebhookError::Refused(_) => WebhookOutcome::Refused,
                    WebhookError::Failed(_) => WebhookOutcome::Retrying,
                });
                Err(match error {
                    WebhookError::Gone => permanent(WEBHOOK_GONE, error.to_string()),
                    WebhookError::Refused(_) => permanent(WEBHOOK_REFUSED, error.to_string()),
                    WebhookError::Failed(_) => retryable(error.to_string()),
                })
            }
        }
    }
}
