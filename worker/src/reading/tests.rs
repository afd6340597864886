//! Reading attachments, on files the test suite writes itself (`offload_testkit::documents`):
//! the exact text each gives, or the recorded reason it gives none.

use super::*;
use offload_testkit::documents;

fn text_of(reading: &Reading) -> &str {
    assert_eq!(reading.status, ReadingStatus::Text, "{reading:?}");
    &reading.text
}

#[test]
fn a_pdf_gives_the_text_of_its_text_layer() {
    let pdf = documents::pdf_with_text(&[
        vec![
            "INVOICE",
            "Invoice number: INV-2026-0042",
            "Amount due: 1,250.00 EUR",
        ],
        vec!["Payment within 30 days."],
    ]);
    let reading = read("invoice.pdf", "application/pdf", &pdf);
    assert_eq!(
        text_of(&reading),
        "INVOICE\nInvoice number: INV-2026-0042\nAmount due: 1,250.00 EUR\nPayment within 30 days."
    );
    assert_eq!(reading.note, None);
}

#[test]
fn a_scanned_pdf_has_no_text_layer_and_says_so() {
    let reading = read("scan.pdf", "application/pdf", &documents::pdf_image_only());
    assert_eq!(reading.status, ReadingStatus::NoText);
    assert_eq!(
        reading.note.as_deref(),
        Some("no text layer: a scanned or image-only PDF")
    );
}

#[test]
fn a_500_page_pdf_is_read_for_its_first_50_pages() {
    let reading = read(
        "big.pdf",
        "application/pdf",
        &documents::pdf_with_pages(500),
    );
    let text = text_of(&reading);
    assert!(
        text.starts_with("Page 1 of 500\nPage 2 of 500\n"),
        "{text:.80}"
    );
    assert!(text.ends_with("Page 50 of 500"), "{text}");
    assert!(!text.contains("Page 51 "));
    assert_eq!(
        reading.note.as_deref(),
        Some("read the first 50 of 500 pages")
    );
}

#[test]
fn a_damaged_or_truncated_pdf_gives_no_text_and_no_panic() {
    let pdf = documents::pdf_with_text(&[vec!["Hello"]]);
    for broken in [&b"%PDF-1.4\nnonsense"[..], &pdf[..pdf.len() / 3]] {
        let reading = read("broken.pdf", "application/pdf", broken);
        assert_eq!(reading.status, ReadingStatus::NoText, "{reading:?}");
        assert!(reading.note.unwrap().starts_with("not read"));
    }
}

#[test]
fn a_word_document_gives_its_paragraphs() {
    let docx = documents::docx(&[
        "Delivery schedule",
        "First delivery: 14 March 2026",
        "Contact: Maya Chen <ap@northstar.example> & team",
    ]);
    let reading = read(
        "schedule.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &docx,
    );
    assert_eq!(
        text_of(&reading),
        "Delivery schedule\nFirst delivery: 14 March 2026\nContact: Maya Chen <ap@northstar.example> & team"
    );
}

#[test]
fn a_spreadsheet_gives_its_rows_cell_by_cell() {
    let xlsx = documents::xlsx(&[
        vec!["Item", "Delivery date", "Quantity"],
        vec!["Pallets", "2026-03-14", "40"],
        vec!["Crates", "2026-03-21", "12.5"],
    ]);
    let reading = read("dates.xlsx", "application/octet-stream", &xlsx);
    assert_eq!(
        text_of(&reading),
        "Sheet: Sheet1\nItem | Delivery date | Quantity\nPallets | 2026-03-14 | 40\nCrates | 2026-03-21 | 12.5"
    );
}

#[test]
fn an_open_document_spreadsheet_gives_its_rows_too() {
    let ods = documents::ods(&[
        vec!["Item", "Delivery date"],
        vec!["Pallets", "14 March 2026"],
    ]);
    let reading = read(
        "dates.ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        &ods,
    );
    assert_eq!(
        text_of(&reading),
        "Sheet: Sheet1\nItem | Delivery date\nPallets | 14 March 2026"
    );
}

#[test]
fn a_sheet_naming_its_far_corner_is_refused_before_it_is_laid_out() {
    let tiny = documents::xlsx_at(&[("A1", "Invoice"), ("XFD1048576", "boom")]);
    assert!(tiny.len() < 4096, "{} bytes", tiny.len());
    let started = std::time::Instant::now();
    let reading = read("sheet.xlsx", "application/octet-stream", &tiny);
    assert_eq!(reading.status, ReadingStatus::NoText);
    assert_eq!(
        reading.note.as_deref(),
        Some("not read: a sheet spans 17179869184 cells (at most 2000000)")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // A sheet of ordinary size anywhere on the grid is read.
    let far = documents::xlsx_at(&[("AA1000", "Invoice number"), ("AB1000", "INV-7")]);
    assert_eq!(
        text_of(&read("far.xlsx", "application/octet-stream", &far)),
        "Sheet: Sheet1\nInvoice number | INV-7"
    );
}

#[test]
fn csv_and_plain_text_are_read_as_they_are() {
    let csv = b"invoiceNumber,amount\r\nINV-7,99.50\r\n";
    assert_eq!(
        text_of(&read("totals.csv", "text/csv", csv)),
        "invoiceNumber,amount\nINV-7,99.50"
    );
    assert_eq!(
        text_of(&read(
            "note.txt",
            "application/octet-stream",
            b"Ref: 42\n\n\n\nThanks"
        )),
        "Ref: 42\n\nThanks"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_inflates() {
    let bomb = documents::zip_bomb_docx(200 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let started = std::time::Instant::now();
    let reading = read("contract.docx", "application/octet-stream", &bomb);
    assert_eq!(reading.status, ReadingStatus::NoText);
    assert!(
        reading.note.as_deref().unwrap().contains("zip bomb"),
        "{reading:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn unknown_oversized_and_empty_files_give_no_text_with_the_reason() {
    let unknown = read("photo.jpg", "image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 1]);
    assert_eq!(
        unknown.note.as_deref(),
        Some("not read: no reader for image/jpeg")
    );
    let huge = vec![b'a'; MAX_FILE_BYTES + 1];
    assert!(
        read("huge.txt", "text/plain", &huge)
            .note
            .unwrap()
            .contains("over the 10 MiB limit")
    );
    let empty = read("empty.txt", "text/plain", b"  \n ");
    assert_eq!(empty.note.as_deref(), Some("the file holds no text"));
    // A sender's type does not make a binary file text.
    let binary = read("data.txt", "text/plain", &[b'a', 0, b'b']);
    assert_eq!(binary.status, ReadingStatus::NoText);
}

#[test]
fn long_text_is_cut_at_64_kib_on_a_character_boundary() {
    let long = "é".repeat(MAX_TEXT_BYTES);
    let reading = read("long.txt", "text/plain", long.as_bytes());
    assert!(reading.text.len() <= MAX_TEXT_BYTES);
    assert!(reading.text.chars().all(|c| c == 'é'));
    assert_eq!(reading.note.as_deref(), Some("text cut at 64 KiB"));
}

#[test]
fn a_summary_keeps_the_first_500_bytes_and_the_count() {
    let reading = read("n.txt", "text/plain", "x".repeat(2000).as_bytes());
    let summary = reading.summary("a1", Some("c/a1.text.json".into()));
    assert_eq!(summary.chars, 2000);
    assert_eq!(summary.preview.len(), 500);
    assert_eq!(summary.text_ref.as_deref(), Some("c/a1.text.json"));
}

#[tokio::test]
async fn reading_off_the_runtime_gives_the_same_text() {
    let pdf = documents::pdf_with_text(&[vec!["Invoice number: INV-9"]]);
    let reading = read_off_runtime("i.pdf".into(), "application/pdf".into(), pdf).await;
    assert_eq!(text_of(&reading), "Invoice number: INV-9");
}
