//! The service's own small HTML pages (answer links, unsubscribing): one look, and headers that
//! keep each page to itself — no scripts, no frames, no caching, no `Referer` carrying a token.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Text for HTML: the five characters that could open markup, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1b}\
main{max-width:42rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}\
.question{font-size:1.15rem;background:#fff;border-left:4px solid #2a5db0;padding:.75rem 1rem}\
p.meta{color:#555;font-size:.9rem}pre{white-space:pre-wrap;font:inherit;background:#fff;padding:.75rem 1rem;max-height:24rem;overflow:auto}\
label{display:block;font-weight:600;margin-top:1.5rem}\
textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem}\
button{margin-top:.75rem;font:inherit;padding:.5rem 1.25rem;background:#2a5db0;color:#fff;border:0;border-radius:4px}\
.problem{color:#a11;font-weight:600}";

pub fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style></head>\
<body><main>{body}</main></body></html>",
        escape(title)
    )
}

pub fn message_page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<h1 id=\"outcome\">{}</h1><p>{}</p>",
        escape(title),
        escape(text)
    );
    page(status, &document(title, &body))
}

/// The page with headers that keep it to itself: no scripts, no frames, no caching, and the
/// token never leaves in a `Referer`.
pub fn page(status: StatusCode, html: &str) -> Response {
    let mut response = (status, html.to_string()).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_opens_markup_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
