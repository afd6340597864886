//! Exporting a case's workflow history for the replay corpus, as binary protobuf (`History`).
//! (The Temporal CLI's and UI's JSON export is proto-JSON, which the Rust SDK's replayer does not
//! read; binary protobuf also tolerates fields added to the protos later.)

use offload_workflows::CaseWorkflow;
use prost::Message;
use temporalio_client::Client;
use temporalio_common::protos::temporal::api::history::v1::History;

/// The case's whole history so far, encoded as a `temporal.api.history.v1.History` message.
pub async fn export(client: &Client, case_id: &str) -> anyhow::Result<Vec<u8>> {
    let events = client
        .get_workflow_handle::<CaseWorkflow>(case_id.to_string())
        .fetch_history(Default::default())
        .into_events()
        .await
        .map_err(|e| anyhow::anyhow!("cannot fetch the history of case {case_id}: {e}"))?;
    if events.is_empty() {
        anyhow::bail!("case {case_id} has no history");
    }
    Ok(History { events }.encode_to_vec())
}
