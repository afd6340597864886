//! The agent seam: who writes the mail and reads the replies.

pub mod guards;
pub mod openai;
pub mod rules;

use async_trait::async_trait;
use offload_workflows::activities::{AgentRequest, Decision, Draft, Evaluation};

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// Retrying cannot help (a bad request, a refused key).
    #[error("agent failed: {0}")]
    Permanent(String),
    /// Retrying may help (timeout, a server error, an unusable answer).
    #[error("agent unavailable: {0}")]
    Transient(String),
    /// The endpoint asked us to slow down, possibly saying for how long.
    #[error("agent unavailable: the model endpoint is rate limiting us")]
    RateLimited {
        retry_after: Option<std::time::Duration>,
    },
}

#[async_trait]
pub trait Agent: Send + Sync {
    async fn compose_outreach(&self, request: &AgentRequest) -> Result<Draft, AgentError>;
    async fn compose_follow_up(&self, request: &AgentRequest) -> Result<Draft, AgentError>;
    async fn evaluate(&self, request: &AgentRequest) -> Result<Decision, AgentError>;
    /// [`Agent::evaluate`], with the counterparty's words the decision rests on (for the
    /// timeline). An agent that checks no evidence reports none.
    async fn evaluate_with_evidence(
        &self,
        request: &AgentRequest,
    ) -> Result<Evaluation, AgentError> {
        self.evaluate(request).await.map(Evaluation::from)
    }
    /// Prompt and completion tokens used so far (none for an agent without a model).
    fn tokens_used(&self) -> (u64, u64) {
        (0, 0)
    }
    /// What metrics call this agent when no model answered: `rules`, or the primary model.
    fn name(&self) -> &str {
        "rules"
    }
}
