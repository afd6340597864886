from typing import Literal

TimelineEventType7Type = Literal["input.provided"]

TIMELINE_EVENT_TYPE_7_TYPE_VALUES: set[TimelineEventType7Type] = {
    "input.provided",
}


def check_timeline_event_type_7_type(value: str) -> TimelineEventType7Type:
    if value in TIMELINE_EVENT_TYPE_7_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_7_TYPE_VALUES!r}")
