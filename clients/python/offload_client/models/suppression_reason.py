from typing import Literal

SuppressionReason = Literal["complaint", "do_not_contact", "hard_bounce", "unsubscribed"]

SUPPRESSION_REASON_VALUES: set[SuppressionReason] = {
    "complaint",
    "do_not_contact",
    "hard_bounce",
    "unsubscribed",
}


def check_suppression_reason(value: str) -> SuppressionReason:
    if value in SUPPRESSION_REASON_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SUPPRESSION_REASON_VALUES!r}")
