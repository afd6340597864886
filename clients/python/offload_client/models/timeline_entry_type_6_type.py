from typing import Literal

TimelineEntryType6Type = Literal["input.requested"]

TIMELINE_ENTRY_TYPE_6_TYPE_VALUES: set[TimelineEntryType6Type] = {
    "input.requested",
}


def check_timeline_entry_type_6_type(value: str) -> TimelineEntryType6Type:
    if value in TIMELINE_ENTRY_TYPE_6_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_6_TYPE_VALUES!r}")
