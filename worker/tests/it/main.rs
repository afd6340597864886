//! The OpenAI-compatible agent against a local fake model (wiremock): the wire shape, error
//! mapping and timeouts, structured output handling, and the hostile-reply corpus; the webhook
//! guard at delivery time; the evaluation corpus; texts through SNS against moto.

mod eval;
mod fake_model;
mod fallback;
mod guards;
mod hostile;
mod send_once;
mod sms;
mod webhook;
mod wire;
