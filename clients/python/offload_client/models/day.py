from typing import Literal

Day = Literal["FRI", "MON", "SAT", "SUN", "THU", "TUE", "WED"]

DAY_VALUES: set[Day] = {
    "FRI",
    "MON",
    "SAT",
    "SUN",
    "THU",
    "TUE",
    "WED",
}


def check_day(value: str) -> Day:
    if value in DAY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DAY_VALUES!r}")
