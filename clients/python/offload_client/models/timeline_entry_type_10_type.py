from typing import Literal

TimelineEntryType10Type = Literal["case.queued"]

TIMELINE_ENTRY_TYPE_10_TYPE_VALUES: set[TimelineEntryType10Type] = {
    "case.queued",
}


def check_timeline_entry_type_10_type(value: str) -> TimelineEntryType10Type:
    if value in TIMELINE_ENTRY_TYPE_10_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_10_TYPE_VALUES!r}")
