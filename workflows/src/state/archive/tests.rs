//! Tests of the bounded transcript.

use super::super::*;

fn automatic(id: &str) -> InboundReply {
    InboundReply {
        text: "I am out of office".into(),
        automatic: Some("header auto-submitted: auto-replied".into()),
        ..crate::state::tests::reply(id)
    }
}

/// A case with its outreach and `n` automatic replies.
fn case_with(n: usize) -> CaseState {
    let mut state = CaseState::new(0);
    let mut first = TranscriptMessage::new(Direction::Outbound, "m1@ours", "hello");
    first.subject = "Signed W-9".into();
    first.alias_message_id = Some("ses-1@amazonses.com".into());
    state.record_outbound(first, OutboundKind::Outreach, 10, 0);
    for i in 0..n {
        assert!(state.record_reply(automatic(&format!("ooo-{i}")), 1));
    }
    state
}

#[test]
fn a_short_transcript_is_kept_whole() {
    let state = case_with(LIVE_MESSAGES - 1);
    assert!(!state.transcript_is_bulky());
    assert!(state.messages_to_archive().is_empty());
}

#[test]
fn a_long_transcript_archives_its_oldest_settled_messages_a_chunk_at_a_time() {
    let mut state = case_with(LIVE_MESSAGES);
    assert!(state.transcript_is_bulky());
    let chunk: Vec<String> = state
        .messages_to_archive()
        .iter()
        .map(|m| m.message_id.clone())
        .collect();
    assert_eq!(chunk.len(), ARCHIVE_CHUNK);
    assert_eq!(chunk[0], "m1@ours");
    state.archive(ARCHIVE_CHUNK, "c/transcript-00001".into());
    assert_eq!(state.transcript.len(), LIVE_MESSAGES + 1 - ARCHIVE_CHUNK);
    assert_eq!(state.archive.message_count(), ARCHIVE_CHUNK);
    assert!(!state.transcript_is_bulky());
    // The thread keeps its subject and first ids for the next message's headers.
    assert_eq!(state.thread_subject(), Some("Signed W-9"));
    assert_eq!(
        state.thread_message_ids()[..2],
        ["m1@ours".to_string(), "ses-1@amazonses.com".to_string()]
    );
}

#[test]
fn an_unread_reply_is_never_archived() {
    let mut state = case_with(LIVE_MESSAGES);
    // The second message has not been evaluated yet: nothing before it may go.
    state.transcript[1].evaluated = false;
    assert!(state.messages_to_archive().is_empty());
}

#[test]
fn a_late_duplicate_of_an_archived_reply_is_recognised() {
    let mut state = case_with(LIVE_MESSAGES);
    state.archive(ARCHIVE_CHUNK, "c/transcript-00001".into());
    assert!(
        !state.record_reply(automatic("ooo-0"), 9),
        "ooo-0 was archived"
    );
    assert!(state.record_reply(automatic("ooo-new"), 9));
}

#[test]
fn positions_of_a_pending_trust_question_move_with_the_transcript() {
    let mut state = case_with(LIVE_MESSAGES);
    let mut stranger = automatic("stranger");
    stranger.automatic = None;
    stranger.untrusted = Some("sender is not the counterparty".into());
    assert!(state.record_reply(stranger, 2));
    let position = state.transcript.len() - 1;
    state.request_trust_review("q1".into(), 3);
    state.archive(ARCHIVE_CHUNK, "c/transcript-00001".into());
    let review = state.trust_review.as_ref().unwrap();
    assert_eq!(review.messages, vec![position - ARCHIVE_CHUNK]);
    assert_eq!(state.transcript[review.messages[0]].message_id, "stranger");
}
