//! Configuration from the environment, shared by `offload-api` and `offload-worker` so both read
//! the same names. Every value is checked at start-up; an error names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

mod agent;
mod otel;
mod values;
pub use agent::{AgentKind, FallbackModel};
pub use otel::OtelConfig;
pub use values::{Mailbox, Secret, is_email_address};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailerKind {
    /// `.eml` files in a local directory.
    Outbox,
    /// Amazon SES v2.
    Ses,
}

/// Where attachments and large bodies are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobStoreKind {
    /// Files under `OFFLOAD_DATA_DIR/attachments`.
    Local,
    /// An S3 bucket (key prefix may be empty).
    S3 { bucket: String, prefix: String },
}

#[derive(Clone, Debug)]
pub struct Config {
    pub temporal_address: Url,
    pub namespace: String,
    pub task_queue: String,
    pub api_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub hour_seconds: u64,
    pub mailer: MailerKind,
    pub outbox_dir: PathBuf,
    pub reply_domain: String,
    pub mail_from: Mailbox,
    pub inbound_secret: Option<Secret>,
    pub keys_file: PathBuf,
    pub agent: AgentKind,
    pub webhook_allow_http: bool,
    /// Address blocks webhooks may reach although they are not public (tests: 127.0.0.1/32).
    pub webhook_allow_cidrs: Vec<crate::net::Cidr>,
    pub log_json: bool,
    pub ses_configuration_set: Option<String>,
    /// Overrides the AWS endpoint (moto, LocalStack, MinIO).
    pub aws_endpoint_url: Option<Url>,
    pub blob_store: BlobStoreKind,
    pub attachment_max_bytes: u64,
    pub attachment_max_count: usize,
    /// Lifetime of a minted attachment download URL.
    pub download_url_ttl_seconds: u64,
    /// Lifetime of an input request's answer link (`OFFLOAD_ANSWER_LINK_TTL_HOURS`).
    pub answer_link_ttl_hours: u64,
    /// Signs local download URLs; generated and kept in the data directory when unset.
    pub download_signing_key: Option<Secret>,
    /// Signs the tokens of reply addresses and our `Message-ID`s. Required with the SES mailer;
    /// with the local outbox, generated and kept in the data directory when unset.
    pub reply_signing_key: Option<Secret>,
    /// Base URL clients reach the API at, for the download links it mints.
    pub public_url: Url,
    /// SNS topics `/inbound/ses` accepts (signatures are always checked too); with none,
    /// `/inbound/ses` is off (404).
    pub sns_topic_arns: Vec<String>,
    /// S3 buckets received mail may be fetched from (SES receipt rules with an S3 action).
    pub ses_inbound_buckets: Vec<String>,
    /// Largest raw inbound message accepted, by `/inbound/email` or from S3.
    pub inbound_max_bytes: u64,
    /// Tests only: fetch SNS signing certificates from here instead of `sns.<region>.amazonaws.com`.
    pub sns_cert_endpoint: Option<Url>,
    /// Requests per minute per API key (0: no limit).
    pub rate_limit_per_minute: u32,
    /// How long one API request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Where the worker serves `/metrics`, if anywhere.
    pub worker_metrics_addr: Option<SocketAddr>,
    /// How many cases a worker keeps in memory between their steps (least recently used go
    /// first; an evicted case is rebuilt from its history on its next step).
    pub worker_max_cached_cases: usize,
    /// History events after which a case's run continues as new (`OFFLOAD_CASE_RUN_MAX_EVENTS`).
    pub case_run_max_events: u32,
    /// OpenTelemetry trace export (the standard `OTEL_*` variables); `None`: off.
    pub otel: Option<OtelConfig>,
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads `OFFLOAD_*` from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let temporal_address = {
            let raw = get("OFFLOAD_TEMPORAL_ADDRESS").unwrap_or("http://127.0.0.1:7233".into());
            let url = Url::parse(&raw).map_err(|e| {
                bad(
                    "OFFLOAD_TEMPORAL_ADDRESS",
                    format!("not a URL ({e}): {raw}"),
                )
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(bad(
                    "OFFLOAD_TEMPORAL_ADDRESS",
                    "must be an http:// or https:// URL such as http://127.0.0.1:7233",
                ));
            }
            url
        };
        let namespace = get("OFFLOAD_NAMESPACE").unwrap_or("default".into());
        let task_queue = get("OFFLOAD_TASK_QUEUE").unwrap_or("offload-cases".into());
        let api_addr = {
            let raw = get("OFFLOAD_API_ADDR").unwrap_or("127.0.0.1:8080".into());
            raw.parse().map_err(|_| {
                bad(
                    "OFFLOAD_API_ADDR",
                    format!("not a host:port address: {raw}"),
                )
            })?
        };
        let data_dir = PathBuf::from(get("OFFLOAD_DATA_DIR").unwrap_or(".offload".into()));
        let hour_seconds = match get("OFFLOAD_HOUR_SECONDS") {
            None => 3600,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if (1..=86_400).contains(&n) => n,
                _ => {
                    return Err(bad(
                        "OFFLOAD_HOUR_SECONDS",
                        format!("must be a whole number of seconds from 1 to 86400, got {raw}"),
                    ));
                }
            },
        };
        let mailer = match get("OFFLOAD_MAILER").as_deref().map(str::trim) {
            None | Some("outbox") => MailerKind::Outbox,
            Some("ses") => MailerKind::Ses,
            Some(other) => {
                return Err(bad(
                    "OFFLOAD_MAILER",
                    format!("unknown mailer `{other}` (supported: outbox, ses)"),
                ));
            }
        };
        let outbox_dir = get("OFFLOAD_OUTBOX_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("outbox"));
        let reply_domain = get("OFFLOAD_REPLY_DOMAIN")
            .unwrap_or("reply.offload.localhost".into())
            .trim()
            .to_ascii_lowercase();
        if !is_email_address(&format!("reply@{reply_domain}")) {
            return Err(bad(
                "OFFLOAD_REPLY_DOMAIN",
                format!("not a mail domain: {reply_domain}"),
            ));
        }
        let mail_from = {
            let raw = get("OFFLOAD_MAIL_FROM").unwrap_or("offload@offload.localhost".into());
            Mailbox::parse(&raw).ok_or_else(|| {
                bad(
                    "OFFLOAD_MAIL_FROM",
                    format!("not a mailbox such as `Avery <avery@example.com>`: {raw}"),
                )
            })?
        };
        let inbound_secret = get("OFFLOAD_INBOUND_SECRET").map(Secret::new);
        if inbound_secret
            .as_ref()
            .is_some_and(|s| s.expose().len() < 16)
        {
            return Err(bad(
                "OFFLOAD_INBOUND_SECRET",
                "must be at least 16 characters",
            ));
        }
        let keys_file = get("OFFLOAD_KEYS_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("keys.toml"));
        let agent = agent::from_env(&get)?;
        let otel = otel::from_env(&get)?;
        let webhook_allow_http = parse_bool(&get, "OFFLOAD_WEBHOOK_ALLOW_HTTP")?;
        let webhook_allow_cidrs = get("OFFLOAD_WEBHOOK_ALLOW_CIDRS")
            .map(|raw| {
                raw.split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| {
                        crate::net::Cidr::parse(c).ok_or_else(|| {
                            bad(
                                "OFFLOAD_WEBHOOK_ALLOW_CIDRS",
                                format!("`{c}` is not an address block such as 10.0.0.0/8"),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let log_json = match get("OFFLOAD_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(bad(
                    "OFFLOAD_LOG_FORMAT",
                    format!("must be `text` or `json`, got `{other}`"),
                ));
            }
        };
        let optional_url = |name: &'static str| -> Result<Option<Url>, ConfigError> {
            get(name)
                .map(|raw| {
                    Url::parse(raw.trim()).map_err(|e| bad(name, format!("not a URL ({e}): {raw}")))
                })
                .transpose()
        };
        let aws_endpoint_url = optional_url("OFFLOAD_AWS_ENDPOINT_URL")?;
        let sns_cert_endpoint = optional_url("OFFLOAD_SNS_CERT_ENDPOINT")?;
        let blob_store = match get("OFFLOAD_BLOB_STORE").as_deref().map(str::trim) {
            None | Some("local") => BlobStoreKind::Local,
            Some("s3") => BlobStoreKind::S3 {
                bucket: get("OFFLOAD_S3_BUCKET").ok_or_else(|| {
                    bad(
                        "OFFLOAD_S3_BUCKET",
                        "is required with OFFLOAD_BLOB_STORE=s3",
                    )
                })?,
                prefix: get("OFFLOAD_S3_PREFIX").unwrap_or_default(),
            },
            Some(other) => {
                return Err(bad(
                    "OFFLOAD_BLOB_STORE",
                    format!("unknown blob store `{other}` (supported: local, s3)"),
                ));
            }
        };
        let number = |name: &'static str, default: u64, min: u64, max: u64| match get(name) {
            None => Ok(default),
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(bad(
                    name,
                    format!("must be a whole number from {min} to {max}, got {raw}"),
                )),
            },
        };
        let attachment_max_bytes =
            number("OFFLOAD_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024, 1, 1 << 30)?;
        let attachment_max_count = number("OFFLOAD_ATTACHMENT_MAX_COUNT", 20, 0, 1000)? as usize;
        let download_url_ttl_seconds =
            number("OFFLOAD_DOWNLOAD_URL_TTL_SECONDS", 900, 1, 7 * 86_400)?;
        let answer_link_ttl_hours = number(
            "OFFLOAD_ANSWER_LINK_TTL_HOURS",
            crate::answer_link::DEFAULT_TTL_HOURS,
            1,
            90 * 24,
        )?;
        let download_signing_key = get("OFFLOAD_DOWNLOAD_SIGNING_KEY").map(Secret::new);
        if download_signing_key
            .as_ref()
            .is_some_and(|k| k.expose().len() < 32)
        {
            return Err(bad(
                "OFFLOAD_DOWNLOAD_SIGNING_KEY",
                "must be at least 32 characters",
            ));
        }
        let reply_signing_key = get("OFFLOAD_REPLY_SIGNING_KEY").map(Secret::new);
        if reply_signing_key
            .as_ref()
            .is_some_and(|k| k.expose().len() < 32)
        {
            return Err(bad(
                "OFFLOAD_REPLY_SIGNING_KEY",
                "must be at least 32 characters",
            ));
        }
        if reply_signing_key.is_none() && mailer == MailerKind::Ses {
            return Err(bad(
                "OFFLOAD_REPLY_SIGNING_KEY",
                "is required with OFFLOAD_MAILER=ses (at least 32 characters, the same for the \
                 API and the worker; e.g. `head -c 32 /dev/urandom | base64`)",
            ));
        }
        let public_url = match optional_url("OFFLOAD_PUBLIC_URL")? {
            Some(url) => url,
            None => {
                Url::parse(&format!("http://{api_addr}")).expect("a socket address makes a URL")
            }
        };
        let sns_topic_arns = get("OFFLOAD_SNS_TOPIC_ARNS")
            .map(|raw| {
                raw.split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let ses_inbound_buckets = get("OFFLOAD_SES_INBOUND_BUCKETS")
            .map(|raw| {
                raw.split(',')
                    .map(|b| b.trim().to_string())
                    .filter(|b| !b.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let inbound_max_bytes = number(
            "OFFLOAD_INBOUND_MAX_BYTES",
            40 * 1024 * 1024,
            64 * 1024,
            1 << 30,
        )?;
        let rate_limit_per_minute =
            number("OFFLOAD_RATE_LIMIT_PER_MINUTE", 600, 0, 1_000_000)? as u32;
        let request_timeout =
            Duration::from_secs(number("OFFLOAD_REQUEST_TIMEOUT_SECONDS", 30, 1, 3600)?);
        let worker_metrics_addr = match get("OFFLOAD_WORKER_METRICS_ADDR") {
            None => None,
            Some(raw) => Some(raw.trim().parse().map_err(|_| {
                bad(
                    "OFFLOAD_WORKER_METRICS_ADDR",
                    format!("not a host:port address: {raw}"),
                )
            })?),
        };
        let worker_max_cached_cases =
            number("OFFLOAD_WORKER_MAX_CACHED_CASES", 500, 0, 1_000_000)? as usize;
        let case_run_max_events = number(
            "OFFLOAD_CASE_RUN_MAX_EVENTS",
            u64::from(offload_workflows::case::DEFAULT_RUN_MAX_EVENTS),
            u64::from(offload_workflows::case::MIN_RUN_EVENTS),
            40_000,
        )? as u32;
        Ok(Config {
            temporal_address,
            namespace,
            task_queue,
            api_addr,
            data_dir,
            hour_seconds,
            mailer,
            outbox_dir,
            reply_domain,
            mail_from,
            inbound_secret,
            keys_file,
            agent,
            webhook_allow_http,
            webhook_allow_cidrs,
            log_json,
            ses_configuration_set: get("OFFLOAD_SES_CONFIGURATION_SET"),
            aws_endpoint_url,
            blob_store,
            attachment_max_bytes,
            attachment_max_count,
            download_url_ttl_seconds,
            answer_link_ttl_hours,
            download_signing_key,
            reply_signing_key,
            public_url,
            sns_topic_arns,
            ses_inbound_buckets,
            inbound_max_bytes,
            sns_cert_endpoint,
            rate_limit_per_minute,
            request_timeout,
            worker_metrics_addr,
            worker_max_cached_cases,
            case_run_max_events,
            otel,
        })
    }

    /// The addresses and `Message-ID`s of cases, signed with `OFFLOAD_REPLY_SIGNING_KEY` (or, for
    /// local runs, a key generated once in the data directory, which API and worker share).
    pub fn case_addresses(&self) -> std::io::Result<crate::mail::CaseAddresses> {
        Ok(crate::mail::CaseAddresses::new(
            &self.reply_key()?,
            &self.reply_domain,
        ))
    }

    /// Answer links of input requests, signed with a key derived from the reply signing key, so
    /// the API and every worker mint the same link.
    pub fn answer_links(&self) -> std::io::Result<crate::answer_link::AnswerLinks> {
        Ok(crate::answer_link::AnswerLinks::new(
            &self.reply_key()?,
            self.public_url.clone(),
            self.answer_link_ttl_hours,
        ))
    }

    /// Unsubscribe links of outbound mail, signed with a key derived from the reply signing key.
    pub fn unsubscribe_links(&self) -> std::io::Result<crate::unsubscribe::UnsubscribeLinks> {
        Ok(crate::unsubscribe::UnsubscribeLinks::new(
            &self.reply_key()?,
            self.public_url.clone(),
        ))
    }

    fn reply_key(&self) -> std::io::Result<Vec<u8>> {
        match &self.reply_signing_key {
            Some(key) => Ok(key.expose().as_bytes().to_vec()),
            None => crate::keys::load_or_create_secret(&self.data_dir.join("reply-signing-key")),
        }
    }

    /// Where this deployment lets webhooks go.
    pub fn webhook_policy(&self) -> crate::net::WebhookPolicy {
        crate::net::WebhookPolicy {
            allow_http: self.webhook_allow_http,
            allowed: self.webhook_allow_cidrs.clone(),
        }
    }

    /// Where received attachments are kept (local blob store).
    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }
}

fn parse_bool(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<bool, ConfigError> {
    match get(name).as_deref().map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if v == "true" || v == "1" => Ok(true),
        Some(v) if v == "false" || v == "0" => Ok(false),
        Some(v) => Err(bad(name, format!("must be `true` or `false`, got `{v}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_documented_local_ones() {
        let c = config(&[]).unwrap();
        assert_eq!(c.temporal_address.as_str(), "http://127.0.0.1:7233/");
        assert_eq!(c.namespace, "default");
        assert_eq!(c.task_queue, "offload-cases");
        assert_eq!(c.api_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.hour_seconds, 3600);
        assert_eq!(c.mailer, MailerKind::Outbox);
        assert_eq!(c.agent, AgentKind::Rules);
        assert!(!c.webhook_allow_http);
        assert_eq!(c.worker_max_cached_cases, 500);
        assert_eq!(c.case_run_max_events, 2000);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = config(&[("OFFLOAD_HOUR_SECONDS", "0")]).unwrap_err();
        assert_eq!(e.variable, "OFFLOAD_HOUR_SECONDS");
        let e = config(&[("OFFLOAD_MAILER", "carrier-pigeon")]).unwrap_err();
        assert!(e.to_string().starts_with("OFFLOAD_MAILER: unknown mailer"));
        let e = config(&[("OFFLOAD_MAIL_FROM", "not an address")]).unwrap_err();
        assert_eq!(e.variable, "OFFLOAD_MAIL_FROM");
        let e = config(&[("OFFLOAD_WEBHOOK_ALLOW_HTTP", "yes")]).unwrap_err();
        assert_eq!(e.variable, "OFFLOAD_WEBHOOK_ALLOW_HTTP");
        let e = config(&[("OFFLOAD_MAILER", "ses")]).unwrap_err();
        assert_eq!(
            e.variable, "OFFLOAD_REPLY_SIGNING_KEY",
            "real mail needs a real key"
        );
        let e = config(&[("OFFLOAD_REPLY_SIGNING_KEY", "short")]).unwrap_err();
        assert_eq!(e.variable, "OFFLOAD_REPLY_SIGNING_KEY");
        let e = config(&[("OFFLOAD_AGENT", "openai")]).unwrap_err();
        assert_eq!(e.variable, "OFFLOAD_LLM_BASE_URL");
        let e = config(&[
            ("OFFLOAD_AGENT", "openai"),
            ("OFFLOAD_LLM_BASE_URL", "http://x/v1"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "OFFLOAD_LLM_MODEL");
    }

    #[test]
    fn a_fallback_model_shares_the_primarys_endpoint_and_key_unless_given_its_own() {
        let openai = [
            ("OFFLOAD_AGENT", "openai"),
            ("OFFLOAD_LLM_BASE_URL", "http://localhost:11434/v1"),
            ("OFFLOAD_LLM_MODEL", "llama3.1"),
            ("OFFLOAD_LLM_API_KEY", "sk-primary"),
            ("OFFLOAD_LLM_FALLBACK_MODEL", "qwen2.5"),
        ];
        let fallback = |c: Config| match c.agent {
            AgentKind::OpenAi { fallback, .. } => fallback.unwrap(),
            other => panic!("{other:?}"),
        };
        let shared = fallback(config(&openai).unwrap());
        assert_eq!(shared.model, "qwen2.5");
        assert_eq!(shared.base_url.as_str(), "http://localhost:11434/v1");
        assert_eq!(shared.api_key.unwrap().expose(), "sk-primary");
        let mut own = openai.to_vec();
        own.push(("OFFLOAD_LLM_FALLBACK_BASE_URL", "https://api.openai.com/v1"));
        own.push(("OFFLOAD_LLM_FALLBACK_API_KEY", "sk-other"));
        let own = fallback(config(&own).unwrap());
        assert_eq!(own.base_url.as_str(), "https://api.openai.com/v1");
        assert_eq!(own.api_key.unwrap().expose(), "sk-other");
        let mut bad = openai.to_vec();
        bad.push(("OFFLOAD_LLM_FALLBACK_BASE_URL", "not a url"));
        assert!(
            config(&bad)
                .unwrap_err()
                .to_string()
                .contains("OFFLOAD_LLM_FALLBACK_BASE_URL")
        );
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let c = config(&[
            ("OFFLOAD_INBOUND_SECRET", "s3cr3t-s3cr3t-s3cr3t"),
            ("OFFLOAD_AGENT", "openai"),
            ("OFFLOAD_LLM_BASE_URL", "http://localhost:11434/v1"),
            ("OFFLOAD_LLM_MODEL", "llama3.1"),
            ("OFFLOAD_LLM_API_KEY", "sk-s3cr3t"),
            (
                "OFFLOAD_REPLY_SIGNING_KEY",
                "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t",
            ),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn addresses() {
        for ok in ["a@b.co", "first.last+tag@mail.example.com", "x@localhost"] {
            assert!(is_email_address(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a b@c.co",
            "a@-b.co",
            "a..b@c.co",
            "é@b.co",
        ] {
            assert!(!is_email_address(bad), "{bad}");
        }
        assert_eq!(
            Mailbox::parse("Avery <avery@example.com>")
                .unwrap()
                .name
                .as_deref(),
            Some("Avery")
        );
    }
}
