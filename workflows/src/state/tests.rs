//! Tests of `state`.

use super::*;

fn outbound(id: &str) -> TranscriptMessage {
    TranscriptMessage::new(Direction::Outbound, id, "hello")
}

fn reply(id: &str) -> InboundReply {
    InboundReply {
        message_id: id.into(),
        from: "Maya".into(),
        to: "Avery".into(),
        subject: "Re: W-9".into(),
        received_at: 5,
        text: "hi".into(),
        body_ref: None,
        attachments: vec![],
        skipped_attachments: vec![],
        automatic: None,
        warnings: vec![],
    }
}

#[test]
fn an_automatic_reply_is_kept_but_not_evaluated() {
    let mut state = CaseState::new(0);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 10, 0);
    let mut ooo = reply("ooo");
    ooo.automatic = Some("header auto-submitted: auto-replied".into());
    assert!(state.record_reply(ooo, 5));
    assert_eq!(state.transcript.len(), 2);
    assert!(!state.has_unevaluated_replies());
    assert_eq!(state.next_action_at, 10, "the follow-up stays scheduled");
}

#[test]
fn a_new_case_is_created_with_nothing_scheduled() {
    let state = CaseState::new(1000);
    assert_eq!(state.status, CaseStatus::Created);
    assert_eq!(state.attempt_count, 0);
    assert_eq!(state.updated_at, 1000);
    assert_eq!(state.next_action_at, NOTHING_SCHEDULED);
}

#[test]
fn outreach_runs_the_case_and_arms_the_timer() {
    let mut state = CaseState::new(1000);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 72_000, 2000);
    assert_eq!(state.status, CaseStatus::Running);
    assert_eq!(state.attempt_count, 1);
    assert_eq!(state.next_action_at, 74_000);
    assert_eq!(state.updated_at, 2000);
}

#[test]
fn the_follow_up_budget_counts_follow_ups_in_a_row_and_resets_on_a_reply() {
    let mut state = CaseState::new(0);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 10, 0);
    assert_eq!(state.on_timer(2), TimerDecision::SendFollowUp);
    state.record_outbound(outbound("m2"), OutboundKind::FollowUp, 10, 10);
    state.record_outbound(outbound("m3"), OutboundKind::FollowUp, 10, 20);
    assert_eq!(state.on_timer(2), TimerDecision::GiveUp);
    state.record_outbound(outbound("m4"), OutboundKind::Reply, 10, 30);
    assert_eq!(state.on_timer(2), TimerDecision::SendFollowUp);
    assert_eq!(state.attempt_count, 4);
    assert_eq!(CaseState::new(0).on_timer(0), TimerDecision::GiveUp);
}

#[test]
fn terminal_states_never_change() {
    let mut state = CaseState::new(0);
    state.complete(serde_json::json!({"ok": true}), 10);
    state.fail(ResultStatus::MaxRetries, None, 20);
    state.request_input("i".into(), "q".into(), 30);
    state.record_outbound(outbound("m"), OutboundKind::Reply, 10, 40);
    assert!(!state.record_reply(reply("late"), 50));
    assert_eq!(state.status, CaseStatus::Completed);
    assert_eq!(state.result_status, Some(ResultStatus::GoalAchieved));
    assert_eq!(state.updated_at, 10);
    assert!(state.transcript.is_empty());
}

#[test]
fn a_reply_is_recorded_once() {
    let mut state = CaseState::new(0);
    assert!(state.record_reply(reply("r1"), 5));
    assert!(!state.record_reply(reply("r1"), 6));
    assert_eq!(state.unevaluated_reply_indices(), vec![0]);
    state.mark_evaluated(&[0], false);
    assert!(!state.has_unevaluated_replies());
}

#[test]
fn an_answer_applies_once_and_only_to_the_pending_request() {
    let mut state = CaseState::new(0);
    let answer = |id: &str| ProvidedInput {
        input_request_id: id.into(),
        provided_context: "2025".into(),
    };
    assert_eq!(
        state.provide_input(answer("i1"), 1),
        Err(InputRejection::NotWaitingForInput)
    );
    state.request_input("i1".into(), "Which year?".into(), 2);
    assert_eq!(state.next_action_at, NOTHING_SCHEDULED);
    assert_eq!(
        state.provide_input(answer("other"), 3),
        Err(InputRejection::Mismatch)
    );
    assert_eq!(state.provide_input(answer("i1"), 4), Ok(()));
    assert_eq!(
        state.provide_input(answer("i1"), 5),
        Err(InputRejection::NotPending)
    );
    assert_eq!(state.human_inputs.len(), 1);
    assert_eq!(state.ignored_inputs.len(), 3);
    assert!(state.answer_pending);
    assert_eq!(
        state.input_request.as_ref().unwrap().status,
        InputRequestStatus::Resolved
    );
}

#[test]
fn reply_subjects_do_not_stack() {
    assert_eq!(reply_subject("W-9"), "Re: W-9");
    assert_eq!(reply_subject("RE: W-9"), "RE: W-9");
}
