//! The case's timeline (`GET /cases/{id}/events`): what happened, oldest first — an audit
//! trail, not the transcript, so no body is repeated. The case records each entry as it happens
//! and keeps the latest [`LIVE_ENTRIES`] itself; older ones move to the blob store in segments
//! (an activity writes them), so the record stays bounded however long the case runs.

use super::{CaseState, CaseStatus, InboundReply, ResultStatus, text_prefix};
use serde::{Deserialize, Serialize};

/// The case keeps at most this many entries itself; beyond it, the oldest are archived.
pub const LIVE_ENTRIES: usize = 100;
/// Beyond this many kept entries the oldest are dropped (recorded as a segment without a key):
/// a case whose archiving failed, or one of a generation that does not archive, stays bounded.
pub const MAX_KEPT_ENTRIES: usize = 1_000;
/// Entries per archived segment.
pub const TIMELINE_CHUNK: usize = 50;
/// Longest text an entry keeps of a subject, question, reason or error (bytes).
const TEXT_LIMIT: usize = 500;
/// Longest quote of evidence kept (bytes), and how many quotes.
const EVIDENCE_LIMIT: usize = 300;
const EVIDENCE_ITEMS: usize = 5;

/// What happened. The `type` names are the contract's (spec §7).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(tag = "type")]
pub enum TimelineEvent {
    /// A message went to the counterparty.
    #[serde(rename = "email.sent", rename_all = "camelCase")]
    EmailSent {
        message_id: String,
        /// `outreach`, `follow_up` or `reply`.
        kind: String,
        to: String,
        subject: String,
    },
    /// A reply from the counterparty was recorded.
    #[serde(rename = "email.received", rename_all = "camelCase")]
    EmailReceived {
        message_id: String,
        from: String,
        subject: String,
        attachments: u32,
    },
    /// Mail that cannot be taken as the counterparty's was kept aside.
    #[serde(rename = "email.untrusted", rename_all = "camelCase")]
    EmailUntrusted {
        message_id: String,
        from: String,
        subject: String,
        reason: String,
    },
    /// An automatic reply (out-of-office, auto-responder): the schedule goes on.
    #[serde(rename = "email.auto_reply", rename_all = "camelCase")]
    EmailAutoReply {
        message_id: String,
        from: String,
        subject: String,
        reason: String,
        /// The day the sender says they are back (`YYYY-MM-DD`): the next follow-up waits for
        /// it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        returns_on: Option<String>,
    },
    /// A received file was read for the agent: how much text it gave and how it starts, or
    /// why it gave none.
    #[serde(rename = "attachment.read", rename_all = "camelCase")]
    AttachmentRead {
        attachment_id: String,
        name: String,
        /// `text` or `no_text`.
        status: String,
        chars: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// The text's first 200 bytes.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        preview: String,
    },
    /// What the agent decided about the thread, why, and the counterparty's words it rests on.
    #[serde(rename = "decision", rename_all = "camelCase")]
    Decision {
        /// `goal_achieved`, `rejected`, `reply` or `needs_input`.
        outcome: String,
        reason: String,
        evidence: Vec<String>,
        /// The model that decided (absent for the rules agent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        model: Option<String>,
    },
    /// A question for the client.
    #[serde(rename = "input.requested", rename_all = "camelCase")]
    InputRequested {
        input_request_id: String,
        question: String,
    },
    /// The client answered (the answer itself is in `humanInputs`). `ignored` says why an
    /// answer was not applied (a stale or repeated one).
    #[serde(rename = "input.provided", rename_all = "camelCase")]
    InputProvided {
        input_request_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ignored: Option<String>,
    },
    /// One delivery attempt of a webhook event: the receiver's HTTP status, or why there was
    /// none. `redelivery` is set on attempts of a redelivery the client asked for.
    #[serde(rename = "webhook.attempt", rename_all = "camelCase")]
    WebhookAttempt {
        event_id: String,
        attempt: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        http_status: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        redelivery: bool,
    },
    /// The client asked for a past event to be delivered again.
    #[serde(rename = "webhook.redelivery_requested", rename_all = "camelCase")]
    WebhookRedeliveryRequested { event_id: String },
    /// The case waits for an earlier open case of the tenant for the same address to end
    /// (`waitForOpenCases`); a later entry names the next one it waits for, if any.
    #[serde(rename = "case.queued", rename_all = "camelCase")]
    CaseQueued { queued_behind: String },
    /// The client paused the case: nothing is sent until it resumes.
    #[serde(rename = "case.paused")]
    CasePaused {},
    /// The client resumed the case.
    #[serde(rename = "case.resumed")]
    CaseResumed {},
    /// The case ended.
    #[serde(rename = "case.finished", rename_all = "camelCase")]
    CaseFinished {
        status: CaseStatus,
        result_status: ResultStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure_reason: Option<String>,
    },
}

/// One entry: when, and what.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct TimelineEntry {
    /// When it happened (Unix epoch milliseconds).
    pub at: i64,
    #[serde(flatten)]
    pub event: TimelineEvent,
}

/// Older entries kept in the blob store as a JSON array of [`TimelineEntry`]s.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TimelineSegment {
    /// Blob key (`<caseId>/timeline-<n>`); empty for entries that were dropped, not kept.
    pub key: String,
    pub entries: u32,
}

impl TimelineSegment {
    /// Whether its entries were dropped rather than archived.
    pub fn dropped(&self) -> bool {
        self.key.is_empty()
    }
}

/// The timeline as the case keeps it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// The latest entries, oldest first.
    pub entries: Vec<TimelineEntry>,
    /// The archived ones, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<TimelineSegment>,
}

impl Timeline {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.segments.is_empty()
    }

    /// Records what happened at `at`, with its texts cut to their limits.
    pub fn record(&mut self, at: i64, event: TimelineEvent) {
        if self.entries.len() >= MAX_KEPT_ENTRIES {
            self.archived(TIMELINE_CHUNK, String::new());
        }
        self.entries.push(TimelineEntry {
            at,
            event: event.bounded(),
        });
    }

    /// How many entries the segments hold (the position of the first kept entry).
    pub fn archived_count(&self) -> u64 {
        self.segments.iter().map(|s| u64::from(s.entries)).sum()
    }

    /// All entries ever recorded.
    pub fn len(&self) -> u64 {
        self.archived_count() + self.entries.len() as u64
    }

    /// The oldest entries to archive now: [`TIMELINE_CHUNK`] of them once the case keeps more
    /// than [`LIVE_ENTRIES`]; empty otherwise.
    pub fn to_archive(&self) -> &[TimelineEntry] {
        if self.entries.len() <= LIVE_ENTRIES {
            return &[];
        }
        &self.entries[..TIMELINE_CHUNK]
    }

    /// The first `count` entries now live in the blob store under `key` (dropped: empty key).
    pub fn archived(&mut self, count: usize, key: String) {
        let count = count.min(self.entries.len());
        if count == 0 {
            return;
        }
        self.entries.drain(..count);
        self.segments.push(TimelineSegment {
            key,
            entries: u32::try_from(count).unwrap_or(u32::MAX),
        });
    }

    /// A page: up to `limit` kept entries from position `from` on (positions count from the
    /// first entry ever recorded), and where the archived ones are.
    pub fn page(&self, from: u64, limit: usize) -> TimelinePage {
        let first_kept = self.archived_count();
        let skip = usize::try_from(from.saturating_sub(first_kept)).unwrap_or(usize::MAX);
        TimelinePage {
            total: self.len(),
            first_kept,
            segments: self.segments.clone(),
            entries: self
                .entries
                .iter()
                .skip(skip)
                .take(limit)
                .cloned()
                .collect(),
        }
    }
}

/// What the `case_events` query answers: the kept entries of the page asked for, and the
/// archived segments for the API to read from the blob store.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePage {
    /// Entries ever recorded.
    pub total: u64,
    /// Position of the first kept entry (= entries in the segments).
    pub first_kept: u64,
    pub segments: Vec<TimelineSegment>,
    /// Kept entries from the position asked for (or from `first_kept`), at most the limit.
    pub entries: Vec<TimelineEntry>,
}

/// The `case_events` query's argument.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TimelineQuery {
    pub from: u64,
    pub limit: u32,
}

fn cut(text: &str, limit: usize) -> String {
    text_prefix(text, limit).to_string()
}

impl TimelineEvent {
    /// The event with each text within its limit, so an entry never grows with a body.
    fn bounded(self) -> Self {
        use TimelineEvent::*;
        let short = |t: String| cut(&t, TEXT_LIMIT);
        match self {
            EmailSent {
                message_id,
                kind,
                to,
                subject,
            } => EmailSent {
                message_id: short(message_id),
                kind,
                to: short(to),
                subject: short(subject),
            },
            EmailReceived {
                message_id,
                from,
                subject,
                attachments,
            } => EmailReceived {
                message_id: short(message_id),
                from: short(from),
                subject: short(subject),
                attachments,
            },
            EmailUntrusted {
                message_id,
                from,
                subject,
                reason,
            } => EmailUntrusted {
                message_id: short(message_id),
                from: short(from),
                subject: short(subject),
                reason: short(reason),
            },
            EmailAutoReply {
                message_id,
                from,
                subject,
                reason,
                returns_on,
            } => EmailAutoReply {
                message_id: short(message_id),
                from: short(from),
                subject: short(subject),
                reason: short(reason),
                returns_on: returns_on.map(|d| cut(&d, 10)),
            },
            Decision {
                outcome,
                reason,
                evidence,
                model,
            } => Decision {
                outcome,
                reason: short(reason),
                evidence: evidence
                    .into_iter()
                    .take(EVIDENCE_ITEMS)
                    .map(|e| cut(&e, EVIDENCE_LIMIT))
                    .collect(),
                model: model.map(short),
            },
            AttachmentRead {
                attachment_id,
                name,
                status,
                chars,
                note,
                preview,
            } => AttachmentRead {
                attachment_id,
                name: short(name),
                status,
                chars,
                note: note.map(short),
                preview: short(preview),
            },
            InputRequested {
                input_request_id,
                question,
            } => InputRequested {
                input_request_id,
                question: short(question),
            },
            WebhookAttempt {
                event_id,
                attempt,
                http_status,
                error,
                redelivery,
            } => WebhookAttempt {
                event_id,
                attempt,
                http_status,
                error: error.map(short),
                redelivery,
            },
            CaseFinished {
                status,
                result_status,
                failure_reason,
            } => CaseFinished {
                status,
                result_status,
                failure_reason: failure_reason.map(short),
            },
            other => other,
        }
    }
}

impl CaseState {
    pub(super) fn record_finish(&mut self, now: i64) {
        if let Some(result_status) = self.result_status {
            self.timeline.record(
                now,
                TimelineEvent::CaseFinished {
                    status: self.status,
                    result_status,
                    failure_reason: self.failure_reason.clone(),
                },
            );
        }
    }
}

/// The timeline entry of a recorded reply: received, untrusted, or automatic.
pub(super) fn reply_entry(reply: &InboundReply) -> TimelineEvent {
    let (message_id, from, subject) = (
        reply.message_id.clone(),
        reply.from.clone(),
        reply.subject.clone(),
    );
    if let Some(reason) = &reply.untrusted {
        TimelineEvent::EmailUntrusted {
            message_id,
            from,
            subject,
            reason: reason.clone(),
        }
    } else if let Some(reason) = &reply.automatic {
        TimelineEvent::EmailAutoReply {
            message_id,
            from,
            subject,
            reason: reason.clone(),
            returns_on: reply.return_date.clone(),
        }
    } else {
        TimelineEvent::EmailReceived {
            message_id,
            from,
            subject,
            attachments: u32::try_from(reply.attachments.len()).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paused() -> TimelineEvent {
        TimelineEvent::CasePaused {}
    }

    #[test]
    fn entries_serialize_with_their_contract_type_and_camel_case_fields() {
        let entry = TimelineEntry {
            at: 5,
            event: TimelineEvent::WebhookAttempt {
                event_id: "evt_1".into(),
                attempt: 2,
                http_status: Some(503),
                error: None,
                redelivery: false,
            },
        };
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            serde_json::json!({"at": 5, "type": "webhook.attempt", "eventId": "evt_1",
                "attempt": 2, "httpStatus": 503})
        );
        let paused = serde_json::to_value(TimelineEntry {
            at: 1,
            event: paused(),
        })
        .unwrap();
        assert_eq!(paused, serde_json::json!({"at": 1, "type": "case.paused"}));
        let back: TimelineEntry = serde_json::from_value(paused).unwrap();
        assert_eq!(back.event, TimelineEvent::CasePaused {});
    }

    #[test]
    fn long_texts_are_cut_so_an_entry_never_carries_a_body() {
        let mut timeline = Timeline::default();
        timeline.record(
            1,
            TimelineEvent::Decision {
                outcome: "reply".into(),
                reason: "r".repeat(10_000),
                evidence: vec!["e".repeat(10_000); 20],
                model: None,
            },
        );
        match &timeline.entries[0].event {
            TimelineEvent::Decision {
                reason, evidence, ..
            } => {
                assert_eq!(reason.len(), TEXT_LIMIT);
                assert_eq!(evidence.len(), EVIDENCE_ITEMS);
                assert!(evidence.iter().all(|e| e.len() == EVIDENCE_LIMIT));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_oldest_entries_are_archived_in_chunks_and_pages_count_from_the_first_ever() {
        let mut timeline = Timeline::default();
        for at in 0..LIVE_ENTRIES as i64 {
            timeline.record(at, paused());
        }
        assert!(timeline.to_archive().is_empty(), "not above the bound yet");
        timeline.record(LIVE_ENTRIES as i64, paused());
        let chunk = timeline.to_archive().len();
        assert_eq!(chunk, TIMELINE_CHUNK);
        timeline.archived(chunk, "c/timeline-1".into());
        assert_eq!(timeline.len(), LIVE_ENTRIES as u64 + 1);
        assert_eq!(timeline.archived_count(), TIMELINE_CHUNK as u64);

        let page = timeline.page(0, 10);
        assert_eq!(page.first_kept, TIMELINE_CHUNK as u64);
        assert_eq!(
            page.entries[0].at, TIMELINE_CHUNK as i64,
            "kept entries only"
        );
        let page = timeline.page(TIMELINE_CHUNK as u64 + 3, 2);
        assert_eq!(
            page.entries.iter().map(|e| e.at).collect::<Vec<_>>(),
            [TIMELINE_CHUNK as i64 + 3, TIMELINE_CHUNK as i64 + 4]
        );
        assert!(timeline.page(1_000, 10).entries.is_empty());
    }

    #[test]
    fn a_timeline_that_cannot_archive_drops_its_oldest_entries_and_counts_them() {
        let mut timeline = Timeline::default();
        for at in 0..(MAX_KEPT_ENTRIES + 1) as i64 {
            timeline.record(at, paused());
        }
        assert_eq!(
            timeline.entries.len(),
            MAX_KEPT_ENTRIES + 1 - TIMELINE_CHUNK
        );
        assert!(timeline.segments[0].dropped());
        assert_eq!(
            timeline.len(),
            MAX_KEPT_ENTRIES as u64 + 1,
            "positions still count them"
        );
        let page = timeline.page(0, 1);
        assert_eq!(page.entries[0].at, TIMELINE_CHUNK as i64);
    }
}
