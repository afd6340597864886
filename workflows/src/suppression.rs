//! The suppression list (spec §7): addresses a tenant's cases must not write to again — a hard
//! bounce, a complaint, an unsubscribe, a reply asking not to be contacted. Kept in Temporal,
//! so it is as durable as the cases and shared by every API replica and worker: one long-lived
//! `SuppressionList` workflow per tenant and shard of addresses (`suppressions:<tenant>:<shard>`,
//! [`SHARDS`] shards by a hash of the address), changed by signals (durable at once, even while
//! no worker runs) and read by queries. A shard continues as new when its history grows long,
//! carrying its entries; each holds at most [`MAX_PER_SHARD`] addresses, so what it carries stays
//! far below Temporal's payload limit.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_workflow::{
    ContinueAsNewOptions, SyncWorkflowContext, WorkflowContext, WorkflowContextView, WorkflowResult,
};

/// Workflow type name, as operators see it.
pub const SUPPRESSION_WORKFLOW_TYPE: &str = "SuppressionList";
/// Shards per tenant.
pub const SHARDS: u32 = 16;
/// Addresses one shard keeps (beyond it, the oldest suppression gives way — logged).
pub const MAX_PER_SHARD: usize = 5_000;
/// A shard continues as new once its history holds this many events.
const RUN_MAX_EVENTS: u32 = 2_000;

/// Why an address is suppressed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// A permanent bounce (SES, or a delivery status notification).
    HardBounce,
    /// The recipient marked our mail as spam.
    Complaint,
    /// The recipient unsubscribed (the link or one-click header in our mail).
    Unsubscribed,
    /// The recipient asked, in a reply, not to be contacted.
    DoNotContact,
}

impl SuppressionReason {
    pub fn describe(self) -> &'static str {
        match self {
            SuppressionReason::HardBounce => "the address bounced",
            SuppressionReason::Complaint => "the recipient complained about our mail",
            SuppressionReason::Unsubscribed => "the recipient unsubscribed",
            SuppressionReason::DoNotContact => "the recipient asked not to be contacted",
        }
    }
}

/// One suppressed address.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    /// Lowercased.
    pub address: String,
    pub reason: SuppressionReason,
    /// When (Unix epoch milliseconds).
    pub since: i64,
    /// The case that learned it, if any.
    pub case_id: Option<String>,
}

/// The shard workflow's input: the tenant, and on a continued run the entries it carries.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SuppressionListInput {
    pub tenant: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried: Vec<Suppression>,
}

/// A page of a shard, after `after` (an address), in address order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SuppressionPageQuery {
    pub after: Option<String>,
    pub limit: u32,
}

/// The shard of `address` (lowercased) for a tenant: FNV-1a, stable across versions.
pub fn shard_of(address: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in address.to_ascii_lowercase().bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % SHARDS
}

/// The workflow ID of a tenant's shard.
pub fn shard_workflow_id(tenant: &str, shard: u32) -> String {
    format!("suppressions:{tenant}:{shard}")
}

#[workflow]
pub struct SuppressionList {
    tenant: String,
    entries: BTreeMap<String, Suppression>,
}

#[workflow_methods]
impl SuppressionList {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, input: SuppressionListInput) -> Self {
        Self {
            tenant: input.tenant,
            entries: input
                .carried
                .into_iter()
                .map(|s| (s.address.clone(), s))
                .collect(),
        }
    }

    #[run(name = "SuppressionList")]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<()> {
        // Lives until its history is long, then goes on in a fresh run with its entries.
        let long = {
            let ctx = ctx.clone();
            move || ctx.history_length() >= RUN_MAX_EVENTS
        };
        ctx.wait_condition(move |_: &Self| long()).await?;
        let next = ctx.state(|s| SuppressionListInput {
            tenant: s.tenant.clone(),
            carried: s.entries.values().cloned().collect(),
        });
        match ctx.continue_as_new(next, ContinueAsNewOptions::default()) {
            Err(termination) => Err(termination),
            Ok(never) => match never {},
        }
    }

    /// Adds an address; one already listed keeps its first reason and date.
    #[signal(name = "suppress")]
    pub fn suppress(&mut self, _ctx: &mut SyncWorkflowContext<Self>, entry: Suppression) {
        let address = entry.address.to_ascii_lowercase();
        if self.entries.contains_key(&address) {
            return;
        }
        if self.entries.len() >= MAX_PER_SHARD
            && let Some(oldest) = self
                .entries
                .values()
                .min_by_key(|s| s.since)
                .map(|s| s.address.clone())
        {
            self.entries.remove(&oldest);
        }
        self.entries
            .insert(address.clone(), Suppression { address, ..entry });
    }

    /// Removes an address (nothing happens when it is not listed).
    #[signal(name = "lift")]
    pub fn lift(&mut self, _ctx: &mut SyncWorkflowContext<Self>, address: String) {
        self.entries.remove(&address.to_ascii_lowercase());
    }

    #[query(name = "check")]
    pub fn check(&self, _ctx: &WorkflowContextView, address: String) -> Option<Suppression> {
        self.entries.get(&address.to_ascii_lowercase()).cloned()
    }

    #[query(name = "page")]
    pub fn page(
        &self,
        _ctx: &WorkflowContextView,
        query: SuppressionPageQuery,
    ) -> Vec<Suppression> {
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        match query.after {
            Some(after) => self
                .entries
                .range::<String, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded))
                .map(|(_, s)| s.clone())
                .take(limit)
                .collect(),
            None => self.entries.values().take(limit).cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_spread() {
        assert_eq!(
            shard_of("AP@Northstar.example"),
            shard_of("ap@northstar.example")
        );
        let used: std::collections::BTreeSet<u32> = (0..200)
            .map(|n| shard_of(&format!("person{n}@example.com")))
            .collect();
        assert_eq!(used.len(), SHARDS as usize, "every shard gets addresses");
        assert!(used.iter().all(|s| *s < SHARDS));
    }
}
