//! `POST /inbound/ses`: Amazon SES receiving and feedback through SNS — subscription
//! confirmations, replies (`Received`, content inline or in S3), permanent bounces, complaints
//! and rejections — accepted only with a valid SNS signature.

use super::sns;
use super::{Routed, parse_mail, route_reply};
use crate::AppState;
use crate::error::{ApiError, Dependency};
use crate::extract::read_body;
use crate::response::{Envelope, now_ms, ok};
use crate::store::Delivery;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use offload_core::mail::trust::Verdict;
use offload_core::mail::{CASE_HEADER, CaseAddresses};
use offload_workflows::state::{DeliveryFailure, DeliveryFailureKind};
use offload_workflows::suppression::SuppressionReason;
use offload_workflows::view::parse_iso8601_utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// SNS messages are at most 256 KB; leave room for escaping.
const MAX_SNS_BODY: usize = 1024 * 1024;
/// SNS messages older than this (or this far in the future) are refused as replays.
const SNS_MAX_AGE_MS: i64 = 60 * 60 * 1000;

/// What became of an SNS message.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnsOutcome {
    /// `routed`, `ignored`, `unroutable`, `subscribed`, `unsubscribed`, `failed_case` or
    /// `not_actionable`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
struct SesNotification {
    notification_type: Option<String>,
    event_type: Option<String>,
    #[serde(default)]
    mail: SesMail,
    receipt: Option<SesReceipt>,
    content: Option<String>,
    bounce: Option<SesBounce>,
    complaint: Option<SesComplaint>,
    reject: Option<SesReject>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
struct SesMail {
    message_id: Option<String>,
    #[serde(default)]
    headers: Vec<SesHeader>,
    common_headers: Option<SesCommonHeaders>,
}

#[derive(Deserialize, Debug)]
struct SesHeader {
    name: String,
    value: String,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct SesCommonHeaders {
    message_id: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct SesReceipt {
    #[serde(default)]
    recipients: Vec<String>,
    action: SesAction,
    spam_verdict: Option<SesVerdict>,
    virus_verdict: Option<SesVerdict>,
    spf_verdict: Option<SesVerdict>,
    dkim_verdict: Option<SesVerdict>,
    dmarc_verdict: Option<SesVerdict>,
}

#[derive(Deserialize, Debug)]
struct SesVerdict {
    status: String,
}

impl SesReceipt {
    fn verdicts(&self) -> Vec<Verdict> {
        [
            ("spam", &self.spam_verdict),
            ("virus", &self.virus_verdict),
            ("SPF", &self.spf_verdict),
            ("DKIM", &self.dkim_verdict),
            ("DMARC", &self.dmarc_verdict),
        ]
        .into_iter()
        .filter_map(|(check, verdict)| {
            verdict.as_ref().map(|v| Verdict {
                check,
                status: v.status.clone(),
            })
        })
        .collect()
    }
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct SesAction {
    #[serde(rename = "type")]
    kind: String,
    encoding: Option<String>,
    bucket_name: Option<String>,
    object_key: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct SesBounce {
    bounce_type: String,
    bounce_sub_type: Option<String>,
    #[serde(default)]
    bounced_recipients: Vec<SesBouncedRecipient>,
}

#[derive(Deserialize, Debug)]
struct SesBouncedRecipient {
    status: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct SesComplaint {
    complaint_feedback_type: Option<String>,
}

#[derive(Deserialize, Debug)]
struct SesReject {
    reason: Option<String>,
}

impl SesMail {
    /// The case an SES event is about: our case header, our Message-ID, or the reply address
    /// among the original headers. (SES events come through an allow-listed, signed SNS topic:
    /// the headers they quote are our own mail's.)
    fn case_id(&self, addresses: &CaseAddresses) -> Option<Uuid> {
        let header = |name: &'static str| {
            self.headers
                .iter()
                .filter(move |h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.trim())
        };
        header(CASE_HEADER)
            .find_map(|v| Uuid::parse_str(v).ok())
            .or_else(|| {
                self.common_headers
                    .as_ref()
                    .and_then(|c| c.message_id.as_deref())
                    .and_then(|id| addresses.case_of_message_id(id))
            })
            .or_else(|| header("Message-ID").find_map(|id| addresses.case_of_message_id(id)))
            .or_else(|| {
                header("Reply-To").find_map(|v| {
                    let address = v.rsplit('<').next().unwrap_or(v).trim_end_matches('>');
                    addresses.case_of_reply_address(address)
                })
            })
    }
}

fn sns_outcome(outcome: &'static str, case_id: Option<Uuid>) -> Response {
    (
        StatusCode::OK,
        ok(SnsOutcome {
            outcome,
            case_id: case_id.map(|c| c.to_string()),
        }),
    )
        .into_response()
}

/// SES receiving and feedback through an SNS HTTP(S) subscription.
#[utoipa::path(
    post, path = "/inbound/ses", tag = "inbound",
    request_body(content = inline(crate::rules::NonEmptyText), content_type = "text/plain", description = "The SNS message (JSON sent as text/plain)"),
    responses(
        crate::error::OpenRouteErrors,
        (status = 200, description = "Handled (routed, ignored, subscribed, …)", body = Envelope<SnsOutcome>),
        (status = 400, description = "`INVALID_REQUEST`: not an SNS message", body = crate::error::ErrorEnvelope),
        (status = 403, description = "`FORBIDDEN`: unsigned, forged, replayed, from a topic not allowed, or naming an S3 bucket not allowed; nothing happened", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`NOT_FOUND`: SES receiving is off (no `OFFLOAD_SNS_TOPIC_ARNS`)", body = crate::error::ErrorEnvelope),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the message, or the received mail in S3, is over the limit", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn receive_ses(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // Off unless the deployment names the topics it trusts: a valid signature only proves that
    // some AWS account sent the message.
    let allowed = &state.config().sns_topic_arns;
    if allowed.is_empty() {
        return Err(ApiError::RouteNotFound(
            "POST /inbound/ses (set OFFLOAD_SNS_TOPIC_ARNS to receive SES mail)".into(),
        ));
    }
    let raw = read_body(&headers, body, MAX_SNS_BODY).await?;
    let envelope: sns::Envelope = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::invalid("body", format!("not an SNS message ({e})")))?;
    let forbidden = |why: &str| ApiError::Forbidden(format!("sns: {why}"));
    if !allowed.contains(&envelope.topic_arn) {
        return Err(forbidden("topic not allowed"));
    }
    let sent_at =
        parse_iso8601_utc(&envelope.timestamp).ok_or_else(|| forbidden("bad Timestamp"))?;
    if (now_ms() - sent_at).abs() > SNS_MAX_AGE_MS {
        return Err(forbidden("message too old (replayed?)"));
    }
    if state.seen_sns().contains(&envelope.message_id) {
        return Err(forbidden("message already handled (replayed)"));
    }
    state
        .certificates()
        .verify(&envelope)
        .await
        .map_err(|rejection| {
            tracing::warn!(topic = %envelope.topic_arn, %rejection, "SNS message refused");
            match rejection {
                sns::Rejection::CertificateUnavailable => ApiError::Unavailable(
                    Dependency::SnsCertificateHost,
                    "SNS signing certificate unavailable".into(),
                ),
                other => forbidden(&other.to_string()),
            }
        })?;

    let response = match envelope.kind.as_str() {
        "SubscriptionConfirmation" => {
            confirm_subscription(&state, &envelope).await?;
            sns_outcome("subscribed", None)
        }
        "UnsubscribeConfirmation" => {
            tracing::warn!(topic = %envelope.topic_arn, "SNS subscription removed");
            sns_outcome("unsubscribed", None)
        }
        _ => handle_ses_event(&state, &envelope.message).await?,
    };
    state.seen_sns().remember(&envelope.message_id);
    Ok(response)
}

async fn confirm_subscription(state: &AppState, envelope: &sns::Envelope) -> Result<(), ApiError> {
    let url = envelope
        .subscribe_url
        .as_deref()
        .ok_or_else(|| ApiError::invalid("SubscribeURL", "is missing"))?;
    if !sns::is_sns_url(url) {
        return Err(ApiError::Forbidden("sns: SubscribeURL not trusted".into()));
    }
    let target = match &state.config().sns_cert_endpoint {
        // Tests: the emulator stands in for sns.<region>.amazonaws.com.
        Some(endpoint) => {
            let parsed =
                url::Url::parse(url).map_err(|_| ApiError::invalid("SubscribeURL", "not a URL"))?;
            let mut local = endpoint
                .join(parsed.path())
                .map_err(|_| ApiError::invalid("SubscribeURL", "not a URL"))?;
            local.set_query(parsed.query());
            local.to_string()
        }
        None => url.to_string(),
    };
    let response = state
        .http()
        .get(target)
        .send()
        .await
        .map_err(|_| ApiError::Unavailable(Dependency::Sns, "could not reach SNS".into()))?;
    if !response.status().is_success() {
        return Err(ApiError::Unavailable(
            Dependency::Sns,
            format!(
                "SNS answered {} to the subscription confirmation",
                response.status()
            ),
        ));
    }
    tracing::info!(topic = %envelope.topic_arn, "SNS subscription confirmed");
    Ok(())
}

async fn handle_ses_event(state: &AppState, message: &str) -> Result<Response, ApiError> {
    let event: SesNotification = serde_json::from_str(message)
        .map_err(|e| ApiError::invalid("Message", format!("not an SES notification ({e})")))?;
    let kind = event
        .notification_type
        .as_deref()
        .or(event.event_type.as_deref())
        .unwrap_or("");
    let addresses = state.addresses();
    match kind {
        "Received" => {
            let raw = received_content(state, &event).await?;
            let mut mail = parse_mail(raw, "content").await?;
            let mut verdicts = Vec::new();
            if let Some(receipt) = &event.receipt {
                mail.recipients.extend(receipt.recipients.iter().cloned());
                verdicts = receipt.verdicts();
            }
            Ok(match route_reply(state, mail, &verdicts).await? {
                Routed::ToCase(case_id) => sns_outcome("routed", Some(case_id)),
                Routed::CaseFinished(case_id) => sns_outcome("ignored", Some(case_id)),
                Routed::NoCase => {
                    tracing::warn!("SES received mail that matches no case");
                    sns_outcome("unroutable", None)
                }
            })
        }
        "Bounce" => {
            let bounce = event.bounce.as_ref();
            let bounce_type = bounce.map(|b| b.bounce_type.as_str()).unwrap_or("");
            if bounce_type != "Permanent" {
                tracing::info!(bounce_type, "transient bounce; the case goes on");
                return Ok(sns_outcome("not_actionable", event.mail.case_id(addresses)));
            }
            let status = bounce
                .and_then(|b| b.bounced_recipients.iter().find_map(|r| r.status.clone()))
                .map(|s| format!(", status {s}"))
                .unwrap_or_default();
            let sub_type = bounce
                .and_then(|b| b.bounce_sub_type.clone())
                .unwrap_or_else(|| "General".into());
            let detail = format!("Permanent bounce ({sub_type}{status}).");
            fail_case(
                state,
                &event,
                addresses,
                DeliveryFailureKind::Bounced,
                detail,
            )
            .await
        }
        "Complaint" => {
            let feedback = event
                .complaint
                .as_ref()
                .and_then(|c| c.complaint_feedback_type.clone())
                .unwrap_or_else(|| "unspecified".into());
            let detail = format!("The recipient complained ({feedback}).");
            fail_case(
                state,
                &event,
                addresses,
                DeliveryFailureKind::Complained,
                detail,
            )
            .await
        }
        "Reject" => {
            let reason = event
                .reject
                .as_ref()
                .and_then(|r| r.reason.clone())
                .unwrap_or_else(|| "unspecified".into());
            let detail = format!("SES rejected the message ({reason}).");
            fail_case(
                state,
                &event,
                addresses,
                DeliveryFailureKind::Rejected,
                detail,
            )
            .await
        }
        other => {
            tracing::debug!(kind = other, "SES event needs no action");
            Ok(sns_outcome("not_actionable", None))
        }
    }
}

async fn fail_case(
    state: &AppState,
    event: &SesNotification,
    addresses: &CaseAddresses,
    kind: DeliveryFailureKind,
    detail: String,
) -> Result<Response, ApiError> {
    let Some(case_id) = event.mail.case_id(addresses) else {
        tracing::warn!(ses_message_id = ?event.mail.message_id, "SES event matches no case");
        return Ok(sns_outcome("unroutable", None));
    };
    // A hard bounce or a complaint: the tenant's cases do not write to the address again.
    let reason = match kind {
        DeliveryFailureKind::Bounced => Some(SuppressionReason::HardBounce),
        DeliveryFailureKind::Complained => Some(SuppressionReason::Complaint),
        DeliveryFailureKind::Rejected | DeliveryFailureKind::Unsubscribed => None,
    };
    if let Some(reason) = reason
        && let Some(loaded) = state
            .cases()
            .record(case_id, false, crate::store::Wait::ForTheWorkflow)
            .await?
    {
        let record = loaded.record;
        super::suppress(
            state,
            &record.tenant,
            &record.view.counterparty.address,
            reason,
            case_id,
        )
        .await?;
    }
    let delivery = state
        .cases()
        .send_delivery_failure(case_id, DeliveryFailure { kind, detail })
        .await?;
    tracing::info!(%case_id, ?kind, "provider event sent to case");
    Ok(match delivery {
        Delivery::Delivered => sns_outcome("failed_case", Some(case_id)),
        Delivery::Closed => sns_outcome("ignored", Some(case_id)),
    })
}

/// The raw message of a `Received` notification: inline (UTF-8 or base64) with the SNS action,
/// or fetched from the bucket of the S3 action (mail over the SNS size limit).
async fn received_content(state: &AppState, event: &SesNotification) -> Result<Vec<u8>, ApiError> {
    let action = event.receipt.as_ref().map(|r| &r.action);
    if let Some(content) = &event.content {
        let base64 = action
            .and_then(|a| a.encoding.as_deref())
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        return if base64 {
            base64::engine::general_purpose::STANDARD
                .decode(content.trim())
                .map_err(|_| ApiError::invalid("content", "not valid base64"))
        } else {
            Ok(content.as_bytes().to_vec())
        };
    }
    match action {
        Some(SesAction {
            kind,
            bucket_name: Some(bucket),
            object_key: Some(key),
            ..
        }) if kind == "S3" => {
            if !state.config().ses_inbound_buckets.contains(bucket) {
                tracing::warn!(%bucket, "SES named a bucket that is not allowed");
                return Err(ApiError::Forbidden(
                    "sns: the S3 bucket is not one of OFFLOAD_SES_INBOUND_BUCKETS".into(),
                ));
            }
            fetch_received_mail(state, bucket, key).await
        }
        _ => Err(ApiError::invalid(
            "Message",
            "a Received notification without content or an S3 location",
        )),
    }
}

/// Reads received mail from S3, streamed and capped at `OFFLOAD_INBOUND_MAX_BYTES` (a larger
/// object is refused before or while it is read, never buffered whole).
async fn fetch_received_mail(
    state: &AppState,
    bucket: &str,
    key: &str,
) -> Result<Vec<u8>, ApiError> {
    let limit = state.config().inbound_max_bytes;
    let object = state
        .s3()
        .await
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| {
            ApiError::Unavailable(
                Dependency::S3,
                format!(
                    "fetch received mail from S3: {}",
                    aws_sdk_s3::error::DisplayErrorContext(e)
                ),
            )
        })?;
    let too_large = || ApiError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX));
    if object
        .content_length()
        .is_some_and(|n| u64::try_from(n).unwrap_or(0) > limit)
    {
        return Err(too_large());
    }
    let mut body = object.body;
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::Unavailable(Dependency::S3, format!("read received mail from S3: {e}"))
        })?;
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
