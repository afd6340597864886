from typing import Literal

TimelineEntryType1Type = Literal["email.received"]

TIMELINE_ENTRY_TYPE_1_TYPE_VALUES: set[TimelineEntryType1Type] = {
    "email.received",
}


def check_timeline_entry_type_1_type(value: str) -> TimelineEntryType1Type:
    if value in TIMELINE_ENTRY_TYPE_1_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_1_TYPE_VALUES!r}")
