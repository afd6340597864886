from typing import Literal

TimelineEntryType11Type = Literal["case.paused"]

TIMELINE_ENTRY_TYPE_11_TYPE_VALUES: set[TimelineEntryType11Type] = {
    "case.paused",
}


def check_timeline_entry_type_11_type(value: str) -> TimelineEntryType11Type:
    if value in TIMELINE_ENTRY_TYPE_11_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_11_TYPE_VALUES!r}")
