from typing import Literal

TimelineEntryType3Type = Literal["email.auto_reply"]

TIMELINE_ENTRY_TYPE_3_TYPE_VALUES: set[TimelineEntryType3Type] = {
    "email.auto_reply",
}


def check_timeline_entry_type_3_type(value: str) -> TimelineEntryType3Type:
    if value in TIMELINE_ENTRY_TYPE_3_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TIMELINE_ENTRY_TYPE_3_TYPE_VALUES!r}")
