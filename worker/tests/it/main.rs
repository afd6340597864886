//! The OpenAI-compatible agent against a local fake model (wiremock): the wire shape, error
//! mapping and timeouts, structured output handling, and the hostile-reply corpus.

mod fake_model;
mod hostile;
mod wire;
