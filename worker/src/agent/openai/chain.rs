//! The primary model and, when configured, a fallback (`OFFLOAD_LLM_FALLBACK_MODEL`): a call goes
//! to the fallback once the primary has failed for good (401, 403, 404: a refused key, an unknown model) or
//! timed out twice in a row, and keeps going there for [`FALLBACK_PERIOD`] before the primary
//! is tried again. Rate limiting is not failure: its `Retry-After` is honoured as before.

use super::client::{ChatClient, outcome_label, refuses_every_call};
use crate::agent::AgentError;
use serde_json::Value;
use std::cell::RefCell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long calls stay with the fallback once the primary failed.
pub const FALLBACK_PERIOD: Duration = Duration::from_secs(300);
/// Timeouts in a row after which the primary counts as failing.
pub const KEEPS_TIMING_OUT: u32 = 2;

tokio::task_local! {
    /// The model that answered the last call made within [`answered_by`]'s scope.
    static ANSWERED_BY: RefCell<Option<String>>;
}

/// Runs `work`, returning its output and the model that answered its last call.
pub async fn answered_by<T>(work: impl Future<Output = T>) -> (T, Option<String>) {
    ANSWERED_BY
        .scope(RefCell::new(None), async {
            let output = work.await;
            (output, ANSWERED_BY.with(|model| model.borrow().clone()))
        })
        .await
}

pub struct ModelChain {
    primary: ChatClient,
    fallback: Option<ChatClient>,
    timeouts_in_row: AtomicU32,
    /// Until when calls skip the primary.
    benched_until: Mutex<Option<Instant>>,
}

impl ModelChain {
    pub fn new(primary: ChatClient) -> Self {
        ModelChain {
            primary,
            fallback: None,
            timeouts_in_row: AtomicU32::new(0),
            benched_until: Mutex::new(None),
        }
    }

    pub fn with_fallback(mut self, fallback: ChatClient) -> Self {
        self.fallback = Some(fallback);
        self
    }

    /// The model calls go to first.
    pub fn primary_model(&self) -> &str {
        self.primary.model()
    }

    /// Prompt and completion tokens both models used so far.
    pub fn tokens_used(&self) -> (u64, u64) {
        let (prompt, completion) = self.primary.tokens_used();
        let (more_prompt, more_completion) = self
            .fallback
            .as_ref()
            .map_or((0, 0), ChatClient::tokens_used);
        (prompt + more_prompt, completion + more_completion)
    }

    pub(super) async fn complete(
        &self,
        system: String,
        user: String,
        format: Value,
    ) -> Result<Value, AgentError> {
        let Some(fallback) = &self.fallback else {
            return answered(
                &self.primary,
                self.primary.complete(system, user, format).await,
            );
        };
        let benched = self
            .benched_until
            .lock()
            .expect("fallback lock")
            .is_some_and(|until| Instant::now() < until);
        if !benched {
            let outcome = self
                .primary
                .complete(system.clone(), user.clone(), format.clone())
                .await;
            match outcome_label(&outcome) {
                // The endpoint refuses us or does not know the model: every case would fail alike.
                "refused" if outcome.as_ref().is_err_and(refuses_every_call) => {
                    tracing::warn!(model = %self.primary.model(), "the primary model failed for good: using the fallback");
                    self.bench();
                }
                "timeout" => {
                    let in_row = self.timeouts_in_row.fetch_add(1, Ordering::Relaxed) + 1;
                    if in_row < KEEPS_TIMING_OUT {
                        return outcome;
                    }
                    tracing::warn!(model = %self.primary.model(), "the primary model keeps timing out: using the fallback");
                    self.bench();
                }
                _ => {
                    // Any answer but a timeout ends a run of timeouts.
                    self.timeouts_in_row.store(0, Ordering::Relaxed);
                    return answered(&self.primary, outcome);
                }
            }
        }
        answered(fallback, fallback.complete(system, user, format).await)
    }

    fn bench(&self) {
        self.timeouts_in_row.store(0, Ordering::Relaxed);
        *self.benched_until.lock().expect("fallback lock") = Some(Instant::now() + FALLBACK_PERIOD);
    }
}

/// Notes which model answered (within [`answered_by`]), passing the outcome on.
fn answered(client: &ChatClient, outcome: Result<Value, AgentError>) -> Result<Value, AgentError> {
    if outcome.is_ok() {
        let _ =
            ANSWERED_BY.try_with(|model| *model.borrow_mut() = Some(client.model().to_string()));
    }
    outcome
}
