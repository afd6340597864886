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
          | \d{4}年\d{1,2}月\d{1,2}日.{0,200}[:：]\s*$              # Japanese (Gmail)
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
    Regex::new(r"(?i)^\s*\*?(from|von|de|da|van|od)\s*:\*?\s*\S").expect("valid pattern")
});

/// Any language: `… <someone@example.com>:` directly followed by `>`-quoted lines.
static ADDRESS_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^.{0,300}<[^<>\s]+@[^<>\s]+>.{0,60}[:：]\s*$").expect("valid pattern")
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
            || (ADDRESS_COLON.is_match(line)
                && lines[i + 1..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.trim_start().starts_with('>')))
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
    offload_workflows::state::text_prefix(text, MAX_INPUT_BYTES)
}

#[cfg(test)]
mod tests {
    use super::strip_quoted;

    /// Real-world shapes of replies: (input, what the sender wrote).
    const SAMPLES: &[(&str, &str)] = &[
        // Gmail, one line and wrapped.
        (
            "Here it is.\n\nOn Tue, Mar 3, 2026 at 10:00 AM Avery <avery@x.com> wrote:\n> Could you send the W-9?\n",
            "Here it is.",
        ),
        (
            "Sure.\n\nOn Tue, Mar 3, 2026 at 10:00 AM Avery\n<avery@x.com> wrote:\n> hi\n",
            "Sure.",
        ),
        // Gmail HTML-only mail as mail-parser renders it to text.
        (
            "Thanks, here it is.\nSecond line & more\nOn Mon, Mar 2, 2026 at 10:00 AM Avery <a@x.com> wrote:\nCould you send the W-9?\nThanks",
            "Thanks, here it is.\nSecond line & more",
        ),
        // Apple Mail and Yahoo.
        (
            "Attached.\n\nOn 2 Mar 2026, at 10:00, Avery <a@x.com> wrote:\n\n> Hello",
            "Attached.",
        ),
        (
            "Yes.\n\nOn Monday, March 2, 2026, 10:00:00 AM GMT, Avery <a@x.com> wrote:\n\n\n> Hello",
            "Yes.",
        ),
        // Outlook: Original Message, separator line, bare header block, HTML rendered to text.
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
        (
            "Done.\nFrom:Avery <a@x.com>\nSent:Monday, March 2, 2026 10:00 AM\nTo: Maya\nSubject: W-9 Could you send it?",
            "Done.",
        ),
        (
            "*From:* Avery <a@x.com>\n*Sent:* Monday\n*To:* Maya\n*Subject:* W-9",
            "",
        ),
        // Forwarded blocks.
        (
            "FYI below.\n\n---------- Forwarded message ---------\nFrom: Avery <a@x.com>\nDate: Mon",
            "FYI below.",
        ),
        // Signatures and mobile footers.
        ("Thanks!\n-- \nMaya Chen\nAP Lead", "Thanks!"),
        ("Thanks!\n--\nMaya", "Thanks!"),
        ("Will do.\n\nSent from my iPhone", "Will do."),
        ("Will do.\n\nGet Outlook for iOS", "Will do."),
        ("Ok.\n\nSent from Mail for Windows", "Ok."),
        // Non-English quote headers.
        (
            "Ja, anbei.\n\nAm 03.03.2026 um 10:00 schrieb Avery <a@x.com>:\n> Hallo",
            "Ja, anbei.",
        ),
        (
            "Oui.\n\nLe mar. 3 mars 2026 à 10:00, Avery <a@x.com> a écrit :\n> Bonjour",
            "Oui.",
        ),
        (
            "Sí.\n\nEl mar, 3 mar 2026 a las 10:00, Avery (<a@x.com>) escribió:\n> Hola",
            "Sí.",
        ),
        (
            "Sim.\n\nEm ter., 3 de mar. de 2026 às 10:00, Avery <a@x.com> escreveu:\n> Olá",
            "Sim.",
        ),
        (
            "Sì.\n\nIl giorno mar 3 mar 2026 alle ore 10:00 Avery <a@x.com> ha scritto:\n> Ciao",
            "Sì.",
        ),
        (
            "Ja.\n\nOp di 3 mrt 2026 om 10:00 schreef Avery <a@x.com>:\n> Hallo",
            "Ja.",
        ),
        (
            "Ja.\n\nDen tis 3 mars 2026 kl 10:00 skrev Avery <a@x.com>:\n> Hej",
            "Ja.",
        ),
        (
            "Tak.\n\nW dniu 3.03.2026 o 10:00, Avery <a@x.com> napisał:\n> Cześć",
            "Tak.",
        ),
        (
            "好的。\n\n在 2026年3月3日 10:00，Avery <a@x.com> 写道：\n> 你好",
            "好的。",
        ),
        (
            "はい。\n\n2026年3月3日(火) 10:00 Avery <a@x.com>:\n> こんにちは",
            "はい。",
        ),
        (
            "Да.\n\nвт, 3 мар. 2026 г. в 10:00, Avery <a@x.com>:\n> Привет",
            "Да.",
        ),
        // Quoted lines, nested and at the end; CRLF.
        ("Yes\r\n> quoted\r\n", "Yes"),
        ("Agreed.\n\n>> older\n> newer", "Agreed."),
        ("", ""),
        ("> only a quote\n> nothing new", ""),
        // Text that must stay.
        (
            "I think a > b is true.\nSecond line.",
            "I think a > b is true.\nSecond line.",
        ),
        (
            "Hello,\n\nPlease re-send the e-mail.\n\nThanks,\nJane",
            "Hello,\n\nPlease re-send the e-mail.\n\nThanks,\nJane",
        ),
        ("Price goes 10 -> 12.\n\nOk?", "Price goes 10 -> 12.\n\nOk?"),
        (
            "On Monday we shipped it.\nTracking: 123",
            "On Monday we shipped it.\nTracking: 123",
        ),
        (
            "From: our side everything is ready.\nThanks",
            "From: our side everything is ready.\nThanks",
        ),
        (
            "The total -- final -- is 40.",
            "The total -- final -- is 40.",
        ),
        (
            "Contact me at <maya@northstar.example>:\nany time",
            "Contact me at <maya@northstar.example>:\nany time",
        ),
    ];

    #[test]
    fn keeps_only_what_the_sender_wrote() {
        assert!(SAMPLES.len() >= 30);
        for (input, expected) in SAMPLES {
            assert_eq!(strip_quoted(input), *expected, "input: {input:?}");
        }
    }

    #[test]
    fn huge_input_is_capped() {
        let body = format!("{}tail", "> quoted line\n".repeat(100_000));
        assert_eq!(strip_quoted(&body), "");
    }
}
