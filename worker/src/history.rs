//! Exporting a case's workflow history for the replay corpus, as binary protobuf (`History`).
//! (The Temporal CLI's and UI's JSON export is proto-JSON, which the Rust SDK's replayer does not
//! read; binary protobuf also tolerates fields added to the protos later.)

use offload_workflows::CaseWorkflow;
use prost::Message;
use temporalio_client::{Client, NamespacedClient, WorkflowExecutionInfo};
use temporalio_common::protos::temporal::api::history::v1::History;

/// The history of the case's current run so far, encoded as a `temporal.api.history.v1.History`
/// message.
pub async fn export(client: &Client, case_id: &str) -> anyhow::Result<Vec<u8>> {
    let events = client
        .get_workflow_handle::<CaseWorkflow>(case_id.to_string())
        .fetch_history(Default::default())
        .into_events()
        .await
        .map_err(|e| anyhow::anyhow!("cannot fetch the history of case {case_id}: {e}"))?;
    encode(case_id, events)
}

/// The history of one run of the case (a case that continued as new has several).
pub async fn export_run(client: &Client, case_id: &str, run_id: &str) -> anyhow::Result<Vec<u8>> {
    let events = WorkflowExecutionInfo::builder()
        .namespace(client.namespace())
        .workflow_id(case_id.to_string())
        .run_id(run_id.to_string())
        .build()
        .bind_untyped(client.clone())
        .fetch_history(Default::default())
        .into_events()
        .await
        .map_err(|e| anyhow::anyhow!("cannot fetch run {run_id} of case {case_id}: {e}"))?;
    encode(case_id, events)
}

/// The run a recorded history continued from, if it is a continued run.
pub fn continued_from(history: &[u8]) -> Option<String> {
    use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
    let history = History::decode(history).ok()?;
    match history.events.first()?.attributes.as_ref()? {
        Attributes::WorkflowExecutionStartedEventAttributes(started)
            if !started.continued_execution_run_id.is_empty() =>
        {
            Some(started.continued_execution_run_id.clone())
        }
        _ => None,
    }
}

fn encode(
    case_id: &str,
    events: Vec<temporalio_common::protos::temporal::api::history::v1::HistoryEvent>,
) -> anyhow::Result<Vec<u8>> {
    if events.is_empty() {
        anyhow::bail!("case {case_id} has no history");
    }
    Ok(History { events }.encode_to_vec())
}
