from typing import Literal

TimelineEntryType7Type = Literal["input.provided"]

TIMELINE_ENTRY_TYPE_7_TYPE_VALUES: set[TimelineEntryType7Type] = {
    "input.provided",
}


def check_timeline_entry_type_7_type(value: str) -> TimelineEntryType7Type:
    if value in TIMELINE_ENTRY_TYPE_7_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_7_TYPE_VALUES!r}")
