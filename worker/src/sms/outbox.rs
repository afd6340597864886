//! The local SMS outbox: each text becomes `<caseId>-<n>.sms.json` in `OFFLOAD_OUTBOX_DIR`
//! (`{"caseId", "messageNumber", "to", "from", "text"}`), beside the mail outbox's `.eml` files.

use super::{PreparedText, SendError, SendOutcome, TextSender};
use async_trait::async_trait;
use std::path::PathBuf;

pub struct OutboxTexts {
    dir: PathBuf,
}

impl OutboxTexts {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutboxTexts { dir: dir.into() }
    }

    /// One file per (case, message number): a retried send finds it written and writes nothing.
    pub fn file_name(text: &PreparedText) -> String {
        format!("{}-{:03}.sms.json", text.case_id, text.message_number)
    }
}

#[async_trait]
impl TextSender for OutboxTexts {
    async fn send(&self, text: &PreparedText) -> Result<SendOutcome, SendError> {
        let json = serde_json::to_vec_pretty(text).expect("a text serialises");
        crate::mail::outbox::write_once(&self.dir, &Self::file_name(text), &json)
            .await
            .map_err(|e| SendError::Transient(format!("SMS outbox: {e}")))?;
        Ok(SendOutcome::Sent {
            provider_message_id: None,
            alias_message_id: None,
        })
    }

    fn needs_ledger(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn each_text_is_one_json_file_written_once() {
        let dir = std::env::temp_dir().join(format!("offload-sms-{}", uuid::Uuid::new_v4()));
        let outbox = OutboxTexts::new(&dir);
        let text = PreparedText {
            case_id: "c1".into(),
            message_number: 1,
            to: "+15555550100".into(),
            from: "+15555550199".into(),
            text: "Hi Maya, could you send the signed W-9? Avery, Acme".into(),
        };
        outbox.send(&text).await.unwrap();
        let again = PreparedText {
            text: "a retry must not overwrite what went out".into(),
            ..text.clone()
        };
        outbox.send(&again).await.unwrap();
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("c1-001.sms.json")).unwrap()).unwrap();
        assert_eq!(
            written,
            serde_json::json!({"caseId": "c1", "messageNumber": 1, "to": "+15555550100",
                "from": "+15555550199", "text": "Hi Maya, could you send the signed W-9? Avery, Acme"})
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no partial file left"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
