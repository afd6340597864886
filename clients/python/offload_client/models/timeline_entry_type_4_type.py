from typing import Literal

TimelineEntryType4Type = Literal["attachment.read"]

TIMELINE_ENTRY_TYPE_4_TYPE_VALUES: set[TimelineEntryType4Type] = {
    "attachment.read",
}


def check_timeline_entry_type_4_type(value: str) -> TimelineEntryType4Type:
    if value in TIMELINE_ENTRY_TYPE_4_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_4_TYPE_VALUES!r}")
