from typing import Literal

SendWindowBodyDaysItem = Literal["FRI", "MON", "SAT", "SUN", "THU", "TUE", "WED"]

SEND_WINDOW_BODY_DAYS_ITEM_VALUES: set[SendWindowBodyDaysItem] = {
    "FRI",
    "MON",
    "SAT",
    "SUN",
    "THU",
    "TUE",
    "WED",
}


def check_send_window_body_days_item(value: str) -> SendWindowBodyDaysItem:
    if value in SEND_WINDOW_BODY_DAYS_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SEND_WINDOW_BODY_DAYS_ITEM_VALUES!r}")
