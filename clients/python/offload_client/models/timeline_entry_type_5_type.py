from typing import Literal

TimelineEntryType5Type = Literal["decision"]

TIMELINE_ENTRY_TYPE_5_TYPE_VALUES: set[TimelineEntryType5Type] = {
    "decision",
}


def check_timeline_entry_type_5_type(value: str) -> TimelineEntryType5Type:
    if value in TIMELINE_ENTRY_TYPE_5_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_5_TYPE_VALUES!r}")
