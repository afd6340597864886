//! One case at a time per counterparty: a queued case waits before its outreach until the
//! earlier open cases it was created behind have ended; a case that ends tells the later ones
//! waiting for it.
//!
//! What counts is each earlier case's own state, read from Temporal by an activity (a run that
//! closed, or a case that finished, has ended — however it ended). The word an earlier case sends
//! when it ends only wakes the queued one early; without it (a run an operator terminated, a
//! word that crossed with the request for it) the queued case still looks again, at once and
//! then at growing intervals, so it is delayed at worst, never stranded.

use super::continuation::{continue_as_new, run_is_long};
use super::flow::{after_change, operator_cancelled, stopped};
use super::waits::race;
use super::{CaseWorkflow, Ctx, now, wait_token};
use crate::activities::{CheckEarlierCases, EarlierCases, check_earlier_cases_options};
use crate::state::{OPERATOR_CANCELLED_REASON, ResultStatus, TimelineEvent};
use std::time::Duration;
use temporalio_workflow::{SignalWorkflowOptions, WorkflowCancellationToken, WorkflowTermination};

/// The first look again after one that found an earlier case open (a word that crossed with the
/// request for it costs no more than this), doubling up to [`LONGEST_LOOK_INTERVAL`].
const FIRST_LOOK_INTERVAL: Duration = Duration::from_secs(10);
/// A terminated earlier case is noticed within this; 48 looks a day keep the history small.
const LONGEST_LOOK_INTERVAL: Duration = Duration::from_secs(30 * 60);

/// Waits until none of the earlier cases the case is queued behind is open. False when the case
/// was stopped meanwhile (it has ended then).
pub(super) async fn wait_for_earlier_cases(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    // A case queued behind nobody (every case before queues existed) does exactly what it did:
    // not even the stop check runs here, so recorded histories replay unchanged.
    if ctx.state(|s| s.case.queue.behind.is_empty()) {
        return Ok(true);
    }
    let mut interval = FIRST_LOOK_INTERVAL;
    let long = run_is_long(ctx);
    loop {
        if stopped(ctx) {
            return Ok(false);
        }
        // A word that arrives while the look is under way still counts (for the next look).
        let look = ctx.state_mut(|s| {
            s.case.queue.news = false;
            (!s.case.queue.behind.is_empty()).then(|| EarlierCases {
                case_id: s.input.case_id.clone(),
                earlier: s.case.queue.behind.clone(),
                registered_with: s.case.queue.registered_with.clone(),
            })
        });
        let Some(look) = look else {
            return Ok(true);
        };
        let cancellation = wait_token(ctx);
        let mut options = check_earlier_cases_options();
        options.cancellation_token = Some(cancellation.clone());
        let open = match ctx.execute_activity(CheckEarlierCases, look, options).await {
            Ok(open) => open,
            // Retried without limit: only a cancellation of the run ends it.
            Err(error) => {
                let reason = if operator_cancelled(ctx) {
                    OPERATOR_CANCELLED_REASON.to_string()
                } else {
                    super::flow::failure_text(&error)
                };
                super::flow::fail(ctx, ResultStatus::Cancelled, Some(reason));
                return Ok(false);
            }
        };
        drop(cancellation);
        let at = now(ctx);
        let moved = ctx.state_mut(|s| {
            let moved = s.case.queue.still_open(open);
            if moved && let Some(head) = s.case.queue.head() {
                let head = head.to_string();
                s.case.timeline.record(
                    at,
                    TimelineEvent::CaseQueued {
                        queued_behind: head,
                    },
                );
            }
            moved
        });
        if moved {
            // Operators and the client see whom it waits for now (or that it waits no more).
            after_change(ctx, false);
            interval = FIRST_LOOK_INTERVAL;
        }
        if ctx.state(|s| s.case.queue.behind.is_empty()) {
            return Ok(true);
        }
        if long() {
            return Err(continue_as_new(ctx).await);
        }
        let woken = race(ctx, interval, "an earlier case ends", |s| {
            s.case.queue.news || s.case.stop.is_some()
        })
        .await?;
        if !woken {
            interval = (interval * 2).min(LONGEST_LOOK_INTERVAL);
        }
    }
}

/// Tells the later cases waiting for this one that it has ended. Sent even when the run was
/// cancelled by an operator (its own token would stop the signals); a case that has ended
/// meanwhile ignores the word.
pub(super) async fn tell_later_cases(ctx: &Ctx) {
    let (case_id, later) = ctx.state_mut(|s| {
        (
            s.input.case_id.clone(),
            std::mem::take(&mut s.case.queue.successors),
        )
    });
    for successor in later {
        let options = SignalWorkflowOptions::builder()
            .cancellation_token(WorkflowCancellationToken::new())
            .build();
        // A later case that has closed has nothing to wait for.
        let _ = ctx
            .external_workflow(successor, None)
            .signal(CaseWorkflow::earlier_case_ended, case_id.clone(), options)
            .await;
    }
}
