//! Tests of `state`.

use super::*;

fn outbound(id: &str) -> TranscriptMessage {
    TranscriptMessage::new(Direction::Outbound, id, "hello")
}

pub(super) fn reply(id: &str) -> InboundReply {
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
        untrusted: None,
        return_date: None,
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

fn stranger(id: &str) -> InboundReply {
    InboundReply {
        from: "Mallory <m@evil.example>".into(),
        untrusted: Some("the sender is not the counterparty".into()),
        text: "Here is the signed form.".into(),
        ..reply(id)
    }
}

#[test]
fn untrusted_mail_is_kept_aside_and_the_follow_up_stays_scheduled() {
    let mut state = CaseState::new(0);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 100, 0);
    assert!(state.record_reply(stranger("s1"), 5));
    assert!(!state.has_unevaluated_replies(), "nothing to evaluate");
    assert_eq!(state.untrusted_awaiting_review(), vec![1]);
    assert_eq!(state.next_action_at, 100);
    assert_eq!(
        state.latest_message_id().as_deref(),
        Some("m1"),
        "never threaded on"
    );
    assert_eq!(state.thread_message_ids(), vec!["m1".to_string()]);
}

#[test]
fn a_yes_to_the_trust_review_has_the_mail_read() {
    let mut state = CaseState::new(0);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 100, 0);
    state.record_reply(stranger("s1"), 5);
    state.request_trust_review("r1".into(), 10);
    assert_eq!(state.status, CaseStatus::InputNeeded);
    assert_eq!(state.next_action_at, NOTHING_SCHEDULED);
    let question = &state.input_request.as_ref().unwrap().question;
    assert!(question.contains("Mallory <m@evil.example>"), "{question}");
    assert!(state.untrusted_awaiting_review().is_empty(), "asked once");
    state
        .provide_input(
            ProvidedInput {
                input_request_id: "r1".into(),
                provided_context: "Yes, that is our new AP clerk.".into(),
            },
            20,
        )
        .unwrap();
    assert_eq!(state.status, CaseStatus::Running);
    assert!(state.trust_review.is_none());
    assert!(
        !state.answer_pending,
        "the answer is not context for the agent"
    );
    assert_eq!(state.unevaluated_reply_indices(), vec![1]);
    assert!(state.transcript[1].is_trusted());
    assert_eq!(state.human_inputs.len(), 1, "the answer stays on record");
}

#[test]
fn anything_but_yes_leaves_the_mail_aside_and_resumes_the_schedule() {
    let mut state = CaseState::new(0);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 100, 0);
    state.record_reply(stranger("s1"), 5);
    state.request_trust_review("r1".into(), 10);
    state
        .provide_input(
            ProvidedInput {
                input_request_id: "r1".into(),
                provided_context: "I do not know this person".into(),
            },
            20,
        )
        .unwrap();
    assert_eq!(state.status, CaseStatus::Running);
    assert!(!state.has_unevaluated_replies());
    assert_eq!(
        state.next_action_at, 100,
        "the follow-up is due when it was"
    );
    assert_eq!(state.transcript[1].review, Some(UntrustedReview::Ignored));
    assert!(!state.transcript[1].is_trusted());
}

#[test]
fn only_a_plain_yes_accepts() {
    for yes in [
        "yes",
        "Yes.",
        "YES, count it",
        "y",
        "ok",
        "Ja",
        "oui!",
        "sí",
        "approved",
    ] {
        assert!(accepts_untrusted(yes), "{yes}");
    }
    for no in [
        "no",
        "",
        "not yes",
        "I guess yes",
        "nope",
        "yesterday",
        "maybe",
    ] {
        assert!(!accepts_untrusted(no), "{no}");
    }
}

#[test]
fn untrusted_automatic_replies_are_never_asked_about() {
    let mut state = CaseState::new(0);
    state.record_outbound(outbound("m1"), OutboundKind::Outreach, 100, 0);
    let mut ooo = stranger("s1");
    ooo.automatic = Some("auto-submitted".into());
    state.record_reply(ooo, 5);
    assert!(state.untrusted_awaiting_review().is_empty());
}

#[test]
fn a_pause_keeps_what_was_left_of_the_follow_up_delay_and_the_resume_re_arms_it() {
    let mut case = CaseState::new(0);
    case.record_outbound(
        TranscriptMessage::new(Direction::Outbound, "m1", "hi"),
        OutboundKind::Outreach,
        10_000,
        1_000,
    );
    assert_eq!(case.next_action_at, 11_000);
    assert!(case.pause(4_000));
    assert!(!case.pause(5_000), "already paused");
    assert_eq!(case.next_action_at, NOTHING_SCHEDULED);
    assert!(case.resume(60_000));
    assert!(!case.resume(61_000), "not paused");
    assert_eq!(
        case.next_action_at, 67_000,
        "the 7 s that were left, from the resume"
    );
    assert_eq!(case.input_held_ms, 0, "no input request was pending");
}

#[test]
fn time_paused_with_a_pending_input_request_moves_its_deadline_on_and_an_end_clears_the_pause() {
    let mut case = CaseState::new(0);
    case.request_input("q1".into(), "Which year?".into(), 1_000);
    case.pause(2_000);
    case.resume(7_000);
    assert_eq!(case.input_held_ms, 5_000);
    case.pause(8_000);
    case.fail(ResultStatus::Cancelled, None, 9_000);
    assert!(!case.is_paused(), "a finished case is not paused");
    assert!(!case.resume(10_000));
    assert!(!case.pause(10_000), "a finished case cannot be paused");
}

#[test]
fn the_timeline_records_what_the_case_did_in_order() {
    let mut case = CaseState::new(0);
    case.record_outbound(
        TranscriptMessage::new(Direction::Outbound, "m1", "hi"),
        OutboundKind::Outreach,
        10_000,
        1_000,
    );
    case.request_input("q1".into(), "Which year?".into(), 2_000);
    let _ = case.provide_input(
        ProvidedInput {
            input_request_id: "other".into(),
            provided_context: "x".into(),
        },
        3_000,
    );
    let _ = case.provide_input(
        ProvidedInput {
            input_request_id: "q1".into(),
            provided_context: "2025".into(),
        },
        4_000,
    );
    case.complete(serde_json::json!({}), 5_000);
    let kinds: Vec<String> = case
        .timeline
        .entries
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "email.sent",
            "input.requested",
            "input.provided",
            "input.provided",
            "case.finished"
        ]
    );
    let ignored = serde_json::to_value(&case.timeline.entries[2]).unwrap();
    assert_eq!(
        ignored["ignored"],
        "inputRequestId is not the active input request"
    );
    assert!(
        !serde_json::to_string(&case.timeline)
            .unwrap()
            .contains("2025"),
        "answers are not repeated"
    );
}

#[test]
fn a_return_date_moves_the_follow_up_later_never_earlier_and_at_most_90_days_in_all() {
    let mut case = CaseState::new(0);
    case.record_outbound(outbound("m1"), OutboundKind::Outreach, 1_000, 0);
    case.defer_follow_up(500, 10);
    assert_eq!(case.next_action_at, 1_000, "never earlier than planned");
    case.defer_follow_up(5_000, 10);
    assert_eq!(case.next_action_at, 5_000);
    // However many arrive: 90 days from the follow-up planned when the message went out.
    case.defer_follow_up(1_000 + MAX_RETURN_DEFERRAL_MS - 1, 10);
    case.defer_follow_up(i64::MAX, 20);
    assert_eq!(case.next_action_at, 1_000 + MAX_RETURN_DEFERRAL_MS);
    // Waiting for the client: nothing is scheduled, nothing moves.
    case.request_input("q".into(), "?".into(), 2_000);
    case.defer_follow_up(9_999_999, 2_100);
    assert_eq!(case.next_action_at, NOTHING_SCHEDULED);
}

#[test]
fn a_return_date_that_arrives_while_paused_moves_the_delay_the_pause_holds() {
    let mut case = CaseState::new(0);
    case.record_outbound(outbound("m1"), OutboundKind::Outreach, 1_000, 0);
    case.pause(100);
    case.defer_follow_up(6_000, 200);
    assert_eq!(case.next_action_at, NOTHING_SCHEDULED);
    case.resume(10_000);
    assert_eq!(
        case.next_action_at,
        10_000 + 5_900,
        "the moved delay, from the resume"
    );
}

#[test]
fn a_message_sent_while_the_case_was_being_paused_schedules_nothing_until_the_resume() {
    let mut case = CaseState::new(0);
    case.pause(0);
    case.record_outbound(outbound("m1"), OutboundKind::Outreach, 1_000, 10);
    assert_eq!(case.next_action_at, NOTHING_SCHEDULED);
    case.resume(5_000);
    assert_eq!(
        case.next_action_at, 6_000,
        "the whole delay, from the resume"
    );
}
