from typing import Literal

TimelineEventType2Type = Literal["email.untrusted"]

TIMELINE_EVENT_TYPE_2_TYPE_VALUES: set[TimelineEventType2Type] = {
    "email.untrusted",
}


def check_timeline_event_type_2_type(value: str) -> TimelineEventType2Type:
    if value in TIMELINE_EVENT_TYPE_2_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_2_TYPE_VALUES!r}")
