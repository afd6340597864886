//! Listing cases: the filter, its visibility queries, and pages cut by start time.

use super::{CaseStore, query_literal, rpc_error};
use crate::error::ApiError;
use offload_workflows::search::{
    OFFLOAD_CLIENT_REFERENCE_ID, OFFLOAD_COUNTERPARTY, OFFLOAD_CREATED_AT, OFFLOAD_STATUS,
    OFFLOAD_TENANT,
};
use offload_workflows::state::CaseStatus;
use temporalio_client::NamespacedClient;
use temporalio_common::protos::temporal::api::workflowservice::v1::{
    CountWorkflowExecutionsRequest, ListWorkflowExecutionsRequest,
};

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
pub(super) const VISIBILITY_PAGE: i32 = 1000;
/// Start times before 2000 cover everything: no case is older.
const EARLIEST_NS: i64 = 946_684_800 * 1_000_000_000;

/// `filter`'s cases created in `(lo, before]` (see [`created_where`]), each once.
fn window_query(filter: &CaseFilter, lo: Option<i64>, before: i64) -> String {
    let mut query = format!("{} AND {CURRENT_RUNS}", filter.visibility_query());
    let bounds = |field: &str| {
        let mut bounds = Vec::new();
        if let Some(lo) = lo {
            bounds.push(format!("{field} > {}", query_literal(&rfc3339_ns(lo))));
        }
        if before < i64::MAX {
            bounds.push(format!("{field} <= {}", query_literal(&rfc3339_ns(before))));
        }
        bounds.join(" AND ")
    };
    if lo.is_some() || before < i64::MAX {
        query.push_str(&format!(" AND {}", created_where(bounds)));
    }
    query
}

/// Each case once: runs that continued as new are left out (the case is its current run).
const CURRENT_RUNS: &str = "ExecutionStatus != 'ContinuedAsNew'";

/// `condition` on the creation time: `OffloadCreatedAt`, or the start time for cases created
/// before that attribute existed (they never continue as new, so it is their creation).
fn created_where(condition: impl Fn(&str) -> String) -> String {
    let created = OFFLOAD_CREATED_AT.name();
    format!(
        "(({}) OR ({created} IS NULL AND {}))",
        condition(created),
        condition("StartTime")
    )
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

impl CaseStore {
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
                // The case's creation: its own attribute, else (older cases) the start time.
                let created = attribute(OFFLOAD_CREATED_AT.name())
                    .and_then(|text| offload_workflows::view::parse_iso8601_utc(&text))
                    .map_or(started, |ms| ms.saturating_mul(1_000_000));
                (
                    CaseSummary {
                        case_id: info
                            .execution
                            .as_ref()
                            .map(|e| e.workflow_id.clone())
                            .unwrap_or_default(),
                        status: listed_status(attribute(OFFLOAD_STATUS.name()), info.status),
                        client_reference_id: attribute(OFFLOAD_CLIENT_REFERENCE_ID.name()),
                        created_at: created / 1_000_000,
                    },
                    created,
                )
            })
            .collect();
        Ok((found, response.next_page_token.is_empty()))
    }

    /// The tenant's open cases for `address` (as visibility shows them: within moments of a
    /// change), oldest first, each with its creation time in ns.
    pub async fn open_cases_for(
        &self,
        tenant: &str,
        address: &str,
    ) -> Result<Vec<(uuid::Uuid, i64)>, ApiError> {
        let open = [
            CaseStatus::Created,
            CaseStatus::Running,
            CaseStatus::InputNeeded,
        ]
        .map(|status| query_literal(status.as_str()))
        .join(", ");
        let query = format!(
            "{} = {} AND {} = {} AND ExecutionStatus = 'Running' AND {} IN ({open})",
            OFFLOAD_TENANT.name(),
            query_literal(tenant),
            OFFLOAD_COUNTERPARTY.name(),
            query_literal(&address.to_ascii_lowercase()),
            OFFLOAD_STATUS.name(),
        );
        let (found, _) = self.list_page(query).await?;
        let mut cases: Vec<(uuid::Uuid, i64)> = found
            .into_iter()
            .filter_map(|(case, created)| {
                Some((uuid::Uuid::parse_str(&case.case_id).ok()?, created))
            })
            .collect();
        cases.sort_by_key(|&(id, created)| (created, id));
        Ok(cases)
    }

    /// How many cases `tenant` created at or after `since` (an ISO 8601 UTC timestamp); a case
    /// that continued as new counts once.
    pub async fn count_started_since(&self, tenant: &str, since: &str) -> Result<i64, ApiError> {
        let since = query_literal(since);
        let query = format!(
            "{} = {} AND {CURRENT_RUNS} AND {}",
            OFFLOAD_TENANT.name(),
            query_literal(tenant),
            created_where(|field| format!("{field} >= {since}"))
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
    fn windows_are_half_open_in_nanoseconds_by_creation() {
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
            "OffloadTenant = 'acme' AND ExecutionStatus != 'ContinuedAsNew' AND \
             ((OffloadCreatedAt > '2001-09-09T01:46:40.000000000Z' \
             AND OffloadCreatedAt <= '2001-09-09T01:46:41.000000000Z') OR \
             (OffloadCreatedAt IS NULL AND StartTime > '2001-09-09T01:46:40.000000000Z' \
             AND StartTime <= '2001-09-09T01:46:41.000000000Z'))"
        );
        assert_eq!(
            window_query(&filter, None, i64::MAX),
            "OffloadTenant = 'acme' AND ExecutionStatus != 'ContinuedAsNew'"
        );
    }
}
