//! Offload's shared core: the case types, the `CaseWorkflow`, the activity interfaces and the
//! pure lifecycle rules. Deterministic and free of I/O; both the worker and the API build on it.

pub mod activities;
pub mod case;
pub mod events;
pub mod search;
pub mod state;
pub mod view;
pub mod workflow;

pub use case::{CaseInput, CaseRequest};
pub use state::{CaseState, CaseStatus};
pub use view::{CaseRecord, CaseView};
pub use workflow::CaseWorkflow;
