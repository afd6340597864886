//! Replies that ask not to be contacted again ("please stop emailing me", "bitte kontaktieren Sie
//! mich nicht mehr", "ne me contactez plus", "no me contacten más", "neem geen contact meer op"):
//! the address goes on the tenant's suppression list (spec §7), whatever the case decides. A
//! plain refusal ("we are not interested") is not such a request. One `regex` automaton over the
//! first 16 KiB: linear in the text.

use regex::Regex;
use std::sync::LazyLock;

const READ_BYTES: usize = 16 * 1024;

static DO_NOT_CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:do\s+not|don'?t|never)\s+(?:contact|e-?mail|email|write\s+to|reach\s+out\s+to)\s+(?:me|us)
          (?:\s+(?:again|anymore|any\s+more|further|about\s+this(?:\s+anymore)?))?\s*(?:[.!,;)]|$)
      | \bstop\s+(?:contacting|emailing|e-?mailing|writing\s+to|messaging)\s+(?:me|us)
          (?:\s+(?:again|anymore|please))?\s*(?:[.!,;)]|$)
      | \b(?:remove|take)\s+(?:me|us|my\s+address|our\s+address)\s+(?:from|off)\s+(?:your|the)\s+(?:list|mailing\s+list|database|distribution)\b
      | \bunsubscribe\s+(?:me|us)\b
      | \b(?:kontaktieren|schreiben|anschreiben)\s+sie\s+(?:mich|uns)\s+(?:bitte\s+)?nicht\s+mehr\b
      | \bkeine\s+(?:weiteren\s+)?(?:e-?mails|nachrichten|kontaktaufnahme)\s+mehr\b
      | \bne\s+(?:me|nous)\s+(?:contactez|recontactez|écrivez|ecrivez)\s+plus\b
      | \bne\s+plus\s+(?:me|nous)\s+(?:contacter|écrire|ecrire)\b
      | \bno\s+(?:me|nos)\s+(?:contacte[ns]?|escrib[ae]n?)\s+m[áa]s\b
      | \bdejen?\s+de\s+(?:contactarme|escribirme|contactarnos|escribirnos)\b
      | \b(?:neem|neemt)\s+(?:geen|niet\s+meer)\s+contact\s+(?:meer\s+)?(?:met\s+(?:mij|ons)\s+)?op\b
      | \bniet\s+meer\s+(?:contacteren|mailen|benaderen)\b
        ",
    )
    .expect("valid pattern")
});

/// Whether `text` asks not to be contacted again.
pub fn asks_not_to_be_contacted(text: &str) -> bool {
    let mut end = text.len().min(READ_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    DO_NOT_CONTACT.is_match(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_not_to_be_contacted_are_recognised_in_five_languages() {
        for text in [
            "Please do not contact me again.",
            "Stop emailing me, thanks.",
            "Remove me from your list.",
            "Don't email us about this anymore.",
            "Unsubscribe me please.",
            "Bitte kontaktieren Sie mich nicht mehr.",
            "Ich möchte keine weiteren E-Mails mehr erhalten.",
            "Merci de ne plus me contacter.",
            "Ne me contactez plus.",
            "Por favor, no me contacten más.",
            "Dejen de escribirme.",
            "Neem geen contact meer met mij op.",
            "Wilt u mij niet meer mailen?",
        ] {
            assert!(asks_not_to_be_contacted(text), "{text}");
        }
    }

    #[test]
    fn refusals_and_ordinary_replies_are_not_requests_to_stop() {
        for text in [
            "We are not interested, thanks.",
            "Please contact me next week about this.",
            "Don't worry, I will send it tomorrow.",
            "Stop by our office any time.",
            "Remove the old address from the form, please.",
            "Nicht mehr lange, dann schicke ich es.",
            "Please don't contact us by phone, email is fine.",
            "Never email us attachments over 10 MB.",
            "Je ne peux plus attendre.",
        ] {
            assert!(!asks_not_to_be_contacted(text), "{text}");
        }
    }
}
