//! The connection to Temporal, and the start-up chores both binaries run against it.

use crate::config::Config;
use offload_workflows::search::{AttributeType, CUSTOM_SEARCH_ATTRIBUTES};
use std::collections::HashMap;
use temporalio_client::tonic::Request;
use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions};
use temporalio_common::protos::temporal::api::enums::v1::IndexedValueType;
use temporalio_common::protos::temporal::api::operatorservice::v1::{
    AddSearchAttributesRequest, ListSearchAttributesRequest,
};

/// Connects to Temporal as configured; `identity` names this process in Temporal's records.
pub async fn connect(config: &Config, identity: &str) -> anyhow::Result<Client> {
    connect_traced(config, identity, None).await
}

/// [`connect`], with the client's workflow starts and signals traced by `otel` (their trace
/// context travels on in the workflow's headers).
pub async fn connect_traced(
    config: &Config,
    identity: &str,
    otel: Option<&crate::otel::Otel>,
) -> anyhow::Result<Client> {
    let interceptors = otel
        .map(|otel| vec![otel.client_interceptor()])
        .unwrap_or_default();
    Ok(Client::new(
        open_connection(config, identity).await?,
        ClientOptions::new(config.namespace.clone())
            .client_interceptors(interceptors)
            .build(),
    )?)
}

/// The connection alone, for a caller that sets its client's options itself (the worker's
/// tracing plugin).
pub async fn open_connection(config: &Config, identity: &str) -> anyhow::Result<Connection> {
    Connection::connect(
        ConnectionOptions::new(config.temporal_address.clone())
            .identity(format!("{identity}@{}", std::process::id()))
            .build(),
    )
    .await
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot reach Temporal at {} (OFFLOAD_TEMPORAL_ADDRESS): {e}",
            config.temporal_address
        )
    })
}

/// Registers the custom search attributes the service uses if the namespace lacks them, so a bare
/// `temporal server start-dev` works. Already-registered attributes are left alone.
pub async fn ensure_search_attributes(client: &Client, namespace: &str) -> anyhow::Result<()> {
    let mut operator = client.connection().operator_service();
    let existing = operator
        .list_search_attributes(Request::new(ListSearchAttributesRequest {
            namespace: namespace.to_string(),
        }))
        .await?
        .into_inner()
        .custom_attributes;
    let missing: HashMap<String, i32> = CUSTOM_SEARCH_ATTRIBUTES
        .iter()
        .filter(|(name, _)| !existing.contains_key(*name))
        .map(|(name, kind)| {
            let kind = match kind {
                AttributeType::Keyword => IndexedValueType::Keyword,
                AttributeType::Datetime => IndexedValueType::Datetime,
            };
            (name.to_string(), kind as i32)
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&String> = missing.keys().collect();
    tracing::info!(?names, "registering custom search attributes");
    match operator
        .add_search_attributes(Request::new(AddSearchAttributesRequest {
            search_attributes: missing.clone(),
            namespace: namespace.to_string(),
        }))
        .await
    {
        Ok(_) => Ok(()),
        // Another worker won the race: fine.
        Err(status) if status.code() == temporalio_client::tonic::Code::AlreadyExists => Ok(()),
        Err(status) => Err(status.into()),
    }
}
