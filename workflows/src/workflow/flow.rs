//! The case routine: outreach, waiting, following up, evaluating replies, asking the client —
//! and the steps it shares (sending, running the agent, failing, keeping operators informed).

use super::waits::{
    archive_old_messages, condition_before_timer, hold_while_paused, hold_within_step, race,
    wait_for, wait_for_answer,
};
use super::{CaseWorkflow, Ctx, now, wait_token};
use crate::activities::{
    AgentRequest, ComposeFollowUp, ComposeOutreach, Decision, EvaluateReply, SendEmail,
    agent_local_options, agent_options, send_local_options, send_options,
};
use crate::events::WebhookEvent;
use crate::search::{OFFLOAD_RESULT_STATUS, OFFLOAD_STATUS, describe_for_operators};
use crate::state::{
    Direction, INPUT_TIMEOUT_REASON, MAX_RETRIES_REASON, NOTHING_SCHEDULED,
    OPERATOR_CANCELLED_REASON, OpenQuestion, OutboundKind, ResultStatus, TimelineEvent,
    TimerDecision, TranscriptMessage, inline_part, text_prefix,
};
use std::time::Duration;
use temporalio_workflow::common::ActivityDefinition;
use temporalio_workflow::common::error::ActivityExecutionError;
use temporalio_workflow::workflows::select;
use temporalio_workflow::{
    ActivityOptions, CancellableFuture, MemoValue, WorkflowCancellationToken, WorkflowTermination,
};

/// Keeps what operators see (search attributes, the memo snapshot, current details) in step
/// with the state, and queues the webhook event of the new state when `announce` is set.
/// Generation 2 upserts search attributes only when the status or result changed.
pub(super) fn after_change(ctx: &Ctx, announce: bool) {
    let (status, result_status, details, unchanged) = ctx.state_mut(|s| {
        if announce && s.input.request.client_webhook_url.is_some() {
            s.events.extend(WebhookEvent::for_state(&s.input, &s.case));
        }
        let listed = (s.case.status, s.case.result_status);
        let unchanged = s.modern() && s.listed == listed;
        s.listed = listed;
        (
            s.case.status,
            s.case.result_status,
            describe_for_operators(&s.input, &s.case),
            unchanged,
        )
    });
    let status = OFFLOAD_STATUS.value_set(status.as_str().to_string());
    // Cases started before the snapshot existed replay without it (their histories lack it).
    if patched(ctx, SNAPSHOT_PATCH) {
        if !unchanged {
            let mut attributes = vec![status];
            attributes.extend(
                result_status.map(|r| OFFLOAD_RESULT_STATUS.value_set(r.as_str().to_string())),
            );
            ctx.upsert_search_attributes(attributes);
        }
        // The compact public view, for reads while no worker answers queries.
        let snapshot = ctx.state(|s| s.record(false));
        let _ = ctx.upsert_memo([(VIEW_MEMO_KEY, Some(MemoValue::new(snapshot)))]);
    } else {
        ctx.upsert_search_attributes([status]);
    }
    ctx.set_current_details(details);
}

/// `ctx.patched(id)` for generation-1 cases; generation 2 has every change of that generation
/// built in, so it records no marker for it.
pub(super) fn patched(ctx: &Ctx, id: &str) -> bool {
    #[cfg(test)]
    if super::edits::active(super::edits::Edit::PatchedBranchesRemoved) {
        return true;
    }
    ctx.state(CaseWorkflow::modern) || ctx.patched(id)
}

/// Patch id of the memo snapshot and the `OffloadResultStatus` search attribute.
pub const SNAPSHOT_PATCH: &str = "view-snapshot-v1";
/// Memo key of the snapshot of the public view ([`CaseRecord`], without transcript).
pub const VIEW_MEMO_KEY: &str = "offloadView";

pub(super) fn fail(ctx: &Ctx, result_status: ResultStatus, reason: Option<String>) {
    let now = now(ctx);
    ctx.state_mut(|s| s.case.fail(result_status, reason, now));
    after_change(ctx, true);
}

/// Fails the case after an activity failed for good — or, when the failure is the cancellation
/// an operator requested in Temporal (generation 2), as cancelled.
fn fail_after(ctx: &Ctx, result_status: ResultStatus, error: &ActivityExecutionError) {
    if operator_cancelled(ctx) {
        fail(
            ctx,
            ResultStatus::Cancelled,
            Some(OPERATOR_CANCELLED_REASON.to_string()),
        );
    } else {
        fail(ctx, result_status, Some(failure_text(error)));
    }
}

/// Whether an operator asked Temporal to cancel this (generation-2) run. Such a run ends the
/// case as cancelled, tells the client, and only then closes as cancelled.
pub(super) fn operator_cancelled(ctx: &Ctx) -> bool {
    ctx.state(CaseWorkflow::modern) && ctx.cancellation_token().is_cancelled()
}

/// A short operator-readable reason from an activity failure: the activity's own message (the
/// outer wrapper only says "Activity task failed"), never message bodies.
pub(super) fn failure_text(error: &ActivityExecutionError) -> String {
    let text = error
        .cause()
        .map(|cause| cause.failure().message.clone())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| error.to_string());
    text_prefix(&text, 500).to_string()
}

/// `options` cancelled by `cancellation` (a [`wait_token`] the caller holds).
fn cancelled_by(
    mut options: ActivityOptions,
    cancellation: &WorkflowCancellationToken,
) -> ActivityOptions {
    options.cancellation_token = Some(cancellation.clone());
    options
}

/// Sends one message; on a send that failed for good the case fails with `send_failed` and this
/// returns false.
pub(super) async fn send(ctx: &Ctx, subject: String, body: String, kind: OutboundKind) -> bool {
    // A paused case sends nothing until it resumes (or is stopped meanwhile); an operator's
    // cancellation of the run ends the wait (the case routine then ends the case).
    if hold_within_step(ctx).await.is_err() {
        return false;
    }
    // Outside the sending window the message waits for it to open.
    if wait_for_window(ctx, kind).await.is_err() {
        return false;
    }
    // A case asked to stop while its message was being written sends nothing more.
    if stopped(ctx) {
        return false;
    }
    let email = ctx.state(|s| s.outbound_email(subject, body));
    let cancellation = wait_token(ctx);
    let outcome = if ctx.state(CaseWorkflow::modern) {
        ctx.execute_local_activity(SendEmail, email.clone(), send_local_options())
            .await
    } else {
        ctx.execute_activity(
            SendEmail,
            email.clone(),
            cancelled_by(send_options(), &cancellation),
        )
        .await
    };
    match outcome {
        Ok(sent) => {
            let now = now(ctx);
            ctx.state_mut(|s| {
                let delay = s.input.follow_up_delay_ms();
                // A long body lives in the blob store; the case keeps its first part.
                let body = match &sent.body_ref {
                    Some(_) => inline_part(&email.body).to_string(),
                    None => email.body,
                };
                let message = TranscriptMessage {
                    at: now,
                    from: sent.from,
                    to: sent.to,
                    subject: email.subject,
                    alias_message_id: sent.alias_message_id,
                    provider_message_id: sent.provider_message_id,
                    delivery_uncertain: sent.delivery_uncertain,
                    body_ref: sent.body_ref,
                    ..TranscriptMessage::new(Direction::Outbound, sent.message_id, body)
                };
                s.case.record_outbound(message, kind, delay, now);
                // The follow-up falls due at the first moment the window allows.
                if s.case.next_action_at != NOTHING_SCHEDULED {
                    s.case.next_action_at = s.input.sends_at(s.case.next_action_at);
                }
            });
            after_change(ctx, false);
            true
        }
        Err(error) => {
            fail_after(ctx, ResultStatus::SendFailed, &error);
            false
        }
    }
}

/// Waits until a message of `kind` may go out under the case's sending window (at once without
/// one, or inside it): `nextActionAt` shows when; a pause holds the wait, a stop ends it.
async fn wait_for_window(ctx: &Ctx, kind: OutboundKind) -> Result<(), WorkflowTermination> {
    loop {
        let at = now(ctx);
        let opens = ctx.state(|s| {
            s.input
                .waits_for_window(kind)
                .then(|| s.input.sends_at(at))
                .filter(|opens| *opens > at)
        });
        let Some(opens) = opens else {
            return Ok(());
        };
        ctx.state_mut(|s| s.case.next_action_at = opens);
        after_change(ctx, false);
        let wait = Duration::from_millis(u64::try_from(opens - at).unwrap_or(0));
        let interrupted = race(ctx, wait, "sending window opens", |s| {
            s.case.stop.is_some() || s.case.is_paused()
        })
        .await?;
        if !interrupted || ctx.state(|s| s.case.stop.is_some()) {
            return Ok(());
        }
        hold_within_step(ctx).await?;
    }
}

/// The follow-up wait as a test's edit of the workflow changes it (see `edits`).
#[cfg(test)]
async fn edited_follow_up_wait(ctx: &Ctx, wait: Duration) -> Duration {
    use super::edits::{Edit, active};
    if active(Edit::TimerAdded) {
        ctx.timer(Duration::from_secs(1)).await;
    }
    if active(Edit::TimerLonger) {
        return wait + Duration::from_secs(60);
    }
    wait
}

/// The case routine. Returns when the case is terminal (or the workflow is cancelled, or the run
/// continues as new: then with that termination).
pub(super) async fn work_the_case(ctx: &Ctx) -> Result<(), WorkflowTermination> {
    // A continued run has sent its outreach long ago.
    if ctx.state(|s| s.case.attempt_count == 0) {
        // One case at a time per counterparty: a queued case writes once the earlier ones end.
        if !super::queue::wait_for_earlier_cases(ctx).await? {
            return Ok(());
        }
        hold_within_step(ctx).await?;
        #[cfg(test)]
        if super::edits::active(super::edits::Edit::SendBeforeCompose) {
            send(ctx, "edit".into(), "edit".into(), OutboundKind::Outreach).await;
        }
        let request = ctx.state(|s| s.agent_request(Vec::new()));
        let Some(draft) = run_agent(ctx, ComposeOutreach, request).await else {
            return Ok(());
        };
        if !send(ctx, draft.subject, draft.body, OutboundKind::Outreach).await {
            return Ok(());
        }
    }
    loop {
        // A paused case holds here (a stop ends the hold at once).
        hold_while_paused(ctx).await?;
        if stopped(ctx) {
            return Ok(());
        }
        archive_old_messages(ctx).await;
        // A continued run may pick the case up in the middle of a question for the client
        // (the first run never gets here with one open).
        match ctx.state(|s| s.case.open_question()) {
            Some(OpenQuestion::Trust) => {
                if !await_trust_answer(ctx).await? {
                    return Ok(());
                }
                continue;
            }
            Some(OpenQuestion::Input) => {
                if !await_answer(ctx).await? || !evaluate_until_settled(ctx).await? {
                    return Ok(());
                }
                continue;
            }
            None => {}
        }
        if !ctx.state(|s| s.case.has_unevaluated_replies()) {
            // Untrusted mail while the case waits on the counterparty: ask the client whether
            // it counts (cases started before this existed never had untrusted mail).
            if ctx.state(|s| !s.case.untrusted_awaiting_review().is_empty())
                && patched(ctx, TRUST_REVIEW_PATCH)
            {
                if !ask_about_untrusted_mail(ctx).await? {
                    return Ok(());
                }
                continue;
            }
            // A follow-up re-armed by a resume or a settled question falls in the window too.
            let (due, moved) = ctx.state_mut(|s| {
                let planned = s.case.next_action_at;
                let due = if planned == NOTHING_SCHEDULED {
                    planned
                } else {
                    s.input.sends_at(planned)
                };
                s.case.next_action_at = due;
                (due, due != planned)
            });
            if moved {
                after_change(ctx, false);
            }
            let wait = Duration::from_millis(u64::try_from(due - now(ctx)).unwrap_or(0));
            #[cfg(test)]
            let wait = edited_follow_up_wait(ctx, wait).await;
            let woken = condition_before_timer(ctx, wait, "follow-up due", |s| {
                s.case.has_unevaluated_replies()
                    || s.case.stop.is_some()
                    || !s.case.untrusted_awaiting_review().is_empty()
                    || s.case.is_paused()
                    || s.case.next_action_at != due
            })
            .await?;
            if stopped(ctx) {
                return Ok(());
            }
            if woken
                && ctx.state(|s| {
                    !s.case.has_unevaluated_replies()
                        && s.case.untrusted_awaiting_review().is_empty()
                })
            {
                // Paused (the loop holds, then re-arms the timer with what was left), or the
                // follow-up moved (an out-of-office return date: operators see the new time,
                // and the timer is re-armed).
                if !ctx.state(|s| s.case.is_paused()) {
                    after_change(ctx, false);
                }
                continue;
            }
            if !woken {
                if !follow_up(ctx).await {
                    return Ok(());
                }
                continue;
            }
            if !ctx.state(|s| s.case.has_unevaluated_replies()) {
                // Woken by untrusted mail: the question above handles it.
                continue;
            }
        }
        let now = now(ctx);
        ctx.state_mut(|s| s.case.stop_follow_ups(now));
        if !evaluate_until_settled(ctx).await? {
            return Ok(());
        }
    }
}

/// The follow-up timer fired with no reply: follow up, or give up once the budget is spent.
/// False when the case has ended.
pub(super) async fn follow_up(ctx: &Ctx) -> bool {
    let max_attempts = ctx.state(|s| s.input.request.max_attempts);
    match ctx.state(|s| s.case.on_timer(max_attempts)) {
        TimerDecision::GiveUp => {
            fail(
                ctx,
                ResultStatus::MaxRetries,
                Some(MAX_RETRIES_REASON.to_string()),
            );
            false
        }
        TimerDecision::SendFollowUp => {
            let request = ctx.state(|s| s.agent_request(Vec::new()));
            match run_agent(ctx, ComposeFollowUp, request).await {
                Some(draft) => send(ctx, draft.subject, draft.body, OutboundKind::FollowUp).await,
                None => false,
            }
        }
    }
}

/// Runs one agent activity. An agent that fails for good (after its retries) fails the case
/// with `workflow_error` and this returns `None`. A stop (cancellation, bounce, complaint) that
/// arrives meanwhile wins: the activity is cancelled, the case ends with the stop's result and
/// this returns `None`, so nothing the agent wrote or decided is acted on.
pub(super) async fn run_agent<A>(ctx: &Ctx, activity: A, request: AgentRequest) -> Option<A::Output>
where
    A: ActivityDefinition<Input = AgentRequest>,
{
    // Generation 2 runs a fast agent as a local activity: one marker event instead of three, and
    // no workflow task of its own.
    let outcome = if ctx.state(|s| s.modern() && s.input.local_agent) {
        stop_wins(
            ctx,
            ctx.execute_local_activity(activity, request, agent_local_options()),
        )
        .await?
    } else {
        let cancellation = wait_token(ctx);
        let call = ctx.execute_activity(
            activity,
            request,
            cancelled_by(agent_options(), &cancellation),
        );
        if ctx.patched(STOP_WINS_PATCH) {
            stop_wins(ctx, call).await?
        } else {
            call.await
        }
    };
    match outcome {
        Ok(output) => Some(output),
        Err(error) => {
            fail_after(ctx, ResultStatus::WorkflowError, &error);
            None
        }
    }
}

/// Awaits an agent call unless a stop is requested first; then the call is cancelled, the case
/// ends with the stop's result, and this returns `None`. A stop that arrives together with the
/// answer still wins.
async fn stop_wins<C, O>(ctx: &Ctx, call: C) -> Option<Result<O, ActivityExecutionError>>
where
    C: CancellableFuture<Output = Result<O, ActivityExecutionError>>,
{
    let mut call = std::pin::pin!(call);
    let answered = select! {
        outcome = call.as_mut() => Some(outcome),
        _ = ctx.wait_condition(|s: &CaseWorkflow| s.case.stop.is_some()) => None,
    };
    let Some(outcome) = answered else {
        call.as_ref().get_ref().cancel();
        stopped(ctx);
        return None;
    };
    if stopped(ctx) {
        return None;
    }
    Some(outcome)
}

/// Patch id of stops winning over running agent calls.
pub const STOP_WINS_PATCH: &str = "stop-wins-v1";

/// Evaluates the new replies (and any fresh answer from the client) until the case either waits
/// for the counterparty again (returns true) or is terminal (returns false). Questions for the
/// client pause here until the answer arrives.
pub(super) async fn evaluate_until_settled(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    loop {
        // A paused case reads nothing new until it resumes (a stop ends the hold at once).
        hold_within_step(ctx).await?;
        if stopped(ctx) {
            return Ok(false);
        }
        let (request, seen, answer_seen) = ctx.state(|s| {
            let seen = s.case.unevaluated_reply_indices();
            (s.agent_request(seen.clone()), seen, s.case.answer_pending)
        });
        let Some(evaluation) = run_agent(ctx, EvaluateReply, request).await else {
            return Ok(false);
        };
        let decided_at = now(ctx);
        ctx.state_mut(|s| {
            s.case.mark_evaluated(&seen, answer_seen);
            for reading in &evaluation.readings {
                s.case.record_reading(reading.clone(), decided_at);
            }
            s.case.timeline.record(
                decided_at,
                TimelineEvent::Decision {
                    outcome: evaluation.decision.outcome().to_string(),
                    reason: evaluation.decision.reason().to_string(),
                    evidence: evaluation.evidence.clone(),
                    model: evaluation.model.clone(),
                },
            );
        });
        match evaluation.decision {
            Decision::GoalAchieved { result, .. } => {
                let now = now(ctx);
                ctx.state_mut(|s| s.case.complete(result, now));
                after_change(ctx, true);
                return Ok(false);
            }
            Decision::Rejected { reason } => {
                fail(ctx, ResultStatus::FailedRejected, Some(reason));
                return Ok(false);
            }
            Decision::Reply { body, .. } => {
                return Ok(send(ctx, String::new(), body, OutboundKind::Reply).await);
            }
            Decision::NeedsInput { question, .. } => {
                let id = ctx.uuid4();
                let now = now(ctx);
                ctx.state_mut(|s| s.case.request_input(id, question, now));
                after_change(ctx, true);
                if !await_answer(ctx).await? {
                    return Ok(false);
                }
            }
        }
    }
}

/// Waits for the answer to the pending input request; false (the case failed with
/// `input_timeout`) when `inputTimeoutHours` passed first.
async fn await_answer(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    if wait_for_answer(ctx).await? {
        return Ok(true);
    }
    fail(
        ctx,
        ResultStatus::InputTimeout,
        Some(INPUT_TIMEOUT_REASON.to_string()),
    );
    Ok(false)
}

/// Patch id of asking the client about untrusted mail.
pub const TRUST_REVIEW_PATCH: &str = "trust-review-v1";

/// Asks the client whether untrusted mail counts and waits for the answer (or a stop, or the
/// input timeout). False when the case has ended.
pub(super) async fn ask_about_untrusted_mail(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    let id = ctx.uuid4();
    let now = now(ctx);
    ctx.state_mut(|s| s.case.request_trust_review(id, now));
    after_change(ctx, true);
    await_trust_answer(ctx).await
}

/// Waits for the client's word on untrusted mail (or a stop, or the input timeout). False when
/// the case has ended.
async fn await_trust_answer(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    let answered = |s: &CaseWorkflow| s.case.trust_review.is_none() || s.case.stop.is_some();
    if !wait_for(ctx, answered).await? {
        fail(
            ctx,
            ResultStatus::InputTimeout,
            Some(INPUT_TIMEOUT_REASON.to_string()),
        );
        return Ok(false);
    }
    if stopped(ctx) {
        return Ok(false);
    }
    after_change(ctx, false);
    Ok(true)
}

/// Ends the case when something outside its flow asked it to stop (a provider event, the
/// client's cancellation).
pub(super) fn stopped(ctx: &Ctx) -> bool {
    let Some(stop) = ctx.state(|s| s.case.stop.clone()) else {
        return false;
    };
    fail(ctx, stop.result_status, stop.reason);
    true
}
