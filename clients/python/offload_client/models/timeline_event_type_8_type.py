from typing import Literal

TimelineEventType8Type = Literal["webhook.attempt"]

TIMELINE_EVENT_TYPE_8_TYPE_VALUES: set[TimelineEventType8Type] = {
    "webhook.attempt",
}


def check_timeline_event_type_8_type(value: str) -> TimelineEventType8Type:
    if value in TIMELINE_EVENT_TYPE_8_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_8_TYPE_VALUES!r}")
