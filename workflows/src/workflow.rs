//! `CaseWorkflow`: one durable workflow per case (workflow ID = caseId).
//!
//! Two routines run side by side: the case itself (outreach → wait for a reply or the follow-up
//! timer → evaluate → reply / ask the client / finish) and a webhook pump that delivers the
//! case's events one at a time, in order, so a slow or failing receiver never holds up the case.

use crate::activities::{
    AgentRequest, ComposeFollowUp, ComposeOutreach, Decision, DeliverWebhook, EvaluateReply,
    OutboundEmail, SendEmail, WebhookDelivery, agent_options, send_options, webhook_options,
};
use crate::case::{CaseInput, hours_to_ms};
use crate::events::WebhookEvent;
use crate::search::{OFFLOAD_RESULT_STATUS, OFFLOAD_STATUS, describe_for_operators};
use crate::state::{
    CANCELLED_REASON, CaseState, DeliveryFailure, Direction, INPUT_TIMEOUT_REASON, InboundReply,
    MAX_RETRIES_REASON, OutboundKind, ProvidedInput, ResultStatus, Stop, TimerDecision,
    TranscriptMessage, reply_subject,
};
use crate::view::{CaseRecord, CaseView};
use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_workflow::common::ActivityDefinition;
use temporalio_workflow::common::error::ActivityExecutionError;
use temporalio_workflow::workflows::{join, select};
use temporalio_workflow::{
    CancellableFuture, MemoValue, SyncWorkflowContext, TimerOptions, TimerResult, WorkflowContext,
    WorkflowContextView, WorkflowResult, WorkflowTermination,
};

/// Workflow type name, as operators see it.
pub const WORKFLOW_TYPE: &str = "CaseWorkflow";
/// Signal: a reply from the counterparty ([`InboundReply`]).
pub const REPLY_RECEIVED: &str = "reply_received";
/// Signal: the client's answer ([`ProvidedInput`]).
pub const INPUT_PROVIDED: &str = "input_provided";
/// Signal: the mail provider could not deliver ([`DeliveryFailure`]).
pub const DELIVERY_FAILED: &str = "delivery_failed";
/// Signal: the client cancelled the case (no input).
pub const CANCEL: &str = "cancel";
/// Query: the whole public view ([`CaseRecord`]); argument `includeTranscript: bool`.
pub const CASE_VIEW: &str = "case_view";

/// At most this many message ids go into `References` (the first and the latest ones).
const MAX_REFERENCES: usize = 20;

#[workflow]
pub struct CaseWorkflow {
    input: CaseInput,
    case: CaseState,
    /// Events waiting for the webhook pump, oldest first.
    events: VecDeque<WebhookEvent>,
    /// The case routine has ended; the pump drains what is left and stops.
    finished: bool,
}

/// The handle type clients use for this workflow.
pub type CaseRun = <CaseWorkflow as temporalio_workflow::common::HasWorkflowDefinition>::Run;

#[workflow_methods]
impl CaseWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, input: CaseInput) -> Self {
        let case = CaseState::new(input.created_at);
        Self {
            input,
            case,
            events: VecDeque::new(),
            finished: false,
        }
    }

    #[run(name = "CaseWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<CaseRecord> {
        let case_ctx = ctx.clone();
        let pump_ctx = ctx.clone();
        let case_routine = async move {
            let outcome = work_the_case(&case_ctx).await;
            case_ctx.state_mut(|s| s.finished = true);
            outcome
        };
        let (outcome, ()) = join!(case_routine, deliver_events(&pump_ctx));
        outcome?;
        Ok(ctx.state(|s| s.record(false)))
    }

    #[signal(name = "reply_received")]
    pub fn reply_received(&mut self, ctx: &mut SyncWorkflowContext<Self>, reply: InboundReply) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        // A reply to a finished case, or one delivered twice, changes nothing.
        self.case.record_reply(reply, now);
    }

    #[signal(name = "input_provided")]
    pub fn input_provided(&mut self, ctx: &mut SyncWorkflowContext<Self>, input: ProvidedInput) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        // A stale or duplicate answer is kept on the case as ignored, never applied.
        let _ = self.case.provide_input(input, now);
    }

    #[signal(name = "delivery_failed")]
    pub fn delivery_failed(
        &mut self,
        ctx: &mut SyncWorkflowContext<Self>,
        failure: DeliveryFailure,
    ) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        // The case routine ends the case at its next step; a finished case ignores it.
        self.case.request_stop(
            Stop {
                result_status: failure.kind.result_status(),
                reason: Some(failure.detail),
            },
            now,
        );
    }

    #[signal(name = "cancel")]
    pub fn cancel(&mut self, ctx: &mut SyncWorkflowContext<Self>) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        self.case.request_stop(
            Stop {
                result_status: ResultStatus::Cancelled,
                reason: Some(CANCELLED_REASON.to_string()),
            },
            now,
        );
    }

    #[query(name = "case_view")]
    pub fn case_view(&self, _ctx: &WorkflowContextView, include_transcript: bool) -> CaseRecord {
        self.record(include_transcript)
    }
}

impl CaseWorkflow {
    fn record(&self, include_transcript: bool) -> CaseRecord {
        let bodies_elsewhere = self.case.transcript.iter().any(|m| m.body_ref.is_some());
        CaseRecord {
            tenant: self.input.tenant.clone(),
            view: CaseView::build(&self.input, &self.case, include_transcript),
            transcript: (include_transcript && bodies_elsewhere)
                .then(|| self.case.transcript.clone()),
            request_hash: self.input.request_hash.clone(),
        }
    }

    /// What the agent sees: the goal, the persona, and the conversation without untrusted mail
    /// the client has not accepted (so a stranger's words never reach the model).
    fn agent_request(&self, new_reply_indices: Vec<usize>) -> AgentRequest {
        let request = &self.input.request;
        let mut transcript = Vec::with_capacity(self.case.transcript.len());
        let mut new_indices = Vec::with_capacity(new_reply_indices.len());
        let mut hidden_files: Vec<&String> = Vec::new();
        for (i, message) in self.case.transcript.iter().enumerate() {
            if !message.is_trusted() {
                hidden_files.extend(&message.attachment_ids);
                continue;
            }
            if new_reply_indices.contains(&i) {
                new_indices.push(transcript.len());
            }
            transcript.push(message.clone());
        }
        let attachments = self
            .case
            .attachments
            .iter()
            .filter(|a| !hidden_files.contains(&&a.attachment_id))
            .cloned()
            .collect();
        AgentRequest {
            case_id: self.input.case_id.clone(),
            goal: request.goal.clone(),
            counterparty: request.counterparty.clone(),
            sender_persona: request.sender_persona.clone(),
            constraints: request.constraints.clone().unwrap_or_default(),
            result_schema: request.result_schema.clone(),
            transcript,
            attachments,
            new_reply_indices: new_indices,
            human_inputs: self.case.human_inputs.clone(),
            answer_pending: self.case.answer_pending,
            follow_up_number: self.case.follow_ups_in_row + 1,
        }
    }

    /// The next message of the thread: `Re:` subject, `In-Reply-To` the latest message,
    /// `References` the thread.
    fn outbound_email(&self, subject: String, body: String) -> OutboundEmail {
        let request = &self.input.request;
        let mut references = self.case.thread_message_ids();
        if references.len() > MAX_REFERENCES {
            let tail = references.split_off(references.len() - (MAX_REFERENCES - 1));
            references.truncate(1);
            references.extend(tail);
        }
        let subject = match self.case.thread_subject() {
            Some(first) => reply_subject(first),
            None => subject,
        };
        OutboundEmail {
            case_id: self.input.case_id.clone(),
            message_number: self.case.attempt_count + 1,
            to_name: request.counterparty.name.clone(),
            to_address: request.counterparty.address.clone(),
            sender_name: request.sender_persona.name.clone(),
            subject,
            body,
            in_reply_to: self.case.latest_message_id(),
            references,
        }
    }
}

type Ctx = WorkflowContext<CaseWorkflow>;

fn now_ms(time: Option<SystemTime>, fallback: i64) -> i64 {
    time.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or(fallback)
}

fn now(ctx: &Ctx) -> i64 {
    let fallback = ctx.state(|s| s.case.updated_at);
    now_ms(ctx.workflow_time(), fallback)
}

/// Keeps what operators see (search attribute, current details) in step with the state, and
/// queues the webhook event of the new state when `announce` is set.
fn after_change(ctx: &Ctx, announce: bool) {
    let (status, result_status, details) = ctx.state_mut(|s| {
        if announce && s.input.request.client_webhook_url.is_some() {
            s.events.extend(WebhookEvent::for_state(&s.input, &s.case));
        }
        (
            s.case.status,
            s.case.result_status,
            describe_for_operators(&s.input, &s.case),
        )
    });
    let status = OFFLOAD_STATUS.value_set(status.as_str().to_string());
    // Cases started before the snapshot existed replay without it (their histories lack it).
    if ctx.patched(SNAPSHOT_PATCH) {
        let mut attributes = vec![status];
        attributes
            .extend(result_status.map(|r| OFFLOAD_RESULT_STATUS.value_set(r.as_str().to_string())));
        ctx.upsert_search_attributes(attributes);
        // The compact public view, for reads while no worker answers queries.
        let snapshot = ctx.state(|s| s.record(false));
        let _ = ctx.upsert_memo([(VIEW_MEMO_KEY, Some(MemoValue::new(snapshot)))]);
    } else {
        ctx.upsert_search_attributes([status]);
    }
    ctx.set_current_details(details);
}

/// Patch id of the memo snapshot and the `OffloadResultStatus` search attribute.
pub const SNAPSHOT_PATCH: &str = "view-snapshot-v1";
/// Memo key of the snapshot of the public view ([`CaseRecord`], without transcript).
pub const VIEW_MEMO_KEY: &str = "offloadView";

fn fail(ctx: &Ctx, result_status: ResultStatus, reason: Option<String>) {
    let now = now(ctx);
    ctx.state_mut(|s| s.case.fail(result_status, reason, now));
    after_change(ctx, true);
}

/// A short operator-readable reason from an activity failure: the activity's own message (the
/// outer wrapper only says "Activity task failed"), never message bodies.
fn failure_text(error: &ActivityExecutionError) -> String {
    let mut text = error
        .cause()
        .map(|cause| cause.failure().message.clone())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| error.to_string());
    if text.len() > 500 {
        let mut cut = 500;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// Sends one message; on a send that failed for good the case fails with `send_failed` and this
/// returns false.
async fn send(ctx: &Ctx, subject: String, body: String, kind: OutboundKind) -> bool {
    // A case asked to stop while its message was being written sends nothing more.
    if stopped(ctx) {
        return false;
    }
    let email = ctx.state(|s| s.outbound_email(subject, body));
    match ctx
        .execute_activity(SendEmail, email.clone(), send_options())
        .await
    {
        Ok(sent) => {
            let now = now(ctx);
            ctx.state_mut(|s| {
                let delay = s.input.follow_up_delay_ms();
                let message = TranscriptMessage {
                    at: now,
                    from: sent.from,
                    to: sent.to,
                    subject: email.subject,
                    alias_message_id: sent.alias_message_id,
                    provider_message_id: sent.provider_message_id,
                    delivery_uncertain: sent.delivery_uncertain,
                    ..TranscriptMessage::new(Direction::Outbound, sent.message_id, email.body)
                };
                s.case.record_outbound(message, kind, delay, now);
            });
            after_change(ctx, false);
            true
        }
        Err(error) => {
            fail(ctx, ResultStatus::SendFailed, Some(failure_text(&error)));
            false
        }
    }
}

/// The case routine. Returns when the case is terminal (or the workflow is cancelled).
async fn work_the_case(ctx: &Ctx) -> Result<(), WorkflowTermination> {
    let request = ctx.state(|s| s.agent_request(Vec::new()));
    let Some(draft) = run_agent(ctx, ComposeOutreach, request).await else {
        return Ok(());
    };
    if !send(ctx, draft.subject, draft.body, OutboundKind::Outreach).await {
        return Ok(());
    }
    loop {
        if stopped(ctx) {
            return Ok(());
        }
        if !ctx.state(|s| s.case.has_unevaluated_replies()) {
            // Untrusted mail while the case waits on the counterparty: ask the client whether
            // it counts (cases started before this existed never had untrusted mail).
            if ctx.state(|s| !s.case.untrusted_awaiting_review().is_empty())
                && ctx.patched(TRUST_REVIEW_PATCH)
            {
                if !ask_about_untrusted_mail(ctx).await? {
                    return Ok(());
                }
                continue;
            }
            let due = ctx.state(|s| s.case.next_action_at);
            let wait = Duration::from_millis(u64::try_from(due - now(ctx)).unwrap_or(0));
            let woken = condition_before_timer(ctx, wait, "follow-up due", |s| {
                s.case.has_unevaluated_replies()
                    || s.case.stop.is_some()
                    || !s.case.untrusted_awaiting_review().is_empty()
            })
            .await?;
            if stopped(ctx) {
                return Ok(());
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

/// Races a durable timer against a condition on the state; true when the condition held first
/// (it wins a tie). The losing timer is cancelled explicitly: a dropped timer still fires later.
async fn condition_before_timer(
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

/// The follow-up timer fired with no reply: follow up, or give up once the budget is spent.
/// False when the case has ended.
async fn follow_up(ctx: &Ctx) -> bool {
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
async fn run_agent<A>(ctx: &Ctx, activity: A, request: AgentRequest) -> Option<A::Output>
where
    A: ActivityDefinition<Input = AgentRequest>,
{
    let call = ctx.execute_activity(activity, request, agent_options());
    let outcome = if ctx.patched(STOP_WINS_PATCH) {
        let mut call = std::pin::pin!(call);
        // `None`: a stop was requested before the agent answered.
        let answered = select! {
            outcome = call.as_mut() => Some(outcome),
            _ = ctx.wait_condition(|s: &CaseWorkflow| s.case.stop.is_some()) => None,
        };
        let Some(outcome) = answered else {
            call.as_ref().get_ref().cancel();
            stopped(ctx);
            return None;
        };
        // A stop that arrived together with the answer still wins.
        if stopped(ctx) {
            return None;
        }
        outcome
    } else {
        call.await
    };
    match outcome {
        Ok(output) => Some(output),
        Err(error) => {
            fail(ctx, ResultStatus::WorkflowError, Some(failure_text(&error)));
            None
        }
    }
}

/// Patch id of stops winning over running agent calls.
pub const STOP_WINS_PATCH: &str = "stop-wins-v1";

/// Evaluates the new replies (and any fresh answer from the client) until the case either waits
/// for the counterparty again (returns true) or is terminal (returns false). Questions for the
/// client pause here until the answer arrives.
async fn evaluate_until_settled(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    loop {
        if stopped(ctx) {
            return Ok(false);
        }
        let (request, seen, answer_seen) = ctx.state(|s| {
            let seen = s.case.unevaluated_reply_indices();
            (s.agent_request(seen.clone()), seen, s.case.answer_pending)
        });
        let Some(decision) = run_agent(ctx, EvaluateReply, request).await else {
            return Ok(false);
        };
        ctx.state_mut(|s| s.case.mark_evaluated(&seen, answer_seen));
        match decision {
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
                if !wait_for_answer(ctx).await? {
                    fail(
                        ctx,
                        ResultStatus::InputTimeout,
                        Some(INPUT_TIMEOUT_REASON.to_string()),
                    );
                    return Ok(false);
                }
            }
        }
    }
}

/// Patch id of asking the client about untrusted mail.
pub const TRUST_REVIEW_PATCH: &str = "trust-review-v1";

/// Asks the client whether untrusted mail counts and waits for the answer (or a stop, or the
/// input timeout). False when the case has ended.
async fn ask_about_untrusted_mail(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    let id = ctx.uuid4();
    let now = now(ctx);
    ctx.state_mut(|s| s.case.request_trust_review(id, now));
    after_change(ctx, true);
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
fn stopped(ctx: &Ctx) -> bool {
    let Some(stop) = ctx.state(|s| s.case.stop.clone()) else {
        return false;
    };
    fail(ctx, stop.result_status, stop.reason);
    true
}

/// Waits for the client's answer (or a provider event that ends the case); false when
/// `inputTimeoutHours` passed first.
async fn wait_for_answer(ctx: &Ctx) -> Result<bool, WorkflowTermination> {
    wait_for(ctx, |s: &CaseWorkflow| {
        s.case.answer_pending || s.case.stop.is_some()
    })
    .await
}

/// Waits while an input request is pending until `answered` holds; false when
/// `inputTimeoutHours` passed first.
async fn wait_for(
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

/// The webhook pump: delivers queued events one at a time, in order, until the case routine has
/// finished and nothing is left. A delivery that fails for good is recorded in history (the
/// failed activity) and the pump moves on.
async fn deliver_events(ctx: &Ctx) {
    loop {
        if ctx
            .wait_condition(|s: &CaseWorkflow| !s.events.is_empty() || s.finished)
            .await
            .is_err()
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
        let _ = ctx
            .execute_activity(DeliverWebhook, delivery, webhook_options())
            .await;
        ctx.state_mut(|s| s.events.pop_front());
    }
}
