from typing import Literal

TimelineEntryType13Type = Literal["case.finished"]

TIMELINE_ENTRY_TYPE_13_TYPE_VALUES: set[TimelineEntryType13Type] = {
    "case.finished",
}


def check_timeline_entry_type_13_type(value: str) -> TimelineEntryType13Type:
    if value in TIMELINE_ENTRY_TYPE_13_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_13_TYPE_VALUES!r}")
