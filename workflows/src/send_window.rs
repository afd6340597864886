//! Sending windows (spec §7, `sendWindow`): the hours and weekdays, in the counterparty's time
//! zone, in which the case writes to them. Outreach and follow-ups that fall outside wait for the
//! next window start (replies too when `strict`). Pure and deterministic: the time comes in as an
//! argument and the zone rules are compiled in (`chrono-tz`), so the workflow computes the same
//! instants on replay.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A day of the week as the contract spells it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn of(date: NaiveDate) -> Day {
        match date.weekday() {
            chrono::Weekday::Mon => Day::Mon,
            chrono::Weekday::Tue => Day::Tue,
            chrono::Weekday::Wed => Day::Wed,
            chrono::Weekday::Thu => Day::Thu,
            chrono::Weekday::Fri => Day::Fri,
            chrono::Weekday::Sat => Day::Sat,
            chrono::Weekday::Sun => Day::Sun,
        }
    }
}

/// When the case may write to the counterparty, in their time zone. Validated by the API:
/// `HH:MM` (24-hour) times, 1..7 distinct days.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendWindow {
    /// Local time the window opens, `HH:MM`.
    pub start: String,
    /// Local time the window closes, `HH:MM` (not after `start`: the next day).
    pub end: String,
    pub days: Vec<Day>,
    /// Replies to the counterparty wait for the window too (otherwise they go out at once).
    #[serde(default)]
    pub strict: bool,
}

/// `HH:MM` (00:00..23:59) as a time of day.
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)
}

/// The instant a local date and time of `tz` names. A time that does not exist (the hour skipped
/// when clocks go forward) is read as the first instant after the gap; a time that exists twice
/// (clocks go back) as the earlier one.
fn instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Tz> {
    let local = date.and_time(time);
    let mut probe = local;
    for _ in 0..=180 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(at) => return at,
            LocalResult::Ambiguous(earlier, _) => return earlier,
            // In a gap: move on a minute at a time (gaps last an hour, rarely two).
            LocalResult::None => probe += Duration::minutes(1),
        }
    }
    // No zone has a gap of three hours; fall back to reading the time as UTC.
    Utc.from_utc_datetime(&local).with_timezone(&tz)
}

impl SendWindow {
    /// The first moment at or after `at_ms` (Unix ms) inside the window, read in `tz`. A window
    /// whose `end` is not after its `start` spans midnight (`22:00`–`06:00` opens on its days at
    /// 22:00 and closes the next morning; `start` = `end`: a whole day from `start`).
    pub fn next_open(&self, tz: Tz, at_ms: i64) -> i64 {
        let (Some(start), Some(end)) = (parse_clock(&self.start), parse_clock(&self.end)) else {
            return at_ms;
        };
        if self.days.is_empty() {
            return at_ms;
        }
        let Some(at) = Utc.timestamp_millis_opt(at_ms).single() else {
            return at_ms;
        };
        let today = at.with_timezone(&tz).date_naive();
        // From yesterday's window (it may still be open) on; eight days reach every weekday.
        for offset in -1..8 {
            let date = today + Duration::days(offset);
            if !self.days.contains(&Day::of(date)) {
                continue;
            }
            let closes_on = if end > start {
                date
            } else {
                date + Duration::days(1)
            };
            let opens = instant(tz, date, start).with_timezone(&Utc);
            let closes = instant(tz, closes_on, end).with_timezone(&Utc);
            if at < opens {
                return opens.timestamp_millis();
            }
            if at < closes {
                return at_ms;
            }
        }
        at_ms
    }

    /// The first moment inside the window on or after the local start of `date` in `tz`.
    pub fn first_open_on(&self, tz: Tz, date: NaiveDate) -> i64 {
        self.next_open(tz, midnight(tz, date))
    }
}

/// The first instant of `date` in `tz`, as Unix ms.
pub fn midnight(tz: Tz, date: NaiveDate) -> i64 {
    instant(tz, date, NaiveTime::MIN)
        .with_timezone(&Utc)
        .timestamp_millis()
}

/// The zone an IANA name names, UTC when absent or unknown (the API accepts known names only).
pub fn zone(name: Option<&str>) -> Tz {
    name.and_then(|n| n.parse().ok()).unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    fn at(ms: i64) -> String {
        Utc.timestamp_millis_opt(ms)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    fn office_hours() -> SendWindow {
        SendWindow {
            start: "09:00".into(),
            end: "17:00".into(),
            days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
            strict: false,
        }
    }

    #[test]
    fn inside_the_window_a_message_goes_at_once_outside_it_waits_for_the_next_start() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let window = office_hours();
        // Tuesday 2026-03-10, 10:00 in Berlin (09:00 UTC): inside.
        let inside = ms("2026-03-10T09:00:00Z");
        assert_eq!(window.next_open(berlin, inside), inside);
        // 03:00 in Berlin: the same day at 09:00 (08:00 UTC).
        assert_eq!(
            at(window.next_open(berlin, ms("2026-03-10T02:00:00Z"))),
            "2026-03-10T08:00:00Z"
        );
        // 17:00 sharp is closed: the next day at 09:00.
        assert_eq!(
            at(window.next_open(berlin, ms("2026-03-10T16:00:00Z"))),
            "2026-03-11T08:00:00Z"
        );
        // Friday evening: Monday morning.
        assert_eq!(
            at(window.next_open(berlin, ms("2026-03-13T18:00:00Z"))),
            "2026-03-16T08:00:00Z"
        );
    }

    #[test]
    fn the_window_follows_the_counterpartys_clock_across_daylight_saving_changes() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let window = office_hours();
        // Clocks go forward on Sunday 2026-03-29: 09:00 is 08:00 UTC on Friday, 07:00 UTC on
        // Monday.
        assert_eq!(
            at(window.next_open(berlin, ms("2026-03-27T17:00:00Z"))),
            "2026-03-30T07:00:00Z"
        );
        // Clocks go back on Sunday 2026-10-25: 09:00 is 08:00 UTC again on Monday.
        assert_eq!(
            at(window.next_open(berlin, ms("2026-10-23T16:00:00Z"))),
            "2026-10-26T08:00:00Z"
        );
        let new_york: Tz = "America/New_York".parse().unwrap();
        // New York moves on 2026-03-08: 09:00 EST is 14:00 UTC, 09:00 EDT 13:00 UTC.
        assert_eq!(
            at(window.next_open(new_york, ms("2026-03-06T23:00:00Z"))),
            "2026-03-09T13:00:00Z"
        );
    }

    #[test]
    fn a_window_that_opens_in_the_skipped_hour_opens_when_the_clock_resumes() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let window = SendWindow {
            start: "02:30".into(),
            end: "05:00".into(),
            days: vec![Day::Sun],
            strict: false,
        };
        // 02:30 does not exist on 2026-03-29 in Berlin: the window opens at 03:00 CEST.
        assert_eq!(
            at(window.next_open(berlin, ms("2026-03-28T12:00:00Z"))),
            "2026-03-29T01:00:00Z"
        );
    }

    #[test]
    fn without_a_time_zone_the_window_is_read_in_utc_and_dates_open_at_the_first_window() {
        let window = office_hours();
        let utc = zone(None);
        assert_eq!(
            at(window.next_open(utc, ms("2026-03-10T20:00:00Z"))),
            "2026-03-11T09:00:00Z"
        );
        let tokyo = zone(Some("Asia/Tokyo"));
        // Back on Monday 2026-03-16: the window opens at 09:00 in Tokyo (00:00 UTC).
        assert_eq!(
            at(window.first_open_on(tokyo, NaiveDate::from_ymd_opt(2026, 3, 16).unwrap())),
            "2026-03-16T00:00:00Z"
        );
    }

    #[test]
    fn a_window_that_ends_before_it_starts_spans_midnight() {
        let night = SendWindow {
            start: "22:00".into(),
            end: "06:00".into(),
            days: vec![Day::Mon],
            strict: false,
        };
        let utc = zone(None);
        // Monday 2026-03-09 20:00: opens at 22:00.
        assert_eq!(
            at(night.next_open(utc, ms("2026-03-09T20:00:00Z"))),
            "2026-03-09T22:00:00Z"
        );
        // Tuesday 03:00: still Monday's window.
        let inside = ms("2026-03-10T03:00:00Z");
        assert_eq!(night.next_open(utc, inside), inside);
        // Tuesday 07:00: next Monday.
        assert_eq!(
            at(night.next_open(utc, ms("2026-03-10T07:00:00Z"))),
            "2026-03-16T22:00:00Z"
        );
        // start = end: a whole day from start.
        let day = SendWindow {
            start: "09:00".into(),
            end: "09:00".into(),
            days: vec![Day::Fri],
            strict: false,
        };
        let saturday_morning = ms("2026-03-14T08:00:00Z");
        assert_eq!(day.next_open(utc, saturday_morning), saturday_morning);
    }

    #[test]
    fn clock_times_are_hh_mm() {
        assert!(parse_clock("09:00").is_some());
        assert!(parse_clock("23:59").is_some());
        for bad in ["9:00", "24:00", "12:60", "12", "12:0", "ab:cd", ""] {
            assert!(parse_clock(bad).is_none(), "{bad}");
        }
    }
}
