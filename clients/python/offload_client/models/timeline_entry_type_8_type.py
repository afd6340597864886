from typing import Literal

TimelineEntryType8Type = Literal["webhook.attempt"]

TIMELINE_ENTRY_TYPE_8_TYPE_VALUES: set[TimelineEntryType8Type] = {
    "webhook.attempt",
}


def check_timeline_entry_type_8_type(value: str) -> TimelineEntryType8Type:
    if value in TIMELINE_ENTRY_TYPE_8_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_8_TYPE_VALUES!r}")
