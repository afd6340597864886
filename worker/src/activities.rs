//! The activity implementations behind `offload_workflows::activities`. Each is one step of I/O;
//! errors are sorted into retryable and permanent so Temporal's retry policy does the right thing.

use crate::agent::{Agent, AgentError};
use crate::mail::ledger::{Prior, SendLedger};
use crate::mail::{self, Mailer, SendError, SendOutcome};
use crate::metrics::{WebhookOutcome, WorkerMetrics};
use crate::reading;
use crate::webhook::{WebhookError, WebhookSender};
use offload_core::blobs::{BlobError, BlobStore};
use offload_core::config::Mailbox;
use offload_core::mail::CaseAddresses;
use offload_workflows::activities::{
    AGENT_FAILED, ARCHIVE_FAILED, AgentRequest, AttachmentText, AttemptOutcome, AttemptVerdict,
    Draft, EarlierCases, Evaluation, OutboundEmail, SEND_REJECTED, SentEmail, TimelineChunk,
    TranscriptSegment, WEBHOOK_GONE, WEBHOOK_REFUSED, WebhookAttempt, WebhookDelivery,
    webhook_event_key,
};
use offload_workflows::state::{AttachmentReading, INLINE_BODY_LIMIT, ReadingStatus, text_prefix};
use std::sync::Arc;
use temporalio_common::error::ApplicationFailure;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

pub struct CaseActivities {
    pub agent: Arc<dyn Agent>,
    pub mailer: Arc<dyn Mailer>,
    /// At most once to mailers that cannot tell a repeat (SES).
    pub ledger: SendLedger,
    /// Where long bodies and archived transcript segments are kept (shared with the API).
    pub blobs: Arc<dyn BlobStore>,
    pub mail_from: Mailbox,
    /// Reply addresses and `Message-ID`s, signed.
    pub addresses: CaseAddresses,
    /// The one-click unsubscribe links every message carries.
    pub unsubscribe: offload_core::unsubscribe::UnsubscribeLinks,
    pub webhooks: WebhookSender,
    pub metrics: Arc<WorkerMetrics>,
    /// Where queued cases look at the earlier cases they wait for.
    pub earlier_cases: crate::queue::EarlierCaseLookup,
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

/// How often a running activity reports that it is alive. Cancellation reaches an activity only
/// in the answer to a heartbeat, so this is also how soon a stopped case stops its model calls;
/// and a worker that died mid-call is noticed after the heartbeat timeout (the workflow's
/// options), not after the whole start-to-close timeout.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs `work` while heartbeating. With `cancellable`, gives up at once (`None`) when the case
/// asks it to stop, dropping the call in flight; without, the call always runs to its end.
async fn heartbeating<F: std::future::Future>(
    ctx: &ActivityContext,
    cancellable: bool,
    work: F,
) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let mut beat = tokio::time::interval(HEARTBEAT);
    loop {
        tokio::select! {
            done = &mut work => return Some(done),
            () = ctx.cancelled(), if cancellable => return None,
            _ = beat.tick() => {
                let _ = ctx.record_heartbeat(()).await;
            }
        }
    }
}

/// An agent call under heartbeats; a stopped case cancels it.
async fn agent_call<T>(
    ctx: &ActivityContext,
    work: impl std::future::Future<Output = Result<T, AgentError>>,
) -> Result<T, ActivityError> {
    match heartbeating(ctx, true, work).await {
        Some(done) => done.map_err(agent_error),
        None => {
            tracing::info!("agent activity cancelled: the case stopped");
            Err(ActivityError::cancelled())
        }
    }
}

/// How much of a long body the agent reads (the case keeps only the first 4 KiB inline).
const AGENT_BODY_LIMIT: usize = 64 * 1024;
/// How much attachment text the agent reads in all (the newest files first).
const AGENT_FILES_LIMIT: usize = 128 * 1024;

impl CaseActivities {
    /// The request with the whole text (up to [`AGENT_BODY_LIMIT`]) of bodies the case keeps in
    /// the blob store. A body gone from the store leaves the inline part.
    async fn with_full_bodies(
        &self,
        mut request: AgentRequest,
    ) -> Result<AgentRequest, ActivityError> {
        // What the case handed over (the bounded window, long bodies by reference).
        self.metrics
            .agent_request(serde_json::to_vec(&request).map_or(0, |json| json.len()));
        for message in &mut request.transcript {
            let Some(key) = &message.body_ref else {
                continue;
            };
            let stored = self
                .blobs
                .get(key)
                .await
                .map_err(|e| retryable(format!("read a message body: {e}")))?;
            if let Some(bytes) = stored {
                message.body =
                    text_prefix(&String::from_utf8_lossy(&bytes), AGENT_BODY_LIMIT).to_string();
            }
        }
        Ok(request)
    }

    /// The request with the text of the files in its window (newest first, up to
    /// [`AGENT_FILES_LIMIT`] in all), and what reading the new replies' files gave, for the
    /// case to keep. Each file is read once per case (see `reading::read_stored`).
    async fn with_file_texts(
        &self,
        mut request: AgentRequest,
    ) -> Result<(AgentRequest, Vec<AttachmentReading>), ActivityError> {
        let new_ids: Vec<String> = request
            .new_replies()
            .flat_map(|m| m.attachment_ids.iter().cloned())
            .collect();
        let mut readings = Vec::new();
        let mut texts = Vec::new();
        let mut budget = AGENT_FILES_LIMIT;
        for attachment in request.attachments.iter().rev() {
            let (reading, fresh) =
                reading::read_stored(self.blobs.as_ref(), &request.case_id, attachment)
                    .await
                    .map_err(|e| retryable(format!("read an attachment: {e}")))?;
            if fresh {
                self.metrics.attachment_read(reading.status);
            }
            if new_ids.contains(&attachment.attachment_id) {
                let text_ref = (reading.status == ReadingStatus::Text)
                    .then(|| reading::reading_key(&request.case_id, &attachment.attachment_id));
                readings.push(reading.summary(&attachment.attachment_id, text_ref));
            }
            if reading.status == ReadingStatus::Text && budget > 0 {
                let text = text_prefix(&reading.text, budget).to_string();
                budget -= text.len();
                texts.push(AttachmentText {
                    attachment_id: attachment.attachment_id.clone(),
                    name: attachment.name.clone(),
                    text,
                });
            }
        }
        texts.reverse();
        readings.reverse();
        request.attachment_texts = texts;
        Ok((request, readings))
    }

    /// Stores a body longer than the case keeps inline, before anything is sent (a retry finds
    /// it stored); its key, or `None` for a short body.
    async fn keep_long_body(&self, email: &OutboundEmail) -> Result<Option<String>, ActivityError> {
        if email.body.len() <= INLINE_BODY_LIMIT {
            return Ok(None);
        }
        let key = format!("{}/sent-{:03}", email.case_id, email.message_number);
        self.store_once(&key, email.body.as_bytes(), "text/plain; charset=utf-8")
            .await
            .map_err(|error| retryable(format!("store the message body: {error}")))?;
        Ok(Some(key))
    }

    /// Stores bytes that their key fully determines (a retry writes the same ones), so a key
    /// already taken means an earlier attempt stored them.
    async fn store_once(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
    ) -> Result<(), BlobError> {
        match self.blobs.put(key, bytes, content_type).await {
            Ok(()) | Err(BlobError::AlreadyExists(_)) => Ok(()),
            Err(error) => Err(error),
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
        let request = self.with_full_bodies(request).await?;
        agent_call(&ctx, self.agent.compose_outreach(&request)).await
    }

    #[activity(name = "compose_follow_up")]
    pub async fn compose_follow_up(
        self: Arc<Self>,
        ctx: ActivityContext,
        request: AgentRequest,
    ) -> Result<Draft, ActivityError> {
        let request = self.with_full_bodies(request).await?;
        agent_call(&ctx, self.agent.compose_follow_up(&request)).await
    }

    #[activity(name = "evaluate_reply")]
    pub async fn evaluate_reply(
        self: Arc<Self>,
        ctx: ActivityContext,
        request: AgentRequest,
    ) -> Result<Evaluation, ActivityError> {
        let request = self.with_full_bodies(request).await?;
        let (request, readings) = self.with_file_texts(request).await?;
        let mut evaluation = agent_call(&ctx, self.agent.evaluate_with_evidence(&request)).await?;
        evaluation.readings = readings;
        self.metrics.decision(
            evaluation.model.as_deref().unwrap_or(self.agent.name()),
            evaluation.decision.outcome(),
        );
        Ok(evaluation)
    }

    /// Sends one message, at most once: mailers without their own idempotency (SES) go through
    /// the send ledger, so a retry after a crash mid-call never sends the message again.
    #[activity(name = "send_email")]
    pub async fn send_email(
        self: Arc<Self>,
        ctx: ActivityContext,
        email: OutboundEmail,
    ) -> Result<SentEmail, ActivityError> {
        let prepared = mail::prepare(
            &email,
            &self.mail_from,
            &self.addresses,
            Some(&self.unsubscribe),
        );
        let body_ref = self.keep_long_body(&email).await?;
        let sent = |provider_message_id, alias_message_id, delivery_uncertain| SentEmail {
            message_id: prepared.message_id.clone(),
            provider_message_id,
            alias_message_id,
            delivery_uncertain,
            body_ref: body_ref.clone(),
            from: prepared.from_header.clone(),
            to: prepared.to_header.clone(),
        };
        let (case_id, number, attempt) = (&email.case_id, email.message_number, ctx.info().attempt);
        let ledgered = self.mailer.needs_ledger();
        let settled = if ledgered {
            match self.ledger.before_send(case_id, number, attempt).await {
                Ok(Prior::Nothing) => None,
                Ok(Prior::Settled(outcome)) => Some(Ok(outcome)),
                Err(error) => return Err(retryable(format!("send ledger: {error}"))),
            }
        } else {
            None
        };
        let result = match settled {
            Some(settled) => {
                tracing::info!(%case_id, message_number = number, attempt, "an earlier attempt settled this message");
                settled
            }
            None => {
                let result = heartbeating(&ctx, false, self.mailer.send(&prepared))
                    .await
                    .expect("a send is never abandoned");
                if ledgered {
                    self.ledger
                        .after_send(case_id, number, attempt, &result)
                        .await;
                }
                result
            }
        };
        match result {
            Ok(SendOutcome::Sent {
                provider_message_id,
                alias_message_id,
            }) => {
                tracing::info!(%case_id, message_number = number, "message sent");
                Ok(sent(provider_message_id, alias_message_id, None))
            }
            Ok(SendOutcome::Uncertain { reason }) => {
                tracing::warn!(
                    %case_id,
                    message_number = number,
                    %reason,
                    "delivery unconfirmed; not sending again"
                );
                Ok(sent(None, None, Some(reason)))
            }
            Err(error @ SendError::Rejected(_)) => Err(permanent(SEND_REJECTED, error.to_string())),
            Err(error @ SendError::Transient(_)) => Err(retryable(error.to_string())),
        }
    }

    #[activity(name = "archive_messages")]
    pub async fn archive_messages(
        self: Arc<Self>,
        _ctx: ActivityContext,
        segment: TranscriptSegment,
    ) -> Result<String, ActivityError> {
        let key = format!("{}/transcript-{:05}", segment.case_id, segment.number);
        let bytes = serde_json::to_vec(&segment.messages)
            .map_err(|e| permanent(ARCHIVE_FAILED, format!("encode the segment: {e}")))?;
        // A retry of a segment already written: same number, same messages.
        self.store_once(&key, &bytes, "application/json")
            .await
            .map_err(|error| retryable(format!("store the segment: {error}")))?;
        Ok(key)
    }

    #[activity(name = "archive_timeline")]
    pub async fn archive_timeline(
        self: Arc<Self>,
        _ctx: ActivityContext,
        chunk: TimelineChunk,
    ) -> Result<String, ActivityError> {
        let key = format!("{}/timeline-{:05}", chunk.case_id, chunk.number);
        let bytes = serde_json::to_vec(&chunk.entries)
            .map_err(|e| permanent(ARCHIVE_FAILED, format!("encode the timeline chunk: {e}")))?;
        self.store_once(&key, &bytes, "application/json")
            .await
            .map_err(|error| retryable(format!("store the timeline chunk: {error}")))?;
        Ok(key)
    }

    /// Which earlier cases a queued case still waits for (retried without limit: every error
    /// is Temporal's, and passes).
    #[activity(name = "check_earlier_cases")]
    pub async fn check_earlier_cases(
        self: Arc<Self>,
        _ctx: ActivityContext,
        look: EarlierCases,
    ) -> Result<Vec<String>, ActivityError> {
        self.earlier_cases
            .still_open(&look)
            .await
            .map_err(retryable)
    }

    /// One attempt of a webhook delivery (the workflow retries): what the receiver answered.
    #[activity(name = "attempt_webhook")]
    pub async fn attempt_webhook(
        self: Arc<Self>,
        _ctx: ActivityContext,
        attempt: WebhookAttempt,
    ) -> Result<AttemptOutcome, ActivityError> {
        let delivery = &attempt.delivery;
        // Every attempt (a copy already kept is left as it is): one failed write does not make
        // the event unredeliverable.
        self.keep_for_redelivery(delivery).await;
        let event_id = &delivery.event.event_id;
        let n = attempt.attempt;
        let outcome = match self.webhooks.deliver(delivery).await {
            Ok(status) => {
                tracing::info!(%event_id, attempt = n, status, "webhook delivered");
                self.metrics.webhook(WebhookOutcome::Delivered);
                AttemptOutcome {
                    event_id: Some(event_id.clone()),
                    verdict: AttemptVerdict::Delivered,
                    http_status: Some(status),
                    error: None,
                }
            }
            Err(error) => {
                tracing::warn!(%event_id, attempt = n, %error, "webhook delivery failed");
                let (verdict, counted) = match error {
                    WebhookError::Gone => (AttemptVerdict::Gone, WebhookOutcome::Gone),
                    WebhookError::Refused(_) => (AttemptVerdict::Refused, WebhookOutcome::Refused),
                    WebhookError::Status(_) | WebhookError::Failed(_) => {
                        (AttemptVerdict::Retry, WebhookOutcome::Retrying)
                    }
                };
                self.metrics.webhook(counted);
                AttemptOutcome {
                    event_id: Some(event_id.clone()),
                    verdict,
                    http_status: error.http_status(),
                    error: error.http_status().is_none().then(|| error.to_string()),
                }
            }
        };
        Ok(outcome)
    }

    /// Delivers one event with Temporal's retry policy (cases that started before the workflow
    /// made its own attempts).
    #[activity(name = "deliver_webhook")]
    pub async fn deliver_webhook(
        self: Arc<Self>,
        ctx: ActivityContext,
        delivery: WebhookDelivery,
    ) -> Result<(), ActivityError> {
        let attempt = ctx.info().attempt;
        self.keep_for_redelivery(&delivery).await;
        let outcome = self.webhooks.deliver(&delivery).await;
        let event_id = &delivery.event.event_id;
        match outcome {
            Ok(_) => {
                tracing::info!(%event_id, attempt, "webhook delivered");
                self.metrics.webhook(WebhookOutcome::Delivered);
                Ok(())
            }
            Err(error) => {
                tracing::warn!(%event_id, attempt, %error, "webhook delivery failed");
                self.metrics.webhook(match error {
                    WebhookError::Gone => WebhookOutcome::Gone,
                    WebhookError::Refused(_) => WebhookOutcome::Refused,
                    WebhookError::Status(_) | WebhookError::Failed(_) => WebhookOutcome::Retrying,
                });
                Err(match error {
                    WebhookError::Gone => permanent(WEBHOOK_GONE, error.to_string()),
                    WebhookError::Refused(_) => permanent(WEBHOOK_REFUSED, error.to_string()),
                    WebhookError::Status(_) | WebhookError::Failed(_) => {
                        retryable(error.to_string())
                    }
                })
            }
        }
    }
}

impl CaseActivities {
    /// Keeps the event as first delivered, so the client can have it delivered again. A store
    /// that fails does not hold up the delivery: the event is then only not redeliverable.
    async fn keep_for_redelivery(&self, delivery: &WebhookDelivery) {
        let key = webhook_event_key(&delivery.event.data.case_id, &delivery.event.event_id);
        let stored = match serde_json::to_vec(delivery) {
            Ok(bytes) => self.store_once(&key, &bytes, "application/json").await,
            Err(e) => Err(BlobError::Remote(format!("encode the event: {e}"))),
        };
        if let Err(error) = stored {
            tracing::warn!(event_id = %delivery.event.event_id, %error,
                "could not keep the webhook event for redelivery");
        }
    }
}
