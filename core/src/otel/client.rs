//! The API's Temporal client calls as spans: starts and signals, their context written into the
//! [`TRACE_HEADER`] in the cross-SDK format (a JSON map of the W3C `traceparent` fields), which
//! the worker's SDK plugin reads into its workflow and activity spans.

use super::TRACE_HEADER;
use opentelemetry::propagation::{Injector, TextMapPropagator};
use opentelemetry::trace::{FutureExt as _, SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracer;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use temporalio_client::errors::{WorkflowInteractionError, WorkflowStartError};
use temporalio_client::{
    ClientInterceptor, Next, SignalWithStartWorkflowInput, SignalWorkflowInput, StartWorkflowInput,
    StartWorkflowOutput,
};
use temporalio_common::protos::temporal::api::common::v1::{Header, Payload};

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub(super) struct TracedClientCalls {
    pub(super) tracer: SdkTracer,
}

impl TracedClientCalls {
    /// A client span under the current context (the route's, in the API), with its context
    /// written into `header`.
    fn begin(&self, name: String, workflow_id: &str, header: &mut Option<Header>) -> Context {
        let parent = Context::current();
        let span = self
            .tracer
            .span_builder(name)
            .with_kind(SpanKind::Client)
            .with_attributes([KeyValue::new("temporalWorkflowID", workflow_id.to_string())])
            .start_with_context(&self.tracer, &parent);
        let context = parent.with_span(span);
        let mut carrier = Carrier::default();
        TraceContextPropagator::new().inject_context(&context, &mut carrier);
        if !carrier.0.is_empty() {
            let payload = Payload {
                metadata: HashMap::from([("encoding".to_string(), b"json/plain".to_vec())]),
                data: serde_json::to_vec(&carrier.0).expect("a string map serialises"),
                ..Payload::default()
            };
            header
                .get_or_insert_default()
                .fields
                .insert(TRACE_HEADER.to_string(), payload);
        }
        context
    }
}

/// Runs the call inside its span's context and ends the span with the call's outcome.
fn run_in<'a, I: 'a, T: Send + 'a, E: fmt::Display + Send + 'a>(
    context: Context,
    input: I,
    next: Next<'a, I, Boxed<'a, Result<T, E>>>,
) -> Boxed<'a, Result<T, E>> {
    let call = next.run(input);
    Box::pin(async move {
        let result = call.with_context(context.clone()).await;
        if let Err(error) = &result {
            context.span().set_status(Status::error(error.to_string()));
        }
        context.span().end();
        result
    })
}

impl ClientInterceptor for TracedClientCalls {
    fn start_workflow<'a>(
        &'a self,
        mut input: StartWorkflowInput,
        next: Next<
            'a,
            StartWorkflowInput,
            Boxed<'a, Result<StartWorkflowOutput, WorkflowStartError>>,
        >,
    ) -> Boxed<'a, Result<StartWorkflowOutput, WorkflowStartError>> {
        let name = format!("StartWorkflow:{}", input.workflow_type);
        let context = self.begin(
            name,
            &input.options.workflow_id.clone(),
            &mut input.options.header,
        );
        run_in(context, input, next)
    }

    fn signal_with_start_workflow<'a>(
        &'a self,
        mut input: SignalWithStartWorkflowInput,
        next: Next<
            'a,
            SignalWithStartWorkflowInput,
            Boxed<'a, Result<StartWorkflowOutput, WorkflowStartError>>,
        >,
    ) -> Boxed<'a, Result<StartWorkflowOutput, WorkflowStartError>> {
        let name = format!("SignalWithStartWorkflow:{}", input.workflow_type);
        let context = self.begin(
            name,
            &input.options.workflow_id.clone(),
            &mut input.options.header,
        );
        run_in(context, input, next)
    }

    fn signal_workflow<'a>(
        &'a self,
        mut input: SignalWorkflowInput,
        next: Next<'a, SignalWorkflowInput, Boxed<'a, Result<(), WorkflowInteractionError>>>,
    ) -> Boxed<'a, Result<(), WorkflowInteractionError>> {
        let name = format!("SignalWorkflow:{}", input.signal_name);
        let context = self.begin(name, &input.workflow_id.clone(), &mut input.options.header);
        run_in(context, input, next)
    }
}

#[derive(Default)]
struct Carrier(HashMap<String, String>);

impl Injector for Carrier {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
}
