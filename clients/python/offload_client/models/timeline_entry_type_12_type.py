from typing import Literal

TimelineEntryType12Type = Literal["case.resumed"]

TIMELINE_ENTRY_TYPE_12_TYPE_VALUES: set[TimelineEntryType12Type] = {
    "case.resumed",
}


def check_timeline_entry_type_12_type(value: str) -> TimelineEntryType12Type:
    if value in TIMELINE_ENTRY_TYPE_12_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_12_TYPE_VALUES!r}")
