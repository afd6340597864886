//! Properties of everything that reads hostile mail, over generated input: it never panics, it
//! never makes text longer, and its time grows linearly with the input.

use super::inbound::InboundMail;
use super::quotes::strip_quoted;
use super::sanitize::{visible_html, visible_text};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Text with the characters that matter to the parsers over-represented.
fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("<".to_string()),
            Just(">".to_string()),
            Just("</p>".to_string()),
            Just("<p hidden>".to_string()),
            Just("<div style=\"display:none\">".to_string()),
            Just("<!--".to_string()),
            Just("-->".to_string()),
            Just("<script>".to_string()),
            Just("\r\n".to_string()),
            Just("> quoted\n".to_string()),
            Just("On Mon, Jane <j@x.example> wrote:\n".to_string()),
            Just("-- \n".to_string()),
            Just("\u{200B}".to_string()),
            Just("=?utf-8?B?".to_string()),
            any::<char>().prop_map(|c| c.to_string()),
            "[a-zA-Z0-9 .:;@=-]{0,12}",
        ],
        0..200,
    )
    .prop_map(|parts| parts.concat())
}

/// A message: a few headers (some malformed), then a text or HTML body.
fn mail() -> impl Strategy<Value = Vec<u8>> {
    (
        hostile_text(),
        hostile_text(),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(subject, body, html, noise)| {
            let kind = if html { "text/html" } else { "text/plain" };
            let mut raw = format!(
                "From: Maya <ap@northstar.example>\r\nTo: reply+x@reply.example\r\nSubject: {subject}\r\n\
                 Content-Type: {kind}; charset=utf-8\r\n\r\n{body}"
            )
            .into_bytes();
            raw.extend(noise);
            raw
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_parser_never_panics_on_bytes(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = InboundMail::parse(&raw);
    }

    #[test]
    fn parsed_mail_is_never_longer_than_the_message(raw in mail()) {
        if let Ok(mail) = InboundMail::parse(&raw) {
            prop_assert!(mail.text.len() <= raw.len());
            prop_assert!(mail.subject.len() <= raw.len());
        }
    }

    #[test]
    fn quote_stripping_only_removes(text in hostile_text()) {
        prop_assert!(strip_quoted(&text).len() <= text.len());
    }

    #[test]
    fn sanitising_only_removes(text in hostile_text()) {
        prop_assert!(visible_html(&text).len() <= text.len());
        prop_assert!(visible_text(&text).len() <= text.len());
    }
}

/// The fastest of five runs (the least disturbed by whatever else the machine does).
fn fastest(run: impl Fn()) -> Duration {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .expect("three runs")
}

/// Time for 8× the input stays well under the 64× quadratic work would take: under 32× (a
/// loaded machine makes the large input's memory traffic slower than the small one's — 24.5×
/// was seen with the test suite running twice side by side).
fn assert_linear(name: &str, small: &str, large: &str, run: impl Fn(&str)) {
    let t_small = fastest(|| run(small));
    let t_large = fastest(|| run(large));
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 32.0,
        "{name}: {} bytes took {t_small:?}, {} bytes took {t_large:?} (x{ratio:.1})",
        small.len(),
        large.len()
    );
}

#[test]
fn reading_hostile_mail_takes_linear_time() {
    let unit_html = "<p hidden>x<div style=\"display:none\">y</div><!-- z --><b>";
    assert_linear(
        "visible_html",
        &unit_html.repeat(20_000),
        &unit_html.repeat(160_000),
        |html| {
            visible_html(html);
        },
    );
    let unit_text = "> quoted\nOn Mon wrote\n\u{200B}text -- \n";
    assert_linear(
        "visible_text",
        &unit_text.repeat(20_000),
        &unit_text.repeat(160_000),
        |text| {
            visible_text(text);
        },
    );
    let mail = |n: usize| {
        format!(
            "From: a@b.example\r\nTo: c@d.example\r\nSubject: x\r\nMessage-ID: <m@b.example>\r\n\
             Content-Type: text/html\r\n\r\n{}",
            unit_html.repeat(n)
        )
    };
    assert_linear("InboundMail::parse", &mail(20_000), &mail(160_000), |raw| {
        InboundMail::parse(raw.as_bytes()).expect("mail");
    });
    // Quote stripping works on at most 256 KiB: past that, time stays flat.
    let lines = "text\n> quoted\n".repeat(200_000);
    assert_linear(
        "strip_quoted",
        &lines[..100_000],
        &lines[..800_000],
        |text| {
            strip_quoted(text);
        },
    );
}
