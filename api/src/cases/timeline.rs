//! `GET /cases/{id}/events`: the case's timeline, oldest first — the entries the case recorded
//! (older ones from the blob store), then, for a finished case, its redeliveries in order.

use crate::AppState;
use crate::error::{ApiError, Dependency};
use crate::extract::{CaseId, Tenant};
use crate::response::{Envelope, ok};
use crate::rules::{Token, Whole};
use axum::Json;
use axum::extract::{RawQuery, State};
use offload_workflows::state::{TimelineEntry, TimelineSegment};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

type Limit = Whole<1, 200>;
/// Cursors are base64url; one not issued for this case is refused.
type Cursor = Token<1, 512>;
const DEFAULT_LIMIT: u32 = 50;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    /// Oldest first.
    pub events: Vec<TimelineEntry>,
    /// Pass as `cursor` for the next page; `null` when there is nothing more yet.
    pub next_cursor: Option<String>,
}

/// Where a page starts: in the case's own timeline (`source` 0) or in redelivery `source` of a
/// finished case, at `position` of that source.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    #[serde(rename = "s")]
    source: u32,
    #[serde(rename = "p")]
    position: u64,
}

/// The case's timeline: what happened, oldest first (sent and received mail, the agent's
/// decisions with their reasons and evidence, input requests and answers, every webhook delivery
/// attempt with its outcome, pauses, the end). An audit trail: no message bodies.
#[utoipa::path(
    get, path = "/cases/{id}/events", tag = "cases",
    security(("apiKey" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The caseId"),
        ("limit" = inline(Option<Limit>), Query, description = "Page size (default 50)"),
        ("cursor" = inline(Option<Cursor>), Query, description = "`nextCursor` of the previous page"),
    ),
    responses(
        crate::error::KeyedRouteErrors,
        (status = 200, description = "A page of the timeline", body = Envelope<EventPage>),
        (status = 400, description = "`INVALID_REQUEST`: bad id, limit or cursor", body = crate::error::ErrorEnvelope),
        (status = 404, description = "`CASE_NOT_FOUND`", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn case_events(
    State(state): State<AppState>,
    tenant: Tenant,
    CaseId(case_id): CaseId,
    RawQuery(query): RawQuery,
) -> Result<Json<Envelope<EventPage>>, ApiError> {
    let mut limit = DEFAULT_LIMIT;
    let mut cursor = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "limit" => {
                limit = value
                    .parse::<i64>()
                    .ok()
                    .and_then(|l| Limit::try_from(l).ok())
                    .ok_or_else(|| ApiError::invalid("limit", Limit::rule()))?
                    .0 as u32
            }
            "cursor" => {
                let token =
                    Cursor::check(&value).map_err(|rule| ApiError::invalid("cursor", rule))?;
                cursor = Some(crate::cursor::open(
                    &token.0,
                    &case_id.to_string(),
                    "this case's events",
                )?);
            }
            _ => {}
        }
    }
    let start = cursor.unwrap_or(Position {
        source: 0,
        position: 0,
    });
    // The case's own record answers first: it also says whose case it is.
    let own = state
        .cases()
        .timeline(case_id, start.position, limit)
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    if own.tenant != tenant.0 {
        return Err(ApiError::Forbidden(
            "this case belongs to another tenant".into(),
        ));
    }
    let limit = limit as usize;
    let mut events = Vec::new();
    let mut at = start;
    if at.source == 0 {
        let page = &own.page;
        if at.position < page.first_kept {
            let (archived, next) =
                archived_entries(&state, &page.segments, at.position, limit).await?;
            at.position = next;
            events.extend(archived);
            if at.position < page.first_kept {
                // The page is full before the kept entries.
                return Ok(page_of(events, Some(at), case_id));
            }
        }
        let room = limit - events.len();
        let kept: Vec<TimelineEntry> = page.entries.iter().take(room).cloned().collect();
        at.position += kept.len() as u64;
        events.extend(kept);
        if at.position < page.total {
            return Ok(page_of(events, Some(at), case_id));
        }
        if !own.finished {
            return Ok(page_of(events, None, case_id));
        }
        at = Position {
            source: 1,
            position: 0,
        };
    }
    // A finished case's redeliveries, in the order they were asked for; one still retrying is
    // where the timeline ends for now.
    while events.len() < limit {
        let Some(redelivery) = state.cases().redelivery_entries(case_id, at.source).await? else {
            return Ok(page_of(events, None, case_id));
        };
        let skip = usize::try_from(at.position).unwrap_or(usize::MAX);
        let room = limit - events.len();
        let taken: Vec<TimelineEntry> = redelivery
            .entries
            .into_iter()
            .skip(skip)
            .take(room)
            .collect();
        at.position += taken.len() as u64;
        let exhausted = taken.len() < room;
        events.extend(taken);
        if exhausted && !redelivery.done {
            return Ok(page_of(events, None, case_id));
        }
        if exhausted {
            at = Position {
                source: at.source + 1,
                position: 0,
            };
        }
    }
    Ok(page_of(events, Some(at), case_id))
}

fn page_of(
    events: Vec<TimelineEntry>,
    next: Option<Position>,
    case_id: Uuid,
) -> Json<Envelope<EventPage>> {
    ok(EventPage {
        events,
        next_cursor: next.map(|at| crate::cursor::seal(&at, &case_id.to_string())),
    })
}

/// Up to `limit` archived entries from `from` on, read from the segments that hold them, and the
/// position after the last one read (entries that were dropped are passed over). A segment gone
/// from the store is a fault, not a shorter timeline.
async fn archived_entries(
    state: &AppState,
    segments: &[TimelineSegment],
    from: u64,
    limit: usize,
) -> Result<(Vec<TimelineEntry>, u64), ApiError> {
    let mut entries = Vec::new();
    let mut position = from;
    let mut first = 0u64;
    for segment in segments {
        let end = first + u64::from(segment.entries);
        if position < end && entries.len() < limit {
            if segment.dropped() {
                position = end;
            } else {
                let unavailable = |e: String| {
                    ApiError::Unavailable(
                        Dependency::BlobStore,
                        format!("read {}: {e}", segment.key),
                    )
                };
                let bytes = state
                    .blobs()
                    .get(&segment.key)
                    .await
                    .map_err(|e| unavailable(e.to_string()))?
                    .ok_or_else(|| unavailable("missing".into()))?;
                let stored: Vec<TimelineEntry> =
                    serde_json::from_slice(&bytes).map_err(|e| unavailable(e.to_string()))?;
                let skip = usize::try_from(position - first).unwrap_or(usize::MAX);
                let taken: Vec<TimelineEntry> = stored
                    .into_iter()
                    .skip(skip)
                    .take(limit - entries.len())
                    .collect();
                position += taken.len() as u64;
                entries.extend(taken);
            }
        }
        first = end;
    }
    Ok((entries, position))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_bound_to_its_case() {
        let case = Uuid::new_v4().to_string();
        let at = Position {
            source: 2,
            position: 7,
        };
        let cursor = crate::cursor::seal(&at, &case);
        let open = |c: &str, bound: &str| crate::cursor::open::<Position>(c, bound, "x");
        assert_eq!(open(&cursor, &case).unwrap(), at);
        assert!(open(&cursor, &Uuid::new_v4().to_string()).is_err());
        assert!(open("bm90IGpzb24", &case).is_err());
    }
}
