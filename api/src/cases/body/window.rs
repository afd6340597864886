//! `sendWindow` in `POST /cases`: when the case may write to the counterparty, read in
//! `counterparty.timezone` (spec §7).

use crate::error::ApiError;
use offload_workflows::send_window::{Day, SendWindow, parse_clock};
use serde::Deserialize;
use serde::de::{self, Deserializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};

/// A local time of day, `HH:MM` (24-hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock(pub String);

impl Clock {
    const PATTERN: &'static str = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
    const RULE: &'static str = "must be a time of day as HH:MM (00:00..23:59)";
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match parse_clock(&text) {
            Some(_) => Ok(Clock(text)),
            None => Err(de::Error::custom(Self::RULE)),
        }
    }
}

impl utoipa::PartialSchema for Clock {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .pattern(Some(Self::PATTERN))
            .examples([serde_json::json!("09:00")])
            .into()
    }
}

impl utoipa::ToSchema for Clock {}

/// When the case may write to the counterparty: outreach and follow-ups that fall outside wait
/// for the next start (and `nextActionAt` shows it); replies too when `strict`. Read in
/// `counterparty.timezone` (UTC when absent), daylight-saving changes included.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"start": "09:00", "end": "17:00", "days": ["MON", "TUE", "WED", "THU", "FRI"], "strict": false}))]
pub struct SendWindowBody {
    /// Local time the window opens, `HH:MM`.
    #[schema(inline)]
    pub start: Clock,
    /// Local time the window closes, `HH:MM`: later than `start` the same day, else the next
    /// day (`22:00`–`06:00` spans midnight; equal times: a whole day from `start`).
    #[schema(inline)]
    pub end: Clock,
    /// The weekdays it opens on: 1..7 distinct days.
    #[schema(schema_with = days_schema)]
    pub days: Vec<Day>,
    /// Replies to the counterparty wait for the window too (default `false`: they go at once).
    pub strict: Option<bool>,
}

fn days_schema() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(<Day as utoipa::PartialSchema>::schema())
        .min_items(Some(1))
        .max_items(Some(7))
        .unique_items(true)
        .into()
}

impl SendWindowBody {
    pub fn into_window(self) -> Result<SendWindow, ApiError> {
        if self.days.is_empty() || self.days.len() > 7 {
            return Err(ApiError::invalid(
                "sendWindow.days",
                "must name 1..7 weekdays",
            ));
        }
        let mut days = self.days;
        let named = days.len();
        days.sort_by_key(|d| *d as u8);
        days.dedup();
        if days.len() != named {
            return Err(ApiError::invalid(
                "sendWindow.days",
                "must not name a day twice",
            ));
        }
        Ok(SendWindow {
            start: self.start.0,
            end: self.end.0,
            days,
            strict: self.strict.unwrap_or(false),
        })
    }
}
