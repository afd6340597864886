//! `WebhookRedelivery`: delivers a past event of a finished case again, when the client asks
//! (`POST /cases/{id}/webhooks/{eventId}/redeliver`) after the case's own run has closed. An open
//! case redelivers through its own webhook pump instead (signal `redeliver_webhook`).
//!
//! Workflow ID `<caseId>:redelivery:<n>` (n = 1, 2, … per case, never reused), so the case's
//! timeline finds them in order. The attempts follow the case's rules: the same retry delays, the
//! same 24-hour window, 2xx delivers, 410 and a refused URL stop; each is recorded and answered
//! by the `attempts` query (and is the workflow's result).

use crate::activities::{
    AttemptVerdict, AttemptWebhook, WebhookAttempt, WebhookDelivery, webhook_attempt_options,
    webhook_gives_up_after, webhook_retry_delay,
};
use crate::state::{TimelineEntry, TimelineEvent};
use crate::workflow::attempt_record;
use serde::{Deserialize, Serialize};
use std::time::UNIX_EPOCH;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_workflow::{TimerOptions, WorkflowContext, WorkflowContextView, WorkflowResult};

/// Workflow type name, as operators see it.
pub const REDELIVERY_WORKFLOW_TYPE: &str = "WebhookRedelivery";
/// Query: the redelivery's timeline entries so far ([`RedeliveryEntries`]).
pub const REDELIVERY_ATTEMPTS: &str = "attempts";
/// At most this many redeliveries per finished case.
pub const MAX_REDELIVERIES: u32 = 100;

/// The workflow ID of redelivery `n` (1, 2, …) of a case.
pub fn redelivery_workflow_id(case_id: &str, n: u32) -> String {
    format!("{case_id}:redelivery:{n}")
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RedeliveryInput {
    /// The event as first delivered (URL, tenant, body).
    pub delivery: WebhookDelivery,
    /// When the client asked (ms).
    pub requested_at: i64,
}

#[workflow]
pub struct WebhookRedelivery {
    input: RedeliveryInput,
    entries: Vec<TimelineEntry>,
    done: bool,
}

/// What the `attempts` query answers: the entries so far, and whether more may follow.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RedeliveryEntries {
    pub entries: Vec<TimelineEntry>,
    /// The redelivery has settled: no entry will follow.
    pub done: bool,
}

#[workflow_methods]
impl WebhookRedelivery {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, input: RedeliveryInput) -> Self {
        let entries = vec![TimelineEntry {
            at: input.requested_at,
            event: TimelineEvent::WebhookRedeliveryRequested {
                event_id: input.delivery.event.event_id.clone(),
            },
        }];
        Self {
            input,
            entries,
            done: false,
        }
    }

    #[run(name = "WebhookRedelivery")]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<Vec<TimelineEntry>> {
        let delivery = ctx.state(|s| s.input.delivery.clone());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let input = WebhookAttempt {
                delivery: delivery.clone(),
                attempt,
            };
            let outcome = ctx
                .execute_activity(AttemptWebhook, input, webhook_attempt_options())
                .await;
            let at = now(ctx);
            let event_id = &delivery.event.event_id;
            let (verdict, entry) = attempt_record(outcome, event_id, attempt, true);
            ctx.state_mut(|s| s.entries.push(TimelineEntry { at, event: entry }));
            if verdict != AttemptVerdict::Retry || webhook_gives_up_after(attempt) {
                break;
            }
            let delay = webhook_retry_delay(attempt);
            ctx.timer(
                TimerOptions::builder(delay)
                    .summary("webhook retry".to_string())
                    .build(),
            )
            .await;
        }
        ctx.state_mut(|s| s.done = true);
        Ok(ctx.state(|s| s.entries.clone()))
    }

    #[query(name = "attempts")]
    pub fn attempts(&self, _ctx: &WorkflowContextView) -> RedeliveryEntries {
        RedeliveryEntries {
            entries: self.entries.clone(),
            done: self.done,
        }
    }
}

fn now(ctx: &WorkflowContext<WebhookRedelivery>) -> i64 {
    ctx.workflow_time()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or_else(|| ctx.state(|s| s.input.requested_at))
}
