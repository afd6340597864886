//! Automatic replies — out-of-office notes, auto-responders, delivery-status notifications —
//! are not replies: they are kept in the transcript and the follow-up schedule goes on.

use regex::Regex;
use std::sync::LazyLock;

static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:re|aw|fw|fwd)\s*:\s*)*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|auto:|abwesenheit|abwesenheitsnotiz|automatische antwort|réponse automatique|absente? du bureau|respuesta automática|fuori sede|risposta automatica|afwezig|automatisch antwoord|delivery status notification|undeliverable|undelivered mail|mail delivery failed|delivery failure|returned mail|failure notice|message not delivered)",
    )
    .expect("valid pattern")
});

static BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:i am|i'm|i will be) (?:currently )?(?:out of (?:the )?office|away from (?:the|my) (?:office|desk)|on (?:annual |parental |sick )?leave|on vacation|on holiday)\b|\bthis is an automat(?:ic|ed) (?:reply|response|message)\b|\bdo not reply to this (?:automated )?(?:message|email)\b",
    )
    .expect("valid pattern")
});

/// Why a message is automatic, or `None` for a person's reply. `headers` are (name, value) pairs
/// as written; `body` is the visible text.
pub fn automatic_reason<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    from_address: &str,
    subject: &str,
    content_type: &str,
    body: &str,
) -> Option<String> {
    for (name, value) in headers {
        let value = value.trim().to_ascii_lowercase();
        let name = name.to_ascii_lowercase();
        let flagged = match name.as_str() {
            "auto-submitted" => value != "no",
            "x-autoreply" | "x-autorespond" | "x-autoresponder" => !value.is_empty(),
            "precedence" => matches!(value.as_str(), "auto_reply" | "bulk" | "junk" | "list"),
            "x-auto-response-suppress" => value.contains("all") || value.contains("oof"),
            "x-ms-exchange-inbox-rules-loop" | "x-failed-recipients" => true,
            _ => false,
        };
        if flagged {
            return Some(format!("header {name}: {value}"));
        }
    }
    if content_type.eq_ignore_ascii_case("multipart/report") {
        return Some("a delivery or read report (multipart/report)".into());
    }
    let local = from_address
        .split('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "noreply" | "no-reply" | "donotreply"
    ) {
        return Some(format!("sent by {local}"));
    }
    if SUBJECT.is_match(subject) {
        return Some("an automatic-reply subject".into());
    }
    if BODY.is_match(body) {
        return Some("an automatic-reply text".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::automatic_reason;

    fn check(
        headers: &[(&str, &str)],
        from: &str,
        subject: &str,
        content_type: &str,
        body: &str,
    ) -> bool {
        automatic_reason(headers.iter().copied(), from, subject, content_type, body).is_some()
    }

    /// (headers, from, subject, content type, body)
    type Sample<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, &'a str, &'a str);

    #[test]
    fn automatic_replies_are_recognised() {
        let plain = "text/plain";
        let cases: &[Sample] = &[
            (
                &[("Auto-Submitted", "auto-replied")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[("Auto-Submitted", "auto-generated")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[("X-Autoreply", "yes")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[("X-Autorespond", "Out of office")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[("Precedence", "auto_reply")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[("Precedence", "bulk")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[("X-Auto-Response-Suppress", "All")],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Thanks",
            ),
            (
                &[],
                "ap@x.com",
                "Re: W-9",
                "multipart/report",
                "Delivery failed",
            ),
            (&[], "MAILER-DAEMON@mx.example", "Re: W-9", plain, "x"),
            (&[], "postmaster@mx.example", "Re: W-9", plain, "x"),
            (&[], "ap@x.com", "Out of Office: Re: W-9", plain, "x"),
            (&[], "ap@x.com", "Automatic reply: W-9", plain, "x"),
            (&[], "ap@x.com", "Abwesenheitsnotiz: W-9", plain, "x"),
            (&[], "ap@x.com", "Réponse automatique : W-9", plain, "x"),
            (&[], "ap@x.com", "Undeliverable: W-9", plain, "x"),
            (
                &[],
                "ap@x.com",
                "Delivery Status Notification (Failure)",
                plain,
                "x",
            ),
            (
                &[],
                "ap@x.com",
                "Re: W-9",
                plain,
                "Hello, I am currently out of the office until Monday.",
            ),
            (
                &[],
                "ap@x.com",
                "Re: W-9",
                plain,
                "This is an automated response. Do not reply.",
            ),
        ];
        for (headers, from, subject, content_type, body) in cases {
            assert!(
                check(headers, from, subject, content_type, body),
                "{subject} {headers:?} {body}"
            );
        }
    }

    #[test]
    fn people_are_not_automatic() {
        let plain = "text/plain";
        for (headers, subject, body) in [
            (&[("Auto-Submitted", "no")][..], "Re: W-9", "Here it is."),
            (
                &[][..],
                "Re: Out of stock items",
                "We are out of the paper you asked about.",
            ),
            (
                &[][..],
                "Re: W-9",
                "I was out of office last week, sorry. Attached now.",
            ),
            (&[][..], "Re: absence policy", "See below."),
        ] {
            assert!(
                !check(headers, "ap@x.com", subject, plain, body),
                "{subject} {body}"
            );
        }
    }
}
