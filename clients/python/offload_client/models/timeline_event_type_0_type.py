from typing import Literal

TimelineEventType0Type = Literal["email.sent"]

TIMELINE_EVENT_TYPE_0_TYPE_VALUES: set[TimelineEventType0Type] = {
    "email.sent",
}


def check_timeline_event_type_0_type(value: str) -> TimelineEventType0Type:
    if value in TIMELINE_EVENT_TYPE_0_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_0_TYPE_VALUES!r}")
