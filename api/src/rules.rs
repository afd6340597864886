//! The rules a request value must keep, one type per rule. Each type checks a value (when serde
//! reads a body, or when a query parameter is parsed) *and* describes itself in `openapi.json`,
//! so the document states what the code enforces rather than what someone remembered to write.
//! Where a rule is a pattern, the tests hold the pattern and the check to the same answers
//! (`rules::tests`), and contract fuzzing (`scripts/fuzz-api.sh`, `--checks all`) holds the
//! running API to both.

use offload_core::config::is_email_address;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

/// The characters Rust's `trim` removes (Unicode `White_Space`), as a regex class body that
/// ECMA-262, Python and Rust read alike.
fn whitespace_class_body() -> &'static str {
    static BODY: OnceLock<String> = OnceLock::new();
    BODY.get_or_init(|| class_body(char::is_whitespace))
}

/// Control characters (`Cc`).
fn control_class_body() -> &'static str {
    static BODY: OnceLock<String> = OnceLock::new();
    BODY.get_or_init(|| class_body(char::is_control))
}

/// Characters no URL may carry: Unicode `White_Space` and controls (`Cc`).
fn url_forbidden_class_body() -> &'static str {
    static BODY: OnceLock<String> = OnceLock::new();
    BODY.get_or_init(|| class_body(|c| c.is_whitespace() || c.is_control()))
}

/// A class body (`\t-\r \u0085…`) of every char with `member`, as ranges of `\uXXXX` escapes.
fn class_body(member: impl Fn(char) -> bool) -> String {
    let escape = |c: char| format!("\\u{:04x}", c as u32);
    let mut body = String::new();
    let mut chars = ('\0'..=char::MAX).filter(|c| member(*c)).peekable();
    while let Some(first) = chars.next() {
        let mut last = first;
        while chars.peek() == Some(&char::from_u32(last as u32 + 1).unwrap_or(last)) {
            last = chars.next().expect("peeked");
        }
        body.push_str(&escape(first));
        if last != first {
            body.push('-');
            body.push_str(&escape(last));
        }
    }
    body
}

/// A string of `min..=max` characters once surrounding whitespace is trimmed.
/// With `line`, the trimmed text holds no control characters (`Cc`) either.
fn trimmed_pattern(min: usize, max: usize, line: bool) -> String {
    let controls = if line { control_class_body() } else { "" };
    let space = format!("[{}]", whitespace_class_body());
    let solid = format!("[^{}{controls}]", whitespace_class_body());
    let any = if line {
        format!("[^{controls}]")
    } else {
        "[\\s\\S]".to_string()
    };
    // The trimmed text: a solid first and last character around anything.
    let text = match (min, max) {
        (_, 0) => String::new(),
        (0 | 1, 1) => solid.clone(),
        (0 | 1, _) => format!("{solid}(?:{any}{{0,{}}}{solid})?", max - 2),
        _ => format!("{solid}{any}{{{},{}}}{solid}", min - 2, max - 2),
    };
    let text = if min == 0 && max > 0 {
        format!("(?:{text})?")
    } else {
        text
    };
    format!("^{space}*{text}{space}*$")
}

fn string_schema() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// Text kept as trimmed: `MIN..=MAX` characters after trimming (`MIN` 0 allows blank text);
/// with `LINE`, one line: no control characters once trimmed (references that go into
/// Temporal's visibility queries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trimmed<const MIN: usize, const MAX: usize, const LINE: bool = false>(pub String);

impl<const MIN: usize, const MAX: usize, const LINE: bool> Trimmed<MIN, MAX, LINE> {
    /// The rule's wording, completing "<field>: …".
    pub fn rule() -> String {
        let length = if MIN == 0 {
            format!("must be at most {MAX} characters after trimming")
        } else {
            format!("must be {MIN}..{MAX} characters after trimming")
        };
        if LINE {
            format!("{length}, without control characters")
        } else {
            length
        }
    }

    pub fn check(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let len = trimmed.chars().count();
        let one_line = !LINE || !trimmed.chars().any(char::is_control);
        if (MIN..=MAX).contains(&len) && one_line {
            Ok(Trimmed(trimmed.to_string()))
        } else {
            Err(Self::rule())
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<'de, const MIN: usize, const MAX: usize, const LINE: bool> Deserialize<'de>
    for Trimmed<MIN, MAX, LINE>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::check(&String::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

impl<const MIN: usize, const MAX: usize, const LINE: bool> utoipa::PartialSchema
    for Trimmed<MIN, MAX, LINE>
{
    fn schema() -> RefOr<Schema> {
        string_schema()
            .min_length((MIN > 0).then_some(MIN))
            .pattern(Some(trimmed_pattern(MIN, MAX, LINE)))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize, const LINE: bool> utoipa::ToSchema
    for Trimmed<MIN, MAX, LINE>
{
}

/// A string of `MIN..=MAX` characters exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chars<const MIN: usize, const MAX: usize>(pub String);

impl<const MIN: usize, const MAX: usize> Chars<MIN, MAX> {
    pub fn rule() -> String {
        if MIN == 0 {
            format!("must be at most {MAX} characters")
        } else {
            format!("must be {MIN}..{MAX} characters")
        }
    }

    pub fn check(text: &str) -> Result<Self, String> {
        if (MIN..=MAX).contains(&text.chars().count()) {
            Ok(Chars(text.to_string()))
        } else {
            Err(Self::rule())
        }
    }
}

impl<'de, const MIN: usize, const MAX: usize> Deserialize<'de> for Chars<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::check(&String::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

impl<const MIN: usize, const MAX: usize> utoipa::PartialSchema for Chars<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        string_schema()
            .min_length((MIN > 0).then_some(MIN))
            .max_length(Some(MAX))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> utoipa::ToSchema for Chars<MIN, MAX> {}

/// A whole number from `MIN` to `MAX`. A number with a zero fraction (`3.0`) is one too, as in
/// JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole<const MIN: i64, const MAX: i64>(pub i64);

impl<const MIN: i64, const MAX: i64> Whole<MIN, MAX> {
    pub fn rule() -> String {
        format!("must be between {MIN} and {MAX}")
    }

    fn check(value: f64) -> Result<Self, String> {
        if value.fract() != 0.0 {
            Err(format!("must be a whole number between {MIN} and {MAX}"))
        } else if (MIN as f64..=MAX as f64).contains(&value) {
            Ok(Whole(value as i64))
        } else {
            Err(Self::rule())
        }
    }

    pub fn get(self) -> u32 {
        u32::try_from(self.0).expect("bounds are within u32")
    }
}

impl<const MIN: i64, const MAX: i64> TryFrom<i64> for Whole<MIN, MAX> {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, String> {
        if (MIN..=MAX).contains(&value) {
            Ok(Whole(value))
        } else {
            Err(Self::rule())
        }
    }
}

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for Whole<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WholeVisitor<const MIN: i64, const MAX: i64>;
        impl<const MIN: i64, const MAX: i64> Visitor<'_> for WholeVisitor<MIN, MAX> {
            type Value = Whole<MIN, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a whole number between {MIN} and {MAX}")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Whole::try_from(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Whole::check(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(WholeVisitor::<MIN, MAX>)
    }
}

impl<const MIN: i64, const MAX: i64> utoipa::PartialSchema for Whole<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(MIN as f64))
            .maximum(Some(MAX as f64))
            .into()
    }
}

impl<const MIN: i64, const MAX: i64> utoipa::ToSchema for Whole<MIN, MAX> {}

/// A token the API issued (a cursor, a download token): `MIN..=MAX` characters of the base64url
/// alphabet and `.`. Whether the API issued it is checked where it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<const MIN: usize, const MAX: usize>(pub String);

impl<const MIN: usize, const MAX: usize> Token<MIN, MAX> {
    pub fn rule() -> String {
        format!("must be {MIN}..{MAX} characters of A-Z, a-z, 0-9, '-', '_' and '.'")
    }

    pub fn check(text: &str) -> Result<Self, String> {
        let alphabet = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
        if (MIN..=MAX).contains(&text.len()) && text.chars().all(alphabet) {
            Ok(Token(text.to_string()))
        } else {
            Err(Self::rule())
        }
    }
}

impl<const MIN: usize, const MAX: usize> utoipa::PartialSchema for Token<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        string_schema()
            .min_length(Some(MIN))
            .max_length(Some(MAX))
            .pattern(Some("^[A-Za-z0-9_.-]*$"))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> utoipa::ToSchema for Token<MIN, MAX> {}

/// A header value of 1..=`MAX` printable ASCII characters that neither starts nor ends with a
/// space (HTTP trims those, so a key must not depend on them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printable<const MAX: usize>(pub String);

impl<const MAX: usize> Printable<MAX> {
    pub fn rule() -> String {
        format!("must be 1..{MAX} printable ASCII characters, not starting or ending with a space")
    }

    pub fn check(text: &str) -> Result<Self, String> {
        let printable = text.bytes().all(|b| (0x20..0x7f).contains(&b));
        let spaced = text.starts_with(' ') || text.ends_with(' ');
        if (1..=MAX).contains(&text.len()) && printable && !spaced {
            Ok(Printable(text.to_string()))
        } else {
            Err(Self::rule())
        }
    }

    fn pattern() -> String {
        format!("^[!-~](?:[ -~]{{0,{}}}[!-~])?$", MAX - 2)
    }
}

impl<const MAX: usize> utoipa::PartialSchema for Printable<MAX> {
    fn schema() -> RefOr<Schema> {
        string_schema()
            .min_length(Some(1))
            .max_length(Some(MAX))
            .pattern(Some(Self::pattern()))
            .into()
    }
}

impl<const MAX: usize> utoipa::ToSchema for Printable<MAX> {}

/// A raw text body that must not be empty (what else makes it valid, such as an RFC 822 message
/// with a `From` address or a signed SNS notification, no schema can state).
pub struct NonEmptyText;

impl utoipa::PartialSchema for NonEmptyText {
    fn schema() -> RefOr<Schema> {
        string_schema().min_length(Some(1)).into()
    }
}

impl utoipa::ToSchema for NonEmptyText {}

/// `schema`, or `null` (an optional field given as `null` is read as absent).
pub fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    utoipa::openapi::schema::OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(schema)
        .into()
}

/// A list of at most `MAX` items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtMost<T, const MAX: usize>(pub Vec<T>);

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for AtMost<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        if items.len() > MAX {
            return Err(de::Error::custom(format!("at most {MAX} items")));
        }
        Ok(AtMost(items))
    }
}

impl<T: utoipa::PartialSchema, const MAX: usize> utoipa::PartialSchema for AtMost<T, MAX> {
    fn schema() -> RefOr<Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(T::schema())
            .max_items(Some(MAX))
            .into()
    }
}

impl<T: utoipa::PartialSchema, const MAX: usize> utoipa::ToSchema for AtMost<T, MAX> {}

/// An addr-spec of at most 254 characters: dot-atom local part of at most 64 characters, and a
/// domain of two or more letter-digit-hyphen labels (or `localhost`). No comments, quoted local
/// parts or address literals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(pub String);

const EMAIL_MAX: usize = 254;

fn email_pattern() -> String {
    let atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    let label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    let localhost = "[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]";
    format!(
        "^(?=[^@]{{1,64}}@){atom}(?:\\.{atom})*@(?=[^@]{{1,253}}$)(?:{label}(?:\\.{label})+|{localhost})$"
    )
}

impl EmailAddress {
    pub const RULE: &str = "not a valid email address";

    pub fn check(text: &str) -> Result<Self, String> {
        if is_email_address(text) {
            Ok(EmailAddress(text.to_string()))
        } else {
            Err(Self::RULE.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let address = String::deserialize(deserializer)?;
        Self::check(&address).map_err(de::Error::custom)
    }
}

impl utoipa::PartialSchema for EmailAddress {
    fn schema() -> RefOr<Schema> {
        string_schema()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .max_length(Some(EMAIL_MAX))
            .pattern(Some(email_pattern()))
            .into()
    }
}

impl utoipa::ToSchema for EmailAddress {}

/// An IANA time zone name such as `Europe/Berlin`, as `chrono-tz` knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeZone(pub String);

impl TimeZone {
    pub const RULE: &str = "not a valid IANA time zone name (such as Europe/Berlin)";
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match chrono_tz::Tz::from_str(&name) {
            // The canonical spelling, which is the one the document lists.
            Ok(zone) if zone.name() == name => Ok(TimeZone(name)),
            _ => Err(de::Error::custom(Self::RULE)),
        }
    }
}

impl utoipa::PartialSchema for TimeZone {
    fn schema() -> RefOr<Schema> {
        string_schema()
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name())))
            .into()
    }
}

impl utoipa::ToSchema for TimeZone {}

/// A webhook URL as written: `https://`, a host name with a dot whose last label starts with a
/// letter (no literal addresses, no credentials), an optional port, then a path, query or
/// fragment without spaces or control characters; at most 2048 characters. Whether the host may
/// be reached is the deployment's [`offload_core::net::WebhookPolicy`], which also decides
/// whether plain `http` and literal addresses are accepted (local and test deployments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(pub String);

const WEBHOOK_URL_MAX: usize = 2048;

fn webhook_url_pattern() -> &'static str {
    static PATTERN: OnceLock<String> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
        let last_label = "[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
        let port = "(?::0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])?)?";
        let rest = format!("(?:[/?#][^{}]*)?", url_forbidden_class_body());
        format!("^[Hh][Tt][Tt][Pp][Ss]://(?:{label}\\.)+{last_label}\\.?{port}{rest}$")
    })
}

impl WebhookUrl {
    /// Whether the URL has the shape the document states (the rule for deployments that allow
    /// neither plain http nor private targets).
    pub fn has_documented_shape(&self) -> bool {
        static REGEX: OnceLock<regex::Regex> = OnceLock::new();
        REGEX
            .get_or_init(|| regex::Regex::new(webhook_url_pattern()).expect("the pattern compiles"))
            .is_match(&self.0)
    }

    pub const SHAPE_RULE: &str = "must be an https URL naming a host by its domain name, \
        without spaces, credentials or a literal address";
}

impl<'de> Deserialize<'de> for WebhookUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let url = String::deserialize(deserializer)?;
        if url.chars().count() > WEBHOOK_URL_MAX {
            return Err(de::Error::custom(format!(
                "must be at most {WEBHOOK_URL_MAX} characters"
            )));
        }
        Ok(WebhookUrl(url))
    }
}

impl utoipa::PartialSchema for WebhookUrl {
    fn schema() -> RefOr<Schema> {
        string_schema()
            .max_length(Some(WEBHOOK_URL_MAX))
            .pattern(Some(webhook_url_pattern()))
            .into()
    }
}

impl utoipa::ToSchema for WebhookUrl {}

#[cfg(test)]
mod tests;
