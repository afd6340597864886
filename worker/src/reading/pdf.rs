//! A PDF's text layer (`lopdf`): the first [`MAX_PDF_PAGES`] pages, every stream bounded in what
//! it may inflate to. A scanned document (pages of images) has no text layer: no text, said so.

use super::{MAX_INFLATED_BYTES, MAX_PDF_PAGES, Reading};
use lopdf::{Document, LoadOptions};

pub fn read(bytes: &[u8]) -> Reading {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_INFLATED_BYTES as usize),
        ..LoadOptions::default()
    };
    let document = match Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(error) if is_encryption(&error) => {
            return Reading::none("not read: the PDF is encrypted");
        }
        Err(_) => return Reading::none("not read: the PDF is damaged"),
    };
    if document.is_encrypted() {
        return Reading::none("not read: the PDF is encrypted");
    }
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Reading::none("not read: the PDF has no pages");
    }
    let read_pages = &pages[..pages.len().min(MAX_PDF_PAGES)];
    let mut text = String::new();
    let mut unreadable = 0;
    for chunk in document.extract_text_chunks_with_limit(read_pages, MAX_INFLATED_BYTES as usize) {
        match chunk {
            Ok(chunk) => text.push_str(&chunk),
            Err(_) => unreadable += 1,
        }
        if text.len() > super::MAX_TEXT_BYTES * 2 {
            break;
        }
    }
    let mut notes = Vec::new();
    if pages.len() > read_pages.len() {
        notes.push(format!(
            "read the first {} of {} pages",
            read_pages.len(),
            pages.len()
        ));
    }
    if unreadable > 0 {
        notes.push(format!("{unreadable} part(s) could not be read"));
    }
    if text.trim().is_empty() {
        // A file whose structure had to be rebuilt may have lost its text: it is damaged, not
        // known to be a scan.
        return Reading::none(if unreadable > 0 {
            "not read: the PDF's text could not be decoded"
        } else if document.xref_recovery.is_some() {
            "not read: the PDF is damaged"
        } else {
            "no text layer: a scanned or image-only PDF"
        });
    }
    Reading::text(text, (!notes.is_empty()).then(|| notes.join("; ")))
}

fn is_encryption(error: &lopdf::Error) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    text.contains("encrypt") || text.contains("password") || text.contains("decrypt")
}
