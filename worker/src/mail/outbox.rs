//! The local outbox: each outbound message becomes an `.eml` file. The default for local runs.

use super::{Mailer, PreparedMessage, SendError, SendOutcome};
use async_trait::async_trait;
use std::path::{Path, PathBuf};

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

/// Writes `bytes` to `dir/name` unless that file exists (a retried send writes nothing twice),
/// through a temporary file and a rename, so a reader never sees half of it. Shared by the mail
/// and SMS outboxes.
pub(crate) async fn write_once(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(name);
    if tokio::fs::try_exists(&path).await? {
        return Ok(());
    }
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, message: &PreparedMessage) -> Result<SendOutcome, SendError> {
        write_once(&self.dir, &Self::file_name(message), &message.raw)
            .await
            .map_err(|e| SendError::Transient(format!("outbox: {e}")))?;
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
