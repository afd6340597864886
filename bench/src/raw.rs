//! The baseline: raw Temporal with the same client library and SDK — a workflow that runs one
//! no-op activity and then waits, started, queried and timed like an Offload case.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use temporalio_client::{Client, WorkflowQueryOptions, WorkflowStartOptions};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{
    ActivityOptions, SyncWorkflowContext, WorkflowContext, WorkflowContextView, WorkflowResult,
};

/// When each raw workflow's activity ran, by workflow id.
fn touched() -> &'static Mutex<HashMap<String, Instant>> {
    static TOUCHED: OnceLock<Mutex<HashMap<String, Instant>>> = OnceLock::new();
    TOUCHED.get_or_init(Default::default)
}

pub struct RawActivities;

#[activities]
impl RawActivities {
    /// The stand-in for "send the first mail": notes when it ran.
    #[activity(name = "bench_touch")]
    pub async fn touch(_ctx: ActivityContext, id: String) -> Result<(), ActivityError> {
        touched()
            .lock()
            .expect("not poisoned")
            .insert(id, Instant::now());
        Ok(())
    }
}

#[workflow]
pub struct RawWorkflow {
    id: String,
    stopped: bool,
}

#[workflow_methods]
impl RawWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, id: String) -> Self {
        RawWorkflow { id, stopped: false }
    }

    #[run(name = "BenchRawWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<()> {
        let id = ctx.state(|s| s.id.clone());
        ctx.execute_activity(
            RawActivities::touch,
            id,
            ActivityOptions::start_to_close_timeout(Duration::from_secs(10)),
        )
        .await?;
        ctx.wait_condition(|s: &RawWorkflow| s.stopped).await?;
        Ok(())
    }

    #[signal(name = "stop")]
    pub fn stop(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.stopped = true;
    }

    #[query(name = "peek")]
    pub fn peek(&self, _ctx: &WorkflowContextView, _detail: bool) -> String {
        self.id.clone()
    }
}

pub const RAW_QUEUE: &str = "offload-bench-raw";

/// Starts a raw workflow; the instant the start call began.
pub async fn start(client: &Client, id: &str) -> anyhow::Result<Instant> {
    let began = Instant::now();
    client
        .start_workflow(
            RawWorkflow::run,
            id.to_string(),
            WorkflowStartOptions::new(RAW_QUEUE, id.to_string()).build(),
        )
        .await?;
    Ok(began)
}

/// Starts a raw workflow carrying what an Offload case carries at start: the same search
/// attributes (tenant, status, counterparty, creation time) and a static summary. (Tells
/// Temporal's cost of those apart from Offload's own.)
pub async fn start_with_attributes(client: &Client, id: &str) -> anyhow::Result<Instant> {
    use offload_workflows::search::{
        OFFLOAD_COUNTERPARTY, OFFLOAD_CREATED_AT, OFFLOAD_STATUS, OFFLOAD_TENANT, created_at_value,
    };
    use temporalio_common::search_attributes::SearchAttributes;
    let began = Instant::now();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let attributes = SearchAttributes::new([
        OFFLOAD_TENANT.value_set("bench-raw".to_string()),
        OFFLOAD_STATUS.value_set("CREATED".to_string()),
        OFFLOAD_COUNTERPARTY.value_set("ap@northstar.example".to_string()),
        OFFLOAD_CREATED_AT.value_set(created_at_value(now)),
    ]);
    client
        .start_workflow(
            RawWorkflow::run,
            id.to_string(),
            WorkflowStartOptions::new(RAW_QUEUE, id.to_string())
                .search_attributes(attributes)
                .static_summary("Collect the signed W-9 for Northstar Supplies → Maya Chen")
                .build(),
        )
        .await?;
    Ok(began)
}

/// How long a query of a raw workflow takes.
pub async fn query(client: &Client, id: &str) -> anyhow::Result<Duration> {
    let began = Instant::now();
    client
        .get_workflow_handle::<RawWorkflow>(id.to_string())
        .query(RawWorkflow::peek, false, WorkflowQueryOptions::default())
        .await?;
    Ok(began.elapsed())
}

/// Waits until the raw workflow's activity has run; when it did.
pub async fn touched_at(id: &str) -> Instant {
    loop {
        if let Some(at) = touched().lock().expect("not poisoned").get(id) {
            return *at;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
