from typing import Literal

TimelineEntryType2Type = Literal["email.untrusted"]

TIMELINE_ENTRY_TYPE_2_TYPE_VALUES: set[TimelineEntryType2Type] = {
    "email.untrusted",
}


def check_timeline_entry_type_2_type(value: str) -> TimelineEntryType2Type:
    if value in TIMELINE_ENTRY_TYPE_2_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_2_TYPE_VALUES!r}")
