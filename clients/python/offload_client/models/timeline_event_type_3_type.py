from typing import Literal

TimelineEventType3Type = Literal["email.auto_reply"]

TIMELINE_EVENT_TYPE_3_TYPE_VALUES: set[TimelineEventType3Type] = {
    "email.auto_reply",
}


def check_timeline_event_type_3_type(value: str) -> TimelineEventType3Type:
    if value in TIMELINE_EVENT_TYPE_3_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_3_TYPE_VALUES!r}")
