//! Replays every recorded history in `tests/histories/` against the current `CaseWorkflow`, so a
//! change that would break running cases fails here. Re-record the current ones with
//! `OFFLOAD_RECORD_HISTORIES=1 ./scripts/test.sh` (see the README), or export any case with
//! `offload-worker export-history <caseId>`.

use offload_workflows::{CaseInput, CaseWorkflow};
use prost::Message;
use std::path::PathBuf;
use std::time::Duration;
use temporalio_client::WorkflowHistory;
use temporalio_common::protos::temporal::api::history::v1::History;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::workflow_replayer::{
    WorkflowReplayError, WorkflowReplayFailure, WorkflowReplayer, WorkflowReplayerOptions,
};
use temporalio_workflow::{WorkflowContext, WorkflowContextView, WorkflowResult};

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

#[tokio::test]
async fn every_recorded_history_replays_against_the_current_workflow() {
    let replayer = WorkflowReplayer::new(
        WorkflowReplayerOptions::new()
            .register_workflow::<CaseWorkflow>()
            .expect("register")
            .build(),
    )
    .expect("replayer");
    let recorded = histories();
    assert!(
        recorded.len() >= 3,
        "the corpus is missing: {}",
        recorded.len()
    );
    for (name, history) in recorded {
        if let Err(error) = replayer.replay_workflow(history).await {
            panic!("history {name} no longer replays: {error}");
        }
    }
}

/// A stand-in for a careless edit: the same workflow type, but it starts with a timer where the
/// recorded histories start with an activity.
#[workflow]
struct CarelesslyEditedCaseWorkflow {
    _input: CaseInput,
}

#[workflow_methods]
impl CarelesslyEditedCaseWorkflow {
    #[init]
    fn new(_ctx: &WorkflowContextView, input: CaseInput) -> Self {
        Self { _input: input }
    }

    #[run(name = "CaseWorkflow")]
    async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<()> {
        ctx.timer(Duration::from_secs(1)).await;
        Ok(())
    }
}

#[tokio::test]
async fn a_nondeterministic_change_is_caught_by_the_corpus() {
    let replayer = WorkflowReplayer::new(
        WorkflowReplayerOptions::new()
            .register_workflow::<CarelesslyEditedCaseWorkflow>()
            .expect("register")
            .build(),
    )
    .expect("replayer");
    let (name, history) = histories().into_iter().next().expect("a history");
    match replayer.replay_workflow(history).await {
        Err(WorkflowReplayError::Replay(WorkflowReplayFailure::Nondeterminism { .. })) => {}
        other => panic!(
            "replaying {name} with an edited workflow should fail as nondeterministic, got {other:?}"
        ),
    }
}
