//! Strips quoted history and signatures from a reply, keeping only what the sender wrote.
//!
//! Line-based with anchored patterns compiled once, so the cost is linear in the input, which is
//! capped. Text that merely contains `>` or `-` mid-line (`a > b`, `re-send`) is left alone.

use regex::Regex;
use std::sync::LazyLock;

/// Longer bodies are cut before stripping; nobody writes a 256 KiB reply by hand.
pub const MAX_INPUT_BYTES: usize = 256 * 1024;

/// Lines that start the quoted part: everything from here on is history.
static QUOTE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^\s*(?:
            on\s.{1,300}\swrote:\s*$                               # Gmail, Apple Mail
          | -{2,}\s*original\s+message\s*-{2,}                     # Outlook, Lotus
          | -{2,}\s*forwarded\s+message\s*-{2,}
          | _{7,}\s*$                                              # Outlook separator
          | am\s.{1,300}\sschrieb\s.{0,300}:\s*$                   # German
          | le\s.{1,300}\sa\s+écrit\s*:\s*$                        # French
          | el\s.{1,300}\sescribió\s*:\s*$                         # Spanish
          | em\s.{1,300}\sescreveu\s*:\s*$                         # Portuguese
          | il\s.{1,300}\sha\s+scritto\s*:\s*$                     # Italian
          | op\s.{1,300}\sschreef\s.{0,300}:\s*$                   # Dutch
          | den\s.{1,300}\sskrev\s.{0,300}:\s*$                    # Danish, Norwegian, Swedish
          | w\sdniu\s.{1,300}\snapisał\S*\s*:\s*$                  # Polish
          | .{0,200}写道[:：]\s*$                                   # Chinese
        )",
    )
    .expect("valid quote-header pattern")
});

/// A Gmail header wrapped over two lines: `On Tue, 3 Mar 2026 at 10:00, Jane Doe` + `<x@y> wrote:`.
static WRAPPED_ON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*on\s.{1,300}$").expect("valid pattern"));
static WRAPPED_WROTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^.{0,300}\swrote:\s*$").expect("valid pattern"));

/// An Outlook header block: `From:` followed closely by `Sent:`/`Date:` and `To:`/`Subject:`.
static HEADER_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*\*?(from|von|de|da|van)\s*:\*?\s").expect("valid pattern")
});
static HEADER_FOLLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*\*?(sent|date|to|subject|gesendet|an|betreff|envoyé|objet|enviado)\s*:")
        .expect("valid pattern")
});

/// Where a signature or a mobile footer starts.
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:--\s?|sent from my .{1,40}|get outlook for .{1,40}|sent from (?:mail|yahoo mail|outlook) for .{1,40})\s*$")
        .expect("valid pattern")
});

/// The part of `text` its author wrote: quoted history, forwarded blocks and signatures removed.
pub fn strip_quoted(text: &str) -> String {
    let text = cap(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_end_matches('\r');
        let starts_quote = QUOTE_HEADER.is_match(line)
            || (WRAPPED_ON.is_match(line)
                && lines
                    .get(i + 1)
                    .is_some_and(|next| WRAPPED_WROTE.is_match(next)))
            || (HEADER_FROM.is_match(line)
                && lines[i + 1..]
                    .iter()
                    .take(4)
                    .filter(|l| HEADER_FOLLOW.is_match(l))
                    .count()
                    >= 2)
            || SIGNATURE.is_match(line);
        if starts_quote {
            end = i;
            break;
        }
    }
    let kept: Vec<&str> = lines[..end]
        .iter()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect();
    kept.join("\n").trim().to_string()
}

fn cap(text: &str) -> &str {
    if text.len() <= MAX_INPUT_BYTES {
        return text;
    }
    let mut cut = MAX_INPUT_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

#[cfg(test)]
mod tests {
    use super::strip_quoted;

    #[test]
    fn keeps_only_what_the_sender_wrote() {
        let cases: &[(&str, &str)] = &[
            (
                "Here it is.\n\nOn Tue, Mar 3, 2026 at 10:00 AM Avery <avery@x.com> wrote:\n> Could you send the W-9?\n",
                "Here it is.",
            ),
            (
                "Sure.\n\nOn Tue, Mar 3, 2026 at 10:00 AM Avery\n<avery@x.com> wrote:\n> hi\n",
                "Sure.",
            ),
            (
                "Done.\n\n-----Original Message-----\nFrom: Avery\nSent: Monday\n",
                "Done.",
            ),
            (
                "Attached.\n\n________________________________\nFrom: Avery <a@x.com>\nSent: Monday\nTo: Maya\nSubject: W-9\n",
                "Attached.",
            ),
            (
                "See attached.\n\nFrom: Avery <a@x.com>\nSent: Monday, March 2, 2026\nTo: Maya\nSubject: W-9\n\nHello",
                "See attached.",
            ),
            ("Thanks!\n-- \nMaya Chen\nAP Lead", "Thanks!"),
            ("Will do.\n\nSent from my iPhone", "Will do."),
            (
                "Ja, anbei.\n\nAm 03.03.2026 um 10:00 schrieb Avery <a@x.com>:\n> Hallo",
                "Ja, anbei.",
            ),
            (
                "Oui.\n\nLe mar. 3 mars 2026 à 10:00, Avery <a@x.com> a écrit :\n> Bonjour",
                "Oui.",
            ),
            (
                "I think a > b is true.\nSecond line.",
                "I think a > b is true.\nSecond line.",
            ),
            (
                "Hello,\n\nPlease re-send the e-mail.\n\nThanks,\nJane",
                "Hello,\n\nPlease re-send the e-mail.\n\nThanks,\nJane",
            ),
            ("Price goes 10 -> 12.\n\nOk?", "Price goes 10 -> 12.\n\nOk?"),
            ("Yes\r\n> quoted\r\n", "Yes"),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_quoted(input), *expected, "input: {input:?}");
        }
    }

    #[test]
    fn huge_input_is_capped() {
        let body = format!("{}tail", "> quoted line\n".repeat(100_000));
        assert_eq!(strip_quoted(&body), "");
    }
}
