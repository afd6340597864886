from typing import Literal

TimelineEntryType9Type = Literal["webhook.redelivery_requested"]

TIMELINE_ENTRY_TYPE_9_TYPE_VALUES: set[TimelineEntryType9Type] = {
    "webhook.redelivery_requested",
}


def check_timeline_entry_type_9_type(value: str) -> TimelineEntryType9Type:
    if value in TIMELINE_ENTRY_TYPE_9_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_9_TYPE_VALUES!r}")
