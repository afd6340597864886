//! OpenTelemetry export, configured by the standard `OTEL_*` variables so a deployment's usual
//! collector settings work unchanged. Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces
//! endpoint) is set.

use super::{ConfigError, Secret, bad};
use std::time::Duration;
use url::Url;

/// Where spans go: OTLP over HTTP with protobuf bodies (a collector's port 4318).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtelConfig {
    /// The full traces URL (`<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`, or
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given).
    pub traces_endpoint: Url,
    /// Where metrics are pushed: `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/metrics`, or
    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`; `None` (no metrics) when only a traces endpoint
    /// is given.
    pub metrics_endpoint: Option<Url>,
    /// Headers of each metrics push (`OTEL_EXPORTER_OTLP_METRICS_HEADERS`, else
    /// `OTEL_EXPORTER_OTLP_HEADERS`: `name=value,…`, values percent-encoded). The trace exporter
    /// reads the same variables itself.
    pub metrics_headers: Vec<(String, Secret)>,
    /// `OTEL_METRIC_EXPORT_INTERVAL` (milliseconds; 60 s by default).
    pub metric_interval: Duration,
    /// `OTEL_SERVICE_NAME`; each binary names itself when unset.
    pub service_name: Option<String>,
}

pub(super) fn from_env(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<OtelConfig>, ConfigError> {
    if get("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return Ok(None);
    }
    let base = get("OTEL_EXPORTER_OTLP_ENDPOINT")
        .map(|base| http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &base))
        .transpose()?;
    let signal = |variable: &'static str, path: &str| -> Result<Option<Url>, ConfigError> {
        match (get(variable), &base) {
            (Some(given), _) => http_url(variable, &given).map(Some),
            (None, Some(base)) => {
                let joined = format!("{}/{path}", base.as_str().trim_end_matches('/'));
                http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &joined).map(Some)
            }
            (None, None) => Ok(None),
        }
    };
    let Some(traces_endpoint) = signal("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "v1/traces")? else {
        return Ok(None);
    };
    let metrics_endpoint = match get("OTEL_METRICS_EXPORTER").as_deref().map(str::trim) {
        Some("none") => None,
        _ => signal("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "v1/metrics")?,
    };
    let headers_variable = if get("OTEL_EXPORTER_OTLP_METRICS_HEADERS").is_some() {
        "OTEL_EXPORTER_OTLP_METRICS_HEADERS"
    } else {
        "OTEL_EXPORTER_OTLP_HEADERS"
    };
    let metrics_headers = get(headers_variable)
        .map(|raw| headers(headers_variable, &raw))
        .transpose()?
        .unwrap_or_default();
    let metric_interval = match get("OTEL_METRIC_EXPORT_INTERVAL") {
        None => Duration::from_secs(60),
        Some(raw) => match raw.trim().parse::<u64>() {
            Ok(ms) if ms >= 100 => Duration::from_millis(ms),
            _ => {
                return Err(bad(
                    "OTEL_METRIC_EXPORT_INTERVAL",
                    format!("milliseconds, at least 100 (60000 by default), got `{raw}`"),
                ));
            }
        },
    };
    for variable in [
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
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
        metrics_endpoint,
        metrics_headers,
        metric_interval,
        service_name: get("OTEL_SERVICE_NAME").map(|name| name.trim().to_string()),
    }))
}

/// `name=value,name2=value2` (W3C baggage style, values percent-encoded). The values are secrets
/// (collector tokens): an error names the entry by position, never by content.
fn headers(variable: &'static str, raw: &str) -> Result<Vec<(String, Secret)>, ConfigError> {
    raw.split(',')
        .filter(|entry| !entry.trim().is_empty())
        .enumerate()
        .map(|(i, entry)| {
            let invalid = || {
                bad(
                    variable,
                    format!("entry {} is not a name=value header", i + 1),
                )
            };
            let (name, value) = entry.split_once('=').ok_or_else(invalid)?;
            let name = name.trim();
            let value = percent_decode(value.trim());
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid_name || value.chars().any(char::is_control) {
                return Err(invalid());
            }
            Ok((name.to_string(), Secret::new(value)))
        })
        .collect()
}

fn percent_decode(value: &str) -> String {
    // Form decoding, with `+` kept literal (it means a space only in forms).
    url::form_urlencoded::parse(format!("v={}", value.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn http_url(variable: &'static str, raw: &str) -> Result<Url, ConfigError> {
    // The URL itself is not repeated: it may carry credentials.
    let url = Url::parse(raw.trim()).map_err(|e| bad(variable, format!("not a URL ({e})")))?;
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
        let base = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")])
            .unwrap()
            .unwrap();
        assert_eq!(
            base.traces_endpoint.as_str(),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            base.metrics_endpoint.unwrap().as_str(),
            "http://collector:4318/v1/metrics"
        );
        assert_eq!(base.metric_interval, Duration::from_secs(60));
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
        let interval = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "5s"),
        ])
        .unwrap_err();
        assert_eq!(interval.variable, "OTEL_METRIC_EXPORT_INTERVAL");
        let metrics_grpc = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc"),
        ])
        .unwrap_err();
        assert_eq!(metrics_grpc.variable, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL");
        let leaky =
            read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:s3cret@[::1")]).unwrap_err();
        assert!(!leaky.to_string().contains("s3cret"), "{leaky}");
    }

    #[test]
    fn metrics_headers_are_read_decoded_and_kept_secret() {
        let config = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer%20t0ken, x-team = ap",
            ),
        ])
        .unwrap()
        .unwrap();
        let headers: Vec<(&str, &str)> = config
            .metrics_headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.expose()))
            .collect();
        assert_eq!(
            headers,
            [("authorization", "Bearer t0ken"), ("x-team", "ap")]
        );
        assert!(!format!("{config:?}").contains("t0ken"));
        let bad = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "authorization"),
        ])
        .unwrap_err();
        assert_eq!(bad.variable, "OTEL_EXPORTER_OTLP_METRICS_HEADERS");
        let off = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_METRICS_EXPORTER", "none"),
        ]);
        assert_eq!(off.unwrap().unwrap().metrics_endpoint, None);
    }
}
