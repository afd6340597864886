//! Replays every recorded history in `tests/histories/` against the current `CaseWorkflow`, so a
//! change that would break running cases fails here. Re-record the current ones with
//! `OFFLOAD_RECORD_HISTORIES=1 ./scripts/test.sh` (see the README), or export any case with
//! `offload-worker export-history <caseId>`. That the corpus catches realistic edits of the
//! workflow is shown by the crate's own tests of edited copies (`src/workflow/edits.rs`).

use offload_workflows::{CaseWorkflow, WebhookRedelivery};
use prost::Message;
use std::path::PathBuf;
use temporalio_client::WorkflowHistory;
use temporalio_common::protos::temporal::api::history::v1::History;
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};

fn histories() -> Vec<(String, WorkflowHistory)> {
    // Where cargo runs the test from (a binary reused from a build cache may have been compiled
    // in another checkout).
    let dir = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
    )
    .join("tests/histories");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/histories exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let history = History::decode(bytes.as_slice()).expect("a History protobuf");
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            (name, WorkflowHistory::from(history))
        })
        .collect()
}

/// Every path a case can take, by the name its recorded history has (`v1-`/`v2-`/`v3-`: recorded
/// from older workflow versions — `v3-` the last of generation 2 — and kept so their running
/// cases are still proven; `-runN`: the runs of a case that continued as new;
/// `redelivery_after_close`: a `WebhookRedelivery`). A path missing from `tests/histories/` fails the test, and
/// so does a history this list does not name.
const EXPECTED_CORPUS: &[&str] = &[
    "bounced",
    "cancelled",
    "cancelled_while_deciding",
    "completed",
    "continued_mid_question-run1",
    "continued_mid_question-run2",
    "continued_then_cancelled-run1",
    "continued_then_cancelled-run2",
    "deferred_outreach",
    "input_loop_twice",
    "input_reminded",
    "input_timeout",
    "max_retries",
    "operator_cancelled",
    "paused_resumed",
    "queued_behind_earlier_case",
    "redelivered",
    "redelivery_after_close",
    "rejected",
    "return_date_deferred",
    "terminated",
    "timeline_archived",
    "told_queued_case",
    "untrusted_accepted",
    "v1-completed",
    "v1-input_loop_twice",
    "v1-input_timeout",
    "v1-max_retries",
    "v1-rejected",
    "v2-bounced",
    "v2-cancelled",
    "v2-cancelled_while_deciding",
    "v2-completed",
    "v2-input_loop_twice",
    "v2-input_timeout",
    "v2-max_retries",
    "v2-rejected",
    "v2-terminated",
    "v2-untrusted_accepted",
    "v3-bounced",
    "v3-cancelled",
    "v3-cancelled_while_deciding",
    "v3-completed",
    "v3-continued_mid_question-run1",
    "v3-continued_mid_question-run2",
    "v3-continued_then_cancelled-run1",
    "v3-continued_then_cancelled-run2",
    "v3-input_loop_twice",
    "v3-input_reminded",
    "v3-input_timeout",
    "v3-max_retries",
    "v3-operator_cancelled",
    "v3-rejected",
    "v3-terminated",
    "v3-untrusted_accepted",
    "webhook_retried",
];

#[test]
fn the_corpus_holds_every_expected_path_and_nothing_unnamed() {
    let recorded: std::collections::BTreeSet<String> =
        histories().into_iter().map(|(name, _)| name).collect();
    let expected: std::collections::BTreeSet<String> =
        EXPECTED_CORPUS.iter().map(|n| n.to_string()).collect();
    let missing: Vec<&String> = expected.difference(&recorded).collect();
    let unnamed: Vec<&String> = recorded.difference(&expected).collect();
    assert!(
        missing.is_empty() && unnamed.is_empty(),
        "recorded histories missing: {missing:?}; recorded but not in EXPECTED_CORPUS: {unnamed:?}"
    );
}

#[tokio::test]
async fn every_recorded_history_replays_against_the_current_workflow() {
    let replayer = WorkflowReplayer::new(
        WorkflowReplayerOptions::new()
            .register_workflow::<CaseWorkflow>()
            .expect("register")
            .register_workflow::<WebhookRedelivery>()
            .expect("register")
            .build(),
    )
    .expect("replayer");
    let recorded = histories();
    assert_eq!(recorded.len(), EXPECTED_CORPUS.len(), "see the corpus test");
    for (name, history) in recorded {
        if let Err(error) = replayer.replay_workflow(history).await {
            panic!("history {name} no longer replays: {error}");
        }
    }
}
