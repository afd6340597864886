from typing import Literal

TimelineEventType1Type = Literal["email.received"]

TIMELINE_EVENT_TYPE_1_TYPE_VALUES: set[TimelineEventType1Type] = {
    "email.received",
}


def check_timeline_event_type_1_type(value: str) -> TimelineEventType1Type:
    if value in TIMELINE_EVENT_TYPE_1_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_1_TYPE_VALUES!r}")
