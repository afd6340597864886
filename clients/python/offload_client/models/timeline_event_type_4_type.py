from typing import Literal

TimelineEventType4Type = Literal["attachment.read"]

TIMELINE_EVENT_TYPE_4_TYPE_VALUES: set[TimelineEventType4Type] = {
    "attachment.read",
}


def check_timeline_event_type_4_type(value: str) -> TimelineEventType4Type:
    if value in TIMELINE_EVENT_TYPE_4_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_4_TYPE_VALUES!r}")
