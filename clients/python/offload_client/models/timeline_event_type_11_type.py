from typing import Literal

TimelineEventType11Type = Literal["case.paused"]

TIMELINE_EVENT_TYPE_11_TYPE_VALUES: set[TimelineEventType11Type] = {
    "case.paused",
}


def check_timeline_event_type_11_type(value: str) -> TimelineEventType11Type:
    if value in TIMELINE_EVENT_TYPE_11_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_11_TYPE_VALUES!r}")
