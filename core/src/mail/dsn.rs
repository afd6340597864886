//! Delivery status notifications (RFC 3464 `multipart/report; report-type=delivery-status`)
//! that reach `/inbound/email`: which recipients failed, how (`Action`, `Status`), and which
//! message they were about (the original's `Message-ID`, from its returned copy or headers).
//!
//! A report is a claim by whoever sent it; the API acts on one only when it names a message of
//! the very case it reached (our signed `Message-ID`) and fails for good (`5.x.x`) at that case's
//! counterparty.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// Per-recipient fields read at most from this many bytes of the status part.
const STATUS_BYTES: usize = 64 * 1024;
/// At most this many recipients are read from one report.
const MAX_RECIPIENTS: usize = 100;

/// What one recipient's delivery came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientStatus {
    /// `Final-Recipient` (or `Original-Recipient`), the bare address, lowercased.
    pub recipient: String,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// The enhanced status code, such as `5.1.1`.
    pub status: String,
    /// `Diagnostic-Code`, when given (the remote server's answer).
    pub diagnostic: Option<String>,
}

impl RecipientStatus {
    /// A permanent failure: `Action: failed` with a `5.x.x` status.
    pub fn is_permanent_failure(&self) -> bool {
        self.action == "failed" && self.status.starts_with('5')
    }
}

/// A delivery status notification, as far as the service uses it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub recipients: Vec<RecipientStatus>,
    /// `Message-ID`s (without brackets) of the message the report is about.
    pub original_message_ids: Vec<String>,
}

impl DeliveryReport {
    /// The permanent failure for `address`, if the report states one: operator-readable detail
    /// (status and diagnostic, no message content).
    pub fn permanent_failure_for(&self, address: &str) -> Option<String> {
        let address = address.trim().to_ascii_lowercase();
        self.recipients
            .iter()
            .find(|r| r.recipient == address && r.is_permanent_failure())
            .map(|r| match &r.diagnostic {
                Some(diagnostic) => format!(
                    "delivery status notification: {} ({})",
                    r.status,
                    diagnostic.chars().take(300).collect::<String>()
                ),
                None => format!("delivery status notification: {}", r.status),
            })
    }
}

fn is_status_part(content_type: Option<&mail_parser::ContentType>) -> bool {
    content_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|sub| {
                sub.eq_ignore_ascii_case("delivery-status")
                    || sub.eq_ignore_ascii_case("global-delivery-status")
            })
    })
}

fn is_headers_part(content_type: Option<&mail_parser::ContentType>) -> bool {
    content_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("text")
            && ct
                .subtype()
                .is_some_and(|sub| sub.eq_ignore_ascii_case("rfc822-headers"))
    })
}

/// Reads the report a message carries, if it is one.
pub fn delivery_report(message: &Message) -> Option<DeliveryReport> {
    let status = message
        .parts
        .iter()
        .find(|part| is_status_part(part.content_type()))?;
    let text =
        String::from_utf8_lossy(&status.contents()[..status.contents().len().min(STATUS_BYTES)])
            .into_owned();
    let recipients = recipient_fields(&text);
    let mut original_message_ids = Vec::new();
    for part in &message.parts {
        let id = match &part.body {
            PartType::Message(original) => original.message_id().map(str::to_string),
            _ if is_headers_part(part.content_type()) => MessageParser::default()
                .parse_headers(part.contents())
                .and_then(|headers| headers.message_id().map(str::to_string)),
            _ => None,
        };
        original_message_ids.extend(id.map(|id| id.trim().to_string()));
    }
    Some(DeliveryReport {
        recipients,
        original_message_ids,
    })
}

/// The per-recipient field blocks of a `message/delivery-status` body (RFC 3464 §2.3): blocks
/// of `Name: value` fields separated by blank lines, values possibly folded.
fn recipient_fields(text: &str) -> Vec<RecipientStatus> {
    let mut recipients = Vec::new();
    let mut block: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines().peekable();
    loop {
        let line = lines.next();
        let blank = line.is_none_or(|l| l.trim().is_empty());
        if blank {
            if let Some(recipient) = recipient_of(&block) {
                recipients.push(recipient);
                if recipients.len() == MAX_RECIPIENTS {
                    break;
                }
            }
            block.clear();
            if line.is_none() {
                break;
            }
            continue;
        }
        let line = line.unwrap_or_default();
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = block.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            block.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    recipients
}

fn recipient_of(block: &[(String, String)]) -> Option<RecipientStatus> {
    let field = |name: &str| {
        block
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let recipient = field("final-recipient").or_else(|| field("original-recipient"))?;
    // `rfc822; user@example.com` (the address type before the semicolon).
    let address = recipient
        .split_once(';')
        .map_or(recipient, |(_, address)| address)
        .trim()
        .trim_matches(['<', '>'])
        .to_ascii_lowercase();
    let status = field("status")?
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    Some(RecipientStatus {
        recipient: address,
        action: field("action").unwrap_or("").trim().to_ascii_lowercase(),
        status,
        diagnostic: field("diagnostic-code").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [(&str, &str); 4] = [
        ("postfix", include_str!("../../../testkit/dsn/postfix.eml")),
        ("gmail", include_str!("../../../testkit/dsn/gmail.eml")),
        (
            "exchange",
            include_str!("../../../testkit/dsn/exchange.eml"),
        ),
        ("exim", include_str!("../../../testkit/dsn/exim.eml")),
    ];

    fn report(sample: &str, action: &str, status: &str) -> DeliveryReport {
        let raw = sample
            .replace("@@TO@@", "bounces@mail.example.com")
            .replace("@@RECIPIENT@@", "AP@northstar.example")
            .replace("@@MESSAGE_ID@@", "c1.1.tok@mail.example.com")
            .replace("@@ACTION@@", action)
            .replace("@@STATUS@@", status);
        let message = MessageParser::default().parse(raw.as_bytes()).unwrap();
        delivery_report(&message).expect("a delivery report")
    }

    #[test]
    fn permanent_failures_from_postfix_gmail_exchange_and_exim_are_read() {
        for (mta, sample) in SAMPLES {
            let report = report(sample, "failed", "5.1.1");
            assert_eq!(
                report.original_message_ids,
                ["c1.1.tok@mail.example.com"],
                "{mta}"
            );
            let detail = report
                .permanent_failure_for("ap@northstar.example")
                .unwrap_or_else(|| panic!("{mta}: {report:?}"));
            assert!(
                detail.starts_with("delivery status notification: 5.1.1 (smtp;"),
                "{mta}: {detail}"
            );
            assert!(
                report
                    .permanent_failure_for("someone@else.example")
                    .is_none(),
                "{mta}"
            );
        }
    }

    #[test]
    fn delays_and_transient_failures_are_not_bounces() {
        for (mta, sample) in SAMPLES {
            for (action, status) in [
                ("delayed", "4.4.7"),
                ("failed", "4.2.2"),
                ("delivered", "2.0.0"),
            ] {
                let report = report(sample, action, status);
                assert!(
                    report
                        .permanent_failure_for("ap@northstar.example")
                        .is_none(),
                    "{mta} {action} {status}"
                );
            }
        }
    }

    #[test]
    fn ordinary_mail_is_no_report() {
        let raw = "From: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\n\r\nhello";
        let message = MessageParser::default().parse(raw.as_bytes()).unwrap();
        assert!(delivery_report(&message).is_none());
    }

    #[test]
    fn folded_fields_and_odd_spacing_are_read() {
        let fields = "Reporting-MTA: dns; x\n\nFinal-Recipient: RFC822;\n <Ap@Northstar.example>\nAction:  Failed\nStatus: 5.7.1 (delivery not authorized)\n";
        let recipients = recipient_fields(fields);
        assert_eq!(
            recipients,
            [RecipientStatus {
                recipient: "ap@northstar.example".into(),
                action: "failed".into(),
                status: "5.7.1".into(),
                diagnostic: None,
            }]
        );
    }
}
