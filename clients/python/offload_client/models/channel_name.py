from typing import Literal

ChannelName = Literal["EMAIL"]

CHANNEL_NAME_VALUES: set[ChannelName] = {
    "EMAIL",
}


def check_channel_name(value: str) -> ChannelName:
    if value in CHANNEL_NAME_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CHANNEL_NAME_VALUES!r}")
