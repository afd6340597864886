//! What a read falls back to when the case's run does not answer: the snapshot the workflow
//! keeps in its memo, or — for a run that has not written one yet (its first workflow task has
//! not run) — the case as it was created, from the run's start event. The API writes no memo
//! at start: that would cost Temporal a memo write on every create for a read that is rare.

use super::{CaseStore, rpc_error};
use crate::error::ApiError;
use offload_workflows::workflow::VIEW_MEMO_KEY;
use offload_workflows::{CaseInput, CaseRecord, CaseState, CaseView};
use temporalio_client::NamespacedClient;
use temporalio_client::WorkflowExecutionDescription;
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_common::protos::temporal::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;

impl CaseStore {
    /// The case's last snapshot: its memo, else the case as its current run started.
    pub(super) async fn snapshot(
        &self,
        description: &WorkflowExecutionDescription,
    ) -> Result<Option<CaseRecord>, ApiError> {
        if let Ok(Some(record)) = description.memo().get::<CaseRecord>(VIEW_MEMO_KEY) {
            return Ok(Some(record));
        }
        let execution = description.raw_description.workflow_execution_info.as_ref();
        let Some(execution) = execution.and_then(|info| info.execution.clone()) else {
            return Ok(None);
        };
        self.as_started(execution).await
    }

    /// The record a run starts with, read from its first history event.
    async fn as_started(
        &self,
        execution: WorkflowExecution,
    ) -> Result<Option<CaseRecord>, ApiError> {
        let request = GetWorkflowExecutionHistoryRequest {
            namespace: self.client.namespace(),
            execution: Some(execution),
            maximum_page_size: 1,
            ..Default::default()
        };
        let mut service = self.client.connection().workflow_service();
        let history = service
            .get_workflow_execution_history(temporalio_client::tonic::Request::new(request))
            .await
            .map_err(|status| rpc_error("read the case's start", &status))?
            .into_inner();
        let started = history
            .history
            .and_then(|h| h.events.into_iter().next())
            .and_then(|event| match event.attributes {
                Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => Some(started),
                _ => None,
            });
        let Some(payload) = started
            .and_then(|s| s.input)
            .and_then(|input| input.payloads.into_iter().next())
        else {
            return Ok(None);
        };
        let mut input: CaseInput = serde_json::from_slice(&payload.data)
            .map_err(|e| ApiError::Internal(format!("the case's start input: {e}")))?;
        // A continued run starts from the case it carried.
        let state = match input.carried.take() {
            Some(carried) => carried.case,
            None => CaseState::new(input.created_at),
        };
        Ok(Some(CaseRecord {
            tenant: input.tenant.clone(),
            view: CaseView::build(&input, &state, false),
            transcript: None,
            archived: Vec::new(),
            readings: Vec::new(),
            request_hash: input.request_hash.clone(),
        }))
    }
}
