//! OpenTelemetry export, configured by the standard `OTEL_*` variables so a deployment's usual
//! collector settings work unchanged. Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces
//! endpoint) is set.

use super::{ConfigError, bad};
use url::Url;

/// Where spans go: OTLP over HTTP with protobuf bodies (a collector's port 4318).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtelConfig {
    /// The full traces URL (`<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`, or
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given).
    pub traces_endpoint: Url,
    /// `OTEL_SERVICE_NAME`; each binary names itself when unset.
    pub service_name: Option<String>,
}

pub(super) fn from_env(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<OtelConfig>, ConfigError> {
    if get("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return Ok(None);
    }
    let traces_endpoint = match (
        get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        get("OTEL_EXPORTER_OTLP_ENDPOINT"),
    ) {
        (Some(traces), _) => http_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &traces)?,
        (None, Some(base)) => {
            let base = http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &base)?;
            let joined = format!("{}/v1/traces", base.as_str().trim_end_matches('/'));
            http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &joined)?
        }
        (None, None) => return Ok(None),
    };
    for variable in [
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    ] {
        match get(variable).as_deref().map(str::trim) {
            None | Some("http/protobuf") => {}
            Some(other) => {
                return Err(bad(
                    variable,
                    format!(
                        "only `http/protobuf` is supported (the collector's OTLP/HTTP port, usually 4318), got `{other}`"
                    ),
                ));
            }
        }
    }
    Ok(Some(OtelConfig {
        traces_endpoint,
        service_name: get("OTEL_SERVICE_NAME").map(|name| name.trim().to_string()),
    }))
}

fn http_url(variable: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url =
        Url::parse(raw.trim()).map_err(|e| bad(variable, format!("not a URL ({e}): {raw}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            variable,
            "must be an http:// or https:// URL such as http://127.0.0.1:4318",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<Option<OtelConfig>, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        from_env(&|name: &str| vars.get(name).cloned())
    }

    #[test]
    fn export_is_off_without_an_endpoint() {
        assert_eq!(read(&[]).unwrap(), None);
        assert_eq!(
            read(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                ("OTEL_SDK_DISABLED", "true")
            ])
            .unwrap(),
            None
        );
    }

    #[test]
    fn the_base_endpoint_gets_the_traces_path_and_the_traces_endpoint_is_taken_as_given() {
        let base = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")]).unwrap();
        assert_eq!(
            base.unwrap().traces_endpoint.as_str(),
            "http://collector:4318/v1/traces"
        );
        let given = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "https://t.example/otlp/spans",
            ),
        ])
        .unwrap();
        assert_eq!(
            given.unwrap().traces_endpoint.as_str(),
            "https://t.example/otlp/spans"
        );
    }

    #[test]
    fn a_grpc_protocol_or_a_bad_url_is_refused_naming_the_variable() {
        let grpc = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ])
        .unwrap_err();
        assert_eq!(grpc.variable, "OTEL_EXPORTER_OTLP_PROTOCOL");
        let bad_url = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]).unwrap_err();
        assert_eq!(bad_url.variable, "OTEL_EXPORTER_OTLP_ENDPOINT");
    }
}
