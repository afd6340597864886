//! A bounded transcript: the case keeps its latest messages and moves older, settled ones to the
//! blob store in segments (an activity writes them), so the state a run carries, the query's
//! answer and every activity input stay small however long the thread grows.

use super::{CaseState, Direction, TranscriptMessage, UntrustedReview};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The case keeps at most about this many messages itself; beyond it, settled ones are archived.
pub const LIVE_MESSAGES: usize = 64;
/// Messages per archived segment.
pub const ARCHIVE_CHUNK: usize = 32;
/// Message ids of archived inbound mail remembered to recognise a late duplicate delivery.
const REMEMBERED_ARCHIVED_IDS: usize = 256;

/// Older messages of the conversation, kept in the blob store as a JSON array of
/// [`TranscriptMessage`]s.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedSegment {
    /// Blob key (`<caseId>/transcript-<n>`).
    pub key: String,
    pub messages: u32,
}

/// What the thread's headers need from messages that may have been archived: the subject and
/// the `Message-ID`s of its first message.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadHead {
    pub subject: Option<String>,
    pub message_ids: Vec<String>,
}

/// The archived part of a transcript.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Archive {
    /// Oldest first.
    pub segments: Vec<ArchivedSegment>,
    /// Set with the first segment.
    pub head: Option<ThreadHead>,
    /// The latest archived inbound `Message-ID`s (a provider may deliver a mail twice).
    pub recent_inbound_ids: VecDeque<String>,
}

impl Archive {
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// How many messages the segments hold.
    pub fn message_count(&self) -> usize {
        self.segments.iter().map(|s| s.messages as usize).sum()
    }
}

impl TranscriptMessage {
    /// Nothing will read or ask about it again: sent, evaluated, or decided on by the client.
    fn settled(&self) -> bool {
        match self.direction {
            Direction::Outbound => true,
            Direction::Inbound => {
                self.evaluated
                    && self.review != Some(UntrustedReview::Asked)
                    && (self.untrusted.is_none()
                        || self.review.is_some()
                        || self.automatic.is_some())
            }
        }
    }
}

impl CaseState {
    /// The oldest messages to archive now: a settled prefix of [`ARCHIVE_CHUNK`] messages once
    /// the case keeps more than [`LIVE_MESSAGES`]; empty otherwise.
    pub fn messages_to_archive(&self) -> &[TranscriptMessage] {
        if self.transcript.len() <= LIVE_MESSAGES {
            return &[];
        }
        let settled = self
            .transcript
            .iter()
            .take(ARCHIVE_CHUNK)
            .take_while(|m| m.settled())
            .count();
        if settled < ARCHIVE_CHUNK {
            return &[];
        }
        &self.transcript[..settled]
    }

    /// Whether the transcript has outgrown what the case keeps.
    pub fn transcript_is_bulky(&self) -> bool {
        !self.messages_to_archive().is_empty()
    }

    /// The first `count` messages now live in the blob store under `key`.
    pub fn archive(&mut self, count: usize, key: String) {
        let count = count.min(self.transcript.len());
        if count == 0 {
            return;
        }
        if self.archive.head.is_none() {
            self.archive.head = Some(ThreadHead {
                subject: self.thread_subject().map(str::to_string),
                message_ids: self
                    .transcript
                    .iter()
                    .find(|m| m.is_trusted())
                    .map(|m| {
                        std::iter::once(m.message_id.clone())
                            .chain(m.alias_message_id.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        for m in self.transcript.drain(..count) {
            if m.direction == Direction::Inbound {
                self.archive.recent_inbound_ids.push_back(m.message_id);
                if self.archive.recent_inbound_ids.len() > REMEMBERED_ARCHIVED_IDS {
                    self.archive.recent_inbound_ids.pop_front();
                }
            }
        }
        // Positions of messages a pending question is about move with the transcript.
        if let Some(review) = &mut self.trust_review {
            review.messages = review
                .messages
                .iter()
                .filter_map(|&i| i.checked_sub(count))
                .collect();
        }
        self.archive.segments.push(ArchivedSegment {
            key,
            messages: u32::try_from(count).unwrap_or(u32::MAX),
        });
    }
}

#[cfg(test)]
mod tests;
