//! `CaseStore`: the API's only door to Temporal, so handlers read as intent. Temporal is the
//! system of record; nothing about cases is kept here.

use crate::error::{ApiError, Dependency};
use offload_workflows::search::{
    OFFLOAD_CLIENT_REFERENCE_ID, OFFLOAD_COUNTERPARTY, OFFLOAD_STATUS, OFFLOAD_TENANT,
};
use offload_workflows::state::{DeliveryFailure, InboundReply, ProvidedInput};
use offload_workflows::state::{InputRequestStatus, NOTHING_SCHEDULED, ResultStatus};
use offload_workflows::workflow::CaseRun;
use offload_workflows::workflow::VIEW_MEMO_KEY;
use offload_workflows::{CaseInput, CaseRecord, CaseState, CaseStatus, CaseView, CaseWorkflow};
use std::time::Duration;
use temporalio_client::errors::{WorkflowInteractionError, WorkflowQueryError, WorkflowStartError};
use temporalio_client::tonic::Code;
use temporalio_client::{
    Client, NamespacedClient, QueryRejectCondition, WorkflowDescribeOptions,
    WorkflowExecutionStatus, WorkflowIdReusePolicy, WorkflowQueryOptions, WorkflowSignalOptions,
    WorkflowStartOptions,
};
use temporalio_common::protos::temporal::api::workflowservice::v1::{
    CountWorkflowExecutionsRequest, GetSystemInfoRequest, ListWorkflowExecutionsRequest,
};
use temporalio_common::search_attributes::SearchAttributes;
use temporalio_common::{MemoValues, SignalDefinition};
use uuid::Uuid;

/// How long a read waits for a worker to answer before falling back to the case's memo snapshot.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);

/// A line of `GET /cases`.
#[derive(serde::Serialize, Debug, Clone, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub case_id: String,
    /// `CREATED`, `RUNNING`, `INPUT_NEEDED`, `COMPLETED` or `FAILED`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
    /// Unix epoch milliseconds.
    pub created_at: i64,
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

/// The status a listing shows: a run that ended without finishing its case is `FAILED`.
fn listed_status(attribute: Option<String>, execution_status: i32) -> String {
    use temporalio_common::protos::temporal::api::enums::v1::WorkflowExecutionStatus as Raw;
    match Raw::try_from(execution_status) {
        Ok(Raw::Terminated | Raw::TimedOut | Raw::Failed | Raw::Canceled)
            if attribute
                .as_deref()
                .is_none_or(|s| s != "COMPLETED" && s != "FAILED") =>
        {
            "FAILED".into()
        }
        _ => attribute.unwrap_or_else(|| "CREATED".into()),
    }
}

/// A visibility query string literal: `'…'` with `\` and `'` escaped.
fn query_literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Which of a tenant's cases `GET /cases` lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFilter {
    pub tenant: String,
    pub status: Option<CaseStatus>,
    pub client_reference_id: Option<String>,
}

impl CaseFilter {
    /// The visibility query (every value quoted, so no filter can widen another).
    fn visibility_query(&self) -> String {
        let mut conditions = vec![format!(
            "{} = {}",
            OFFLOAD_TENANT.name(),
            query_literal(&self.tenant)
        )];
        if let Some(status) = self.status {
            conditions.push(format!(
                "{} = {}",
                OFFLOAD_STATUS.name(),
                query_literal(status.as_str())
            ));
        }
        if let Some(reference) = &self.client_reference_id {
            conditions.push(format!(
                "{} = {}",
                OFFLOAD_CLIENT_REFERENCE_ID.name(),
                query_literal(reference)
            ));
        }
        conditions.join(" AND ")
    }

    /// A short digest of the filter, which binds a listing cursor to it.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(self.visibility_query().as_bytes())[..8])
    }
}

/// Where a listing goes on: below `before_ns` (a start time, in ns), after `last_case_id` among
/// the cases started exactly then; `window_ns` is the window width that held the last page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListPosition {
    #[serde(rename = "b")]
    pub before_ns: i64,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub last_case_id: Option<String>,
    #[serde(rename = "w")]
    pub window_ns: i64,
}

/// The first slice a large listing reads: a week.
const FIRST_WINDOW_NS: i64 = 7 * 24 * 3600 * 1_000_000_000;
/// Slices are never narrower than a millisecond.
const MIN_WINDOW_NS: i64 = 1_000_000;
/// Executions per visibility page: a slice that does not fit one page is narrowed.
const VISIBILITY_PAGE: i32 = 1000;
/// Start times before 2000 cover everything: no case is older.
const EARLIEST_NS: i64 = 946_684_800 * 1_000_000_000;

/// `filter`'s cases started in `(lo, before]`.
fn window_query(filter: &CaseFilter, lo: Option<i64>, before: i64) -> String {
    let mut query = filter.visibility_query();
    if let Some(lo) = lo {
        query.push_str(&format!(
            " AND StartTime > {}",
            query_literal(&rfc3339_ns(lo))
        ));
    }
    if before < i64::MAX {
        query.push_str(&format!(
            " AND StartTime <= {}",
            query_literal(&rfc3339_ns(before))
        ));
    }
    query
}

/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
fn rfc3339_ns(ns: i64) -> String {
    let ms = ns.div_euclid(1_000_000);
    let seconds = offload_workflows::view::iso8601_seconds(ms);
    format!(
        "{}.{:09}Z",
        seconds.trim_end_matches('Z'),
        ns.rem_euclid(1_000_000_000)
    )
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

#[derive(Clone)]
pub struct CaseStore {
    client: Client,
    task_queue: String,
    query_timeout: Duration,
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

    /// Starts the case's workflow. When this returns the case is durably recorded.
    pub async fn start(&self, input: &CaseInput) -> Result<Start, ApiError> {
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
        // The snapshot reads fall back to until the workflow writes its own.
        let mut memo = MemoValues::new();
        memo.insert(
            VIEW_MEMO_KEY,
            CaseRecord {
                tenant: input.tenant.clone(),
                view: CaseView::build(input, &CaseState::new(input.created_at), false),
                transcript: None,
                request_hash: input.request_hash.clone(),
            },
        );
        let options = WorkflowStartOptions::new(self.task_queue.clone(), input.case_id.clone())
            .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate)
            .search_attributes(SearchAttributes::new(attributes))
            .memo(memo)
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
    /// workflow (a query); when no worker answers in time, by the snapshot the workflow keeps in
    /// its memo, marked stale (without transcript).
    pub async fn record(
        &self,
        case_id: Uuid,
        include_transcript: bool,
    ) -> Result<Option<Loaded>, ApiError> {
        let handle = self
            .client
            .get_workflow_handle::<CaseWorkflow>(case_id.to_string());
        // A run that ended without finishing its case (terminated, timed out, failed in its own
        // code) must not read as still running: such queries are rejected, and answered below
        // from the snapshot, marked failed.
        let query = handle.query(
            CaseWorkflow::case_view,
            include_transcript,
            WorkflowQueryOptions::builder()
                .reject_condition(QueryRejectCondition::NotCompletedCleanly)
                .build(),
        );
        let mut died: Option<WorkflowExecutionStatus> = None;
        let no_worker = match tokio::time::timeout(self.query_timeout, query).await {
            Ok(Ok(record)) => {
                return Ok(Some(Loaded {
                    record,
                    stale: false,
                }));
            }
            Ok(Err(WorkflowQueryError::NotFound(_))) => return Ok(None),
            Ok(Err(WorkflowQueryError::Rejected { status })) => {
                died = Some(status.unwrap_or(WorkflowExecutionStatus::Terminated));
                String::new()
            }
            Ok(Err(WorkflowQueryError::Rpc(status))) if status.code() == Code::NotFound => {
                return Ok(None);
            }
            Err(_) => format!("no worker answered within {:?}", self.query_timeout),
            Ok(Err(WorkflowQueryError::Rpc(status)))
                if matches!(
                    status.code(),
                    Code::DeadlineExceeded | Code::FailedPrecondition
                ) =>
            {
                format!("the query failed: {status}")
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
        match description.memo().get::<CaseRecord>(VIEW_MEMO_KEY) {
            Ok(Some(mut record)) if died.is_some() => {
                let status = died.unwrap_or(WorkflowExecutionStatus::Terminated);
                tracing::warn!(%case_id, ?status, "the case's run ended without finishing it");
                mark_dead(&mut record, status);
                Ok(Some(Loaded {
                    record,
                    stale: false,
                }))
            }
            Ok(Some(record)) => {
                tracing::warn!(%case_id, reason = %no_worker, "serving the memo snapshot");
                Ok(Some(Loaded {
                    record,
                    stale: true,
                }))
            }
            _ if died.is_some() => Err(ApiError::Internal(format!(
                "case {case_id}: its run ended ({died:?}) and it has no snapshot to read"
            ))),
            _ => Err(ApiError::Unavailable(Dependency::CaseWorker, no_worker)),
        }
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

    /// One page of the filter's cases, newest first by creation, open and closed alike.
    ///
    /// Temporal's SQL visibility cannot `ORDER BY` (it lists open executions first, closed ones
    /// by close time), so pages are cut by start time instead and sorted here: everything below
    /// the cursor when that fits one visibility page (most tenants: one call), else a window
    /// `(lo, before]` narrowed or widened until it does. The cursor is the last case returned,
    /// so a page never shifts when cases open or close. (Visibility calls are rate-limited per
    /// namespace, so few calls per page matter.)
    pub async fn list(
        &self,
        filter: &CaseFilter,
        limit: usize,
        from: Option<&ListPosition>,
    ) -> Result<(Vec<CaseSummary>, Option<ListPosition>), ApiError> {
        // The first page starts an hour ahead of this clock, in case Temporal's runs ahead.
        let now_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        let before = from.map_or(now_ns.saturating_add(3600 * 1_000_000_000), |p| p.before_ns);
        // `None`: everything below `before`.
        let mut window: Option<i64> = None;
        let mut everything_too_big = false;
        let mut narrowing = false;
        let (mut found, lo) = loop {
            let lo = window
                .map(|w| before.saturating_sub(w))
                .filter(|lo| *lo > EARLIEST_NS);
            let (found, complete) = self.list_page(window_query(filter, lo, before)).await?;
            let width = window.unwrap_or(FIRST_WINDOW_NS);
            if !complete {
                if lo.is_none() {
                    // More than a visibility page in all: work in slices.
                    everything_too_big = true;
                    window = Some(from.map_or(FIRST_WINDOW_NS, |p| p.window_ns));
                    continue;
                }
                if width > MIN_WINDOW_NS {
                    narrowing = true;
                    window = Some((width / 8).max(MIN_WINDOW_NS));
                    continue;
                }
            } else if found.len() <= limit && lo.is_some() && !narrowing {
                let wider = width.saturating_mul(8);
                let reaches_everything = before.saturating_sub(wider) <= EARLIEST_NS;
                if !(everything_too_big && reaches_everything) {
                    window = Some(wider);
                    continue;
                }
            }
            break (found, lo);
        };
        // Newest first; ties on the start time by caseId, so the order is total.
        found.sort_by(|a, b| (b.1, &b.0.case_id).cmp(&(a.1, &a.0.case_id)));
        if let Some(ListPosition {
            before_ns,
            last_case_id: Some(last),
            ..
        }) = from
        {
            found.retain(|(case, started)| *started < *before_ns || case.case_id < *last);
        }
        let more_here = found.len() > limit;
        found.truncate(limit);
        let width = window.unwrap_or(FIRST_WINDOW_NS);
        let next = match (found.last(), lo) {
            (Some((case, started)), _) if more_here || lo.is_some() => Some(ListPosition {
                before_ns: *started,
                last_case_id: Some(case.case_id.clone()),
                window_ns: width,
            }),
            // This slice is spent and held no page's worth: carry on below it.
            (None, Some(lo)) => Some(ListPosition {
                before_ns: lo,
                last_case_id: None,
                window_ns: width,
            }),
            _ => None,
        };
        Ok((found.into_iter().map(|(case, _)| case).collect(), next))
    }

    /// The first visibility page (up to 1000) of what `query` matches, and whether that is all.
    async fn list_page(&self, query: String) -> Result<(Vec<(CaseSummary, i64)>, bool), ApiError> {
        let mut service = self.client.connection().workflow_service();
        let response = service
            .list_workflow_executions(temporalio_client::tonic::Request::new(
                ListWorkflowExecutionsRequest {
                    namespace: self.client.namespace(),
                    page_size: self.visibility_page,
                    next_page_token: Vec::new(),
                    query,
                },
            ))
            .await
            .map_err(|status| rpc_error("list cases", &status))?
            .into_inner();
        let found = response
            .executions
            .iter()
            .map(|info| {
                let attribute = |name: &str| -> Option<String> {
                    let payload = info.search_attributes.as_ref()?.indexed_fields.get(name)?;
                    serde_json::from_slice::<String>(&payload.data).ok()
                };
                let started = info.start_time.as_ref().map_or(0, |t| {
                    t.seconds
                        .saturating_mul(1_000_000_000)
                        .saturating_add(i64::from(t.nanos))
                });
                (
                    CaseSummary {
                        case_id: info
                            .execution
                            .as_ref()
                            .map(|e| e.workflow_id.clone())
                            .unwrap_or_default(),
                        status: listed_status(attribute(OFFLOAD_STATUS.name()), info.status),
                        client_reference_id: attribute(OFFLOAD_CLIENT_REFERENCE_ID.name()),
                        created_at: started / 1_000_000,
                    },
                    started,
                )
            })
            .collect();
        Ok((found, response.next_page_token.is_empty()))
    }

    /// How many cases `tenant` started at or after `since` (an ISO 8601 UTC timestamp).
    pub async fn count_started_since(&self, tenant: &str, since: &str) -> Result<i64, ApiError> {
        let query = format!(
            "{} = {} AND StartTime >= {}",
            OFFLOAD_TENANT.name(),
            query_literal(tenant),
            query_literal(since)
        );
        self.count(query).await
    }

    /// How many executions `query` matches.
    async fn count(&self, query: String) -> Result<i64, ApiError> {
        let mut service = self.client.connection().workflow_service();
        let response = service
            .count_workflow_executions(temporalio_client::tonic::Request::new(
                CountWorkflowExecutionsRequest {
                    namespace: self.client.namespace(),
                    query,
                },
            ))
            .await
            .map_err(|status| rpc_error("count cases", &status))?;
        Ok(response.into_inner().count)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_quote_every_value() {
        let filter = CaseFilter {
            tenant: "acme' OR OffloadTenant = 'globex".into(),
            status: Some(CaseStatus::InputNeeded),
            client_reference_id: Some("a\\b".into()),
        };
        assert_eq!(
            filter.visibility_query(),
            "OffloadTenant = 'acme\\' OR OffloadTenant = \\'globex' AND OffloadStatus = 'INPUT_NEEDED' \
             AND OffloadClientReferenceId = 'a\\\\b'"
        );
    }

    #[test]
    fn a_cursor_fingerprint_differs_by_tenant_and_filter() {
        let acme = CaseFilter {
            tenant: "acme".into(),
            status: None,
            client_reference_id: None,
        };
        let globex = CaseFilter {
            tenant: "globex".into(),
            ..acme.clone()
        };
        let running = CaseFilter {
            status: Some(CaseStatus::Running),
            ..acme.clone()
        };
        assert_ne!(acme.fingerprint(), globex.fingerprint());
        assert_ne!(acme.fingerprint(), running.fingerprint());
        assert_eq!(acme.fingerprint(), acme.clone().fingerprint());
    }

    #[test]
    fn windows_are_half_open_in_nanoseconds() {
        assert_eq!(
            rfc3339_ns(1_796_000_000_123_456_789),
            "2026-11-30T00:53:20.123456789Z"
        );
        let filter = CaseFilter {
            tenant: "acme".into(),
            status: None,
            client_reference_id: None,
        };
        assert_eq!(
            window_query(
                &filter,
                Some(1_000_000_000_000_000_000),
                1_000_000_001_000_000_000
            ),
            "OffloadTenant = 'acme' AND StartTime > '2001-09-09T01:46:40.000000000Z' \
             AND StartTime <= '2001-09-09T01:46:41.000000000Z'"
        );
        assert_eq!(
            window_query(&filter, None, i64::MAX),
            "OffloadTenant = 'acme'"
        );
    }
}
