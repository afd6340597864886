from typing import Literal

TimelineEventType13Type = Literal["case.finished"]

TIMELINE_EVENT_TYPE_13_TYPE_VALUES: set[TimelineEventType13Type] = {
    "case.finished",
}


def check_timeline_event_type_13_type(value: str) -> TimelineEventType13Type:
    if value in TIMELINE_EVENT_TYPE_13_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_13_TYPE_VALUES!r}")
