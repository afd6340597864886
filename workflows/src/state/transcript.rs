//! The conversation as the case keeps it: messages sent and received, their files, and what
//! the API hands over for each reply.

use super::ResultStatus;
use serde::{Deserialize, Serialize};

/// Stored metadata of a file received from the counterparty. The bytes live in the blob store
/// under `<caseId>/<attachmentId>`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub attachment_id: String,
    pub name: String,
    pub size: u64,
    #[serde(rename = "type")]
    pub content_type: String,
    /// `Message-ID` of the mail that carried it.
    pub message_id: String,
    /// The per-case reply address the mail arrived at.
    pub inbox_id: String,
    pub received_at: i64,
}

/// Whether reading an attachment gave text.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReadingStatus {
    Text,
    NoText,
}

impl ReadingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadingStatus::Text => "text",
            ReadingStatus::NoText => "no_text",
        }
    }
}

/// What reading a received file gave, as the case keeps it: the whole text stays in the blob
/// store (`text_ref`), the case keeps its first 500 bytes for the transcript and the timeline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentReading {
    pub attachment_id: String,
    pub status: ReadingStatus,
    /// Why there is no text, or what limited it ("read the first 50 of 500 pages").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Characters of text read.
    pub chars: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub preview: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_ref: Option<String>,
}

impl AttachmentReading {
    /// One line for the transcript: the text's start, or why there is none.
    pub fn describe(&self) -> String {
        let note = self
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        match self.status {
            ReadingStatus::Text => {
                let whole: String = self
                    .preview
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let shown = text_prefix(&whole, 200);
                let more = shown.len() < whole.len()
                    || u32::try_from(self.preview.chars().count()).unwrap_or(u32::MAX) < self.chars;
                let ellipsis = if more { "…" } else { "" };
                format!("{} characters{note}: \"{shown}{ellipsis}\"", self.chars)
            }
            ReadingStatus::NoText => format!("no text{note}"),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// One message of the conversation, as sent or as received (quoted history stripped).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptMessage {
    pub direction: Direction,
    pub at: i64,
    /// RFC 5322 `Message-ID` without angle brackets.
    pub message_id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The text, or its first [`INLINE_BODY_LIMIT`] bytes when `body_ref` holds the whole.
    pub body: String,
    /// Blob key of the whole body when it was too large to keep on the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_ref: Option<String>,
    #[serde(default)]
    pub attachment_ids: Vec<String>,
    /// Files that were not stored (over a limit), with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_attachments: Vec<SkippedAttachment>,
    /// Outbound only: the `Message-ID` the recipient saw when the provider replaced ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_message_id: Option<String>,
    /// Outbound only: the mail provider's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
    /// Outbound only: why delivery is in doubt (the provider may not have taken it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_uncertain: Option<String>,
    /// Inbound only: why this is an automatic reply (kept, never evaluated as a reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic: Option<String>,
    /// Inbound only: content a person would not see was removed (a reason for suspicion).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Inbound only: whether an evaluation has seen it yet.
    #[serde(default)]
    pub evaluated: bool,
    /// Inbound only: why the mail cannot be taken as the counterparty's (a stranger's address,
    /// a failed SPF/DKIM/DMARC verdict). It is kept, never evaluated unless the client says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untrusted: Option<String>,
    /// Inbound, untrusted only: what the client was asked and said about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<UntrustedReview>,
}

/// Where an untrusted message stands with the client.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum UntrustedReview {
    /// An input request asks whether it counts.
    Asked,
    /// The client said it counts: it is read like the counterparty's reply.
    Accepted,
    /// The client said it does not count (or answered anything but yes).
    Ignored,
}

impl TranscriptMessage {
    /// Whether the message may be read as the counterparty's: not untrusted, or accepted by the
    /// client.
    pub fn is_trusted(&self) -> bool {
        self.untrusted.is_none() || self.review == Some(UntrustedReview::Accepted)
    }
}

impl TranscriptMessage {
    /// A message with its direction, id and text; everything else empty (outbound messages
    /// count as evaluated).
    pub fn new(
        direction: Direction,
        message_id: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        TranscriptMessage {
            direction,
            at: 0,
            message_id: message_id.into(),
            from: String::new(),
            to: String::new(),
            subject: String::new(),
            body: body.into(),
            body_ref: None,
            attachment_ids: Vec::new(),
            skipped_attachments: Vec::new(),
            alias_message_id: None,
            provider_message_id: None,
            delivery_uncertain: None,
            automatic: None,
            warnings: Vec::new(),
            evaluated: direction == Direction::Outbound,
            untrusted: None,
            review: None,
        }
    }
}

/// Bodies longer than this are kept in the blob store; the case keeps this much inline. Small, so
/// the messages a case keeps ([`super::LIVE_MESSAGES`]) fit every activity input and query answer
/// well under Temporal's payload limits; the agent and the API read the whole text from the store.
pub const INLINE_BODY_LIMIT: usize = 4 * 1024;

/// `text` cut to at most [`INLINE_BODY_LIMIT`] bytes, on a character boundary.
pub fn inline_part(text: &str) -> &str {
    text_prefix(text, INLINE_BODY_LIMIT)
}

/// `text` cut to at most `max_bytes` bytes, on a character boundary.
pub fn text_prefix(text: &str, max_bytes: usize) -> &str {
    let mut cut = max_bytes.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// A file of an inbound message that was not stored.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SkippedAttachment {
    pub name: String,
    pub size: u64,
    pub reason: String,
}

/// What a mail provider reported about a message it could not deliver.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFailureKind {
    /// A permanent bounce.
    Bounced,
    /// The recipient marked the message as spam.
    Complained,
    /// The provider refused to send it.
    Rejected,
    /// The recipient unsubscribed (the link or one-click header of our mail).
    Unsubscribed,
}

impl DeliveryFailureKind {
    pub fn result_status(self) -> ResultStatus {
        match self {
            DeliveryFailureKind::Bounced => ResultStatus::Bounced,
            DeliveryFailureKind::Complained => ResultStatus::Complained,
            DeliveryFailureKind::Rejected => ResultStatus::ProviderRejected,
            DeliveryFailureKind::Unsubscribed => ResultStatus::Unsubscribed,
        }
    }
}

/// A provider event that ends the case (signal `delivery_failed`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryFailure {
    pub kind: DeliveryFailureKind,
    /// Operator-readable detail (bounce type, diagnostic code); no message content.
    pub detail: String,
}

/// A reply from the counterparty as the API passes it to the case (signal `reply_received`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InboundReply {
    pub message_id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub received_at: i64,
    /// Body text with quoted history removed (at most [`INLINE_BODY_LIMIT`] bytes when
    /// `body_ref` holds the whole).
    pub text: String,
    #[serde(default)]
    pub body_ref: Option<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub skipped_attachments: Vec<SkippedAttachment>,
    /// Set for out-of-office notes, auto-responders and delivery reports: the reason.
    #[serde(default)]
    pub automatic: Option<String>,
    /// Content a person would not see was removed (hidden HTML, invisible characters).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Why the API could not take this as the counterparty's mail (sender or provider verdict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untrusted: Option<String>,
    /// Automatic replies only: the day (`YYYY-MM-DD`) the sender says they are back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_date: Option<String>,
}

impl super::CaseState {
    /// Keeps what reading a received file gave (once per file) and puts it on the timeline.
    pub fn record_reading(&mut self, reading: AttachmentReading, now: i64) {
        if self
            .readings
            .iter()
            .any(|r| r.attachment_id == reading.attachment_id)
        {
            return;
        }
        let name = self
            .attachments
            .iter()
            .find(|a| a.attachment_id == reading.attachment_id)
            .map(|a| a.name.clone())
            .unwrap_or_default();
        self.timeline.record(
            now,
            super::TimelineEvent::AttachmentRead {
                attachment_id: reading.attachment_id.clone(),
                name,
                status: reading.status.as_str().to_string(),
                chars: reading.chars,
                note: reading.note.clone(),
                preview: text_prefix(&reading.preview, 200).to_string(),
            },
        );
        self.readings.push(reading);
    }
}
