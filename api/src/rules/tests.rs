use super::*;
use proptest::prelude::*;

fn full_match(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("the pattern compiles")
}

#[test]
fn the_whitespace_class_is_exactly_what_trim_removes() {
    let class = full_match(&format!("^[{}]$", whitespace_class_body()));
    for c in '\0'..=char::MAX {
        assert_eq!(
            class.is_match(c.encode_utf8(&mut [0; 4])),
            c.is_whitespace(),
            "U+{:04X}",
            c as u32
        );
    }
}

/// Text from characters that trimming, counting and the pattern treat differently.
fn tricky_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec![
            ' ', '\t', '\n', '\u{85}', '\u{a0}', '\u{3000}', '\u{feff}', '\u{1c}', '\0', '\u{9f}',
            'a', 'é', '😀',
        ]),
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn trimmed_agrees<const MIN: usize, const MAX: usize>(text: &str) {
    for line in [false, true] {
        let pattern = full_match(&trimmed_pattern(MIN, MAX, line));
        let checked = if line {
            Trimmed::<MIN, MAX, true>::check(text).is_ok()
        } else {
            Trimmed::<MIN, MAX>::check(text).is_ok()
        };
        assert_eq!(
            pattern.is_match(text),
            checked,
            "{MIN}..{MAX} (line: {line}): {text:?} against {pattern}"
        );
    }
}

proptest! {
    #[test]
    fn the_printable_pattern_accepts_exactly_what_the_check_accepts(text in "[ a~\t\u{7f}é]{0,7}") {
        let pattern = full_match(&Printable::<5>::pattern());
        prop_assert_eq!(pattern.is_match(&text), Printable::<5>::check(&text).is_ok(), "{:?}", text);
    }

    #[test]
    fn the_trimmed_pattern_accepts_exactly_what_the_check_accepts(text in tricky_text()) {
        trimmed_agrees::<0, 1>(&text);
        trimmed_agrees::<1, 1>(&text);
        trimmed_agrees::<0, 5>(&text);
        trimmed_agrees::<1, 5>(&text);
        trimmed_agrees::<3, 7>(&text);
    }

    #[test]
    fn the_email_pattern_accepts_exactly_what_the_check_accepts(
        local in "[a.!~Z9\"( -]{0,6}",
        domain in "[a.Z9_-]{0,8}",
        at in prop::sample::select(vec!["@", "@@", "", "@localhost", "@LocalHost."]),
        end in prop::sample::select(vec!["", "\n", " ", "é"]),
    ) {
        let address = format!("{local}{at}{domain}{end}");
        email_agrees(&address);
    }
}

fn email_agrees(address: &str) {
    let pattern = fancy_regex::Regex::new(&email_pattern()).expect("the pattern compiles");
    let by_pattern = pattern.is_match(address).unwrap() && address.chars().count() <= EMAIL_MAX;
    assert_eq!(
        by_pattern,
        is_email_address(address),
        "{address:?} against {pattern}"
    );
}

#[test]
fn the_email_pattern_keeps_the_length_limits_of_the_check() {
    let label = "d".repeat(63);
    for address in [
        format!("{}@example.com", "l".repeat(64)),
        format!("{}@example.com", "l".repeat(65)),
        format!("a@{label}.{label}.{label}.{}", "d".repeat(61)), // domain 253
        format!("a@{label}.{label}.{label}.{}", "d".repeat(62)), // domain 254
        format!(
            "{}@{label}.{label}.{label}.{}",
            "l".repeat(2),
            "d".repeat(60)
        ),
        format!("a@{}.example", "d".repeat(64)),
        "first.last@sub.example.org".to_string(),
        "a..b@example.org".to_string(),
        ".a@example.org".to_string(),
        "a@-example.org".to_string(),
        "a@example".to_string(),
        "a@localhost".to_string(),
    ] {
        email_agrees(&address);
    }
}

#[test]
fn every_time_zone_the_document_lists_is_accepted_and_nothing_else() {
    for zone in chrono_tz::TZ_VARIANTS {
        let name = serde_json::json!(zone.name());
        assert!(serde_json::from_value::<TimeZone>(name).is_ok(), "{zone}");
    }
    for refused in ["Mars/Olympus", "europe/berlin", " Europe/Berlin", ""] {
        assert!(serde_json::from_value::<TimeZone>(serde_json::json!(refused)).is_err());
    }
}

#[test]
fn a_whole_number_may_be_written_with_a_zero_fraction_and_nothing_else() {
    let read = |v: serde_json::Value| serde_json::from_value::<Whole<0, 10>>(v).map(|w| w.0);
    assert_eq!(read(serde_json::json!(3)).unwrap(), 3);
    assert_eq!(read(serde_json::json!(3.0)).unwrap(), 3);
    assert_eq!(read(serde_json::json!(10)).unwrap(), 10);
    for refused in [
        serde_json::json!(3.5),
        serde_json::json!(11),
        serde_json::json!(-1),
        serde_json::json!(u64::MAX),
        serde_json::json!("3"),
    ] {
        assert!(read(refused.clone()).is_err(), "{refused}");
    }
}

#[test]
fn webhook_urls_of_the_documented_shape_pass_the_default_policy() {
    let policy = offload_core::net::WebhookPolicy::default();
    for url in [
        "https://hooks.acme.example/offload",
        "HTTPS://Hooks.Acme.Example:443/a?b=c#d",
        "https://a.b.co:0000080",
        "https://x-y.example./%zz?é",
        "https://a.bc?",
    ] {
        let webhook = WebhookUrl(url.into());
        assert!(webhook.has_documented_shape(), "{url}");
        assert!(policy.check_url(url).is_ok(), "{url}");
    }
    for url in [
        "http://hooks.acme.example/offload",
        "https://93.184.216.34/x",
        "https://[2001:db8::1]/x",
        "https://intranet/x",
        "https://user:pass@hooks.acme.example/",
        "https://@hooks.acme.example/",
        "https://hooks.acme.example:65536/",
        "https://hooks.acme.example/a b",
        "https://hooks.acme.example/a\tb",
        "https:///hooks.acme.example/",
        "https://hooks.acme.example\\x",
        " https://hooks.acme.example/",
        "https://a.123/",
        "https://a_b.example/",
    ] {
        assert!(!WebhookUrl(url.into()).has_documented_shape(), "{url}");
    }
}
