//! `CaseStore`: the API's only door to Temporal, so handlers read as intent. Temporal is the
//! system of record; nothing about cases is kept here.

use crate::error::ApiError;
use offload_workflows::search::{
    OFFLOAD_CLIENT_REFERENCE_ID, OFFLOAD_COUNTERPARTY, OFFLOAD_STATUS, OFFLOAD_TENANT,
};
use offload_workflows::state::{DeliveryFailure, InboundReply, ProvidedInput};
use offload_workflows::workflow::CaseRun;
use offload_workflows::{CaseInput, CaseRecord, CaseStatus, CaseWorkflow};
use std::time::Duration;
use temporalio_client::errors::{WorkflowInteractionError, WorkflowQueryError, WorkflowStartError};
use temporalio_client::tonic::Code;
use temporalio_client::{
    Client, WorkflowIdReusePolicy, WorkflowQueryOptions, WorkflowSignalOptions,
    WorkflowStartOptions,
};
use temporalio_common::SignalDefinition;
use temporalio_common::search_attributes::SearchAttributes;
use uuid::Uuid;

/// How long a read waits for a worker to answer, unless told otherwise.
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What became of a signal.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The workflow has already closed.
    Closed,
}

#[derive(Clone)]
pub struct CaseStore {
    client: Client,
    task_queue: String,
    query_timeout: Duration,
}

fn rpc_error(context: &str, status: &temporalio_client::tonic::Status) -> ApiError {
    match status.code() {
        Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled | Code::ResourceExhausted => {
            ApiError::Unavailable(format!("{context}: {status}"))
        }
        _ => ApiError::Internal(format!("{context}: {status}")),
    }
}

impl CaseStore {
    pub fn new(client: Client, task_queue: String) -> Self {
        CaseStore {
            client,
            task_queue,
            query_timeout: QUERY_TIMEOUT,
        }
    }

    /// How long reads wait for a worker before answering 503.
    pub fn with_query_timeout(mut self, timeout: Duration) -> Self {
        self.query_timeout = timeout;
        self
    }

    /// Starts the case's workflow. When this returns the case is durably recorded.
    pub async fn start(&self, input: &CaseInput) -> Result<(), ApiError> {
        let request = &input.request;
        let mut attributes = vec![
            OFFLOAD_TENANT.value_set(input.tenant.clone()),
            OFFLOAD_STATUS.value_set(CaseStatus::Created.as_str().to_string()),
            OFFLOAD_COUNTERPARTY.value_set(request.counterparty.address.to_ascii_lowercase()),
        ];
        if let Some(reference) = &request.client_reference_id {
            attributes.push(OFFLOAD_CLIENT_REFERENCE_ID.value_set(reference.clone()));
        }
        let objective: String = request.goal.objective.chars().take(120).collect();
        let options = WorkflowStartOptions::new(self.task_queue.clone(), input.case_id.clone())
            .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate)
            .search_attributes(SearchAttributes::new(attributes))
            .static_summary(format!("{objective} → {}", request.counterparty.name))
            .build();
        match self
            .client
            .start_workflow(CaseWorkflow::run, input.clone(), options)
            .await
        {
            Ok(_) => Ok(()),
            Err(WorkflowStartError::Rpc(status)) => Err(rpc_error("start case", &status)),
            Err(error) => Err(ApiError::Internal(format!("start case: {error}"))),
        }
    }

    /// The case's owner and public view, or `None` when no such case exists.
    pub async fn record(
        &self,
        case_id: Uuid,
        include_transcript: bool,
    ) -> Result<Option<CaseRecord>, ApiError> {
        let handle = self
            .client
            .get_workflow_handle::<CaseWorkflow>(case_id.to_string());
        let query = handle.query(
            CaseWorkflow::case_view,
            include_transcript,
            WorkflowQueryOptions::default(),
        );
        match tokio::time::timeout(self.query_timeout, query).await {
            Err(_) => Err(ApiError::Unavailable(format!(
                "no worker answered the case_view query within {:?}",
                self.query_timeout
            ))),
            Ok(Ok(record)) => Ok(Some(record)),
            Ok(Err(WorkflowQueryError::NotFound(_))) => Ok(None),
            Ok(Err(WorkflowQueryError::Rpc(status))) if status.code() == Code::NotFound => Ok(None),
            Ok(Err(WorkflowQueryError::Rpc(status))) => Err(rpc_error("read case", &status)),
            Ok(Err(error)) => Err(ApiError::Internal(format!("read case: {error}"))),
        }
    }

    /// Hands a reply from the counterparty to the case.
    pub async fn send_reply(
        &self,
        case_id: Uuid,
        reply: InboundReply,
    ) -> Result<Delivery, ApiError> {
        self.signal(case_id, CaseWorkflow::reply_received, reply)
            .await
    }

    /// Hands the client's answer to the case.
    pub async fn send_input(
        &self,
        case_id: Uuid,
        input: ProvidedInput,
    ) -> Result<Delivery, ApiError> {
        self.signal(case_id, CaseWorkflow::input_provided, input)
            .await
    }

    /// Tells the case its mail could not be delivered (bounce, complaint, rejection).
    pub async fn send_delivery_failure(
        &self,
        case_id: Uuid,
        failure: DeliveryFailure,
    ) -> Result<Delivery, ApiError> {
        self.signal(case_id, CaseWorkflow::delivery_failed, failure)
            .await
    }

    async fn signal<S>(
        &self,
        case_id: Uuid,
        signal: S,
        input: S::Input,
    ) -> Result<Delivery, ApiError>
    where
        S: SignalDefinition<Workflow = CaseRun>,
        S::Input: Send,
    {
        let handle = self
            .client
            .get_workflow_handle::<CaseWorkflow>(case_id.to_string());
        match handle
            .signal(signal, input, WorkflowSignalOptions::default())
            .await
        {
            Ok(()) => Ok(Delivery::Delivered),
            Err(WorkflowInteractionError::NotFound(_)) => Ok(Delivery::Closed),
            Err(WorkflowInteractionError::Rpc(status)) => Err(rpc_error("signal case", &status)),
            Err(error) => Err(ApiError::Internal(format!("signal case: {error}"))),
        }
    }
}
