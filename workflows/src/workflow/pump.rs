//! The webhook pump: the case's events, one at a time, in order, each attempt on the timeline.

use super::{CaseWorkflow, Ctx, now, wait_token};
use crate::activities::{
    AttemptOutcome, AttemptVerdict, AttemptWebhook, DeliverWebhook, WebhookAttempt,
    WebhookDelivery, webhook_attempt_options, webhook_gives_up_after, webhook_options,
    webhook_retry_delay,
};
use crate::events::DeliveryProgress;
use crate::state::TimelineEvent;
use temporalio_workflow::common::error::ActivityExecutionError;
use temporalio_workflow::workflows::select;
use temporalio_workflow::{
    CancellableFuture, TimerOptions, TimerResult, WaitConditionOptions, WorkflowCancellationToken,
};

/// The webhook pump: delivers queued events one at a time, in order, until the case routine has
/// finished and nothing is left, or the run continues as new (the next run's pump takes over
/// the queue, and the attempt count of the event in hand). An event is tried until a receiver
/// answers 2xx or 410, or the URL is refused, or 24 hours after its first attempt.
///
/// Generation 2 delivers on when an operator cancels the run in Temporal (the case's `case.failed`
/// included), so the pump's waits and deliveries do not inherit the run's cancellation.
pub(super) async fn deliver_events(ctx: &Ctx) {
    // Generation 1 inherits the run's cancellation (through a child token: see `wait_token`).
    let token = if ctx.state(CaseWorkflow::modern) {
        WorkflowCancellationToken::new()
    } else {
        wait_token(ctx)
    };
    loop {
        let wait = WaitConditionOptions::builder()
            .cancellation_token(token.clone())
            .build();
        if ctx
            .wait_condition_with_options(
                |s: &CaseWorkflow| !s.events.is_empty() || s.finished || s.continuing,
                wait,
            )
            .await
            .is_err()
            || ctx.state(|s| s.continuing)
        {
            return;
        }
        let next = ctx.state(|s| {
            let url = s.input.request.client_webhook_url.clone()?;
            let event = s.events.front()?.clone();
            Some(WebhookDelivery {
                url,
                tenant: s.input.tenant.clone(),
                event,
            })
        });
        let Some(delivery) = next else {
            return;
        };
        // Cases created before generation 3 deliver with Temporal's retry policy, as recorded.
        if ctx.state(|s| s.input.generation >= 3) {
            if !attempt_until_settled(ctx, delivery, &token).await {
                return;
            }
        } else {
            ctx.state_mut(|s| s.delivering = true);
            let mut options = webhook_options();
            options.cancellation_token = Some(token.clone());
            let _ = ctx
                .execute_activity(DeliverWebhook, delivery, options)
                .await;
            ctx.state_mut(|s| s.delivering = false);
        }
        ctx.state_mut(|s| {
            if let Some(done) = s.events.pop_front() {
                s.redeliveries.retain(|id| *id != done.event_id);
            }
            s.delivery = None;
        });
    }
}

/// Attempts `delivery` until it settles (true), recording each attempt on the timeline and
/// waiting 1 s, 2 s, 4 s … (at most an hour) between them. False when the run continues as new
/// or the pump is cancelled first: the event stays at the front of the queue, its attempts
/// counted, for the next run.
async fn attempt_until_settled(
    ctx: &Ctx,
    delivery: WebhookDelivery,
    token: &WorkflowCancellationToken,
) -> bool {
    let event_id = delivery.event.event_id.clone();
    loop {
        let (attempt, redelivery) = ctx.state_mut(|s| {
            let progress = s.delivery.get_or_insert(DeliveryProgress { attempts: 0 });
            progress.attempts += 1;
            s.delivering = true;
            (progress.attempts, s.redeliveries.contains(&event_id))
        });
        let mut options = webhook_attempt_options();
        options.cancellation_token = Some(token.clone());
        let input = WebhookAttempt {
            delivery: delivery.clone(),
            attempt,
        };
        let outcome = ctx.execute_activity(AttemptWebhook, input, options).await;
        let at = now(ctx);
        let (verdict, entry) = attempt_record(outcome, &event_id, attempt, redelivery);
        ctx.state_mut(|s| {
            s.delivering = false;
            s.case.timeline.record(at, entry);
        });
        // Given up after 24 hours of retrying: the attempts are on the timeline, and the client
        // may redeliver.
        if verdict != AttemptVerdict::Retry || webhook_gives_up_after(attempt) {
            return true;
        }
        let delay = webhook_retry_delay(attempt);
        let timer = ctx.timer(
            TimerOptions::builder(delay)
                .summary("webhook retry".to_string())
                .cancellation_token(token.clone())
                .build(),
        );
        let mut timer = std::pin::pin!(timer);
        let stop = select! {
            _ = ctx.wait_condition(|s: &CaseWorkflow| s.continuing) => {
                timer.as_ref().get_ref().cancel();
                true
            }
            fired = timer.as_mut() => fired == TimerResult::Cancelled,
        };
        if stop {
            return false;
        }
    }
}

/// What one attempt came to, and its timeline entry. The id recorded is the one the worker
/// delivered (see [`crate::activities::AttemptOutcome::event_id`]); an attempt the worker could
/// not make is worth another.
pub(crate) fn attempt_record(
    outcome: Result<AttemptOutcome, ActivityExecutionError>,
    event_id: &str,
    attempt: u32,
    redelivery: bool,
) -> (AttemptVerdict, TimelineEvent) {
    let (delivered, verdict, http_status, error) = match outcome {
        Ok(outcome) => (
            outcome.event_id,
            outcome.verdict,
            outcome.http_status,
            outcome.error,
        ),
        Err(error) => (
            None,
            AttemptVerdict::Retry,
            None,
            Some(super::flow::failure_text(&error)),
        ),
    };
    let entry = TimelineEvent::WebhookAttempt {
        event_id: delivered.unwrap_or_else(|| event_id.to_string()),
        attempt,
        http_status,
        error,
        redelivery,
    };
    (verdict, entry)
}
