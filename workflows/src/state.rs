//! The case record the workflow keeps, and the pure lifecycle rules that change it.
//!
//! Every function here is deterministic: time comes in as an argument (workflow time in the
//! workflow, anything in tests), so the rules are unit-tested without Temporal.

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod archive;
mod input;
mod pause;
mod queue;
mod timeline;
mod transcript;
mod trust;

pub use archive::*;
pub use input::*;
pub use pause::*;
pub use queue::*;
pub use timeline::*;
pub use transcript::*;
pub use trust::*;

/// An out-of-office return date moves a follow-up by at most this much (90 days).
pub const MAX_RETURN_DEFERRAL_MS: i64 = 90 * 24 * 3600 * 1000;

/// `nextActionAt` when nothing is scheduled (9999-12-31T23:59:59.999Z).
pub const NOTHING_SCHEDULED: i64 = 253_402_300_799_999;

/// The failure reason of a case whose follow-up budget ran out.
pub const MAX_RETRIES_REASON: &str = "Maximum follow-up attempts reached.";

/// The failure reason of a case whose input request went unanswered for `inputTimeoutHours`.
pub const INPUT_TIMEOUT_REASON: &str =
    "The input request was not answered within inputTimeoutHours.";

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaseStatus {
    Created,
    Running,
    InputNeeded,
    Completed,
    Failed,
}

impl CaseStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, CaseStatus::Completed | CaseStatus::Failed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Created => "CREATED",
            CaseStatus::Running => "RUNNING",
            CaseStatus::InputNeeded => "INPUT_NEEDED",
            CaseStatus::Completed => "COMPLETED",
            CaseStatus::Failed => "FAILED",
        }
    }
}

/// Why a case ended. The spellings are the hosted service's, mixed case included.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
pub enum ResultStatus {
    #[serde(rename = "goal_achieved")]
    GoalAchieved,
    #[serde(rename = "failed_rejected")]
    FailedRejected,
    #[serde(rename = "max_retries")]
    MaxRetries,
    #[serde(rename = "send_failed")]
    SendFailed,
    #[serde(rename = "workflow_error")]
    WorkflowError,
    #[serde(rename = "BOUNCED")]
    Bounced,
    #[serde(rename = "COMPLAINED")]
    Complained,
    #[serde(rename = "REJECTED")]
    ProviderRejected,
    #[serde(rename = "cancelled")]
    Cancelled,
    #[serde(rename = "input_timeout")]
    InputTimeout,
    #[serde(rename = "UNSUBSCRIBED")]
    Unsubscribed,
}

impl ResultStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultStatus::GoalAchieved => "goal_achieved",
            ResultStatus::FailedRejected => "failed_rejected",
            ResultStatus::MaxRetries => "max_retries",
            ResultStatus::SendFailed => "send_failed",
            ResultStatus::WorkflowError => "workflow_error",
            ResultStatus::Bounced => "BOUNCED",
            ResultStatus::Complained => "COMPLAINED",
            ResultStatus::ProviderRejected => "REJECTED",
            ResultStatus::Cancelled => "cancelled",
            ResultStatus::InputTimeout => "input_timeout",
            ResultStatus::Unsubscribed => "UNSUBSCRIBED",
        }
    }
}

/// Which kind of outbound message was sent; follow-ups draw on the follow-up budget.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutboundKind {
    Outreach,
    FollowUp,
    Reply,
}

impl OutboundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboundKind::Outreach => "outreach",
            OutboundKind::FollowUp => "follow_up",
            OutboundKind::Reply => "reply",
        }
    }
}

/// What to do when the follow-up timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerDecision {
    SendFollowUp,
    GiveUp,
}

/// Everything the case has become since creation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaseState {
    pub status: CaseStatus,
    pub created_at: i64,
    pub updated_at: i64,
    pub next_action_at: i64,
    pub attempt_count: u32,
    /// Follow-ups sent since the last outreach or reply.
    pub follow_ups_in_row: u32,
    pub result_status: Option<ResultStatus>,
    pub result: Option<Value>,
    pub failure_reason: Option<String>,
    /// The active input request, or the most recent resolved one.
    pub input_request: Option<InputRequest>,
    pub human_inputs: Vec<HumanInput>,
    /// An answer has arrived that no evaluation has seen yet.
    pub answer_pending: bool,
    pub ignored_inputs: Vec<IgnoredInput>,
    pub attachments: Vec<Attachment>,
    pub transcript: Vec<TranscriptMessage>,
    /// Why the case must stop (provider event, cancellation), waiting to be acted on.
    #[serde(default)]
    pub stop: Option<Stop>,
    /// The pending question whether untrusted mail counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_review: Option<TrustReview>,
    /// The older part of the transcript, kept in the blob store.
    #[serde(default, skip_serializing_if = "Archive::is_empty")]
    pub archive: Archive,
    /// What happened, for `GET /cases/{id}/events`.
    #[serde(default, skip_serializing_if = "Timeline::is_empty")]
    pub timeline: Timeline,
    /// Set while the client has the case paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<Pause>,
    /// How long the pending input request has been paused: its timeout and reminders move on
    /// by as much.
    #[serde(default, skip_serializing_if = "is_zero_ms")]
    pub input_held_ms: i64,
    /// The follow-up as planned when the last message went out: return dates move it by at
    /// most [`MAX_RETURN_DEFERRAL_MS`] from there, however many arrive.
    #[serde(default, skip_serializing_if = "is_zero_ms")]
    pub planned_follow_up_at: i64,
    /// The earlier cases this one waits for, and the later ones waiting for it.
    #[serde(default, skip_serializing_if = "Queue::is_empty")]
    pub queue: Queue,
    /// What reading the received files gave (one per file the agent has read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<AttachmentReading>,
}

fn is_zero_ms(ms: &i64) -> bool {
    *ms == 0
}

/// A reason to end the case from outside its own flow.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Stop {
    pub result_status: ResultStatus,
    pub reason: Option<String>,
}

/// The failure reason of a case the client cancelled.
pub const CANCELLED_REASON: &str = "Cancelled by the client.";

/// The failure reason of a case whose workflow an operator cancelled in Temporal.
pub const OPERATOR_CANCELLED_REASON: &str = "Cancelled in Temporal by an operator.";

impl CaseState {
    pub fn new(created_at: i64) -> Self {
        Self {
            status: CaseStatus::Created,
            created_at,
            updated_at: created_at,
            next_action_at: NOTHING_SCHEDULED,
            attempt_count: 0,
            follow_ups_in_row: 0,
            result_status: None,
            result: None,
            failure_reason: None,
            input_request: None,
            human_inputs: Vec::new(),
            answer_pending: false,
            ignored_inputs: Vec::new(),
            attachments: Vec::new(),
            transcript: Vec::new(),
            stop: None,
            trust_review: None,
            archive: Archive::default(),
            timeline: Timeline::default(),
            paused: None,
            input_held_ms: 0,
            planned_follow_up_at: 0,
            queue: Queue::default(),
            readings: Vec::new(),
        }
    }

    /// Marks a state change. `updatedAt` never moves backwards.
    fn touch(&mut self, now: i64) {
        self.updated_at = self.updated_at.max(now);
    }

    /// Records a message that went out and re-arms the follow-up timer.
    pub fn record_outbound(
        &mut self,
        message: TranscriptMessage,
        kind: OutboundKind,
        delay_ms: i64,
        now: i64,
    ) {
        if self.status.is_terminal() {
            return;
        }
        self.timeline.record(
            now,
            TimelineEvent::EmailSent {
                message_id: message.message_id.clone(),
                kind: kind.as_str().to_string(),
                to: message.to.clone(),
                subject: message.subject.clone(),
            },
        );
        self.transcript.push(message);
        self.attempt_count += 1;
        self.follow_ups_in_row = match kind {
            OutboundKind::FollowUp => self.follow_ups_in_row + 1,
            OutboundKind::Outreach | OutboundKind::Reply => 0,
        };
        self.status = CaseStatus::Running;
        self.next_action_at = now.saturating_add(delay_ms);
        self.planned_follow_up_at = self.next_action_at;
        // Paused while the message was on its way: the follow-up waits for the resume.
        self.hold_schedule_while_paused(now);
        self.touch(now);
    }

    /// The follow-up timer fired with no reply: follow up again, or give up once `max_attempts`
    /// follow-ups in a row went unanswered.
    pub fn on_timer(&self, max_attempts: u32) -> TimerDecision {
        if self.follow_ups_in_row >= max_attempts {
            TimerDecision::GiveUp
        } else {
            TimerDecision::SendFollowUp
        }
    }

    /// Records a reply. Returns false (and changes nothing) for a terminal case or a message that
    /// is already on the case (a provider may deliver the same mail twice).
    pub fn record_reply(&mut self, reply: InboundReply, now: i64) -> bool {
        if self.status.is_terminal()
            || self
                .transcript
                .iter()
                .any(|m| m.direction == Direction::Inbound && m.message_id == reply.message_id)
            || self.archive.recent_inbound_ids.contains(&reply.message_id)
        {
            return false;
        }
        self.timeline.record(now, reply_entry(&reply));
        let attachment_ids = reply
            .attachments
            .iter()
            .map(|a| a.attachment_id.clone())
            .collect();
        self.attachments.extend(reply.attachments);
        self.transcript.push(TranscriptMessage {
            at: reply.received_at,
            from: reply.from,
            to: reply.to,
            subject: reply.subject,
            body_ref: reply.body_ref,
            attachment_ids,
            skipped_attachments: reply.skipped_attachments,
            // An automatic reply is kept but is not a reply: nothing evaluates it and the
            // follow-up schedule goes on. Untrusted mail is kept aside until the client says it
            // counts.
            evaluated: reply.automatic.is_some() || reply.untrusted.is_some(),
            automatic: reply.automatic,
            warnings: reply.warnings,
            untrusted: reply.untrusted,
            ..TranscriptMessage::new(Direction::Inbound, reply.message_id, reply.text)
        });
        self.touch(now);
        true
    }

    pub fn has_unevaluated_replies(&self) -> bool {
        self.transcript
            .iter()
            .any(|m| m.direction == Direction::Inbound && !m.evaluated)
    }

    /// An automatic reply said the counterparty is back at `back_at` (the first moment the case
    /// may write then): the next follow-up waits for it — never earlier than planned, and at
    /// most [`MAX_RETURN_DEFERRAL_MS`] later. Nothing changes while no follow-up is scheduled.
    pub fn defer_follow_up(&mut self, back_at: i64, now: i64) {
        if self.status != CaseStatus::Running {
            return;
        }
        let planned = match self.paused {
            Some(pause) => pause
                .remaining_ms
                .map(|left| pause.since.saturating_add(left)),
            None => (self.next_action_at != NOTHING_SCHEDULED).then_some(self.next_action_at),
        };
        let Some(planned) = planned else {
            return;
        };
        let first_planned = if self.planned_follow_up_at > 0 {
            self.planned_follow_up_at
        } else {
            planned
        };
        let due = back_at.min(first_planned.saturating_add(MAX_RETURN_DEFERRAL_MS));
        if due <= planned {
            return;
        }
        match self.paused.as_mut() {
            Some(pause) => pause.remaining_ms = Some(due.saturating_sub(pause.since)),
            None => self.next_action_at = due,
        }
        self.touch(now);
    }

    /// A reply stopped the follow-up timer: nothing is scheduled until the reply is answered.
    pub fn stop_follow_ups(&mut self, now: i64) {
        if self.status.is_terminal() || self.next_action_at == NOTHING_SCHEDULED {
            return;
        }
        self.next_action_at = NOTHING_SCHEDULED;
        self.touch(now);
    }

    /// Indices of the inbound messages an evaluation starting now will see as new.
    pub fn unevaluated_reply_indices(&self) -> Vec<usize> {
        self.transcript
            .iter()
            .enumerate()
            .filter(|(_, m)| m.direction == Direction::Inbound && !m.evaluated)
            .map(|(i, _)| i)
            .collect()
    }

    /// After an evaluation: the replies it saw, and the answer it was given, are used up.
    pub fn mark_evaluated(&mut self, indices: &[usize], answer_seen: bool) {
        for &i in indices {
            if let Some(m) = self.transcript.get_mut(i) {
                m.evaluated = true;
            }
        }
        if answer_seen {
            self.answer_pending = false;
        }
    }

    /// Pauses the case on a question for the client.
    pub fn request_input(&mut self, id: String, question: String, now: i64) {
        if self.status.is_terminal() {
            return;
        }
        self.status = CaseStatus::InputNeeded;
        self.next_action_at = NOTHING_SCHEDULED;
        self.input_held_ms = 0;
        self.timeline.record(
            now,
            TimelineEvent::InputRequested {
                input_request_id: id.clone(),
                question: question.clone(),
            },
        );
        self.input_request = Some(InputRequest {
            id,
            question,
            status: InputRequestStatus::Pending,
            requested_at: now,
            answer_url: None,
            reminders_sent: 0,
        });
        self.touch(now);
    }

    /// Applies the client's answer if it is for the pending request; otherwise records it as
    /// ignored. The request reads `RESOLVED` from this moment on.
    pub fn provide_input(&mut self, input: ProvidedInput, now: i64) -> Result<(), InputRejection> {
        if let Err(rejection) = check_input(
            self.status,
            self.input_request.as_ref(),
            &input.input_request_id,
        ) {
            self.timeline.record(
                now,
                TimelineEvent::InputProvided {
                    input_request_id: input.input_request_id.clone(),
                    ignored: Some(rejection.to_string()),
                },
            );
            self.ignored_inputs.push(IgnoredInput {
                input,
                reason: rejection.to_string(),
                at: now,
            });
            return Err(rejection);
        }
        let request = self
            .input_request
            .as_mut()
            .expect("check_input guarantees an active request");
        request.status = InputRequestStatus::Resolved;
        self.timeline.record(
            now,
            TimelineEvent::InputProvided {
                input_request_id: input.input_request_id.clone(),
                ignored: None,
            },
        );
        let accepts = accepts_untrusted(&input.provided_context);
        self.human_inputs.push(HumanInput {
            input_request_id: input.input_request_id.clone(),
            question: request.question.clone(),
            provided_context: input.provided_context,
            provided_at: now,
        });
        match self.trust_review.take() {
            Some(review) if review.input_request_id == input.input_request_id => {
                self.settle_trust_review(review, accepts, now);
            }
            other => {
                self.trust_review = other;
                self.answer_pending = true;
            }
        }
        self.touch(now);
        Ok(())
    }

    /// The goal was achieved.
    pub fn complete(&mut self, result: Value, now: i64) {
        if self.status.is_terminal() {
            return;
        }
        self.status = CaseStatus::Completed;
        self.result_status = Some(ResultStatus::GoalAchieved);
        self.result = Some(result);
        self.next_action_at = NOTHING_SCHEDULED;
        self.paused = None;
        self.record_finish(now);
        self.touch(now);
    }

    /// The case stopped for good.
    pub fn fail(&mut self, result_status: ResultStatus, reason: Option<String>, now: i64) {
        if self.status.is_terminal() {
            return;
        }
        self.status = CaseStatus::Failed;
        self.result_status = Some(result_status);
        self.failure_reason = reason;
        self.next_action_at = NOTHING_SCHEDULED;
        self.paused = None;
        self.record_finish(now);
        self.touch(now);
    }

    /// Message ids of the thread, oldest first, for `References`: ours and, where a provider
    /// replaced ours, the one the recipient saw.
    pub fn thread_message_ids(&self) -> Vec<String> {
        let head = self.archive.head.iter().flat_map(|h| h.message_ids.clone());
        head.chain(
            self.transcript
                .iter()
                .filter(|m| m.is_trusted())
                .flat_map(|m| {
                    std::iter::once(m.message_id.clone()).chain(m.alias_message_id.clone())
                }),
        )
        .collect()
    }

    /// The `Message-ID` the next message answers: the latest one as its recipient saw it.
    pub fn latest_message_id(&self) -> Option<String> {
        self.transcript.iter().rfind(|m| m.is_trusted()).map(|m| {
            m.alias_message_id
                .clone()
                .unwrap_or_else(|| m.message_id.clone())
        })
    }

    /// Records a reason to end the case (a provider event, a cancellation); the case routine
    /// acts on it at its next step, before sending anything more. The first one wins; a terminal
    /// case ignores it.
    pub fn request_stop(&mut self, stop: Stop, now: i64) -> bool {
        if self.status.is_terminal() || self.stop.is_some() {
            return false;
        }
        self.stop = Some(stop);
        self.touch(now);
        true
    }

    /// The subject of the first message; replies reuse it with `Re:`.
    pub fn thread_subject(&self) -> Option<&str> {
        if let Some(head) = &self.archive.head {
            return head.subject.as_deref();
        }
        self.transcript
            .iter()
            .find(|m| m.direction == Direction::Outbound)
            .map(|m| m.subject.as_str())
    }
}

/// `Re: <subject>`, without stacking prefixes.
pub fn reply_subject(subject: &str) -> String {
    let trimmed = subject.trim();
    if trimmed
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("re:"))
    {
        trimmed.to_string()
    } else {
        format!("Re: {trimmed}")
    }
}

#[cfg(test)]
mod tests;
