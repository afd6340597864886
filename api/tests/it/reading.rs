//! Reading attachments: the agent reads the text of the files the counterparty sends (PDF text
//! layer, Word, spreadsheets), the case keeps what reading gave, and the transcript and the
//! timeline show it.

use crate::attachments::multipart_reply;
use crate::harness::{TestApp, case_body, spawn_app};
use offload_testkit::documents;
use serde_json::{Value, json};

async fn timeline(app: &TestApp, case_id: &str) -> Vec<Value> {
    let page = app.get(&format!("/cases/{case_id}/events?limit=100")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.data()["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_case_completes_with_the_invoice_number_read_from_an_attached_pdf() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["goal"]["objective"] = json!("Get the invoice number for the March delivery.");
    body["resultSchema"] = json!({
        "type": "object",
        "properties": {"invoiceNumber": {"type": "string"}},
        "required": ["invoiceNumber"]
    });
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;

    let invoice = documents::pdf_with_text(&[vec![
        "INVOICE",
        "Invoice number: INV-2026-0042",
        "Amount due: 1,250.00 EUR",
    ]]);
    let raw = multipart_reply(
        &case_id,
        "invoice@northstar.example",
        "Here it is, attached.",
        &[("invoice.pdf", invoice)],
    );
    assert_eq!(app.inbound(&raw).await.status, 202);
    let view = app.wait_for_status(&case_id, "COMPLETED").await;
    assert_eq!(view["result"], json!({"invoiceNumber": "INV-2026-0042"}));
    // The public attachment object is as specified: what was read is told elsewhere.
    assert!(view["attachments"][0].get("reading").is_none());

    let thread = app.thread(&case_id).await;
    assert!(
        thread.contains(
            "Read from invoice.pdf: 62 characters: \"INVOICE Invoice number: INV-2026-0042 Amount due: 1,250.00 EUR\""
        ),
        "{thread}"
    );
    let events = timeline(&app, &case_id).await;
    let read: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "attachment.read")
        .collect();
    assert_eq!(read.len(), 1, "{events:#?}");
    assert_eq!(read[0]["name"], "invoice.pdf");
    assert_eq!(read[0]["status"], "text");
    assert_eq!(read[0]["chars"], 62);
    assert!(
        read[0]["preview"]
            .as_str()
            .unwrap()
            .contains("Invoice number: INV-2026-0042")
    );
    // It comes before the decision that rests on it.
    let position = |kind: &str| events.iter().position(|e| e["type"] == kind).unwrap();
    assert!(position("attachment.read") < position("decision"));
}

#[tokio::test]
async fn files_without_text_are_recorded_with_the_reason_and_the_case_asks_again() {
    let app = spawn_app().await;
    let mut body = case_body();
    body["resultSchema"] = json!({
        "type": "object",
        "properties": {"taxId": {"type": "string"}},
        "required": ["taxId"]
    });
    let case_id = app.create_case(body).await;
    app.wait_for_outreach(&case_id).await;
    let raw = multipart_reply(
        &case_id,
        "scans@northstar.example",
        "Attached are the scan and the schedule.",
        &[
            ("w9-scan.pdf", documents::pdf_image_only()),
            (
                "schedule.docx",
                documents::docx(&["First delivery: 14 March 2026"]),
            ),
            ("bomb.docx", documents::zip_bomb_docx(100 * 1024 * 1024)),
        ],
    );
    assert_eq!(app.inbound(&raw).await.status, 202);
    // Nothing in the files names the tax id: the case writes again for it.
    let view = app
        .wait_for(&case_id, "the follow-up asking again", |v| {
            v["attemptCount"] == 2
        })
        .await;
    assert_eq!(view["status"], "RUNNING");

    let events = timeline(&app, &case_id).await;
    let read: Vec<(String, String, String)> = events
        .iter()
        .filter(|e| e["type"] == "attachment.read")
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
                e["note"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(read.len(), 3, "{events:#?}");
    assert_eq!(
        read[0],
        (
            "w9-scan.pdf".into(),
            "no_text".into(),
            "no text layer: a scanned or image-only PDF".into()
        )
    );
    assert_eq!(
        read[1],
        ("schedule.docx".into(), "text".into(), String::new())
    );
    assert_eq!(read[2].1, "no_text");
    assert!(read[2].2.contains("zip bomb"), "{}", read[2].2);

    let thread = app.thread(&case_id).await;
    assert!(
        thread.contains(
            "Read from w9-scan.pdf: no text (no text layer: a scanned or image-only PDF)"
        ),
        "{thread}"
    );
    assert!(
        thread
            .contains("Read from schedule.docx: 29 characters: \"First delivery: 14 March 2026\""),
        "{thread}"
    );
}
