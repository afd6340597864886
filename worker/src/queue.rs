//! One case at a time per counterparty: the look a queued case takes at the earlier cases it
//! waits for, in Temporal itself (describe is read-after-write; visibility may lag).

use offload_workflows::CaseWorkflow;
use offload_workflows::activities::EarlierCases;
use offload_workflows::search::OFFLOAD_STATUS;
use temporalio_client::errors::WorkflowInteractionError;
use temporalio_client::{
    Client, WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowSignalOptions,
};

/// Reads and signals the earlier cases.
#[derive(Clone)]
pub struct EarlierCaseLookup {
    client: Client,
}

impl EarlierCaseLookup {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The earlier cases still open, from the first open one on, in order. The first open one is
    /// asked (unless it already was) to tell the queued case when it ends — before it is read,
    /// so an end after the read is always told. Errors are Temporal's, and worth a retry.
    pub async fn still_open(&self, look: &EarlierCases) -> Result<Vec<String>, String> {
        for (position, earlier) in look.earlier.iter().enumerate() {
            let handle = self
                .client
                .get_workflow_handle::<CaseWorkflow>(earlier.clone());
            if look.registered_with.as_deref() != Some(earlier.as_str()) {
                match handle
                    .signal(
                        CaseWorkflow::successor_queued,
                        look.case_id.clone(),
                        WorkflowSignalOptions::default(),
                    )
                    .await
                {
                    Ok(()) => {}
                    // No such case, or its run has closed: it has ended.
                    Err(WorkflowInteractionError::NotFound(_)) => continue,
                    Err(error) => return Err(format!("ask case {earlier} to tell: {error}")),
                }
            }
            let described = match handle.describe(WorkflowDescribeOptions::default()).await {
                Ok(described) => described,
                Err(WorkflowInteractionError::NotFound(_)) => continue,
                Err(error) => return Err(format!("describe case {earlier}: {error}")),
            };
            let running = described.status() == WorkflowExecutionStatus::Running;
            let status = described
                .raw_description
                .workflow_execution_info
                .as_ref()
                .and_then(|i| i.search_attributes.as_ref())
                .and_then(|a| a.indexed_fields.get(OFFLOAD_STATUS.name()))
                .and_then(|p| serde_json::from_slice::<String>(&p.data).ok());
            // A run still delivering the last webhooks of a finished case has ended as a case.
            let finished = matches!(status.as_deref(), Some("COMPLETED" | "FAILED"));
            if running && !finished {
                return Ok(look.earlier[position..].to_vec());
            }
        }
        Ok(Vec::new())
    }
}
