//! Pausing a case (`POST /cases/{id}/pause`, `/resume`): while paused it sends nothing and its
//! timers stand still; replies and answers are still recorded. Resuming re-arms the follow-up
//! with the delay that was left, and moves a pending input request's timeout and reminders on by
//! the time spent paused.

use super::{CaseState, InputRequestStatus, NOTHING_SCHEDULED, TimelineEvent};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Pause {
    /// When the case was paused (ms).
    pub since: i64,
    /// What was left of the follow-up delay, when one was scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_ms: Option<i64>,
}

impl CaseState {
    /// Pauses the case. False (nothing changes) when it is finished or already paused.
    pub fn pause(&mut self, now: i64) -> bool {
        if self.status.is_terminal() || self.paused.is_some() {
            return false;
        }
        let remaining_ms = (self.next_action_at != NOTHING_SCHEDULED)
            .then(|| self.next_action_at.saturating_sub(now).max(0));
        self.paused = Some(Pause {
            since: now,
            remaining_ms,
        });
        self.next_action_at = NOTHING_SCHEDULED;
        self.timeline.record(now, TimelineEvent::CasePaused {});
        self.updated_at = self.updated_at.max(now);
        true
    }

    /// Resumes a paused case. False (nothing changes) when it is not paused.
    pub fn resume(&mut self, now: i64) -> bool {
        if self.status.is_terminal() {
            return false;
        }
        let Some(pause) = self.paused.take() else {
            return false;
        };
        if let Some(remaining) = pause.remaining_ms
            && self.next_action_at == NOTHING_SCHEDULED
        {
            self.next_action_at = now.saturating_add(remaining);
        }
        if let Some(request) = self
            .input_request
            .as_ref()
            .filter(|r| r.status == InputRequestStatus::Pending)
        {
            // Only the part of the pause the request waited through.
            let held_since = pause.since.max(request.requested_at);
            self.input_held_ms = self
                .input_held_ms
                .saturating_add(now.saturating_sub(held_since).max(0));
        }
        self.timeline.record(now, TimelineEvent::CaseResumed {});
        self.updated_at = self.updated_at.max(now);
        true
    }

    pub fn is_paused(&self) -> bool {
        self.paused.is_some()
    }

    /// A follow-up scheduled while the case is paused (the client settled a question about
    /// untrusted mail meanwhile) waits for the resume: it becomes the remaining delay.
    pub(super) fn hold_schedule_while_paused(&mut self, now: i64) {
        if let Some(pause) = self.paused.as_mut()
            && self.next_action_at != NOTHING_SCHEDULED
        {
            pause.remaining_ms = Some(self.next_action_at.saturating_sub(now).max(0));
            self.next_action_at = NOTHING_SCHEDULED;
        }
    }
}
