//! The return date an out-of-office reply states ("back on 12 March", "bis zum 14.03.2026",
//! "de retour le lundi 16 mars", "hasta el 20 de marzo", "terug op maandag"), so the next
//! follow-up can wait for it (spec §7). English, German, French, Spanish and Dutch phrasings;
//! numeric and month-name dates, with or without a year; weekdays relative to the day the reply
//! was written.
//!
//! A date counts only right after a phrase that says when the sender is back ("back", "zurück",
//! "retour", "vuelta", "terug" …: that day) or until when they are away ("until", "bis",
//! "jusqu'au", "hasta", "tot" …: the day after). When several do, the latest wins — an absence
//! "from 3 March until 10 March" ends on the 10th. Dates before the reply or more than a year
//! after it are not return dates. Every pattern is a `regex` automaton: linear in the text.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;
use std::sync::LazyLock;

/// How far after a phrase its date may start (bytes of the lowercased text).
const REACH: usize = 48;
/// How far before a "back" phrase its date may end, when none follows it ("am Montag wieder im
/// Büro", "17-03-2026 ben ik weer aanwezig").
const REACH_BACK: usize = 32;
/// At most this much of a reply is read (an out-of-office note says it early).
const READ_BYTES: usize = 16 * 1024;

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("enero", 1),
    ("januari", 1),
    ("jan", 1),
    ("february", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("februari", 2),
    ("feb", 2),
    ("march", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("maart", 3),
    ("mar", 3),
    ("mrz", 3),
    ("april", 4),
    ("avril", 4),
    ("abril", 4),
    ("apr", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("mei", 5),
    ("june", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("jun", 6),
    ("july", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("jul", 7),
    ("august", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("augustus", 8),
    ("aug", 8),
    ("september", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("oct", 10),
    ("okt", 10),
    ("november", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("nov", 11),
    ("december", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dec", 12),
    ("dez", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Mon),
    ("montag", Weekday::Mon),
    ("lundi", Weekday::Mon),
    ("lunes", Weekday::Mon),
    ("maandag", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("dienstag", Weekday::Tue),
    ("mardi", Weekday::Tue),
    ("martes", Weekday::Tue),
    ("dinsdag", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("mittwoch", Weekday::Wed),
    ("mercredi", Weekday::Wed),
    ("miércoles", Weekday::Wed),
    ("miercoles", Weekday::Wed),
    ("woensdag", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("donnerstag", Weekday::Thu),
    ("jeudi", Weekday::Thu),
    ("jueves", Weekday::Thu),
    ("donderdag", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("freitag", Weekday::Fri),
    ("vendredi", Weekday::Fri),
    ("viernes", Weekday::Fri),
    ("vrijdag", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("samstag", Weekday::Sat),
    ("sonnabend", Weekday::Sat),
    ("samedi", Weekday::Sat),
    ("sábado", Weekday::Sat),
    ("sabado", Weekday::Sat),
    ("zaterdag", Weekday::Sat),
    ("sunday", Weekday::Sun),
    ("sonntag", Weekday::Sun),
    ("dimanche", Weekday::Sun),
    ("domingo", Weekday::Sun),
    ("zondag", Weekday::Sun),
];

fn alternation(words: impl Iterator<Item = &'static str>) -> String {
    let mut words: Vec<&str> = words.collect();
    // Longest first, so "june" is not read as "jun" + "e".
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.join("|")
}

/// Phrases after which a date is the day the sender is back. ("available", "reachable" and the
/// like are not among them: signatures say "available 24/7", "reachable at +49 30/12…".)
static BACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:back|return(?:ing|s)?|in the office|zurück|zurueck|wieder|ab|retour|partir|vuelta|regres\w*|volver\w*|terug|weer|vanaf|aanwezig)\b",
    )
    .expect("valid pattern")
});

/// Phrases after which a date is the last day away.
static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:until|till|through|thru|bis|jusqu'au|jusqu’au|jusqu'à|hasta|tot(?: en met)?|t/m)\b",
    )
    .expect("valid pattern")
});

/// A date written out: ISO, numeric day-first or month-first, day + month name, month name +
/// day; a year is optional.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let months = alternation(MONTHS.iter().map(|(name, _)| *name));
    Regex::new(&format!(
        r"(?x)
        \b(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})\b
      | \b(?P<na>\d{{1,2}})[./-](?P<nb>\d{{1,2}})(?:[./-](?P<ny>\d{{4}}|\d{{2}}))?\b
      | \b(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|e|\.)?(?:\s+(?:of|de))?\s+(?P<dm>{months})\.?(?:,?\s+(?:de\s+)?(?P<dy>\d{{4}}))?\b
      | \b(?P<md>{months})\.?\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<mdy>\d{{4}}))?\b
        "
    ))
    .expect("valid pattern")
});

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:{})\b",
        alternation(WEEKDAYS.iter().map(|(name, _)| *name))
    ))
    .expect("valid pattern")
});

fn month_number(name: &str) -> Option<u32> {
    MONTHS.iter().find(|(m, _)| *m == name).map(|(_, n)| *n)
}

/// A date without a year: the next such date on or after `written` (less a day's grace).
fn with_year(year: Option<i32>, month: u32, day: u32, written: NaiveDate) -> Option<NaiveDate> {
    match year {
        Some(year) => NaiveDate::from_ymd_opt(year, month, day),
        None => {
            let this_year = NaiveDate::from_ymd_opt(written.year(), month, day)?;
            if this_year + Duration::days(1) < written {
                NaiveDate::from_ymd_opt(written.year() + 1, month, day)
            } else {
                Some(this_year)
            }
        }
    }
}

fn year_of(text: Option<regex::Match>) -> Option<i32> {
    let digits = text?.as_str();
    let year: i32 = digits.parse().ok()?;
    Some(if digits.len() == 2 { 2000 + year } else { year })
}

/// The dates a date match may mean. Numeric dates with both parts ≤ 12 are ambiguous (day-first
/// in most of Europe, month-first in the US): both readings.
fn readings(caps: &regex::Captures, written: NaiveDate) -> Vec<NaiveDate> {
    let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    if let (Some(y), Some(m), Some(d)) = (number("iy"), number("im"), number("id")) {
        return NaiveDate::from_ymd_opt(y as i32, m, d)
            .into_iter()
            .collect();
    }
    if let (Some(a), Some(b)) = (number("na"), number("nb")) {
        // "24/7" is a promise, not a date.
        if a == 24 && b == 7 && caps.name("ny").is_none() {
            return Vec::new();
        }
        let year = year_of(caps.name("ny"));
        let separator_is_dot = caps.get(0).is_some_and(|m| m.as_str().contains('.'));
        let mut dates = Vec::new();
        dates.extend(with_year(year, b, a, written));
        // Month-first only with slashes or dashes (a dotted date is day-first everywhere).
        if !separator_is_dot && a != b {
            dates.extend(with_year(year, a, b, written));
        }
        return dates;
    }
    if let (Some(day), Some(month)) = (number("dd"), caps.name("dm")) {
        return month_number(month.as_str())
            .and_then(|m| with_year(year_of(caps.name("dy")), m, day, written))
            .into_iter()
            .collect();
    }
    if let (Some(month), Some(day)) = (caps.name("md"), number("mdd")) {
        return month_number(month.as_str())
            .and_then(|m| with_year(year_of(caps.name("mdy")), m, day, written))
            .into_iter()
            .collect();
    }
    Vec::new()
}

/// The next `weekday` after `written` (a week on when it is that day).
fn next_weekday(weekday: Weekday, written: NaiveDate) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() as i64
        - written.weekday().num_days_from_monday() as i64)
        % 7;
    written + Duration::days(if ahead == 0 { 7 } else { ahead })
}

/// The day the sender of an automatic reply written on `written` says they are back, if the
/// text says so.
pub fn return_date(text: &str, written: NaiveDate) -> Option<NaiveDate> {
    let mut end = text.len().min(READ_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = text[..end].to_lowercase();
    let latest = written + Duration::days(MAX_DAYS_AHEAD);
    let plausible = |date: &NaiveDate| *date >= written && *date <= latest;
    let mut found: Option<NaiveDate> = None;
    for (phrases, days_after) in [(&*BACK, 0), (&*UNTIL, 1)] {
        for phrase in phrases.find_iter(&text) {
            let after = &text[phrase.end()..floor(&text, phrase.end() + REACH)];
            let mut date = first_date(after, written, &plausible);
            if date.is_none() && days_after == 0 {
                let from = ceil(&text, phrase.start().saturating_sub(REACH_BACK));
                date = last_date(&text[from..phrase.start()], written, &plausible);
            }
            if let Some(date) = date
                .map(|d| d + Duration::days(days_after))
                .filter(plausible)
            {
                found = Some(found.map_or(date, |f| f.max(date)));
            }
        }
    }
    found
}

/// Return dates are at most this many days after the reply.
const MAX_DAYS_AHEAD: i64 = 180;

/// `at` moved down to a character boundary of `text` (and to its end at most).
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `at` moved up to a character boundary of `text`.
fn ceil(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The explicit dates a piece of text names, in order (each its earliest plausible reading).
fn explicit_dates<'t>(
    text: &'t str,
    written: NaiveDate,
    plausible: &'t impl Fn(&NaiveDate) -> bool,
) -> impl Iterator<Item = NaiveDate> + 't {
    DATE.captures_iter(text).filter_map(move |caps| {
        let mut dates = readings(&caps, written);
        dates.retain(|d| plausible(d));
        dates.into_iter().min()
    })
}

/// The weekdays a piece of text names ("back on Monday"), in order, as the next such day.
fn weekday_dates(text: &str, written: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
    WEEKDAY.find_iter(text).filter_map(move |word| {
        let weekday = WEEKDAYS.iter().find(|(w, _)| *w == word.as_str())?.1;
        Some(next_weekday(weekday, written))
    })
}

/// The first explicit date in `text`, else its first weekday.
fn first_date(
    text: &str,
    written: NaiveDate,
    plausible: &impl Fn(&NaiveDate) -> bool,
) -> Option<NaiveDate> {
    explicit_dates(text, written, plausible)
        .next()
        .or_else(|| weekday_dates(text, written).next())
}

/// The last explicit date in `text`, else its last weekday.
fn last_date(
    text: &str,
    written: NaiveDate,
    plausible: &impl Fn(&NaiveDate) -> bool,
) -> Option<NaiveDate> {
    explicit_dates(text, written, plausible)
        .last()
        .or_else(|| weekday_dates(text, written).last())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written on Wednesday 2026-03-04.
    fn written() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn return_dates_are_read_in_five_languages_and_the_common_forms() {
        let cases: &[(&str, Option<NaiveDate>)] = &[
            // English
            (
                "I am out of the office and will be back on 12 March.",
                date(2026, 3, 12),
            ),
            (
                "I'm away until March 10th, 2026 with limited access to email.",
                date(2026, 3, 11),
            ),
            (
                "Thank you for your email. I will return on Monday.",
                date(2026, 3, 9),
            ),
            (
                "Out of office from 3 March until 10 March. Back on the 11th? Maybe.",
                date(2026, 3, 11),
            ),
            ("I am on leave until 2026-03-20.", date(2026, 3, 21)),
            (
                "Returning 16/03/2026, please contact Sam meanwhile.",
                date(2026, 3, 16),
            ),
            (
                "I'll be back in the office on Tuesday, March 17.",
                date(2026, 3, 17),
            ),
            ("Out of office through Friday.", date(2026, 3, 7)),
            (
                "Back on 12 March. Support is available 24/7.",
                date(2026, 3, 12),
            ),
            // German
            (
                "Ich bin bis zum 14.03.2026 nicht im Büro.",
                date(2026, 3, 15),
            ),
            (
                "Ab dem 16. März bin ich wieder erreichbar.",
                date(2026, 3, 16),
            ),
            (
                "Vielen Dank. Ich bin am Montag wieder im Büro.",
                date(2026, 3, 9),
            ),
            (
                "Ich bin bis einschließlich 20. März im Urlaub.",
                date(2026, 3, 21),
            ),
            // French
            ("Je suis absent jusqu'au 13 mars inclus.", date(2026, 3, 14)),
            ("De retour le lundi 16 mars 2026.", date(2026, 3, 16)),
            ("Je serai de retour le 18/03.", date(2026, 3, 18)),
            // Spanish
            (
                "Estaré fuera de la oficina hasta el 20 de marzo.",
                date(2026, 3, 21),
            ),
            ("Volveré el lunes 9 de marzo.", date(2026, 3, 9)),
            (
                "Estoy de vacaciones, de vuelta el 23/03/2026.",
                date(2026, 3, 23),
            ),
            // Dutch
            ("Ik ben terug op maandag 16 maart.", date(2026, 3, 16)),
            ("Ik ben afwezig tot en met 13 maart.", date(2026, 3, 14)),
            ("Vanaf 17-03-2026 ben ik weer aanwezig.", date(2026, 3, 17)),
        ];
        for (text, expected) in cases {
            assert_eq!(return_date(text, written()), *expected, "{text}");
        }
    }

    #[test]
    fn a_date_without_a_year_that_has_passed_is_next_years() {
        let december = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(
            return_date("Back on January 5.", december),
            date(2027, 1, 5)
        );
        assert_eq!(return_date("Zurück am 7.1.", december), date(2027, 1, 7));
    }

    #[test]
    fn text_without_a_return_date_yields_none() {
        let cases = [
            // No phrase before the date.
            "Your invoice 12/2024 was received on 3 March.",
            // A date in the past, and one too far ahead.
            "I was back on 2 February.",
            "I will be back on 5 May 2030.",
            // Numbers that are no dates.
            "Call me back at 555-12-99.",
            "Version 3.1 is back.",
            // Signatures are no out-of-office notes.
            "Thanks! Our support is available 24/7, back office included.",
            "Reachable on 30/12 via the hotline.",
            // "to" and "au" alone are not read as "until" (too common).
            "Please write to Sam on Monday.",
            "Je suis au bureau lundi matin.",
            // Nothing at all.
            "I am out of the office with limited access to email.",
            "",
        ];
        for text in cases {
            assert_eq!(return_date(text, written()), None, "{text}");
        }
    }

    #[test]
    fn an_ambiguous_numeric_date_takes_the_earlier_plausible_reading() {
        // 04/05: 4 May (day-first) or 5 April (month-first): the earlier.
        assert_eq!(return_date("Back 04/05.", written()), date(2026, 4, 5));
        // 25/03 can only be day-first.
        assert_eq!(return_date("Back 25/03.", written()), date(2026, 3, 25));
    }

    #[test]
    fn a_long_text_is_read_in_linear_time_and_only_its_beginning() {
        let long = "back to ".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(return_date(&long, written()), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
