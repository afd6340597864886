//! `CaseWorkflow`: one durable workflow per case (workflow ID = caseId).
//!
//! Two routines run side by side: the case itself (outreach → wait for a reply or the follow-up
//! timer → evaluate → reply / ask the client / finish) and a webhook pump that delivers the
//! case's events one at a time, in order, so a slow or failing receiver never holds up the case.
//!
//! - `flow`: the case routine and the steps it shares (send, agent, fail, operator view).
//! - `waits`: durable waits (follow-up timer, input timeout) against conditions.
//! - `pump`: webhook delivery.

mod continuation;
#[cfg(test)]
mod edits;
mod flow;
mod pump;
mod queue;
mod waits;

pub use flow::{SNAPSHOT_PATCH, STOP_WINS_PATCH, TRUST_REVIEW_PATCH, VIEW_MEMO_KEY};
pub(crate) use pump::attempt_record;

use crate::activities::{AgentRequest, OutboundEmail};
use crate::case::CaseInput;
use crate::events::{DeliveryProgress, WebhookEvent};
use crate::search::describe_for_operators;
use crate::state::{
    CANCELLED_REASON, CaseState, CaseStatus, DeliveryFailure, InboundReply,
    OPERATOR_CANCELLED_REASON, ProvidedInput, Queue, ResultStatus, Stop, TimelineEvent,
    TimelinePage, TimelineQuery, TranscriptMessage, reply_subject,
};
use crate::view::{CaseRecord, CaseView};
use flow::work_the_case;
use pump::deliver_events;
use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_workflow::workflows::join;
use temporalio_workflow::{
    SyncWorkflowContext, WorkflowCancellationToken, WorkflowContext, WorkflowContextView,
    WorkflowResult, WorkflowTermination,
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
/// Signal: the client paused the case (no input).
pub const PAUSE: &str = "pause";
/// Signal: the client resumed the case (no input).
pub const RESUME: &str = "resume";
/// Signal: a later case for the same counterparty waits for this one (its caseId).
pub const SUCCESSOR_QUEUED: &str = "successor_queued";
/// Signal: an earlier case this one waits for has ended (its caseId).
pub const EARLIER_CASE_ENDED: &str = "earlier_case_ended";
/// Signal: deliver a past event again ([`WebhookEvent`], as first delivered).
pub const REDELIVER_WEBHOOK: &str = "redeliver_webhook";
/// Query: the whole public view ([`CaseRecord`]); argument `includeTranscript: bool`.
pub const CASE_VIEW: &str = "case_view";
/// Query: a page of the timeline ([`CaseTimeline`]); argument [`TimelineQuery`].
pub const CASE_EVENTS: &str = "case_events";

/// What the `case_events` query answers: the owner (the API checks it) and the page.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaseTimeline {
    pub tenant: String,
    /// The case has ended and delivered its last event: its own timeline is complete (then,
    /// and only then, redeliveries may follow it).
    pub finished: bool,
    pub page: TimelinePage,
}

/// At most this many message ids go into `References` (the first and the latest ones).
const MAX_REFERENCES: usize = 20;
/// The conversation an agent activity carries: its latest messages, up to this many bytes of
/// inline text (with the case's other fields, activity inputs stay far below 512 KiB).
const AGENT_WINDOW_BYTES: usize = 192 * 1024;
/// What a message costs in an activity input beyond its inline body (headers, ids, flags).
const MESSAGE_OVERHEAD_BYTES: usize = 1024;

#[workflow]
pub struct CaseWorkflow {
    input: CaseInput,
    case: CaseState,
    /// Events waiting for the webhook pump, oldest first.
    events: VecDeque<WebhookEvent>,
    /// The case routine has ended; the pump drains what is left and stops.
    finished: bool,
    /// Which run of the case this is (1 until it first continues as new).
    run: u32,
    /// A webhook delivery is in flight.
    delivering: bool,
    /// The run is about to continue as new: the pump starts no more deliveries.
    continuing: bool,
    /// Archiving failed for good in this run: the run stops trying.
    archiving_failed: bool,
    /// The status and result the search attributes show (generation 2 upserts only changes).
    listed: (CaseStatus, Option<ResultStatus>),
    /// Where the delivery of the first queued event stands.
    delivery: Option<DeliveryProgress>,
    /// Ids of queued events the client asked to have delivered again.
    redeliveries: Vec<String>,
    /// Archiving the timeline failed for good in this run: the run stops trying.
    timeline_stays_whole: bool,
}

/// A token for one timer or activity of the case: a child of the run's own, so an operator's
/// cancellation reaches it as before (at the same moment, in the same order). The caller holds
/// it until the wait ends: the run's token links to it only weakly, and the timer or activity
/// not at all.
///
/// Why not the run's token itself: the SDK (temporalio-workflow 1.1.1) removes a timer's or an
/// activity's cancellation callback from its token only when the future completes. A run
/// evicted from the worker's cache while it waits drops its timer pending, and the callback —
/// which holds the workflow context — stays in the run's token, which the context holds: a
/// cycle, so every evicted run stayed in memory (~13 KB each; 10,000 open cases, 280 MiB). The
/// child token is dropped with the wait, and the callback with it; the run's token keeps a weak
/// link to it (a few bytes per wait, freed with the run).
fn wait_token(ctx: &Ctx) -> WorkflowCancellationToken {
    ctx.cancellation_token().child_token()
}

/// The handle type clients use for this workflow.
pub type CaseRun = <CaseWorkflow as temporalio_workflow::common::HasWorkflowDefinition>::Run;

#[workflow_methods]
impl CaseWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, mut input: CaseInput) -> Self {
        // A continued run starts where the previous one stopped.
        let (run, case, events, delivery, redeliveries) = match input.carried.take() {
            Some(carried) => {
                let carried = *carried;
                (
                    carried.run,
                    carried.case,
                    carried.events,
                    carried.delivery,
                    carried.redeliveries,
                )
            }
            None => (
                1,
                CaseState {
                    queue: Queue::behind(input.queued_behind.clone()),
                    ..CaseState::new(input.created_at)
                },
                VecDeque::new(),
                None,
                Vec::new(),
            ),
        };
        // The API lists a new case as CREATED; a continued run inherits its search attributes.
        let listed = (case.status, case.result_status);
        Self {
            input,
            case,
            events,
            finished: false,
            run,
            delivering: false,
            continuing: false,
            archiving_failed: false,
            listed,
            delivery,
            redeliveries,
            timeline_stays_whole: false,
        }
    }

    #[run(name = "CaseWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<CaseRecord> {
        if ctx.state(|s| s.run > 1) {
            // Memo and search attributes came over with the run; the details did not.
            let details = ctx.state(|s| describe_for_operators(&s.input, &s.case));
            ctx.set_current_details(details);
        }
        let case_ctx = ctx.clone();
        let pump_ctx = ctx.clone();
        let case_routine = async move {
            let mut outcome = work_the_case(&case_ctx).await;
            let winding_up = !matches!(
                outcome,
                Err(WorkflowTermination::Evicted | WorkflowTermination::ContinueAsNew(_))
            );
            if winding_up && flow::operator_cancelled(&case_ctx) {
                // An operator cancelled the run in Temporal: the case ends as cancelled (unless it
                // already ended) and the client hears of it — the pump still delivers — before
                // the run closes cancelled.
                if !case_ctx.state(|s| s.case.status.is_terminal()) {
                    flow::fail(
                        &case_ctx,
                        ResultStatus::Cancelled,
                        Some(OPERATOR_CANCELLED_REASON.to_string()),
                    );
                }
                outcome = Err(WorkflowTermination::cancelled());
            }
            if winding_up && case_ctx.state(|s| s.case.status.is_terminal()) {
                queue::tell_later_cases(&case_ctx).await;
            }
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
        // An automatic reply that says when its sender is back moves the next follow-up to the
        // first moment the case may write then (cases before return dates never carry one).
        let back_at = reply
            .return_date
            .as_deref()
            .filter(|_| reply.automatic.is_some())
            .and_then(|date| self.input.first_send_on(date));
        // A reply to a finished case, or one delivered twice, changes nothing.
        if self.case.record_reply(reply, now)
            && let Some(back_at) = back_at
        {
            self.case.defer_follow_up(back_at, now);
        }
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

    #[signal(name = "pause")]
    pub fn pause(&mut self, ctx: &mut SyncWorkflowContext<Self>) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        // The case routine notices at its next wait or step (a finished case ignores it).
        self.case.pause(now);
    }

    #[signal(name = "resume")]
    pub fn resume(&mut self, ctx: &mut SyncWorkflowContext<Self>) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        self.case.resume(now);
    }

    #[signal(name = "successor_queued")]
    pub fn successor_queued(&mut self, _ctx: &mut SyncWorkflowContext<Self>, case_id: String) {
        // A case that has ended tells nobody: the later case sees the end when it looks.
        if !self.case.status.is_terminal() && case_id != self.input.case_id {
            self.case.queue.add_successor(case_id);
        }
    }

    #[signal(name = "earlier_case_ended")]
    pub fn earlier_case_ended(&mut self, _ctx: &mut SyncWorkflowContext<Self>, case_id: String) {
        self.case.queue.earlier_case_ended(&case_id);
    }

    #[signal(name = "redeliver_webhook")]
    pub fn redeliver_webhook(&mut self, ctx: &mut SyncWorkflowContext<Self>, event: WebhookEvent) {
        let now = now_ms(ctx.workflow_time(), self.case.updated_at);
        // Only this case's own events, and each at most once in the queue.
        if self.input.request.client_webhook_url.is_none()
            || event.data.case_id != self.input.case_id
            || self.events.iter().any(|e| e.event_id == event.event_id)
        {
            return;
        }
        self.case.timeline.record(
            now,
            TimelineEvent::WebhookRedeliveryRequested {
                event_id: event.event_id.clone(),
            },
        );
        self.redeliveries.push(event.event_id.clone());
        self.events.push_back(event);
    }

    #[query(name = "case_events")]
    pub fn case_events(&self, _ctx: &WorkflowContextView, query: TimelineQuery) -> CaseTimeline {
        CaseTimeline {
            tenant: self.input.tenant.clone(),
            finished: self.case.status.is_terminal() && self.events.is_empty() && !self.delivering,
            page: self.case.timeline.page(
                query.from,
                usize::try_from(query.limit).unwrap_or(usize::MAX),
            ),
        }
    }

    #[query(name = "case_view")]
    pub fn case_view(&self, _ctx: &WorkflowContextView, include_transcript: bool) -> CaseRecord {
        self.record(include_transcript)
    }
}

impl CaseWorkflow {
    /// Whether the case was created by generation 2 or later (see `CaseInput::generation`).
    fn modern(&self) -> bool {
        self.input.generation >= 2
    }

    /// Whether this case bounds its transcript. Generation-1 cases do not, so their recorded
    /// histories replay unchanged.
    fn keeps_itself_small(&self) -> bool {
        self.modern() && !self.archiving_failed
    }

    /// The transcript or the timeline has outgrown what the case keeps: archive at the next
    /// wait.
    fn needs_archiving(&self) -> bool {
        self.keeps_itself_small()
            && (self.case.transcript_is_bulky() || self.timeline_needs_archiving())
    }

    fn timeline_needs_archiving(&self) -> bool {
        self.keeps_itself_small()
            && self.input.generation >= 3
            && !self.timeline_stays_whole
            && !self.case.timeline.to_archive().is_empty()
    }

    /// The public view for the query. With the transcript: rendered here when the case keeps
    /// all of it, else as messages plus archived segment keys, which the API renders with the
    /// bodies from the blob store (a query cannot read blobs; rendering here too would double
    /// the answer).
    fn record(&self, include_transcript: bool) -> CaseRecord {
        let elsewhere = !self.case.archive.is_empty()
            || self.case.transcript.iter().any(|m| m.body_ref.is_some());
        let api_renders = include_transcript && elsewhere;
        let view = CaseView::build(&self.input, &self.case, include_transcript && !elsewhere);
        CaseRecord {
            tenant: self.input.tenant.clone(),
            view,
            transcript: api_renders.then(|| self.case.transcript.clone()),
            archived: if api_renders {
                self.case
                    .archive
                    .segments
                    .iter()
                    .map(|s| s.key.clone())
                    .collect()
            } else {
                Vec::new()
            },
            readings: if api_renders {
                self.case.readings.clone()
            } else {
                Vec::new()
            },
            request_hash: self.input.request_hash.clone(),
        }
    }

    /// What the agent sees: the goal, the persona, and the latest part of the conversation that
    /// fits [`AGENT_WINDOW_BYTES`] (long bodies by reference: the worker loads them), without
    /// untrusted mail the client has not accepted (so a stranger's words never reach the model),
    /// and the files of those messages.
    fn agent_request(&self, new_reply_indices: Vec<usize>) -> AgentRequest {
        let request = &self.input.request;
        let mut window: Vec<(usize, &TranscriptMessage)> = Vec::new();
        let mut bytes = 0;
        for (i, message) in self.case.transcript.iter().enumerate().rev() {
            if !message.is_trusted() {
                continue;
            }
            bytes += message.body.len() + MESSAGE_OVERHEAD_BYTES;
            if bytes > AGENT_WINDOW_BYTES && !window.is_empty() {
                break;
            }
            window.push((i, message));
        }
        window.reverse();
        let new_indices = window
            .iter()
            .enumerate()
            .filter(|(_, (i, _))| new_reply_indices.contains(i))
            .map(|(position, _)| position)
            .collect();
        let attachments = self
            .case
            .attachments
            .iter()
            .filter(|a| window.iter().any(|(_, m)| m.message_id == a.message_id))
            .cloned()
            .collect();
        AgentRequest {
            case_id: self.input.case_id.clone(),
            goal: request.goal.clone(),
            counterparty: request.counterparty.clone(),
            sender_persona: request.sender_persona.clone(),
            constraints: request.constraints.clone().unwrap_or_default(),
            result_schema: request.result_schema.clone(),
            transcript: window.into_iter().map(|(_, m)| m.clone()).collect(),
            attachments,
            new_reply_indices: new_indices,
            human_inputs: self.case.human_inputs.clone(),
            answer_pending: self.case.answer_pending,
            follow_up_number: self.case.follow_ups_in_row + 1,
            archived: self
                .case
                .archive
                .segments
                .iter()
                .map(|s| s.key.clone())
                .collect(),
            attachment_texts: Vec::new(),
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
