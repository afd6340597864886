//! The client's controls over a case through Temporal: its timeline (the case's own record, and
//! the redeliveries of a finished case), pause and resume, and redelivering a past webhook event.

use super::{CaseStore, Delivery, query_not_found as not_found, rpc_error};
use crate::error::{ApiError, Dependency};
use offload_workflows::CaseWorkflow;
use offload_workflows::activities::WebhookDelivery;
use offload_workflows::events::WebhookEvent;
use offload_workflows::redelivery::{
    MAX_REDELIVERIES, RedeliveryEntries, RedeliveryInput, WebhookRedelivery, redelivery_workflow_id,
};
use offload_workflows::state::TimelineQuery;
use offload_workflows::workflow::CaseTimeline;
use temporalio_client::errors::{WorkflowQueryError, WorkflowStartError};
use temporalio_client::tonic::Code;
use temporalio_client::{WorkflowIdReusePolicy, WorkflowQueryOptions, WorkflowStartOptions};
use uuid::Uuid;

/// How a redelivery was taken on.
#[derive(Debug, PartialEq, Eq)]
pub enum Redelivery {
    /// The case's run delivers it (the case is still open).
    ByTheCase,
    /// A `WebhookRedelivery` workflow delivers it (the case's run has closed): its number.
    Separately(u32),
}

/// A query's failure as the API answers it (the case's run, or a redelivery's).
fn query_failure(context: &str, error: WorkflowQueryError) -> ApiError {
    match error {
        WorkflowQueryError::Rpc(status)
            if matches!(
                status.code(),
                Code::DeadlineExceeded | Code::FailedPrecondition
            ) =>
        {
            ApiError::Unavailable(Dependency::CaseWorker, format!("{context}: {status}"))
        }
        WorkflowQueryError::Rpc(status) => rpc_error(context, &status),
        other => ApiError::Internal(format!("{context}: {other}")),
    }
}

fn no_worker_answered(timeout: std::time::Duration) -> ApiError {
    ApiError::Unavailable(
        Dependency::CaseWorker,
        format!("no worker answered within {timeout:?}"),
    )
}

impl CaseStore {
    /// A page of the case's own timeline from position `from` (`None`: no such case). Answered
    /// by the case's run, open or closed (a worker replays a closed one).
    pub async fn timeline(
        &self,
        case_id: Uuid,
        from: u64,
        limit: u32,
    ) -> Result<Option<CaseTimeline>, ApiError> {
        let handle = self
            .client
            .get_workflow_handle::<CaseWorkflow>(case_id.to_string());
        let query = handle.query(
            CaseWorkflow::case_events,
            TimelineQuery { from, limit },
            WorkflowQueryOptions::default(),
        );
        match tokio::time::timeout(self.query_timeout, query).await {
            Ok(Ok(page)) => Ok(Some(page)),
            Ok(Err(error)) if not_found(&error) => Ok(None),
            Ok(Err(error)) => Err(query_failure("read the timeline", error)),
            Err(_) => Err(no_worker_answered(self.query_timeout)),
        }
    }

    /// The entries of redelivery `n` of a finished case, or `None` when there is no such
    /// redelivery (yet).
    pub async fn redelivery_entries(
        &self,
        case_id: Uuid,
        n: u32,
    ) -> Result<Option<RedeliveryEntries>, ApiError> {
        let handle = self
            .client
            .get_workflow_handle::<WebhookRedelivery>(redelivery_workflow_id(
                &case_id.to_string(),
                n,
            ));
        let query = handle.query(
            WebhookRedelivery::attempts,
            (),
            WorkflowQueryOptions::default(),
        );
        match tokio::time::timeout(self.query_timeout, query).await {
            Ok(Ok(entries)) => Ok(Some(entries)),
            Ok(Err(error)) if not_found(&error) => Ok(None),
            Ok(Err(error)) => Err(query_failure("read a redelivery", error)),
            Err(_) => Err(no_worker_answered(self.query_timeout)),
        }
    }

    /// Pauses the case (`POST /cases/{id}/pause`).
    pub async fn send_pause(&self, case_id: Uuid) -> Result<Delivery, ApiError> {
        self.signal(case_id, CaseWorkflow::pause, ()).await
    }

    /// Resumes the case (`POST /cases/{id}/resume`).
    pub async fn send_resume(&self, case_id: Uuid) -> Result<Delivery, ApiError> {
        self.signal(case_id, CaseWorkflow::resume, ()).await
    }

    /// Delivers `delivery` (an event as first delivered) again: through the case's own run while
    /// the case goes on, else (it has finished) through the case's next `WebhookRedelivery`
    /// workflow. `None` when the finished case has had [`MAX_REDELIVERIES`] already.
    pub async fn redeliver(
        &self,
        case_id: Uuid,
        delivery: WebhookDelivery,
        requested_at: i64,
        case_finished: bool,
    ) -> Result<Option<Redelivery>, ApiError> {
        let event: WebhookEvent = delivery.event.clone();
        if !case_finished
            && self
                .signal(case_id, CaseWorkflow::redeliver_webhook, event)
                .await?
                == Delivery::Delivered
        {
            return Ok(Some(Redelivery::ByTheCase));
        }
        let input = RedeliveryInput {
            delivery,
            requested_at,
        };
        // The first free number: ids are never reused, so concurrent requests take different
        // ones and the timeline reads them in order.
        for n in 1..=MAX_REDELIVERIES {
            let id = redelivery_workflow_id(&case_id.to_string(), n);
            let options = WorkflowStartOptions::new(self.task_queue.clone(), id)
                .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate)
                .build();
            match self
                .client
                .start_workflow(WebhookRedelivery::run, input.clone(), options)
                .await
            {
                Ok(_) => return Ok(Some(Redelivery::Separately(n))),
                Err(WorkflowStartError::AlreadyStarted { .. }) => continue,
                Err(WorkflowStartError::Rpc(status)) => {
                    return Err(rpc_error("start a redelivery", &status));
                }
                Err(error) => {
                    return Err(ApiError::Internal(format!("start a redelivery: {error}")));
                }
            }
        }
        Ok(None)
    }
}
