//! The OpenAI-compatible agent (`OFFLOAD_AGENT=openai`): any chat-completions endpoint (OpenAI,
//! Ollama, vLLM, llama.cpp server, LiteLLM). Plain reqwest with our own types; one attempt per
//! call (Temporal owns retries). The model only proposes: a structured decision, drafts and
//! extractions; the guards in [`super::guards`] decide what is accepted and what may be sent.
//!
//! - `chain`: the primary model and its fallback.
//! - `client`: the chat-completions endpoint — wire types, one call, a JSON object back.
//! - `prompts`: the prompt templates (`worker/prompts/*.md`) and what fills them.
//! - `policy`: the agent itself — what to ask the model, and what of its answer to accept.

mod chain;
mod client;
mod policy;
mod prompts;

pub use client::{ChatClient, strict_compatible};
pub use policy::{OpenAiAgent, overruled};
