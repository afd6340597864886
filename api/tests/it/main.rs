//! Integration tests of the API and the case workflow against a real Temporal dev server.

mod answer_link;
mod attachments;
mod bounded;
mod browser;
mod care;
mod footprint;
mod harness;
mod inbound;
mod input;
mod lifecycle;
mod llm;
mod long_cases;
mod manage;
mod operators;
mod outages;
mod pause;
mod routes;
mod service;
mod ses;
mod shutdown;
mod sns;
mod suppression;
mod tenancy;
mod timeline;
mod trust;
mod webhooks;
