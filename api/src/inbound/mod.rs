//! Inbound mail and provider events.
//!
//! - `POST /inbound/email`: a raw RFC 822 message from any mail system, authenticated by a
//!   shared secret (`x-offload-inbound-secret`).
//! - `POST /inbound/ses`: Amazon SES receiving and feedback through SNS, authenticated by SNS
//!   signatures: replies (`Received`, content inline or in S3), permanent bounces, complaints
//!   and rejections.
//!
//! A reply is routed to its case, its attachments (within limits) and large body stored as
//! blobs, and the case signalled. [`ses`] handles the SNS side; [`sns`] verifies SNS messages.

pub mod ses;
pub mod sns;

use crate::AppState;
use crate::error::{ApiError, Dependency};
use crate::extract::{read_body, require_content_type};
use crate::response::{Envelope, now_ms, ok};
use crate::store::Delivery;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use offload_core::mail::inbound::InboundMail;
use offload_core::mail::opt_out::asks_not_to_be_contacted;
use offload_core::mail::trust::{Verdict, sender_problem, verdict_problem};
use offload_workflows::state::{
    Attachment, DeliveryFailure, DeliveryFailureKind, INLINE_BODY_LIMIT, InboundReply,
    SkippedAttachment, inline_part,
};
use offload_workflows::suppression::{Suppression, SuppressionReason};
use serde::Serialize;
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// The most skipped files a reply lists by name; the rest are counted in one more entry, so the
/// list never exceeds 100 (spec §6).
const MAX_SKIPPED_LISTED: usize = 99;
/// How long reading one message may take (it is linear in the input; this is the backstop).
const PARSE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Parses mail on a blocking thread under [`PARSE_DEADLINE`], so a large or hostile message
/// never holds up the async runtime. `field` names the input in errors.
pub async fn parse_mail(
    raw: impl AsRef<[u8]> + Send + 'static,
    field: &'static str,
) -> Result<InboundMail, ApiError> {
    let parsing = tokio::task::spawn_blocking(move || InboundMail::parse(raw.as_ref()));
    match tokio::time::timeout(PARSE_DEADLINE, parsing).await {
        Ok(Ok(Ok(mail))) => Ok(mail),
        Ok(Ok(Err(unparsable))) => Err(ApiError::invalid(field, unparsable)),
        Ok(Err(panicked)) => Err(ApiError::Internal(format!(
            "mail parsing failed: {panicked}"
        ))),
        Err(_) => Err(ApiError::invalid(
            field,
            format!("could not be read within {} s", PARSE_DEADLINE.as_secs()),
        )),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbound/email", post(receive_email))
        .route("/inbound/ses", post(ses::receive_ses))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InboundOutcome {
    pub case_id: String,
    /// Present (true) when the case is already finished and the reply was only logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<bool>,
}

fn check_secret(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = headers
        .get("x-offload-inbound-secret")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let Some(expected) = &state.config().inbound_secret else {
        return Err(ApiError::Unauthorized(
            "x-offload-inbound-secret: inbound mail is not configured (OFFLOAD_INBOUND_SECRET)"
                .into(),
        ));
    };
    if presented.is_empty() || !bool::from(presented.ct_eq(expected.expose().as_bytes())) {
        return Err(ApiError::Unauthorized(
            "x-offload-inbound-secret: missing or wrong".into(),
        ));
    }
    Ok(())
}

/// A raw RFC 822 reply from any mail system.
#[utoipa::path(
    post, path = "/inbound/email", tag = "inbound",
    security(("inboundSecret" = [])),
    request_body(content = inline(crate::rules::NonEmptyText), content_type = "message/rfc822", description = "The whole message, headers and body"),
    responses(
        crate::error::OpenRouteErrors,
        (status = 202, description = "Routed to an open case", body = Envelope<InboundOutcome>),
        (status = 200, description = "The case is finished; the reply was logged and ignored", body = Envelope<InboundOutcome>),
        (status = 400, description = "`INVALID_REQUEST`: not an RFC 822 message", body = crate::error::ErrorEnvelope),
        (status = 401, description = "`UNAUTHORIZED`: missing or wrong secret", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`: no case matches", body = crate::error::ErrorEnvelope),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: over `OFFLOAD_INBOUND_MAX_BYTES` (default 40 MiB)", body = crate::error::ErrorEnvelope),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn receive_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    check_secret(&state, &headers)?;
    require_content_type(&headers, |t| t == "message/rfc822", "message/rfc822")?;
    let limit = usize::try_from(state.config().inbound_max_bytes).unwrap_or(usize::MAX);
    let raw = read_body(&headers, body, limit).await?;
    let mail = parse_mail(raw, "body").await?;
    let (status, case_id, ignored) = match route_reply(&state, mail, &[]).await? {
        Routed::ToCase(case_id) => (StatusCode::ACCEPTED, case_id, None),
        Routed::CaseFinished(case_id) => (StatusCode::OK, case_id, Some(true)),
        Routed::NoCase => return Err(ApiError::CaseNotFound),
    };
    Ok((
        status,
        ok(InboundOutcome {
            case_id: case_id.to_string(),
            ignored,
        }),
    )
        .into_response())
}

/// A delivery status notification that says the counterparty's address failed for good (RFC
/// 3464 `Action: failed`, `5.x.x`), about a message of this very case (our signed `Message-ID`
/// in the returned copy): the failure's detail. Anything else — a transient `4.x.x`, another
/// recipient, a report naming no message of ours — is kept like any automatic reply.
fn permanent_bounce(
    state: &AppState,
    mail: &InboundMail,
    case_id: Uuid,
    counterparty: &str,
) -> Option<String> {
    let report = mail.delivery_report.as_ref()?;
    let about_this_case = report
        .original_message_ids
        .iter()
        .any(|id| state.addresses().case_of_message_id(id) == Some(case_id));
    if !about_this_case {
        return None;
    }
    report.permanent_failure_for(counterparty)
}

/// Puts `address` on the tenant's suppression list, learned by `case_id`.
pub async fn suppress(
    state: &AppState,
    tenant: &str,
    address: &str,
    reason: SuppressionReason,
    case_id: Uuid,
) -> Result<(), ApiError> {
    state
        .cases()
        .suppress(
            tenant,
            Suppression {
                address: address.to_ascii_lowercase(),
                reason,
                since: now_ms(),
                case_id: Some(case_id.to_string()),
            },
        )
        .await
}

/// Whether a delivery report's sender belongs to the counterparty's mail domain (or one under
/// it, such as `mx.`) or to ours: the systems that can know the address bounced.
fn reporter_is_aligned(reporter: &str, counterparty: &str, state: &AppState) -> bool {
    let domain_of = |address: &str| {
        address
            .rsplit_once('@')
            .map(|(_, domain)| domain.trim().to_ascii_lowercase())
    };
    let Some(reporter) = domain_of(reporter) else {
        return false;
    };
    let under = |domain: Option<String>| {
        domain.is_some_and(|d| reporter == d || reporter.ends_with(&format!(".{d}")))
    };
    under(domain_of(counterparty)) || under(domain_of(&state.config().mail_from.address))
}

/// A mail whose subject is "unsubscribe" (what mail clients send to a `List-Unsubscribe`
/// `mailto:`), with or without a reply prefix.
fn is_unsubscribe_request(subject: &str) -> bool {
    let subject = subject.trim().to_ascii_lowercase();
    let subject = subject
        .strip_prefix("re:")
        .map_or(subject.as_str(), str::trim);
    subject == "unsubscribe"
}

/// Where a reply went.
pub enum Routed {
    ToCase(Uuid),
    CaseFinished(Uuid),
    NoCase,
}

/// Routes a parsed reply to its case: stores its files and large body, then signals the case.
/// Mail whose sender is not the counterparty, or that a provider verdict calls forged, goes to
/// the case marked untrusted: kept, never read unless the client says it counts.
pub async fn route_reply(
    state: &AppState,
    mail: InboundMail,
    verdicts: &[Verdict],
) -> Result<Routed, ApiError> {
    let Some(case_id) = mail.case_id(state.addresses()) else {
        return Ok(Routed::NoCase);
    };
    let Some(loaded) = state
        .cases()
        .record(case_id, false, crate::store::Wait::ForTheWorkflow)
        .await?
    else {
        return Ok(Routed::NoCase);
    };
    let record = loaded.record;
    if record.view.status.is_terminal() {
        tracing::info!(%case_id, "reply to a finished case logged and ignored");
        return Ok(Routed::CaseFinished(case_id));
    }
    let counterparty = &record.view.counterparty;
    let bounce = verdict_problem(verdicts)
        .is_none()
        .then(|| permanent_bounce(state, &mail, case_id, &counterparty.address))
        .flatten();
    if let Some(detail) = bounce {
        tracing::warn!(%case_id, "delivery status notification: the counterparty's address bounced");
        // The whole tenant stops writing to the address only when the report comes from the
        // counterparty's own mail domain or ours; any report naming our message ends the case.
        if reporter_is_aligned(&mail.from_address, &counterparty.address, state) {
            suppress(
                state,
                &record.tenant,
                &counterparty.address,
                SuppressionReason::HardBounce,
                case_id,
            )
            .await?;
        }
        let failure = DeliveryFailure {
            kind: DeliveryFailureKind::Bounced,
            detail,
        };
        return match state
            .cases()
            .send_delivery_failure(case_id, failure)
            .await?
        {
            Delivery::Closed => Ok(Routed::CaseFinished(case_id)),
            Delivery::Delivered => Ok(Routed::ToCase(case_id)),
        };
    }
    let untrusted = verdict_problem(verdicts).or_else(|| {
        sender_problem(
            &mail.from_address,
            &counterparty.address,
            counterparty.allow_domain_replies.unwrap_or(true),
        )
    });
    if let Some(reason) = &untrusted {
        tracing::warn!(%case_id, %reason, "untrusted mail: kept, not read");
    }
    // The `mailto:` of our `List-Unsubscribe` header: the counterparty unsubscribes.
    if untrusted.is_none() && is_unsubscribe_request(&mail.subject) {
        tracing::info!(%case_id, "the counterparty unsubscribed by mail");
        crate::unsubscribe::unsubscribe_address(
            state,
            &record.tenant,
            &counterparty.address,
            case_id,
        )
        .await?;
        return Ok(Routed::ToCase(case_id));
    }
    // The counterparty asks not to be written to again: no case of the tenant will.
    if untrusted.is_none() && mail.automatic.is_none() && asks_not_to_be_contacted(&mail.text) {
        tracing::info!(%case_id, "the counterparty asked not to be contacted: address suppressed");
        suppress(
            state,
            &record.tenant,
            &counterparty.address,
            SuppressionReason::DoNotContact,
            case_id,
        )
        .await?;
    }

    let received_at = now_ms();
    let inbox_id = state.addresses().reply_address(&case_id.to_string());
    let max_bytes = state.config().attachment_max_bytes;
    let max_count = state.config().attachment_max_count;
    let mut attachments = Vec::new();
    let mut skipped = Vec::new();
    let mut skipped_unlisted = 0u64;
    for file in &mail.files {
        let size = file.bytes.len() as u64;
        let refusal = if attachments.len() >= max_count {
            Some(format!(
                "over the limit of {max_count} attachments per message"
            ))
        } else if size > max_bytes {
            Some(format!("over the limit of {max_bytes} bytes"))
        } else {
            None
        };
        if let Some(reason) = refusal {
            if skipped.len() < MAX_SKIPPED_LISTED {
                skipped.push(SkippedAttachment {
                    name: file.name.clone(),
                    size,
                    reason,
                });
            } else {
                skipped_unlisted += 1;
            }
            continue;
        }
        // Ours, never derived from what the sender wrote (Message-ID, file name).
        let attachment_id = Uuid::new_v4().to_string();
        state
            .blobs()
            .put(
                &format!("{case_id}/{attachment_id}"),
                &file.bytes,
                &file.content_type,
            )
            .await
            .map_err(|e| {
                ApiError::Unavailable(Dependency::BlobStore, format!("store attachment: {e}"))
            })?;
        attachments.push(Attachment {
            attachment_id,
            name: file.name.clone(),
            size,
            content_type: file.content_type.clone(),
            message_id: mail.message_id.clone(),
            inbox_id: inbox_id.clone(),
            received_at,
        });
    }

    if !skipped.is_empty() {
        tracing::warn!(%case_id, count = skipped.len() as u64 + skipped_unlisted, "attachments not stored");
    }
    if skipped_unlisted > 0 {
        skipped.push(SkippedAttachment {
            name: format!("{skipped_unlisted} more files"),
            size: 0,
            reason: format!("not listed: at most {MAX_SKIPPED_LISTED} skipped files are named"),
        });
    }

    let (text, body_ref) = if mail.text.len() > INLINE_BODY_LIMIT {
        let key = format!("{case_id}/body-{}", Uuid::new_v4());
        state
            .blobs()
            .put(&key, mail.text.as_bytes(), "text/plain; charset=utf-8")
            .await
            .map_err(|e| {
                ApiError::Unavailable(Dependency::BlobStore, format!("store body: {e}"))
            })?;
        (inline_part(&mail.text).to_string(), Some(key))
    } else {
        (mail.text, None)
    };

    if let Some(reason) = &mail.automatic {
        tracing::info!(%case_id, %reason, "automatic reply: kept, not evaluated");
    }
    let reply = InboundReply {
        // Only the counterparty's own out-of-office note may move their follow-up.
        return_date: mail
            .return_date
            .filter(|_| untrusted.is_none())
            .map(|date| date.to_string()),
        automatic: mail.automatic,
        warnings: mail.warnings,
        untrusted,
        message_id: mail.message_id,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        received_at,
        text,
        body_ref,
        attachments,
        skipped_attachments: skipped,
    };
    match state.cases().send_reply(case_id, reply).await? {
        Delivery::Closed => Ok(Routed::CaseFinished(case_id)),
        Delivery::Delivered => {
            tracing::info!(%case_id, "reply routed to case");
            Ok(Routed::ToCase(case_id))
        }
    }
}
