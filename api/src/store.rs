//! `CaseStore`: the API's only door to Temporal, so handlers read as intent. Temporal is the
//! system of record; nothing about cases is kept here.

use crate::error::{ApiError, Dependency};

mod controls;
mod listing;
mod snapshot;
mod suppressions;

pub use controls::Redelivery;
pub use suppressions::SuppressionPosition;

use listing::VISIBILITY_PAGE;
pub use listing::{CaseFilter, CaseSummary, ListPosition};
use offload_workflows::search::{
    OFFLOAD_CLIENT_REFERENCE_ID, OFFLOAD_COUNTERPARTY, OFFLOAD_CREATED_AT, OFFLOAD_STATUS,
    OFFLOAD_TENANT, created_at_value,
};
use offload_workflows::state::{DeliveryFailure, InboundReply, ProvidedInput};
use offload_workflows::state::{InputRequestStatus, NOTHING_SCHEDULED, ResultStatus};
use offload_workflows::workflow::CaseRun;
use offload_workflows::{CaseInput, CaseRecord, CaseStatus, CaseWorkflow};
use std::time::Duration;
use temporalio_client::errors::{WorkflowInteractionError, WorkflowQueryError, WorkflowStartError};
use temporalio_client::tonic::Code;
use temporalio_client::{
    Client, QueryRejectCondition, WorkflowDescribeOptions, WorkflowExecutionStatus,
    WorkflowIdReusePolicy, WorkflowQueryOptions, WorkflowSignalOptions, WorkflowStartOptions,
};
use temporalio_common::SignalDefinition;
use temporalio_common::protos::temporal::api::workflowservice::v1::GetSystemInfoRequest;
use temporalio_common::search_attributes::SearchAttributes;
use uuid::Uuid;

/// How long a read waits for a worker to answer before falling back to the case's memo snapshot.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a read without transcript waits for the workflow's own answer before it fetches the
/// snapshot too and takes whichever comes first. A case whose next step is queued behind others
/// on a busy worker (its query waits for that step) still reads at once.
const SNAPSHOT_AFTER: Duration = Duration::from_millis(200);

/// A query's answer, or `Err` when none came within the query timeout.
type QueryOutcome = Result<Result<CaseRecord, WorkflowQueryError>, tokio::time::error::Elapsed>;

/// How long a read waits for the workflow's own answer before its snapshot may answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Up to the query timeout: reads that decide what the API accepts (an answer, a cancel,
    /// mail, an idempotent replay) check against the newest state the workflow has.
    ForTheWorkflow,
    /// `snapshot_after` (without transcript): what a client reads (`GET /cases/{id}`) comes at
    /// once even when the case's next step is queued on a busy worker.
    SnapshotAfterAWhile,
}

/// What a read got first: the workflow's answer, or its open run's snapshot.
enum Read {
    Answered(QueryOutcome),
    Snapshot(CaseRecord),
}

/// A case whose run ended without finishing it reads as failed: `workflow_error` (or
/// `cancelled` for a run cancelled through Temporal), nothing scheduled, no pending question.
fn mark_dead(record: &mut CaseRecord, status: WorkflowExecutionStatus) {
    let view = &mut record.view;
    if view.status.is_terminal() {
        return;
    }
    view.status = CaseStatus::Failed;
    view.result_status = Some(match status {
        WorkflowExecutionStatus::Canceled => ResultStatus::Cancelled,
        _ => ResultStatus::WorkflowError,
    });
    view.next_action_at = NOTHING_SCHEDULED;
    if let Some(request) = view.input_request.as_mut() {
        request.status = InputRequestStatus::Resolved;
    }
}

/// Whether a query failed because no such workflow exists (told apart two ways by the client).
fn query_not_found(error: &WorkflowQueryError) -> bool {
    match error {
        WorkflowQueryError::NotFound(_) => true,
        WorkflowQueryError::Rpc(status) => status.code() == Code::NotFound,
        _ => false,
    }
}

/// A visibility query string literal: `'…'` with `\` and `'` escaped.
fn query_literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A case as read: from the workflow itself, or (`stale`) from its last memo snapshot because no
/// worker answered.
#[derive(Debug)]
pub struct Loaded {
    pub record: CaseRecord,
    pub stale: bool,
}

/// What became of a start.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    Started,
    /// A workflow with this id exists (running, or closed within the retention period).
    AlreadyExists,
}

/// What became of a signal.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The workflow has already closed.
    Closed,
}

/// Why a read could not be answered by the case's run.
enum Unanswered {
    /// The run ended without finishing the case (terminated, timed out, failed, cancelled).
    RunEnded(WorkflowExecutionStatus),
    /// No worker answered; why.
    NoWorker(String),
}

/// How often a read retries a query that met a run as it continued as new.
const CONTINUED_RUN_RETRIES: u64 = 5;

#[derive(Clone)]
pub struct CaseStore {
    client: Client,
    task_queue: String,
    query_timeout: Duration,
    snapshot_after: Duration,
    visibility_page: i32,
}

fn rpc_error(context: &str, status: &temporalio_client::tonic::Status) -> ApiError {
    match status.code() {
        Code::ResourceExhausted => ApiError::Unavailable(
            Dependency::WorkflowEngineRateLimit,
            format!("{context}: {status}"),
        ),
        Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => {
            ApiError::Unavailable(Dependency::WorkflowEngine, format!("{context}: {status}"))
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
            snapshot_after: SNAPSHOT_AFTER,
            visibility_page: VISIBILITY_PAGE,
        }
    }

    /// Executions per visibility page (tests: small, to exercise slicing with a few cases).
    pub fn with_visibility_page(mut self, size: i32) -> Self {
        self.visibility_page = size.max(1);
        self
    }

    /// How long reads wait for a worker before answering 503.
    pub fn with_query_timeout(mut self, timeout: Duration) -> Self {
        self.query_timeout = timeout;
        self
    }

    /// How long a read without transcript waits for the workflow before the snapshot may answer.
    pub fn with_snapshot_after(mut self, wait: Duration) -> Self {
        self.snapshot_after = wait;
        self
    }

    /// Starts the case's workflow. When this returns the case is durably recorded.
    pub async fn start(&self, input: &CaseInput) -> Result<Start, ApiError> {
        let request = &input.request;
        let mut attributes = vec![
            OFFLOAD_TENANT.value_set(input.tenant.clone()),
            OFFLOAD_STATUS.value_set(CaseStatus::Created.as_str().to_string()),
            OFFLOAD_COUNTERPARTY.value_set(request.counterparty.address.to_ascii_lowercase()),
            OFFLOAD_CREATED_AT.value_set(created_at_value(input.created_at)),
        ];
        if let Some(reference) = &request.client_reference_id {
            attributes.push(OFFLOAD_CLIENT_REFERENCE_ID.value_set(reference.clone()));
        }
        let objective: String = request.goal.objective.chars().take(120).collect();
        // No memo: reads fall back to the start event until the workflow writes its snapshot.
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
            Ok(_) => Ok(Start::Started),
            Err(WorkflowStartError::AlreadyStarted { .. }) => Ok(Start::AlreadyExists),
            Err(WorkflowStartError::Rpc(status)) => Err(rpc_error("start case", &status)),
            Err(error) => Err(ApiError::Internal(format!("start case: {error}"))),
        }
    }

    /// The case's owner and public view, or `None` when no such case exists. Answered by the
    /// workflow (a query); when it does not answer in time (see [`Wait`]), by its last snapshot
    /// (see `snapshot`), marked stale.
    pub async fn record(
        &self,
        case_id: Uuid,
        include_transcript: bool,
        wait: Wait,
    ) -> Result<Option<Loaded>, ApiError> {
        let handle = self
            .client
            .get_workflow_handle::<CaseWorkflow>(case_id.to_string());
        let query = self.query_current_run(&handle, include_transcript);
        tokio::pin!(query);
        let answer = if include_transcript || wait == Wait::ForTheWorkflow {
            query.await
        } else {
            match tokio::time::timeout(self.snapshot_after, query.as_mut()).await {
                Ok(answer) => answer,
                Err(_) => match self.snapshot_unless_answered(&handle, query).await? {
                    Read::Answered(answer) => answer,
                    Read::Snapshot(record) => {
                        tracing::info!(%case_id, "the workflow is slow to answer: serving its snapshot");
                        return Ok(Some(Loaded {
                            record,
                            stale: true,
                        }));
                    }
                },
            }
        };
        let unanswered = match answer {
            Ok(Ok(record)) => {
                return Ok(Some(Loaded {
                    record,
                    stale: false,
                }));
            }
            Ok(Err(WorkflowQueryError::NotFound(_))) => return Ok(None),
            Ok(Err(WorkflowQueryError::Rejected { status })) => {
                Unanswered::RunEnded(status.unwrap_or(WorkflowExecutionStatus::Terminated))
            }
            Ok(Err(WorkflowQueryError::Rpc(status))) if status.code() == Code::NotFound => {
                return Ok(None);
            }
            Err(_) => Unanswered::NoWorker(format!(
                "no worker answered within {:?}",
                self.query_timeout
            )),
            Ok(Err(WorkflowQueryError::Rpc(status)))
                if matches!(
                    status.code(),
                    Code::DeadlineExceeded | Code::FailedPrecondition
                ) =>
            {
                Unanswered::NoWorker(format!("the query failed: {status}"))
            }
            Ok(Err(WorkflowQueryError::Rpc(status))) => {
                return Err(rpc_error("read case", &status));
            }
            Ok(Err(error)) => return Err(ApiError::Internal(format!("read case: {error}"))),
        };
        let description = match handle.describe(WorkflowDescribeOptions::default()).await {
            Ok(description) => description,
            Err(WorkflowInteractionError::NotFound(_)) => return Ok(None),
            Err(WorkflowInteractionError::Rpc(status)) => {
                return Err(rpc_error("describe case", &status));
            }
            Err(error) => return Err(ApiError::Internal(format!("describe case: {error}"))),
        };
        match (self.snapshot(&description).await?, unanswered) {
            (Some(mut record), Unanswered::RunEnded(status)) => {
                tracing::warn!(%case_id, ?status, "the case's run ended without finishing it");
                mark_dead(&mut record, status);
                Ok(Some(Loaded {
                    record,
                    stale: false,
                }))
            }
            (Some(record), Unanswered::NoWorker(reason)) => {
                tracing::warn!(%case_id, %reason, "serving the memo snapshot");
                Ok(Some(Loaded {
                    record,
                    stale: true,
                }))
            }
            (_, Unanswered::RunEnded(status)) => Err(ApiError::Internal(format!(
                "case {case_id}: its run ended ({status:?}) and it has no snapshot to read"
            ))),
            (_, Unanswered::NoWorker(reason)) => {
                Err(ApiError::Unavailable(Dependency::CaseWorker, reason))
            }
        }
    }

    /// The `case_view` query of the case's current run, within the query timeout (`Err`: no
    /// answer in time). A run that ended without finishing its case (terminated, timed out,
    /// failed in its own code) rejects it, so it never reads as still running; a query that meets
    /// a run as it continues as new is retried, since the next run is current in a moment.
    async fn query_current_run(
        &self,
        handle: &temporalio_client::WorkflowHandle<Client, CaseWorkflow>,
        include_transcript: bool,
    ) -> QueryOutcome {
        let mut retries = 0;
        loop {
            let query = handle.query(
                CaseWorkflow::case_view,
                include_transcript,
                WorkflowQueryOptions::builder()
                    .reject_condition(QueryRejectCondition::NotCompletedCleanly)
                    .build(),
            );
            let answer = tokio::time::timeout(self.query_timeout, query).await;
            let continued = matches!(
                &answer,
                Ok(Err(WorkflowQueryError::Rejected {
                    status: Some(WorkflowExecutionStatus::ContinuedAsNew)
                }))
            );
            if !continued || retries == CONTINUED_RUN_RETRIES {
                return answer;
            }
            retries += 1;
            tokio::time::sleep(Duration::from_millis(100 * retries)).await;
        }
    }

    /// While the query is still out: the open run's snapshot, unless the query answers first.
    /// A closed run, or a failed describe, leaves the read to the query.
    async fn snapshot_unless_answered(
        &self,
        handle: &temporalio_client::WorkflowHandle<Client, CaseWorkflow>,
        mut query: std::pin::Pin<&mut impl std::future::Future<Output = QueryOutcome>>,
    ) -> Result<Read, ApiError> {
        let described = tokio::select! {
            answer = query.as_mut() => return Ok(Read::Answered(answer)),
            described = handle.describe(WorkflowDescribeOptions::default()) => described,
        };
        if let Ok(description) = described
            && description.status() == WorkflowExecutionStatus::Running
            && let Some(record) = self.snapshot(&description).await?
        {
            return Ok(Read::Snapshot(record));
        }
        Ok(Read::Answered(query.await))
    }

    /// Whether Temporal answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), ApiError> {
        let mut service = self.client.connection().workflow_service();
        let call = service.get_system_info(temporalio_client::tonic::Request::new(
            GetSystemInfoRequest {},
        ));
        match tokio::time::timeout(Duration::from_secs(3), call).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(status)) => Err(ApiError::Unavailable(
                Dependency::WorkflowEngine,
                status.to_string(),
            )),
            Err(_) => Err(ApiError::Unavailable(
                Dependency::WorkflowEngine,
                "Temporal did not answer within 3 s".into(),
            )),
        }
    }

    /// Asks the case to stop (`POST /cases/{id}/cancel`).
    pub async fn send_cancel(&self, case_id: Uuid) -> Result<Delivery, ApiError> {
        self.signal(case_id, CaseWorkflow::cancel, ()).await
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
