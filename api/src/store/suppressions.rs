//! The tenant's suppression list in Temporal: one `SuppressionList` workflow per tenant and shard
//! (see `offload_workflows::suppression`). Additions are signals-with-start (durable at once, a
//! worker or not); reads are queries (a shard that was never written to reads as empty).

use super::{CaseStore, query_not_found as not_found, rpc_error};
use crate::error::{ApiError, Dependency};
use offload_workflows::suppression::{
    SHARDS, Suppression, SuppressionList, SuppressionListInput, SuppressionPageQuery, shard_of,
    shard_workflow_id,
};
use temporalio_client::errors::{WorkflowInteractionError, WorkflowQueryError, WorkflowStartError};
use temporalio_client::tonic::Code;
use temporalio_client::{
    WorkflowIdConflictPolicy, WorkflowQueryOptions, WorkflowSignalOptions, WorkflowStartOptions,
};

/// Where a listing of suppressions goes on: the shard, and the last address returned in it.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SuppressionPosition {
    #[serde(rename = "s")]
    pub shard: u32,
    #[serde(rename = "a")]
    pub after: Option<String>,
}

impl CaseStore {
    fn shard(
        &self,
        tenant: &str,
        shard: u32,
    ) -> temporalio_client::WorkflowHandle<temporalio_client::Client, SuppressionList> {
        self.client
            .get_workflow_handle::<SuppressionList>(shard_workflow_id(tenant, shard))
    }

    async fn query_shard<T>(
        &self,
        tenant: &str,
        shard: u32,
        query: impl std::future::Future<Output = Result<T, WorkflowQueryError>>,
    ) -> Result<Option<T>, ApiError> {
        match tokio::time::timeout(self.query_timeout, query).await {
            Ok(Ok(answer)) => Ok(Some(answer)),
            Ok(Err(error)) if not_found(&error) => Ok(None),
            Ok(Err(WorkflowQueryError::Rpc(status))) => {
                Err(rpc_error("read the suppression list", &status))
            }
            Ok(Err(error)) => Err(ApiError::Internal(format!(
                "read the suppression list of {tenant} ({shard}): {error}"
            ))),
            Err(_) => Err(ApiError::Unavailable(
                Dependency::CaseWorker,
                format!("no worker answered within {:?}", self.query_timeout),
            )),
        }
    }

    /// Whether the tenant's cases may not write to `address`, and since when and why.
    pub async fn suppression(
        &self,
        tenant: &str,
        address: &str,
    ) -> Result<Option<Suppression>, ApiError> {
        let shard = shard_of(address);
        let handle = self.shard(tenant, shard);
        let query = handle.query(
            SuppressionList::check,
            address.to_ascii_lowercase(),
            WorkflowQueryOptions::default(),
        );
        Ok(self.query_shard(tenant, shard, query).await?.flatten())
    }

    /// Suppresses an address for the tenant (kept: the first reason and date win).
    pub async fn suppress(&self, tenant: &str, entry: Suppression) -> Result<(), ApiError> {
        let shard = shard_of(&entry.address);
        let options =
            WorkflowStartOptions::new(self.task_queue.clone(), shard_workflow_id(tenant, shard))
                .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting)
                .build();
        let input = SuppressionListInput {
            tenant: tenant.to_string(),
            carried: Vec::new(),
        };
        match self
            .client
            .signal_with_start_workflow(
                SuppressionList::run,
                input,
                SuppressionList::suppress,
                entry,
                options,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(WorkflowStartError::Rpc(status)) => Err(rpc_error("suppress an address", &status)),
            Err(error) => Err(ApiError::Internal(format!("suppress an address: {error}"))),
        }
    }

    /// Takes an address off the tenant's list (nothing happens when it is not on it).
    pub async fn lift(&self, tenant: &str, address: &str) -> Result<(), ApiError> {
        let handle = self.shard(tenant, shard_of(address));
        match handle
            .signal(
                SuppressionList::lift,
                address.to_ascii_lowercase(),
                WorkflowSignalOptions::default(),
            )
            .await
        {
            Ok(()) | Err(WorkflowInteractionError::NotFound(_)) => Ok(()),
            Err(WorkflowInteractionError::Rpc(status)) if status.code() == Code::NotFound => Ok(()),
            Err(WorkflowInteractionError::Rpc(status)) => {
                Err(rpc_error("lift a suppression", &status))
            }
            Err(error) => Err(ApiError::Internal(format!("lift a suppression: {error}"))),
        }
    }

    /// Up to `limit` suppressions from `from` on (shard by shard, addresses in order), and where
    /// the next page starts (`None`: no more).
    pub async fn suppressions(
        &self,
        tenant: &str,
        from: SuppressionPosition,
        limit: u32,
    ) -> Result<(Vec<Suppression>, Option<SuppressionPosition>), ApiError> {
        let mut page = Vec::new();
        let mut at = from;
        while at.shard < SHARDS {
            let room = limit - page.len() as u32;
            let handle = self.shard(tenant, at.shard);
            let query = handle.query(
                SuppressionList::page,
                SuppressionPageQuery {
                    after: at.after.clone(),
                    limit: room,
                },
                WorkflowQueryOptions::default(),
            );
            let entries = self
                .query_shard(tenant, at.shard, query)
                .await?
                .unwrap_or_default();
            let full = entries.len() as u32 == room;
            if let Some(last) = entries.last() {
                at.after = Some(last.address.clone());
            }
            page.extend(entries);
            if full {
                return Ok((page, Some(at)));
            }
            at = SuppressionPosition {
                shard: at.shard + 1,
                after: None,
            };
        }
        Ok((page, None))
    }
}
