//! Waiting durably: for the counterparty against the follow-up timer, for the client's answer
//! against the input timeout.

use super::{CaseWorkflow, Ctx};
use crate::case::hours_to_ms;
use std::time::Duration;
use temporalio_workflow::workflows::select;
use temporalio_workflow::{CancellableFuture, TimerOptions, TimerResult, WorkflowTermination};

/// Races a durable timer against a condition on the state; true when the condition held first
/// (it wins a tie). The losing timer is cancelled explicitly: a dropped timer still fires later.
pub(super) async fn condition_before_timer(
    ctx: &Ctx,
    wait: Duration,
    summary: &str,
    condition: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    let timer = ctx.timer(
        TimerOptions::builder(wait)
            .summary(summary.to_string())
            .build(),
    );
    let mut timer = std::pin::pin!(timer);
    let condition_held = select! {
        woke = ctx.wait_condition(condition) => {
            woke?;
            true
        }
        fired = timer.as_mut() => {
            if fired == TimerResult::Cancelled {
                return Err(WorkflowTermination::cancelled());
            }
            false
        }
    };
    if condition_held {
        timer.as_ref().get_ref().cancel();
    }
    Ok(condition_held)
}

/// Waits for the client's answer (or a provider event that ends the case); false when
/// `inputTimeoutHours` passed first.
pub(super) async fn wait_for_answer(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    wait_for(ctx, |s: &CaseWorkflow| {
        s.case.answer_pending || s.case.stop.is_some()
    })
    .await
}

/// Waits while an input request is pending until `answered` holds; false when
/// `inputTimeoutHours` passed first.
pub(super) async fn wait_for(
    ctx: &Ctx,
    answered: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    let limit = ctx.state(|s| {
        s.input
            .request
            .input_timeout_hours
            .map(|hours| hours_to_ms(hours, s.input.hour_seconds))
    });
    match limit {
        None => {
            ctx.wait_condition(answered).await?;
            Ok(true)
        }
        // An answer that arrives together with the deadline wins: it was already accepted (202).
        Some(ms) => {
            let wait = Duration::from_millis(u64::try_from(ms).unwrap_or(0));
            condition_before_timer(ctx, wait, "input timeout", answered).await
        }
    }
}
