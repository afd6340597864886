//! Bounded runs: a long case goes on in a fresh run (continue-as-new, same workflow ID = caseId)
//! before its history grows past `CaseInput::run_max_events`, carrying the whole case state
//! (pending input request included) and its undelivered webhook events, in order. Queries,
//! signals and cancellation address the workflow ID, so they reach whichever run is current;
//! the memo snapshot and search attributes pass to the new run (Temporal copies them).
//!
//! A run continues only at a wait (the follow-up timer, a question for the client), never in
//! the middle of a step, and only after the webhook in flight (if any) has been delivered, so the
//! next run neither repeats a step nor, normally, a delivery. Signals that arrive while the run
//! closes are not lost: Temporal refuses to close a run with unhandled signals, and the worker
//! replays the task with them applied before carrying the state over.

use super::waits::race;
use super::{CaseWorkflow, Ctx};
use crate::case::{CarriedCase, DEFAULT_RUN_MAX_EVENTS, MIN_RUN_EVENTS};
use std::time::Duration;
use temporalio_workflow::{ContinueAsNewOptions, WorkflowTermination};

/// How long a closing run waits for a webhook in flight before carrying it over (the next run
/// then delivers it again, with the same `event_id`).
const DELIVERY_GRACE: Duration = Duration::from_secs(30);

/// A probe that says whether this run has grown long enough to continue as new; always false
/// for generation-1 cases (created before runs were bounded).
pub(super) fn run_is_long(ctx: &Ctx) -> impl Fn() -> bool + use<> {
    let bound = ctx.state(|s| {
        s.modern()
            .then(|| s.input.run_max_events.unwrap_or(DEFAULT_RUN_MAX_EVENTS))
    });
    let ctx = ctx.clone();
    move || {
        bound.is_some_and(|max| {
            let length = ctx.history_length();
            length >= max.max(MIN_RUN_EVENTS)
                || (length >= MIN_RUN_EVENTS && ctx.continue_as_new_suggested())
        })
    }
}

/// Ends this run and starts the next with the case as it stands. Returns the termination the
/// caller propagates out of the workflow (`?`).
pub(super) async fn continue_as_new(ctx: &Ctx) -> WorkflowTermination {
    // The pump starts nothing more; a delivery in flight gets a moment to finish.
    ctx.state_mut(|s| s.continuing = true);
    if ctx.state(|s| s.delivering)
        && let Err(termination) = race(
            ctx,
            DELIVERY_GRACE,
            "webhook delivery before continuing",
            |s: &CaseWorkflow| !s.delivering,
        )
        .await
    {
        return termination;
    }
    let next = ctx.state(CaseWorkflow::carry_over);
    match ctx.continue_as_new(next, ContinueAsNewOptions::default()) {
        Err(termination) => termination,
        Ok(never) => match never {},
    }
}

impl CaseWorkflow {
    /// The next run's input: this one's, with the case carried over.
    fn carry_over(&self) -> crate::case::CaseInput {
        let mut next = self.input.clone();
        next.carried = Some(Box::new(CarriedCase {
            run: self.run + 1,
            case: self.case.clone(),
            events: self.events.clone(),
            delivery: self.delivery,
            redeliveries: self.redeliveries.clone(),
        }));
        next
    }
}
