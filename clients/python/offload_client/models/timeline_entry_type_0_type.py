from typing import Literal

TimelineEntryType0Type = Literal["email.sent"]

TIMELINE_ENTRY_TYPE_0_TYPE_VALUES: set[TimelineEntryType0Type] = {
    "email.sent",
}


def check_timeline_entry_type_0_type(value: str) -> TimelineEntryType0Type:
    if value in TIMELINE_ENTRY_TYPE_0_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_0_TYPE_VALUES!r}")
