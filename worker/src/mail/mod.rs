//! Outbound mail: the `Mailer` seam and MIME building. (Addresses and `Message-ID`s that name a
//! case, and inbound parsing, live in `offload_core::mail`.)

pub mod ledger;
pub mod outbox;
pub mod ses;

use async_trait::async_trait;
use mail_builder::MessageBuilder;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use offload_core::config::Mailbox;
use offload_core::mail::{CASE_HEADER, CaseAddresses, display_mailbox};
use offload_core::unsubscribe::UnsubscribeLinks;
use offload_workflows::activities::OutboundEmail;

/// A message ready to hand to a mail provider.
#[derive(Clone, Debug)]
pub struct PreparedMessage {
    pub case_id: String,
    pub message_number: u32,
    /// Our `Message-ID`, without angle brackets.
    pub message_id: String,
    pub from_header: String,
    pub to_header: String,
    pub to_address: String,
    /// The complete RFC 5322 message.
    pub raw: Vec<u8>,
}

/// What became of a message the provider did not refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted; the provider's own id when it has one, and the `Message-ID` the recipient will
    /// see when the provider replaces ours.
    Sent {
        provider_message_id: Option<String>,
        alias_message_id: Option<String>,
    },
    /// It may or may not have been accepted (e.g. a timeout after the request left). It is not
    /// sent again; the case records the doubt.
    Uncertain { reason: String },
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The provider refused the message for good (bad recipient, unverified sender, …).
    #[error("the mail provider refused the message: {0}")]
    Rejected(String),
    /// Worth another try (throttling, a full disk, a provider outage).
    #[error("sending failed and may succeed on retry: {0}")]
    Transient(String),
}

/// Hands finished messages to a mail system.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `message`. An `Err` means the message certainly did not go out.
    async fn send(&self, message: &PreparedMessage) -> Result<SendOutcome, SendError>;

    /// Whether a repeated `send` of the same (case, message number) could deliver it twice, so
    /// sends must go through the [`ledger::SendLedger`]. A mailer that recognises repeats
    /// itself (the outbox: one file per message) answers false.
    fn needs_ledger(&self) -> bool {
        true
    }
}

/// Builds the RFC 5322 message for one outbound email of a case: a unique `Message-ID`,
/// `In-Reply-To`/`References` on later messages, the per-case `Reply-To`. The `From` address is
/// `OFFLOAD_MAIL_FROM`'s; its display name, when it has one, else the persona's name.
pub fn prepare(
    email: &OutboundEmail,
    from: &Mailbox,
    addresses: &CaseAddresses,
    unsubscribe: Option<&UnsubscribeLinks>,
) -> PreparedMessage {
    let message_id = addresses.message_id(&email.case_id, email.message_number);
    let from_name = from
        .name
        .clone()
        .unwrap_or_else(|| email.sender_name.clone());
    let reply_to = addresses.reply_address(&email.case_id);
    let mut builder = MessageBuilder::new()
        .from((from_name.clone(), from.address.clone()))
        .to((email.to_name.clone(), email.to_address.clone()))
        .reply_to((from_name.clone(), reply_to))
        .subject(email.subject.clone())
        .message_id(message_id.clone())
        .header(CASE_HEADER, Raw::new(email.case_id.clone()))
        .text_body(email.body.clone());
    if let Some(parent) = &email.in_reply_to {
        builder = builder.in_reply_to(parent.clone());
    }
    if !email.references.is_empty() {
        builder = builder.references(MessageId::from(email.references.clone()));
    }
    // RFC 8058 one-click unsubscribe, and RFC 2369's mailto to the case's reply address.
    if let Some(links) = unsubscribe {
        let mailto = format!(
            "mailto:{}?subject=unsubscribe",
            addresses.reply_address(&email.case_id)
        );
        builder = builder
            .header(
                "List-Unsubscribe",
                Raw::new(format!("<{}>, <{mailto}>", links.url(&email.case_id))),
            )
            .header(
                "List-Unsubscribe-Post",
                Raw::new("List-Unsubscribe=One-Click"),
            );
    }
    let raw = builder
        .write_to_vec()
        .expect("writing a message into memory cannot fail");
    PreparedMessage {
        case_id: email.case_id.clone(),
        message_number: email.message_number,
        message_id,
        from_header: display_mailbox(&from_name, &from.address),
        to_header: display_mailbox(&email.to_name, &email.to_address),
        to_address: email.to_address.clone(),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    #[test]
    fn prepared_messages_carry_threading_headers() {
        let email = OutboundEmail {
            case_id: CASE.into(),
            message_number: 2,
            to_name: "Maya Chen".into(),
            to_address: "ap@northstar.example".into(),
            sender_name: "Avery".into(),
            subject: "Re: Signed W-9".into(),
            body: "Hello again".into(),
            in_reply_to: Some("offload.x.1@reply.example.com".into()),
            references: vec!["offload.x.1@reply.example.com".into()],
        };
        let from = Mailbox::parse("ops@mail.example.com").unwrap();
        let addresses =
            CaseAddresses::new(b"test reply signing key, 32 bytes!", "reply.example.com");
        let links = UnsubscribeLinks::new(
            b"test reply signing key, 32 bytes!",
            url::Url::parse("https://offload.example/").unwrap(),
        );
        let prepared = prepare(&email, &from, &addresses, Some(&links));
        let parsed = mail_parser::MessageParser::default()
            .parse(&prepared.raw)
            .unwrap();
        assert_eq!(parsed.message_id(), Some(prepared.message_id.as_str()));
        assert_eq!(parsed.subject(), Some("Re: Signed W-9"));
        assert_eq!(
            parsed.in_reply_to().as_text(),
            Some("offload.x.1@reply.example.com")
        );
        let reply_to = parsed.reply_to().unwrap().first().unwrap();
        assert_eq!(
            reply_to.address(),
            Some(addresses.reply_address(CASE).as_str())
        );
        assert_eq!(
            parsed.from().unwrap().first().unwrap().name(),
            Some("Avery")
        );
        assert_eq!(prepared.from_header, "Avery <ops@mail.example.com>");
        // RFC 8058: the one-click URL first, the mailto to the case's reply address second.
        // (Folded as long headers are: unfolded to compare.)
        let unsubscribe = parsed
            .header_raw("List-Unsubscribe")
            .unwrap()
            .trim()
            .replace("\r\n ", " ");
        let expected = format!(
            "<{}>, <mailto:{}?subject=unsubscribe>",
            links.url(CASE),
            addresses.reply_address(CASE)
        );
        assert_eq!(unsubscribe, expected);
        assert_eq!(
            parsed.header_raw("List-Unsubscribe-Post").map(str::trim),
            Some("List-Unsubscribe=One-Click")
        );
    }
}
