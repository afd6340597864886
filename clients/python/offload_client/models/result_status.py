from typing import Literal

ResultStatus = Literal[
    "BOUNCED",
    "cancelled",
    "COMPLAINED",
    "failed_rejected",
    "goal_achieved",
    "input_timeout",
    "max_retries",
    "REJECTED",
    "send_failed",
    "UNSUBSCRIBED",
    "workflow_error",
]

RESULT_STATUS_VALUES: set[ResultStatus] = {
    "BOUNCED",
    "cancelled",
    "COMPLAINED",
    "failed_rejected",
    "goal_achieved",
    "input_timeout",
    "max_retries",
    "REJECTED",
    "send_failed",
    "UNSUBSCRIBED",
    "workflow_error",
}


def check_result_status(value: str) -> ResultStatus:
    if value in RESULT_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RESULT_STATUS_VALUES!r}")
