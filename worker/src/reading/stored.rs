//! Each received file is read once: the reading is kept in the blob store beside the file
//! (`<caseId>/<attachmentId>.text.json`), so later evaluations, and the API, find it there.

use super::{Reading, read_off_runtime};
use offload_core::blobs::{BlobError, BlobStore};
use offload_workflows::state::Attachment;

/// Blob key of a file's reading (JSON: status, note, text).
pub fn reading_key(case_id: &str, attachment_id: &str) -> String {
    format!("{case_id}/{attachment_id}.text.json")
}

/// The file's reading: the kept one, else read now (and kept), and whether it was read now. A
/// file gone from the store reads as no text.
pub async fn read_stored(
    blobs: &dyn BlobStore,
    case_id: &str,
    attachment: &Attachment,
) -> Result<(Reading, bool), BlobError> {
    let key = reading_key(case_id, &attachment.attachment_id);
    if let Some(kept) = blobs.get(&key).await?
        && let Ok(reading) = serde_json::from_slice::<Reading>(&kept)
    {
        return Ok((reading, false));
    }
    let file = blobs
        .get(&format!("{case_id}/{}", attachment.attachment_id))
        .await?;
    let reading = match file {
        Some(bytes) => {
            read_off_runtime(
                attachment.name.clone(),
                attachment.content_type.clone(),
                bytes,
            )
            .await
        }
        None => Reading::none("not read: the file is no longer stored"),
    };
    let json = serde_json::to_vec(&reading).unwrap_or_default();
    match blobs.put(&key, &json, "application/json").await {
        Ok(()) | Err(BlobError::AlreadyExists(_)) => Ok((reading, true)),
        Err(error) => Err(error),
    }
}
