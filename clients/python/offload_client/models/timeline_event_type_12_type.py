from typing import Literal

TimelineEventType12Type = Literal["case.resumed"]

TIMELINE_EVENT_TYPE_12_TYPE_VALUES: set[TimelineEventType12Type] = {
    "case.resumed",
}


def check_timeline_event_type_12_type(value: str) -> TimelineEventType12Type:
    if value in TIMELINE_EVENT_TYPE_12_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_EVENT_TYPE_12_TYPE_VALUES!r}")
