//! Waiting durably: for the counterparty against the follow-up timer, for the client's answer
//! against the input timeout. A wait is where a case keeps itself small: it archives older
//! messages when the transcript outgrows what the case keeps, and a long run continues as new
//! (see `continuation`), the next run waiting on from the same state for the same deadline.

use super::continuation::{continue_as_new, run_is_long};
use super::flow::after_change;
use super::{CaseWorkflow, Ctx, now, wait_token};
use crate::activities::{
    ArchiveMessages, ArchiveTimeline, TimelineChunk, TranscriptSegment, archive_local_options,
};
use crate::case::{MAX_INPUT_REMINDERS, hours_to_ms};
use crate::events::WebhookEvent;
use crate::state::InputRequestStatus;
use futures::FutureExt;
use std::pin::Pin;
use std::time::Duration;
use temporalio_workflow::workflows::select;
use temporalio_workflow::{CancellableFuture, TimerOptions, TimerResult, WorkflowTermination};

/// Polls `timer` against a condition on the state; true when the condition held first (it wins
/// a tie), false when the timer fired.
async fn condition_or_timer<T>(
    ctx: &Ctx,
    mut timer: Pin<&mut T>,
    condition: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination>
where
    T: futures::future::FusedFuture<Output = TimerResult>,
{
    select! {
        woke = ctx.wait_condition(condition) => {
            woke?;
            Ok(true)
        }
        fired = timer.as_mut() => {
            if fired == TimerResult::Cancelled {
                return Err(WorkflowTermination::cancelled());
            }
            Ok(false)
        }
    }
}

/// Races a durable timer against a condition on the state; true when the condition held first
/// (it wins a tie). The losing timer is cancelled explicitly: a dropped timer still fires later.
pub(super) async fn race(
    ctx: &Ctx,
    wait: Duration,
    summary: &str,
    condition: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    let cancellation = wait_token(ctx);
    let timer = ctx.timer(
        TimerOptions::builder(wait)
            .summary(summary.to_string())
            .cancellation_token(cancellation.clone())
            .build(),
    );
    let mut timer = std::pin::pin!(timer);
    let held = condition_or_timer(ctx, timer.as_mut(), condition).await?;
    if held {
        timer.as_ref().get_ref().cancel();
    }
    Ok(held)
}

/// [`race`], keeping the case small while it waits: older messages are archived when the
/// transcript outgrows what the case keeps (the timer runs on), and the run continues as new
/// when its history grows long.
pub(super) async fn condition_before_timer(
    ctx: &Ctx,
    wait: Duration,
    summary: &str,
    condition: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    let cancellation = wait_token(ctx);
    let timer = ctx.timer(
        TimerOptions::builder(wait)
            .summary(summary.to_string())
            .cancellation_token(cancellation.clone())
            .build(),
    );
    let mut timer = std::pin::pin!(timer);
    let held = wait_keeping_small(ctx, timer.as_mut(), condition).await?;
    if held {
        timer.as_ref().get_ref().cancel();
    }
    Ok(held)
}

/// Waits until `condition` holds (true) or `timer` fires (false), archiving old messages and
/// continuing as new as the wait requires.
async fn wait_keeping_small<T>(
    ctx: &Ctx,
    mut timer: Pin<&mut T>,
    mut condition: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination>
where
    T: futures::future::FusedFuture<Output = TimerResult>,
{
    let long = run_is_long(ctx);
    loop {
        let woke = condition_or_timer(ctx, timer.as_mut(), |s: &CaseWorkflow| {
            condition(s) || long() || s.needs_archiving()
        })
        .await?;
        if !woke {
            return Ok(false);
        }
        if ctx.state(|s| condition(s)) {
            return Ok(true);
        }
        if long() {
            return Err(continue_as_new(ctx).await);
        }
        archive_old_messages(ctx).await;
    }
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
/// `inputTimeoutHours` (counted from the request, time paused not counted) passed first. With
/// `inputReminderHours`, the request's `case.input_needed` goes out again at each reminder that
/// comes before that. While the case is paused its timers stand still.
pub(super) async fn wait_for(
    ctx: &Ctx,
    mut answered: impl FnMut(&CaseWorkflow) -> bool,
) -> Result<bool, WorkflowTermination> {
    loop {
        match wait_for_unpaused(ctx, &mut answered).await? {
            Some(outcome) => return Ok(outcome),
            // Paused: hold, then wait again with the deadline moved on by the pause.
            None => hold_while_paused(ctx).await?,
        }
    }
}

/// [`wait_for`] until the case is paused (`None`). Cases never paused and without reminders
/// wait exactly as before (the same commands, so their histories replay).
async fn wait_for_unpaused(
    ctx: &Ctx,
    answered: &mut impl FnMut(&CaseWorkflow) -> bool,
) -> Result<Option<bool>, WorkflowTermination> {
    let deadline = ctx.state(|s| {
        let limit = s.input.request.input_timeout_hours?;
        let requested_at = s.case.input_request.as_ref()?.requested_at;
        Some(
            requested_at
                .saturating_add(hours_to_ms(limit, s.input.hour_seconds))
                .saturating_add(s.case.input_held_ms),
        )
    });
    let mut interrupted = |s: &CaseWorkflow| answered(s) || s.case.is_paused();
    while let Some(reminder) = ctx
        .state(next_reminder_at)
        .filter(|at| deadline.is_none_or(|d| *at < d))
    {
        let wait = Duration::from_millis(u64::try_from(reminder - now(ctx)).unwrap_or(0));
        if condition_before_timer(ctx, wait, "input reminder", &mut interrupted).await? {
            return Ok(settled(ctx, answered));
        }
        ctx.state_mut(|s| {
            let Some(request) = s.case.input_request.as_mut() else {
                return;
            };
            request.reminders_sent += 1;
            let n = request.reminders_sent;
            if s.input.request.client_webhook_url.is_some() {
                s.events
                    .extend(WebhookEvent::input_reminder(&s.input, &s.case, n));
            }
        });
        // The snapshot shows `remindersSent` too (generation 3 on; older histories lack it).
        if ctx.state(|s| s.input.generation >= 3) {
            after_change(ctx, false);
        }
    }
    let held = match deadline {
        None => {
            let never = std::pin::pin!(futures::future::pending::<TimerResult>().fuse());
            wait_keeping_small(ctx, never, &mut interrupted).await?
        }
        // An answer that arrives together with the deadline wins: it was already accepted (202).
        Some(deadline) => {
            let wait = Duration::from_millis(u64::try_from(deadline - now(ctx)).unwrap_or(0));
            condition_before_timer(ctx, wait, "input timeout", &mut interrupted).await?
        }
    };
    Ok(if held {
        settled(ctx, answered)
    } else {
        Some(false)
    })
}

/// After a wait was interrupted: answered (`Some(true)`) — an answer wins over a pause — or
/// paused (`None`).
fn settled(ctx: &Ctx, answered: &mut impl FnMut(&CaseWorkflow) -> bool) -> Option<bool> {
    if ctx.state(|s| answered(s)) {
        Some(true)
    } else {
        None
    }
}

/// While the case is paused: waits (keeping the case small) until it resumes or must stop,
/// keeping what operators see in step at both ends.
pub(super) async fn hold_while_paused(ctx: &Ctx) -> Result<(), WorkflowTermination> {
    if !ctx.state(|s| s.case.is_paused()) {
        return Ok(());
    }
    after_change(ctx, false);
    let never = std::pin::pin!(futures::future::pending::<TimerResult>().fuse());
    wait_keeping_small(ctx, never, |s: &CaseWorkflow| {
        !s.case.is_paused() || s.case.stop.is_some()
    })
    .await?;
    after_change(ctx, false);
    Ok(())
}

/// [`hold_while_paused`] inside a step (between writing a message and sending it): the same
/// wait, without archiving or continuing as new, which happen only between steps.
pub(super) async fn hold_within_step(ctx: &Ctx) -> Result<(), WorkflowTermination> {
    if !ctx.state(|s| s.case.is_paused()) {
        return Ok(());
    }
    after_change(ctx, false);
    ctx.wait_condition(|s: &CaseWorkflow| !s.case.is_paused() || s.case.stop.is_some())
        .await?;
    after_change(ctx, false);
    Ok(())
}

/// When the pending input request's next reminder is due, if it gets one.
fn next_reminder_at(s: &CaseWorkflow) -> Option<i64> {
    let every = s.input.request.input_reminder_hours?;
    let request = s
        .case
        .input_request
        .as_ref()
        .filter(|r| r.status == InputRequestStatus::Pending)?;
    (request.reminders_sent < MAX_INPUT_REMINDERS).then(|| {
        let after = hours_to_ms(every, s.input.hour_seconds)
            .saturating_mul(i64::from(request.reminders_sent + 1));
        // Time paused does not count (zero for cases never paused).
        request
            .requested_at
            .saturating_add(after)
            .saturating_add(s.case.input_held_ms)
    })
}

/// Moves the oldest settled messages to the blob store, a segment at a time, until the case
/// keeps no more than it should. A segment that cannot be stored stays on the case, and the run
/// stops trying (nothing is lost; the case is only larger until its next run).
pub(super) async fn archive_old_messages(ctx: &Ctx) {
    loop {
        let segment = ctx.state(|s| {
            if !s.keeps_itself_small() {
                return None;
            }
            let messages = s.case.messages_to_archive();
            (!messages.is_empty()).then(|| TranscriptSegment {
                case_id: s.input.case_id.clone(),
                number: u32::try_from(s.case.archive.segments.len() + 1).unwrap_or(u32::MAX),
                messages: messages.to_vec(),
            })
        });
        let Some(segment) = segment else {
            return archive_old_timeline_entries(ctx).await;
        };
        let count = segment.messages.len();
        match ctx
            .execute_local_activity(ArchiveMessages, segment, archive_local_options())
            .await
        {
            Ok(key) => ctx.state_mut(|s| s.case.archive(count, key)),
            Err(_) => {
                ctx.state_mut(|s| s.archiving_failed = true);
                return;
            }
        }
    }
}

/// Moves the oldest timeline entries to the blob store while the case keeps more than it should
/// (generation 3 on; older cases keep their timeline whole, as their histories recorded).
async fn archive_old_timeline_entries(ctx: &Ctx) {
    while ctx.state(CaseWorkflow::timeline_needs_archiving) {
        let chunk = ctx.state(|s| TimelineChunk {
            case_id: s.input.case_id.clone(),
            number: u32::try_from(s.case.timeline.segments.len() + 1).unwrap_or(u32::MAX),
            entries: s.case.timeline.to_archive().to_vec(),
        });
        let count = chunk.entries.len();
        match ctx
            .execute_local_activity(ArchiveTimeline, chunk, archive_local_options())
            .await
        {
            Ok(key) => ctx.state_mut(|s| s.case.timeline.archived(count, key)),
            Err(_) => {
                ctx.state_mut(|s| s.timeline_stays_whole = true);
                return;
            }
        }
    }
}
