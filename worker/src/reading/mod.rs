//! Reading attachments: the text of PDFs (their text layer), Word documents, spreadsheets
//! (XLSX, ODS), CSV and plain text, for the agent to read as the counterparty's words.
//!
//! Attachments are the counterparty's bytes, so every reader is bounded: the file's size, the
//! pages read, what an archive or a compressed stream may inflate to, the text kept, and the
//! time one reading may take (on a blocking thread, off the async runtime). A file that cannot be
//! read — an unknown type, a scanned PDF without a text layer, a broken or hostile file — is
//! recorded as having no text, with the reason; it never fails the activity.

mod office;
mod pdf;
mod stored;

pub use stored::{read_stored, reading_key};

use offload_workflows::state::{AttachmentReading, ReadingStatus};
use std::time::Duration;

/// Files larger than this are not opened.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// PDF pages read: the first ones (most documents state what matters up front).
pub const MAX_PDF_PAGES: usize = 50;
/// Text kept per attachment; longer text is cut (at a character boundary).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// What one archive member or one compressed stream may inflate to, and all of them together.
pub const MAX_INFLATED_BYTES: u64 = 32 * 1024 * 1024;
pub const MAX_INFLATED_TOTAL: u64 = 64 * 1024 * 1024;
/// How long one reading may take.
pub const READING_TIME_LIMIT: Duration = Duration::from_secs(10);

/// What reading one file gave: its text (possibly cut), or none and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    pub status: ReadingStatus,
    pub text: String,
    /// Why there is no text, or what limited it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Reading {
    fn text(text: String, note: Option<String>) -> Self {
        let text = tidy(&text);
        if text.trim().is_empty() {
            return Reading::none(note.unwrap_or_else(|| "the file holds no text".into()));
        }
        let (text, cut) = cut(text);
        let note = match (note, cut) {
            (Some(note), true) => Some(format!("{note}; text cut at 64 KiB")),
            (None, true) => Some("text cut at 64 KiB".into()),
            (note, false) => note,
        };
        Reading {
            status: ReadingStatus::Text,
            text,
            note,
        }
    }

    pub fn none(reason: impl Into<String>) -> Self {
        Reading {
            status: ReadingStatus::NoText,
            text: String::new(),
            note: Some(reason.into()),
        }
    }

    /// The summary the case keeps: the status, the note, how much text, the first 500 bytes.
    pub fn summary(&self, attachment_id: &str, text_ref: Option<String>) -> AttachmentReading {
        AttachmentReading {
            attachment_id: attachment_id.to_string(),
            status: self.status,
            note: self.note.clone(),
            chars: u32::try_from(self.text.chars().count()).unwrap_or(u32::MAX),
            preview: offload_workflows::state::text_prefix(&self.text, 500).to_string(),
            text_ref,
        }
    }
}

/// What kind of file the bytes are, by their first bytes, then by the declared type and name
/// (a sender's type and name are hints; the bytes decide between PDF and archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pdf,
    Archive,
    Text,
    Unknown,
}

fn kind_of(name: &str, content_type: &str, bytes: &[u8]) -> Kind {
    let name = name.to_ascii_lowercase();
    let content_type = content_type.to_ascii_lowercase();
    if bytes.starts_with(b"%PDF-") {
        return Kind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Kind::Archive;
    }
    let texty_name = [".txt", ".csv", ".tsv", ".md", ".text"]
        .iter()
        .any(|suffix| name.ends_with(suffix));
    let texty_type = content_type.starts_with("text/");
    if (texty_name || texty_type) && !bytes.contains(&0) {
        return Kind::Text;
    }
    Kind::Unknown
}

/// Reads one file (blocking; bounded as the module says, except for time).
pub fn read(name: &str, content_type: &str, bytes: &[u8]) -> Reading {
    if bytes.len() > MAX_FILE_BYTES {
        return Reading::none(format!(
            "not read: {} bytes, over the {} MiB limit",
            bytes.len(),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    match kind_of(name, content_type, bytes) {
        Kind::Pdf => pdf::read(bytes),
        Kind::Archive => office::read_archive(bytes),
        Kind::Text => Reading::text(String::from_utf8_lossy(bytes).into_owned(), None),
        Kind::Unknown => Reading::none(format!(
            "not read: no reader for {}",
            if content_type.is_empty() {
                "this type"
            } else {
                content_type
            }
        )),
    }
}

/// Reads one file on a blocking thread, giving up after [`READING_TIME_LIMIT`] (the thread
/// finishes on its own; its result is dropped).
pub async fn read_off_runtime(name: String, content_type: String, bytes: Vec<u8>) -> Reading {
    let reading = tokio::task::spawn_blocking(move || read(&name, &content_type, &bytes));
    match tokio::time::timeout(READING_TIME_LIMIT, reading).await {
        Ok(Ok(reading)) => reading,
        Ok(Err(_)) => Reading::none("not read: the reader failed"),
        Err(_) => Reading::none(format!(
            "not read: reading took over {} s",
            READING_TIME_LIMIT.as_secs()
        )),
    }
}

/// Line ends made `\n`, trailing spaces dropped, runs of blank lines made one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_BYTES * 2));
    let mut blank_run = 0;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
        if out.len() > MAX_TEXT_BYTES * 2 {
            break;
        }
    }
    out.trim_end().to_string()
}

/// `text` cut to [`MAX_TEXT_BYTES`] at a character boundary; whether it was cut.
fn cut(mut text: String) -> (String, bool) {
    if text.len() <= MAX_TEXT_BYTES {
        return (text, false);
    }
    let end = offload_workflows::state::text_prefix(&text, MAX_TEXT_BYTES).len();
    text.truncate(end);
    (text, true)
}

#[cfg(test)]
mod tests;
