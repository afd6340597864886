//! Test-only edits of `CaseWorkflow` — what a careless change to it looks like — and the replay
//! tests proving the recorded corpus (`tests/histories/`) catches each: a patched branch
//! removed, two activities reordered, a timer added. And one it cannot catch: a timer's duration
//! changed (Temporal matches timers by sequence, not duration), so running cases keep the timer
//! they started and only timers started after the change see the new duration.
//!
//! Each edit is one `if edits::active(..)` at the place the edit would be made, compiled only
//! for this crate's unit tests; one edit is active at a time.

use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// `patched(ctx, id)` always true: every patched branch replaced by its new side.
    PatchedBranchesRemoved,
    /// The outreach is sent before it is composed.
    SendBeforeCompose,
    /// A one-second timer before each follow-up wait.
    TimerAdded,
    /// The follow-up wait a minute longer.
    TimerLonger,
}

static ACTIVE: Mutex<Option<Edit>> = Mutex::new(None);

/// Whether `edit` is the active edit.
pub fn active(edit: Edit) -> bool {
    *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) == Some(edit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaseWorkflow;
    use prost::Message;
    use temporalio_client::WorkflowHistory;
    use temporalio_common::protos::temporal::api::history::v1::History;
    use temporalio_sdk::workflow_replayer::{
        WorkflowReplayError, WorkflowReplayFailure, WorkflowReplayer, WorkflowReplayerOptions,
    };

    /// One edit at a time (tests run in parallel threads of one process).
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    fn history(name: &str) -> WorkflowHistory {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/histories")
            .join(format!("{name}.pb"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        WorkflowHistory::from(History::decode(bytes.as_slice()).expect("a History protobuf"))
    }

    fn case_replayer() -> WorkflowReplayer {
        WorkflowReplayer::new(
            WorkflowReplayerOptions::new()
                .register_workflow::<CaseWorkflow>()
                .expect("register")
                .build(),
        )
        .expect("replayer")
    }

    /// Replays the recorded history `name` with `edit` active.
    async fn replay_edited(edit: Edit, name: &str) -> Result<(), WorkflowReplayError> {
        let _one_at_a_time = SERIAL.lock().await;
        *ACTIVE.lock().unwrap() = Some(edit);
        let replayer = case_replayer();
        let outcome = replayer.replay_workflow(history(name)).await;
        *ACTIVE.lock().unwrap() = None;
        outcome
    }

    fn assert_nondeterministic(outcome: Result<(), WorkflowReplayError>, what: &str) {
        match outcome {
            Err(WorkflowReplayError::Replay(WorkflowReplayFailure::Nondeterminism { .. })) => {}
            other => panic!("{what}: expected a nondeterminism failure, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn removing_a_patched_branch_fails_the_cases_recorded_before_the_patch() {
        // v1-completed was recorded before the view snapshot (SNAPSHOT_PATCH) existed.
        assert_nondeterministic(
            replay_edited(Edit::PatchedBranchesRemoved, "v1-completed").await,
            "v1-completed with the patched branches removed",
        );
    }

    #[tokio::test]
    async fn reordering_two_activities_fails_ordinary_and_local_activity_histories() {
        // v2-*: generation 1, ordinary activities; completed: generation 2, local activities.
        for name in ["v2-completed", "completed"] {
            assert_nondeterministic(
                replay_edited(Edit::SendBeforeCompose, name).await,
                &format!("{name} with the outreach sent before it is composed"),
            );
        }
    }

    #[tokio::test]
    async fn adding_a_timer_fails_a_case_that_followed_up() {
        for name in ["max_retries", "v2-max_retries"] {
            assert_nondeterministic(
                replay_edited(Edit::TimerAdded, name).await,
                &format!("{name} with a timer added before each follow-up wait"),
            );
        }
    }

    #[tokio::test]
    async fn a_longer_timer_still_replays_so_running_cases_keep_the_timer_they_started() {
        for name in ["max_retries", "v2-max_retries"] {
            if let Err(error) = replay_edited(Edit::TimerLonger, name).await {
                panic!("{name} with a longer follow-up wait: {error:?}");
            }
        }
    }

    #[tokio::test]
    async fn without_an_edit_the_same_histories_replay() {
        let _one_at_a_time = SERIAL.lock().await;
        let replayer = case_replayer();
        for name in [
            "v1-completed",
            "v2-completed",
            "completed",
            "max_retries",
            "v2-max_retries",
        ] {
            if let Err(error) = replayer.replay_workflow(history(name)).await {
                panic!("{name}: {error:?}");
            }
        }
    }
}
