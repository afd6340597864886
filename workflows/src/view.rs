//! The public view of a case: what `GET /cases/{id}` returns, built from the workflow's state.

use crate::case::{CaseInput, Channel, Counterparty, Goal, SenderPersona};
use crate::state::{
    Attachment, AttachmentReading, CaseState, CaseStatus, Direction, HumanInput, InputRequest,
    ResultStatus, TranscriptMessage,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The `data` of `GET /cases/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseView {
    pub case_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
    pub status: CaseStatus,
    pub channel: Channel,
    /// Unix epoch milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// `253402300799999` when nothing is scheduled (and while the case is paused).
    pub next_action_at: i64,
    /// The client paused the case (`POST /cases/{id}/pause`): it sends nothing until resumed.
    #[serde(default)]
    pub paused: bool,
    /// With `waitForOpenCases`: the earlier open case of the tenant for the same address this
    /// `CREATED` case waits for before it writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_behind: Option<String>,
    pub attempt_count: u32,
    pub max_attempts: u32,
    pub follow_up_delay_hours: u32,
    pub counterparty: Counterparty,
    pub goal: Goal,
    pub sender_persona: SenderPersona,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_schema: Option<Value>,
    /// As given at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_window: Option<crate::send_window::SendWindow>,
    /// As given at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for_open_cases: Option<bool>,
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_status: Option<ResultStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// The active input request, or the most recent resolved one.
    pub input_request: Option<InputRequest>,
    pub human_inputs: Vec<HumanInput>,
    /// Only with `includeTranscript=true`: `null` before the first message, otherwise the whole
    /// conversation as plain text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schema(value_type = Option<String>)]
    pub conversation_thread: Option<Option<String>>,
}

/// Keeps "present but null" apart from "absent" when reading a view back.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// What the `case_view` query returns: the view plus the owner, which the API checks and never
/// shows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaseRecord {
    pub tenant: String,
    pub view: CaseView,
    /// With a transcript whose bodies are partly in the blob store: the messages, so the API can
    /// render the whole text (a query cannot read blobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Vec<TranscriptMessage>>,
    /// With the transcript of a case that archived older messages: the blob keys of the segments
    /// (JSON arrays of messages), oldest first; they come before `transcript`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub archived: Vec<String>,
    /// With `transcript`: what reading the received files gave, for the rendering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<AttachmentReading>,
    /// See [`crate::case::CaseInput::request_hash`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_hash: Option<String>,
}

impl CaseView {
    pub fn build(input: &CaseInput, state: &CaseState, include_transcript: bool) -> Self {
        let request = &input.request;
        CaseView {
            case_id: input.case_id.clone(),
            client_reference_id: request.client_reference_id.clone(),
            status: state.status,
            channel: request.channel,
            created_at: state.created_at,
            updated_at: state.updated_at,
            next_action_at: state.next_action_at,
            paused: state.is_paused(),
            queued_behind: state
                .queue
                .head()
                .filter(|_| state.status == CaseStatus::Created)
                .map(str::to_string),
            attempt_count: state.attempt_count,
            max_attempts: request.max_attempts,
            follow_up_delay_hours: request.follow_up_delay_hours,
            counterparty: request.counterparty.clone(),
            goal: goal_with_human_context(&request.goal, &state.human_inputs),
            sender_persona: request.sender_persona.clone(),
            constraints: request.constraints.clone(),
            result_schema: request.result_schema.clone(),
            send_window: request.send_window.clone(),
            wait_for_open_cases: request.wait_for_open_cases,
            attachments: state.attachments.clone(),
            result_status: state
                .status
                .is_terminal()
                .then_some(state.result_status)
                .flatten(),
            result: (state.status == CaseStatus::Completed)
                .then(|| state.result.clone())
                .flatten(),
            input_request: state.input_request.clone(),
            human_inputs: state.human_inputs.clone(),
            conversation_thread: include_transcript.then(|| {
                render_transcript(
                    &state.transcript,
                    &state.attachments,
                    &state.readings,
                    |_| None,
                )
            }),
        }
    }
}

/// The goal as given, plus `knowledge.additionalHumanContext` once the client has answered
/// something and `knowledge` is an object or absent.
pub fn goal_with_human_context(goal: &Goal, human_inputs: &[HumanInput]) -> Goal {
    let mut goal = goal.clone();
    if human_inputs.is_empty() {
        return goal;
    }
    let context = human_inputs
        .iter()
        .map(|h| h.provided_context.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    match &mut goal.knowledge {
        None => {
            goal.knowledge = Some(serde_json::json!({ "additionalHumanContext": context }));
        }
        Some(Value::Object(map)) => {
            map.insert("additionalHumanContext".into(), Value::String(context));
        }
        Some(_) => {}
    }
    goal
}

/// The conversation as one plain-text string, oldest first, each message introduced by a header
/// block; `None` before the first message. `full_body` supplies the whole text of messages whose
/// body lives in the blob store (the inline part is used otherwise).
pub fn render_transcript<'a>(
    messages: &'a [TranscriptMessage],
    attachments: &[Attachment],
    readings: &[AttachmentReading],
    full_body: impl Fn(&'a TranscriptMessage) -> Option<&'a str>,
) -> Option<String> {
    if messages.is_empty() {
        return None;
    }
    let total = messages.len();
    let blocks: Vec<String> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let direction = match m.direction {
                Direction::Inbound => "inbound",
                Direction::Outbound => "outbound",
            };
            let doubt = if m.delivery_uncertain.is_some() {
                " · delivery unconfirmed".to_string()
            } else if let Some(reason) = &m.untrusted {
                let standing = match m.review {
                    Some(crate::state::UntrustedReview::Accepted) => "accepted by the client",
                    Some(crate::state::UntrustedReview::Ignored) => "left aside by the client",
                    Some(crate::state::UntrustedReview::Asked) => "the client is asked",
                    None => "not read",
                };
                format!(" · untrusted: {reason} ({standing})")
            } else if m.automatic.is_some() {
                " · automatic reply".to_string()
            } else {
                String::new()
            };
            let mut block = format!(
                "--- message {} of {} · {} · {}{}\nFrom: {}\nTo: {}\nSubject: {}\n",
                i + 1,
                total,
                direction,
                iso8601_seconds(m.at),
                doubt,
                m.from,
                m.to,
                m.subject
            );
            let files: Vec<&Attachment> = m
                .attachment_ids
                .iter()
                .filter_map(|id| attachments.iter().find(|a| &a.attachment_id == id))
                .collect();
            if !files.is_empty() {
                let names: Vec<String> = files
                    .iter()
                    .map(|a| format!("{} ({} bytes)", a.name, a.size))
                    .collect();
                block.push_str(&format!("Attachments: {}\n", names.join(", ")));
            }
            for file in files {
                if let Some(reading) = readings
                    .iter()
                    .find(|r| r.attachment_id == file.attachment_id)
                {
                    block.push_str(&format!(
                        "Read from {}: {}\n",
                        file.name,
                        reading.describe()
                    ));
                }
            }
            let skipped: Vec<String> = m
                .skipped_attachments
                .iter()
                .map(|a| format!("{} ({} bytes: {})", a.name, a.size, a.reason))
                .collect();
            if !skipped.is_empty() {
                block.push_str(&format!("Not stored: {}\n", skipped.join(", ")));
            }
            block.push('\n');
            block.push_str(full_body(m).unwrap_or(&m.body).trim_end());
            block
        })
        .collect();
    Some(blocks.join("\n\n"))
}

/// Unix milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC). Written out here because this crate keeps
/// no date library: the civil-from-days algorithm of Howard Hinnant.
pub fn iso8601_seconds(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// The first moment of the UTC calendar month of `ms`, as `YYYY-MM-01T00:00:00Z`.
pub fn utc_month_start(ms: i64) -> String {
    let (y, m, _) = civil_from_days(ms.div_euclid(1000).div_euclid(86_400));
    format!("{y:04}-{m:02}-01T00:00:00Z")
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC, as AWS writes timestamps) into Unix milliseconds.
pub fn parse_iso8601_utc(text: &str) -> Option<i64> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut date_parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (
        date_parts.next()??,
        date_parts.next()??,
        date_parts.next()??,
    );
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, fraction),
        None => (time, "0"),
    };
    let mut clock_parts = clock.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (hh, mm, ss) = (
        clock_parts.next()??,
        clock_parts.next()??,
        clock_parts.next()??,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    if !fraction.chars().all(|c| c.is_ascii_digit()) || fraction.is_empty() {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    let days = days_from_civil(y, m as u32, d as u32);
    Some(((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000) + millis)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_are_utc_seconds() {
        assert_eq!(iso8601_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_seconds(1_774_107_720_000), "2026-03-21T15:42:00Z");
        assert_eq!(iso8601_seconds(253_402_300_799_999), "9999-12-31T23:59:59Z");
        assert_eq!(iso8601_seconds(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn month_starts_are_utc() {
        assert_eq!(utc_month_start(1_774_107_720_000), "2026-03-01T00:00:00Z");
        assert_eq!(utc_month_start(951_782_400_000), "2000-02-01T00:00:00Z");
    }

    #[test]
    fn aws_timestamps_parse() {
        assert_eq!(
            parse_iso8601_utc("2026-03-21T15:42:00Z"),
            Some(1_774_107_720_000)
        );
        assert_eq!(
            parse_iso8601_utc("2012-05-02T00:54:06.655Z"),
            Some(1_335_920_046_655)
        );
        assert_eq!(
            parse_iso8601_utc("2000-02-29T00:00:00.1Z"),
            Some(951_782_400_100)
        );
        assert_eq!(parse_iso8601_utc("2026-03-21 15:42:00"), None);
        assert_eq!(parse_iso8601_utc("2026-13-21T15:42:00Z"), None);
    }
}
