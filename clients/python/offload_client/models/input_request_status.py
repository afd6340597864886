from typing import Literal

InputRequestStatus = Literal["PENDING", "RESOLVED"]

INPUT_REQUEST_STATUS_VALUES: set[InputRequestStatus] = {
    "PENDING",
    "RESOLVED",
}


def check_input_request_status(value: str) -> InputRequestStatus:
    if value in INPUT_REQUEST_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {INPUT_REQUEST_STATUS_VALUES!r}")
