from typing import Literal

TimelineEventType9Type = Literal["webhook.redelivery_requested"]

TIMELINE_EVENT_TYPE_9_TYPE_VALUES: set[TimelineEventType9Type] = {
    "webhook.redelivery_requested",
}


def check_timeline_event_type_9_type(value: str) -> TimelineEventType9Type:
    if value in TIMELINE_EVENT_TYPE_9_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_9_TYPE_VALUES!r}")
