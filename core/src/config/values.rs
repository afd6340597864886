//! Values the configuration holds that other parts share: secrets kept out of logs, mailboxes
//! and the email address rule.

use std::fmt;

/// A secret that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A mailbox such as `Avery <avery@example.com>` or `avery@example.com`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

impl Mailbox {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let (Some(open), true) = (text.rfind('<'), text.ends_with('>')) {
            let address = text[open + 1..text.len() - 1].trim();
            let name = text[..open].trim().trim_matches('"').trim();
            is_email_address(address).then(|| Mailbox {
                name: (!name.is_empty()).then(|| name.to_string()),
                address: address.to_string(),
            })
        } else {
            is_email_address(text).then(|| Mailbox {
                name: None,
                address: text.to_string(),
            })
        }
    }
}

/// A practical addr-spec check: `local@domain`, printable ASCII, no spaces, a dotted domain of
/// letters, digits and hyphens (or `localhost`), total length ≤ 254.
pub fn is_email_address(address: &str) -> bool {
    if address.len() > 254 || !address.is_ascii() {
        return false;
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = !domain.is_empty()
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && (labels.len() >= 2 || domain.eq_ignore_ascii_case("localhost"));
    local_ok && domain_ok
}
