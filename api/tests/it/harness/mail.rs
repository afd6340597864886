//! Mail as a counterparty writes it, and reading what we sent.

use super::REPLY_DOMAIN;

/// The address of the first mailbox of a parsed header (`From`, `To`, `Reply-To`).
pub fn first_address<'a>(header: Option<&'a mail_parser::Address<'a>>) -> Option<&'a str> {
    header?.first()?.address()
}

/// A reply from Maya to `case_id`, addressed to the case's reply address.
pub fn reply_mail(case_id: &str, message_id: &str, body: &str) -> String {
    format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: Avery <reply+{case_id}@{REPLY_DOMAIN}>\r\n\
         Subject: Re: Signed W-9\r\nMessage-ID: <{message_id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
}

/// A reply that carries one PDF attachment.
pub fn reply_with_attachment(case_id: &str, message_id: &str, body: &str, pdf: &[u8]) -> String {
    use base64::Engine;
    format!(
        "From: Maya Chen <ap@northstar.example>\r\nTo: Avery <reply+{case_id}@{REPLY_DOMAIN}>\r\n\
         Subject: Re: Signed W-9\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain\r\n\r\n{body}\r\n\
         --sep\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"vendor-w9.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--sep--\r\n",
        base64::engine::general_purpose::STANDARD.encode(pdf)
    )
}
