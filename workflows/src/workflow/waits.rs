//! Waiting durably: for the counterparty against the follow-up timer, for the client's answer
//! against the input timeout. A wait is where a long run continues as new (see
//! `continuation`): the next run waits on from the same state, for the same deadline.

use super::continuation::{continue_as_new, run_is_long};
use super::{CaseWorkflow, Ctx, now};
use crate::case::hours_to_ms;
use std::time::Duration;
use temporalio_workflow::workflows::select;
use temporalio_workflow::{CancellableFuture, TimerOptions, TimerResult, WorkflowTermination};

/// Races a durable timer against a condition on the state; true when the condition held first
/// (it wins a tie). The losing timer is cancelled explicitly: a dropped timer still fires later.
pub(super) async fn race(
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

/// [`race`], continuing as new instead when the run grows long while it waits.
pub(super) async fn condition_before_timer(
    ctx: &Ctx,
    wait: Duration,
    summary: &str,
    mut condition: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    let long = run_is_long(ctx);
    let held = race(ctx, wait, summary, |s: &CaseWorkflow| {
        condition(s) || long()
    })
    .await?;
    if held && !ctx.state(|s| condition(s)) {
        return Err(continue_as_new(ctx).await);
    }
    Ok(held)
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
/// `inputTimeoutHours` (counted from the request) passed first.
pub(super) async fn wait_for(
    ctx: &Ctx,
    mut answered: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    let deadline = ctx.state(|s| {
        let limit = s.input.request.input_timeout_hours?;
        let requested_at = s.case.input_request.as_ref()?.requested_at;
        Some(requested_at.saturating_add(hours_to_ms(limit, s.input.hour_seconds)))
    });
    match deadline {
        None => {
            let long = run_is_long(ctx);
            ctx.wait_condition(|s: &CaseWorkflow| answered(s) || long())
                .await?;
            if !ctx.state(|s| answered(s)) {
                return Err(continue_as_new(ctx).await);
            }
            Ok(true)
        }
        // An answer that arrives together with the deadline wins: it was already accepted (202).
        Some(deadline) => {
            let wait = Duration::from_millis(u64::try_from(deadline - now(ctx)).unwrap_or(0));
            condition_before_timer(ctx, wait, "input timeout", answered).await
        }
    }
}
