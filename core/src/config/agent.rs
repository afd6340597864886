//! Which agent reads and writes (`OFFLOAD_AGENT`), and the model settings of the OpenAI-compatible
//! one (`OFFLOAD_LLM_*`).

use super::{ConfigError, Secret, bad};
use url::Url;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentKind {
    /// The deterministic, offline rules agent.
    Rules,
    /// Any OpenAI-compatible chat-completions endpoint.
    OpenAi {
        base_url: Url,
        model: String,
        api_key: Option<Secret>,
        timeout_seconds: u64,
        /// Used once the primary model fails for good or keeps timing out
        /// (`OFFLOAD_LLM_FALLBACK_MODEL`).
        fallback: Option<Box<FallbackModel>>,
    },
}

/// The model a case's agent turns to when the primary one fails (same protocol).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FallbackModel {
    /// `OFFLOAD_LLM_FALLBACK_BASE_URL`, else the primary's.
    pub base_url: Url,
    pub model: String,
    /// `OFFLOAD_LLM_FALLBACK_API_KEY`, else the primary's.
    pub api_key: Option<Secret>,
}

/// The agent the variables name.
pub(super) fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<AgentKind, ConfigError> {
    let agent = match get("OFFLOAD_AGENT").as_deref().map(str::trim) {
        None | Some("rules") => AgentKind::Rules,
        Some("openai") => {
            let raw = get("OFFLOAD_LLM_BASE_URL").ok_or_else(|| {
                bad(
                    "OFFLOAD_LLM_BASE_URL",
                    "is required with OFFLOAD_AGENT=openai (e.g. https://api.openai.com/v1 or http://localhost:11434/v1)",
                )
            })?;
            let base_url = Url::parse(raw.trim())
                .map_err(|e| bad("OFFLOAD_LLM_BASE_URL", format!("not a URL ({e}): {raw}")))?;
            let model = get("OFFLOAD_LLM_MODEL")
                .ok_or_else(|| bad("OFFLOAD_LLM_MODEL", "is required with OFFLOAD_AGENT=openai"))?;
            let timeout_seconds = match get("OFFLOAD_LLM_TIMEOUT_SECONDS") {
                None => 60,
                Some(raw) => match raw.trim().parse::<u64>() {
                    Ok(n) if (1..=110).contains(&n) => n,
                    _ => {
                        return Err(bad(
                            "OFFLOAD_LLM_TIMEOUT_SECONDS",
                            format!("must be a whole number from 1 to 110, got {raw}"),
                        ));
                    }
                },
            };
            let api_key = get("OFFLOAD_LLM_API_KEY").map(Secret::new);
            let fallback = match get("OFFLOAD_LLM_FALLBACK_MODEL") {
                None => None,
                Some(fallback_model) => Some(Box::new(FallbackModel {
                    base_url: match get("OFFLOAD_LLM_FALLBACK_BASE_URL") {
                        None => base_url.clone(),
                        Some(raw) => Url::parse(raw.trim()).map_err(|e| {
                            bad(
                                "OFFLOAD_LLM_FALLBACK_BASE_URL",
                                format!("not a URL ({e}): {raw}"),
                            )
                        })?,
                    },
                    model: fallback_model.trim().to_string(),
                    api_key: get("OFFLOAD_LLM_FALLBACK_API_KEY")
                        .map(Secret::new)
                        .or_else(|| api_key.clone()),
                })),
            };
            AgentKind::OpenAi {
                base_url,
                model: model.trim().to_string(),
                api_key,
                timeout_seconds,
                fallback,
            }
        }
        Some(other) => {
            return Err(bad(
                "OFFLOAD_AGENT",
                format!("unknown agent `{other}` (supported: rules, openai)"),
            ));
        }
    };
    Ok(agent)
}
