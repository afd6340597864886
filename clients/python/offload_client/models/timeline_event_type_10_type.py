from typing import Literal

TimelineEventType10Type = Literal["case.queued"]

TIMELINE_EVENT_TYPE_10_TYPE_VALUES: set[TimelineEventType10Type] = {
    "case.queued",
}


def check_timeline_event_type_10_type(value: str) -> TimelineEventType10Type:
    if value in TIMELINE_EVENT_TYPE_10_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_10_TYPE_VALUES!r}")
