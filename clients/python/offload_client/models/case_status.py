from typing import Literal

CaseStatus = Literal["COMPLETED", "CREATED", "FAILED", "INPUT_NEEDED", "RUNNING"]

CASE_STATUS_VALUES: set[CaseStatus] = {
    "COMPLETED",
    "CREATED",
    "FAILED",
    "INPUT_NEEDED",
    "RUNNING",
}


def check_case_status(value: str) -> CaseStatus:
    if value in CASE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CASE_STATUS_VALUES!r}")
