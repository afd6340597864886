//! The webhook pump: the case's events, one at a time, in order.

use super::{CaseWorkflow, Ctx, wait_token};
use crate::activities::{DeliverWebhook, WebhookDelivery, webhook_options};
use temporalio_workflow::{WaitConditionOptions, WorkflowCancellationToken};

/// The webhook pump: delivers queued events one at a time, in order, until the case routine has
/// finished and nothing is left, or the run continues as new (the next run's pump takes over
/// the queue). A delivery that fails for good is recorded in history (the failed activity) and
/// the pump moves on.
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
        ctx.state_mut(|s| s.delivering = true);
        let mut options = webhook_options();
        options.cancellation_token = Some(token.clone());
        let _ = ctx
            .execute_activity(DeliverWebhook, delivery, options)
            .await;
        ctx.state_mut(|s| {
            s.delivering = false;
            s.events.pop_front()
        });
    }
}
