from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.case_status import CaseStatus, check_case_status
from ..models.result_status import ResultStatus, check_result_status
from ..models.timeline_event_type_13_type import TimelineEventType13Type, check_timeline_event_type_13_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEventType13")


@_attrs_define
class TimelineEventType13:
    """The case ended.

    Attributes:
        status (CaseStatus):
        result_status (ResultStatus): Why a case ended. The spellings are the hosted service's, mixed case included.
        type_ (TimelineEventType13Type):
        failure_reason (None | str | Unset):
    """

    status: CaseStatus
    result_status: ResultStatus
    type_: TimelineEventType13Type
    failure_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str = self.status

        result_status: str = self.result_status

        type_: str = self.type_

        failure_reason: None | str | Unset
        if isinstance(self.failure_reason, Unset):
            failure_reason = UNSET
        else:
            failure_reason = self.failure_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "resultStatus": result_status,
                "type": type_,
            }
        )
        if failure_reason is not UNSET:
            field_dict["failureReason"] = failure_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = check_case_status(d.pop("status"))

        result_status = check_result_status(d.pop("resultStatus"))

        type_ = check_timeline_event_type_13_type(d.pop("type"))

        def _parse_failure_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_reason = _parse_failure_reason(d.pop("failureReason", UNSET))

        timeline_event_type_13 = cls(
            status=status,
            result_status=result_status,
            type_=type_,
            failure_reason=failure_reason,
        )

        timeline_event_type_13.additional_properties = d
        return timeline_event_type_13

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
