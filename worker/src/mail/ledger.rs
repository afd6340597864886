//! The send ledger: at most once to the mail provider, across worker crashes.
//!
//! A provider such as SES has no idempotency key, so a worker killed after SES accepted a
//! message but before Temporal heard of it would send the message again on retry. The ledger
//! closes that gap with two write-once blobs per attempt (the same store as received mail, which
//! every worker and API replica shares):
//!
//! - `<caseId>/send-<n>-<attempt>` — "about to send", written *before* the provider call;
//! - `<caseId>/send-<n>-<attempt>-outcome` — what the provider said, written after it.
//!
//! A later attempt of the same message reads the earlier ones first: a marker with a "sent"
//! outcome returns that outcome (the message went out; only the report was lost), a "not sent"
//! outcome lets it try again, and a marker *without* an outcome means the worker died while the
//! call was in flight — the message may have gone out, so it is recorded as "delivery
//! unconfirmed" and never sent again.

use super::{SendError, SendOutcome};
use offload_core::blobs::{BlobError, BlobStore};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The reason recorded on a message whose earlier attempt died mid-call.
pub const UNCONFIRMED_AFTER_CRASH: &str =
    "the worker stopped while the mail provider call was in flight; not sent again";

/// What an earlier attempt left behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prior {
    /// No earlier attempt reached the provider: send.
    Nothing,
    /// An earlier attempt's provider call succeeded (or may have): do not send; report this.
    Settled(SendOutcome),
}

/// The recorded result of one provider call.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "outcome", rename_all = "snake_case")]
enum Recorded {
    Sent {
        provider_message_id: Option<String>,
        alias_message_id: Option<String>,
    },
    Uncertain {
        reason: String,
    },
    /// The provider certainly did not take it (a refusal or a failure before it arrived).
    NotSent,
}

pub struct SendLedger {
    blobs: Arc<dyn BlobStore>,
}

fn marker_key(case_id: &str, message_number: u32, attempt: u32) -> String {
    format!("{case_id}/send-{message_number:03}-{attempt}")
}

fn outcome_key(case_id: &str, message_number: u32, attempt: u32) -> String {
    format!("{}-outcome", marker_key(case_id, message_number, attempt))
}

impl SendLedger {
    pub fn new(blobs: Arc<dyn BlobStore>) -> Self {
        SendLedger { blobs }
    }

    /// Reads what earlier attempts of message `n` left and, when none reached the provider,
    /// records that attempt `attempt` is about to call it. An `Err` means the ledger could not
    /// be read or written: nothing was sent, and the attempt should be retried.
    pub async fn before_send(
        &self,
        case_id: &str,
        message_number: u32,
        attempt: u32,
    ) -> Result<Prior, BlobError> {
        for earlier in 1..=attempt {
            if self
                .blobs
                .get(&marker_key(case_id, message_number, earlier))
                .await?
                .is_none()
            {
                continue;
            }
            let outcome = self
                .blobs
                .get(&outcome_key(case_id, message_number, earlier))
                .await?;
            match outcome.and_then(|bytes| serde_json::from_slice::<Recorded>(&bytes).ok()) {
                Some(Recorded::NotSent) => continue,
                Some(Recorded::Sent {
                    provider_message_id,
                    alias_message_id,
                }) => {
                    return Ok(Prior::Settled(SendOutcome::Sent {
                        provider_message_id,
                        alias_message_id,
                    }));
                }
                Some(Recorded::Uncertain { reason }) => {
                    return Ok(Prior::Settled(SendOutcome::Uncertain { reason }));
                }
                // A marker without a readable outcome: the call may have reached the provider.
                None => {
                    return Ok(Prior::Settled(SendOutcome::Uncertain {
                        reason: UNCONFIRMED_AFTER_CRASH.to_string(),
                    }));
                }
            }
        }
        let marker = marker_key(case_id, message_number, attempt);
        match self
            .blobs
            .put(&marker, b"sending", "application/octet-stream")
            .await
        {
            Ok(()) => Ok(Prior::Nothing),
            // This attempt's marker exists with a "not sent" outcome: only a reset workflow or
            // a duplicated task gets here. Not sending is the safe side.
            Err(BlobError::AlreadyExists(_)) => Ok(Prior::Settled(SendOutcome::Uncertain {
                reason: "another attempt of this message already called the mail provider"
                    .to_string(),
            })),
            Err(error) => Err(error),
        }
    }

    /// Records what the provider said to attempt `attempt`. Failing to record is logged, not
    /// fatal: a later attempt then treats the message as unconfirmed, never sends it twice.
    pub async fn after_send(
        &self,
        case_id: &str,
        message_number: u32,
        attempt: u32,
        result: &Result<SendOutcome, SendError>,
    ) {
        let recorded = match result {
            Ok(SendOutcome::Sent {
                provider_message_id,
                alias_message_id,
            }) => Recorded::Sent {
                provider_message_id: provider_message_id.clone(),
                alias_message_id: alias_message_id.clone(),
            },
            Ok(SendOutcome::Uncertain { reason }) => Recorded::Uncertain {
                reason: reason.clone(),
            },
            Err(_) => Recorded::NotSent,
        };
        let bytes = serde_json::to_vec(&recorded).expect("a ledger entry serializes");
        if let Err(error) = self
            .blobs
            .put(
                &outcome_key(case_id, message_number, attempt),
                &bytes,
                "application/json",
            )
            .await
        {
            tracing::warn!(
                case_id,
                message_number,
                attempt,
                %error,
                "could not record the send outcome; a retry will not send this message again"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use offload_core::blobs::LocalBlobStore;

    fn ledger() -> (SendLedger, std::path::PathBuf) {
        let root = std::env::temp_dir().join(format!("offload-ledger-{}", uuid::Uuid::new_v4()));
        (SendLedger::new(Arc::new(LocalBlobStore::new(&root))), root)
    }

    const CASE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    #[tokio::test]
    async fn a_first_attempt_may_send() {
        let (ledger, root) = ledger();
        assert_eq!(
            ledger.before_send(CASE, 1, 1).await.unwrap(),
            Prior::Nothing
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn a_retry_after_a_crash_mid_call_does_not_send_again() {
        let (ledger, root) = ledger();
        // Attempt 1 marked itself and died before the provider answered.
        ledger.before_send(CASE, 1, 1).await.unwrap();
        let prior = ledger.before_send(CASE, 1, 2).await.unwrap();
        assert_eq!(
            prior,
            Prior::Settled(SendOutcome::Uncertain {
                reason: UNCONFIRMED_AFTER_CRASH.into()
            })
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn a_retry_after_a_lost_report_returns_what_the_provider_said() {
        let (ledger, root) = ledger();
        ledger.before_send(CASE, 2, 1).await.unwrap();
        let sent = SendOutcome::Sent {
            provider_message_id: Some("0100018f".into()),
            alias_message_id: Some("0100018f@email.amazonses.com".into()),
        };
        ledger.after_send(CASE, 2, 1, &Ok(sent.clone())).await;
        assert_eq!(
            ledger.before_send(CASE, 2, 2).await.unwrap(),
            Prior::Settled(sent)
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn a_retry_after_a_certain_failure_sends() {
        let (ledger, root) = ledger();
        ledger.before_send(CASE, 1, 1).await.unwrap();
        let throttled = Err(SendError::Transient("SES throttled the send".into()));
        ledger.after_send(CASE, 1, 1, &throttled).await;
        assert_eq!(
            ledger.before_send(CASE, 1, 2).await.unwrap(),
            Prior::Nothing
        );
        // …and attempt 3 after attempt 2 died mid-call does not.
        assert!(matches!(
            ledger.before_send(CASE, 1, 3).await.unwrap(),
            Prior::Settled(SendOutcome::Uncertain { .. })
        ));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn messages_of_a_case_have_their_own_entries() {
        let (ledger, root) = ledger();
        ledger.before_send(CASE, 1, 1).await.unwrap();
        assert_eq!(
            ledger.before_send(CASE, 2, 1).await.unwrap(),
            Prior::Nothing
        );
        std::fs::remove_dir_all(root).unwrap();
    }
}
