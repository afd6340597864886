from typing import Literal

TimelineEventType5Type = Literal["decision"]

TIMELINE_EVENT_TYPE_5_TYPE_VALUES: set[TimelineEventType5Type] = {
    "decision",
}


def check_timeline_event_type_5_type(value: str) -> TimelineEventType5Type:
    if value in TIMELINE_EVENT_TYPE_5_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_5_TYPE_VALUES!r}")
