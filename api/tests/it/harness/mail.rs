//! Mail as a counterparty writes it, and reading what we sent.

use super::{REPLY_DOMAIN, REPLY_SIGNING_KEY};
use offload_core::mail::CaseAddresses;

/// The case's reply address, token included, as our mail carries it in `Reply-To`.
pub fn reply_address(case_id: &str) -> String {
    CaseAddresses::new(REPLY_SIGNING_KEY.as_bytes(), REPLY_DOMAIN).reply_address(case_id)
}

/// Our `Message-ID` of the case's `n`th message.
pub fn our_message_id(case_id: &str, n: u32) -> String {
    CaseAddresses::new(REPLY_SIGNING_KEY.as_bytes(), REPLY_DOMAIN).message_id(case_id, n)
}

/// The address of the first mailbox of a parsed header (`From`, `To`, `Reply-To`).
pub fn first_address<'a>(header: Option<&'a mail_parser::Address<'a>>) -> Option<&'a str> {
    header?.first()?.address()
}

/// A reply from Maya to `case_id`, addressed to the case's reply address.
pub fn reply_mail(case_id: &str, message_id: &str, body: &str) -> String {
    let to = reply_address(case_id);
    format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: Avery <{to}>\r\n\
         Subject: Re: Signed W-9\r\nMessage-ID: <{message_id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
}

/// A reply that carries one PDF attachment.
pub fn reply_with_attachment(case_id: &str, message_id: &str, body: &str, pdf: &[u8]) -> String {
    use base64::Engine;
    let to = reply_address(case_id);
    format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: Avery <{to}>\r\n\
         Subject: Re: Signed W-9\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain\r\n\r\n{body}\r\n\
         --sep\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"vendor-w9.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--sep--\r\n",
        base64::engine::general_purpose::STANDARD.encode(pdf)
    )
}
