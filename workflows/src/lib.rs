//! The case as Temporal runs it: the case types, the `CaseWorkflow`, the activity interfaces and
//! the pure lifecycle rules. Deterministic and free of I/O; everything else builds on it.
//!
//! - [`case`]: what the client asked for (`CaseRequest`) and the workflow's input.
//! - [`state`]: the case record and the pure rules that change it (time passed in).
//! - [`workflow`]: `CaseWorkflow` — signals, the query, timers, activities; `patched` changes.
//! - [`activities`]: activity names, inputs, outputs and options (implemented by the worker).
//! - [`view`]: the public view (`GET /cases/{id}`) and the transcript rendering.
//! - [`events`]: the webhook events and their envelope.
//! - [`redelivery`]: `WebhookRedelivery`, a finished case's event delivered again.
//! - [`suppression`]: `SuppressionList`, the addresses a tenant's cases must not write to.
//! - [`send_window`]: when the case may write to the counterparty (their time zone).
//! - [`search`]: search attributes and the details operators see in the Temporal UI.

pub mod activities;
pub mod case;
pub mod events;
pub mod redelivery;
pub mod search;
pub mod send_window;
pub mod state;
pub mod suppression;
pub mod view;
pub mod workflow;

pub use case::{CaseInput, CaseRequest};
pub use redelivery::WebhookRedelivery;
pub use state::{CaseState, CaseStatus};
pub use suppression::SuppressionList;
pub use view::{CaseRecord, CaseView};
pub use workflow::CaseWorkflow;
