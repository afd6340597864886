//! The local outbox: each outbound message becomes an `.eml` file. The default for local runs.

use super::{Mailer, PreparedMessage, SendError, SendOutcome};
use async_trait::async_trait;
use std::path::PathBuf;

pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutboxMailer { dir: dir.into() }
    }

    /// `<caseId>-<n>.eml`: one file per (case, message number), so a retried send finds the
    /// message already written and does not write it twice.
    pub fn file_name(message: &PreparedMessage) -> String {
        format!("{}-{:03}.eml", message.case_id, message.message_number)
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, message: &PreparedMessage) -> Result<SendOutcome, SendError> {
        let transient = |e: std::io::Error| SendError::Transient(format!("outbox: {e}"));
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(transient)?;
        let path = self.dir.join(Self::file_name(message));
        let sent = SendOutcome::Sent {
            provider_message_id: None,
            alias_message_id: None,
        };
        if tokio::fs::try_exists(&path).await.map_err(transient)? {
            return Ok(sent);
        }
        // Write then rename, so a reader never sees half a message.
        let partial = self
            .dir
            .join(format!(".{}.partial", Self::file_name(message)));
        tokio::fs::write(&partial, &message.raw)
            .await
            .map_err(transient)?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(transient)?;
        Ok(sent)
    }

    fn needs_ledger(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_message_is_written_once_even_when_sent_twice() {
        let dir = std::env::temp_dir().join(format!("offload-outbox-{}", uuid::Uuid::new_v4()));
        let mailer = OutboxMailer::new(&dir);
        let mut message = PreparedMessage {
            case_id: "c".into(),
            message_number: 1,
            message_id: "m@x".into(),
            from_header: String::new(),
            to_header: String::new(),
            to_address: String::new(),
            raw: b"first".to_vec(),
        };
        mailer.send(&message).await.unwrap();
        message.raw = b"second".to_vec();
        mailer.send(&message).await.unwrap();
        let written = std::fs::read(dir.join("c-001.eml")).unwrap();
        assert_eq!(written, b"first");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
