from typing import Literal

TimelineEventType6Type = Literal["input.requested"]

TIMELINE_EVENT_TYPE_6_TYPE_VALUES: set[TimelineEventType6Type] = {
    "input.requested",
}


def check_timeline_event_type_6_type(value: str) -> TimelineEventType6Type:
    if value in TIMELINE_EVENT_TYPE_6_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_6_TYPE_VALUES!r}")
