//! Whose mail may move a case: the counterparty's own address, or (when the case allows it)
//! another address of their organisation's domain — never a stranger's, and never mail a
//! provider verdict calls forged. Pure rules; the API applies them to every reply.

/// Domains anyone can get an address at: a shared domain proves nothing about who wrote, so
/// domain replies never apply to them.
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "aol.com",
    "fastmail.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mac.com",
    "mail.com",
    "me.com",
    "msn.com",
    "outlook.com",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "t-online.de",
    "tutanota.com",
    "web.de",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
];

fn domain(address: &str) -> Option<String> {
    address
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// Why mail from `sender` cannot be taken as the counterparty's, or `None` when it can:
/// the same address (case-insensitive), or — with `allow_domain_replies` — the same domain,
/// unless it is a public mail domain.
pub fn sender_problem(
    sender: &str,
    counterparty: &str,
    allow_domain_replies: bool,
) -> Option<String> {
    let sender = sender.trim();
    if sender.eq_ignore_ascii_case(counterparty.trim()) {
        return None;
    }
    let (Some(from), Some(theirs)) = (domain(sender), domain(counterparty)) else {
        return Some("the sender has no address".into());
    };
    if allow_domain_replies && from == theirs && !PUBLIC_MAIL_DOMAINS.contains(&from.as_str()) {
        return None;
    }
    Some(if allow_domain_replies && from == theirs {
        format!("the sender {sender} is not the counterparty ({from} is a public mail domain)")
    } else {
        format!("the sender {sender} is not the counterparty")
    })
}

/// A mail provider's verdict on a message (SES `spamVerdict`, `virusVerdict`, `spfVerdict`,
/// `dkimVerdict`, `dmarcVerdict`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// `spam`, `virus`, `SPF`, `DKIM` or `DMARC`.
    pub check: &'static str,
    /// As the provider wrote it (`PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`, `DISABLED`, …).
    pub status: String,
}

/// Why the verdicts make a message untrusted (any `FAIL`), or `None`.
pub fn verdict_problem(verdicts: &[Verdict]) -> Option<String> {
    let failed: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.status.eq_ignore_ascii_case("FAIL"))
        .map(|v| v.check)
        .collect();
    (!failed.is_empty()).then(|| format!("the mail provider's {} check failed", failed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counterparty_and_their_colleagues_may_reply() {
        assert_eq!(
            sender_problem("ap@northstar.example", "ap@northstar.example", false),
            None
        );
        assert_eq!(
            sender_problem("AP@Northstar.Example", "ap@northstar.example", false),
            None
        );
        assert_eq!(
            sender_problem("maya@northstar.example", "ap@northstar.example", true),
            None
        );
    }

    #[test]
    fn strangers_and_lookalikes_may_not() {
        for (sender, allow) in [
            ("maya@northstar.example", false),
            ("ap@northstar.example.evil.test", true),
            ("ap@evil-northstar.example", true),
            ("northstar.example@evil.test", true),
            ("", true),
        ] {
            assert!(
                sender_problem(sender, "ap@northstar.example", allow).is_some(),
                "{sender} (domain replies {allow})"
            );
        }
    }

    #[test]
    fn a_shared_public_mail_domain_proves_nothing() {
        let problem = sender_problem("someone@gmail.com", "maya.chen@gmail.com", true).unwrap();
        assert!(problem.contains("public mail domain"), "{problem}");
        assert_eq!(
            sender_problem("maya.chen@gmail.com", "Maya.Chen@gmail.com", true),
            None
        );
    }

    #[test]
    fn any_failed_verdict_makes_mail_untrusted() {
        let v = |check, status: &str| Verdict {
            check,
            status: status.into(),
        };
        assert_eq!(
            verdict_problem(&[v("spam", "PASS"), v("DKIM", "GRAY")]),
            None
        );
        assert_eq!(
            verdict_problem(&[v("SPF", "FAIL"), v("DMARC", "fail"), v("DKIM", "PASS")]).as_deref(),
            Some("the mail provider's SPF, DMARC check failed")
        );
    }
}
