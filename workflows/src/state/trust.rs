//! Untrusted mail and the client's word on it: which messages wait for a question, the question
//! itself, and what a yes or anything else does.

use super::{CaseState, CaseStatus, Direction, NOTHING_SCHEDULED, UntrustedReview};
use serde::{Deserialize, Serialize};

/// An input request asking the client whether untrusted mail counts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrustReview {
    pub input_request_id: String,
    /// Transcript positions of the messages asked about.
    pub messages: Vec<usize>,
    /// When the next follow-up was due before the question paused the case.
    pub resume_at: i64,
}

/// A question to the client the case is paused on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenQuestion {
    /// Whether untrusted mail counts ([`CaseState::trust_review`]).
    Trust,
    /// The agent's question; pending, or answered and not yet acted on.
    Input,
}

impl CaseState {
    /// The question the case is paused on, if any.
    pub fn open_question(&self) -> Option<OpenQuestion> {
        if self.status != CaseStatus::InputNeeded {
            return None;
        }
        if self.trust_review.is_some() {
            return Some(OpenQuestion::Trust);
        }
        self.input_request.as_ref().map(|_| OpenQuestion::Input)
    }

    /// Inbound untrusted messages nobody has asked the client about yet (automatic replies are
    /// never asked about: they would not be read anyway).
    pub fn untrusted_awaiting_review(&self) -> Vec<usize> {
        self.transcript
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.direction == Direction::Inbound
                    && m.untrusted.is_some()
                    && m.review.is_none()
                    && m.automatic.is_none()
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Pauses the case on the question whether the untrusted messages count.
    pub fn request_trust_review(&mut self, id: String, now: i64) {
        let messages = self.untrusted_awaiting_review();
        if self.status.is_terminal() || messages.is_empty() {
            return;
        }
        let senders: Vec<String> = messages
            .iter()
            .map(|&i| {
                let m = &self.transcript[i];
                format!(
                    "{} ({})",
                    m.from,
                    m.untrusted.as_deref().unwrap_or("untrusted")
                )
            })
            .collect();
        let question = format!(
            "Mail came for this case that cannot be taken as the counterparty's and was not read: \
             {}. Should it count as their reply? Answer \"yes\" to have it read and acted on; \
             any other answer leaves it aside and the case goes on.",
            senders.join("; ")
        );
        for &i in &messages {
            self.transcript[i].review = Some(UntrustedReview::Asked);
        }
        // Paused meanwhile: the schedule the pause holds is the one to resume.
        let resume_at = match self.paused.as_mut() {
            Some(pause) => pause
                .remaining_ms
                .take()
                .map_or(NOTHING_SCHEDULED, |left| pause.since.saturating_add(left)),
            None => self.next_action_at,
        };
        self.request_input(id.clone(), question, now);
        self.trust_review = Some(TrustReview {
            input_request_id: id,
            messages,
            resume_at,
        });
    }

    /// The client answered a trust review: accepted messages are read like replies; otherwise
    /// they stay aside and the follow-up schedule resumes where it was.
    pub(super) fn settle_trust_review(&mut self, review: TrustReview, accepts: bool, now: i64) {
        for &i in &review.messages {
            if let Some(m) = self.transcript.get_mut(i) {
                m.review = Some(if accepts {
                    UntrustedReview::Accepted
                } else {
                    UntrustedReview::Ignored
                });
                m.evaluated = !accepts;
            }
        }
        self.status = CaseStatus::Running;
        self.next_action_at = if accepts || self.has_unevaluated_replies() {
            NOTHING_SCHEDULED
        } else {
            review.resume_at.max(now)
        };
        self.hold_schedule_while_paused(now);
    }
}

/// Whether the client's answer to a trust review says the mail counts: a plain yes (in a few
/// languages), nothing more elaborate, so an unclear answer never lets a stranger in.
pub fn accepts_untrusted(answer: &str) -> bool {
    let first = answer
        .trim()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '!' || c == ';')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    matches!(
        first.as_str(),
        "yes"
            | "y"
            | "ja"
            | "oui"
            | "si"
            | "sí"
            | "sim"
            | "ok"
            | "okay"
            | "accept"
            | "accepted"
            | "approve"
            | "approved"
            | "confirm"
            | "confirmed"
            | "count"
            | "true"
    )
}
