//! Text messages: the counterparty's number (E.164, checked against libphonenumber's metadata)
//! and what a message costs in segments. A text that fits GSM-7 (the 3GPP TS 23.038 default
//! alphabet, where the extension characters `^{}\[~]|€` and form feed take two septets) travels
//! as 160 septets in one segment or 153 per part of a longer one; anything else as UCS-2, 70
//! UTF-16 code units in one segment or 67 per part, and a part never splits a surrogate pair.

/// The GSM-7 default alphabet, in code order (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// Characters of the extension table (an escape septet plus one: two septets each).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a text is encoded on the air.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// What a text costs: its encoding, its length in that encoding's units (septets or UTF-16
/// code units) and the number of segments it is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segments {
    pub encoding: SmsEncoding,
    pub units: usize,
    pub count: usize,
}

/// The septets `c` takes in GSM-7, or `None` when GSM-7 cannot carry it.
fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) && c != '\u{1b}' {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The segments `text` is sent in (an empty text is one empty segment).
pub fn segments(text: &str) -> Segments {
    let septets: Option<Vec<usize>> = text.chars().map(gsm7_septets).collect();
    match septets {
        // An escape pair never straddles two parts.
        Some(septets) => Segments {
            encoding: SmsEncoding::Gsm7,
            units: septets.iter().sum(),
            count: parts(&septets, 160, 153),
        },
        None => {
            let units: Vec<usize> = text.chars().map(char::len_utf16).collect();
            Segments {
                encoding: SmsEncoding::Ucs2,
                units: units.iter().sum(),
                count: parts(&units, 70, 67),
            }
        }
    }
}

/// Parts needed for characters of these widths: one part up to `single`, else parts of at most
/// `part` units each, a character never split between two.
fn parts(widths: &[usize], single: usize, part: usize) -> usize {
    if widths.iter().sum::<usize>() <= single {
        return 1;
    }
    let (mut count, mut used) = (1, 0);
    for &width in widths {
        if used + width > part {
            count += 1;
            used = 0;
        }
        used += width;
    }
    count
}

/// The longest start of `text` that fits in `max_segments` (at least one), cut at a word
/// boundary where one is near and marked as cut: "..." while the kept part is GSM-7 (where "…"
/// would turn it into UCS-2 and cost it half its room), "…" once it needs UCS-2 anyway. Text
/// that already fits comes back as is.
pub fn fit(text: &str, max_segments: usize) -> String {
    let max_segments = max_segments.max(1);
    if segments(text).count <= max_segments {
        return text.to_string();
    }
    let marked = |prefix: &str| -> String {
        match segments(prefix).encoding {
            SmsEncoding::Gsm7 => format!("{prefix}..."),
            SmsEncoding::Ucs2 => format!("{prefix}…"),
        }
    };
    let chars: Vec<char> = text.chars().collect();
    // Binary search the longest marked prefix that fits (segments grow with the length).
    let (mut low, mut high) = (0, chars.len());
    while low < high {
        let mid = (low + high).div_ceil(2);
        let prefix: String = chars[..mid].iter().collect();
        if segments(&marked(&prefix)).count <= max_segments {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    let prefix: String = chars[..low].iter().collect();
    // Back to the last space if it is within the last fifth (in characters): no half words.
    let length = prefix.chars().count();
    let cut = match prefix.rfind(' ') {
        Some(space) if prefix[..space].chars().count() * 5 >= length * 4 => {
            prefix[..space].trim_end()
        }
        _ => prefix.trim_end(),
    };
    marked(cut)
}

/// `raw` as an E.164 number (`+15555550100`) when it is one: a leading `+`, digits only (at
/// most 15), a country calling code libphonenumber knows and a national number of a length
/// possible there. (Possible, not assigned: the 555 numbers used in examples and tests pass; a
/// number that does not exist is the carrier's to refuse, as a bounce is the mail server's.)
/// Spaces, dashes and brackets are refused rather than guessed at.
pub fn e164(raw: &str) -> Option<String> {
    let digits = raw.strip_prefix('+')?;
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = phonenumber::parse(None, raw).ok()?;
    let national = number.national().to_string();
    let possible = phonenumber::metadata::DATABASE
        .by_code(&number.country().code())?
        .into_iter()
        .any(|meta| {
            // The general descriptor lists no lengths of its own: those of its number types do.
            let kinds = meta.descriptors();
            [
                kinds.fixed_line(),
                kinds.mobile(),
                kinds.toll_free(),
                kinds.premium_rate(),
                kinds.shared_cost(),
                kinds.personal_number(),
                kinds.voip(),
                kinds.pager(),
                kinds.uan(),
                kinds.voicemail(),
            ]
            .into_iter()
            .flatten()
            .chain([kinds.general()])
            .any(|kind| kind.possible_length().contains(&(national.len() as u16)))
        });
    let formatted = number.format().mode(phonenumber::Mode::E164).to_string();
    (possible && formatted == raw).then_some(formatted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_texts_take_160_septets_in_one_segment_and_153_per_part() {
        let one = "a".repeat(160);
        assert_eq!(
            segments(&one),
            Segments {
                encoding: SmsEncoding::Gsm7,
                units: 160,
                count: 1
            }
        );
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
        assert_eq!(segments("").count, 1);
    }

    #[test]
    fn extension_characters_count_twice_and_never_straddle_two_parts() {
        let braces = "{".repeat(80);
        assert_eq!(segments(&braces).units, 160);
        assert_eq!(segments(&braces).count, 1);
        assert_eq!(segments(&"€".repeat(81)).count, 2);
        // 152 septets then a two-septet €: the € moves to the second part.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(segments(&text).units, 164);
        assert_eq!(segments(&text).count, 2);
    }

    #[test]
    fn one_character_outside_gsm7_makes_the_whole_text_ucs2() {
        let text = format!("{}ł", "a".repeat(69));
        assert_eq!(segments(&text).encoding, SmsEncoding::Ucs2);
        assert_eq!(segments(&text).count, 1);
        assert_eq!(segments(&format!("{}ł", "a".repeat(70))).count, 2);
        // Emoji are surrogate pairs: two units, never split between parts.
        let emoji = "🙂".repeat(35);
        assert_eq!(segments(&emoji).units, 70);
        assert_eq!(segments(&emoji).count, 1);
        let text = format!("{}🙂", "a".repeat(66));
        assert_eq!(segments(&text).units, 68);
        assert_eq!(segments(&text).count, 1);
        let text = format!("{}🙂", "ł".repeat(69));
        assert_eq!(segments(&text).count, 2);
        // Accented letters of the default alphabet stay GSM-7; others do not.
        assert_eq!(
            segments("Grüße aus Köln, à bientôt").encoding,
            SmsEncoding::Ucs2
        );
        assert_eq!(segments("Grüße aus Köln").encoding, SmsEncoding::Gsm7);
    }

    #[test]
    fn a_long_text_is_cut_at_a_word_to_fit_three_segments() {
        let long =
            "Hello Maya, could you send the signed W-9 form for Northstar Supplies? ".repeat(10);
        let fitted = fit(&long, 3);
        assert!(segments(&fitted).count <= 3, "{}", segments(&fitted).count);
        assert!(fitted.ends_with("..."), "GSM-7 stays GSM-7: {fitted}");
        assert_eq!(segments(&fitted).encoding, SmsEncoding::Gsm7);
        assert!(fitted.len() > 400, "not cut too short: {}", fitted.len());
        assert!(!fitted.trim_end_matches('.').ends_with(' '));
        let polish = "Dzień dobry, proszę przesłać podpisany formularz W-9. ".repeat(10);
        let fitted = fit(&polish, 3);
        assert!(
            fitted.ends_with('…') && segments(&fitted).count <= 3,
            "{fitted}"
        );
        assert_eq!(fit("Short and sweet.", 3), "Short and sweet.");
    }

    #[test]
    fn numbers_are_e164_with_a_length_possible_for_their_country() {
        for accepted in [
            "+15555550100",
            "+14155552671",
            "+442079460958",
            "+4915123456789",
        ] {
            assert_eq!(e164(accepted).as_deref(), Some(accepted));
        }
        for refused in [
            "4915123456789",
            "+49 151 23456789",
            "+1 (415) 555-0100",
            "+1555555010",
            "+155555501000",
            "+9991234567",
            "+",
            "+0000",
            "",
            "+1555555010０",
        ] {
            assert_eq!(e164(refused), None, "{refused}");
        }
    }
}
