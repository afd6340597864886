from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.case_status import CaseStatus, check_case_status
from ..models.result_status import ResultStatus, check_result_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="EnvelopeCancelledData")


@_attrs_define
class EnvelopeCancelledData:
    """
    Attributes:
        case_id (str):
        status (CaseStatus):
        result_status (None | ResultStatus | Unset):
    """

    case_id: str
    status: CaseStatus
    result_status: None | ResultStatus | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        case_id = self.case_id

        status: str = self.status

        result_status: None | str | Unset
        if isinstance(self.result_status, Unset):
            result_status = UNSET
        elif isinstance(self.result_status, str):
            result_status = self.result_status
        else:
            result_status = self.result_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caseId": case_id,
                "status": status,
            }
        )
        if result_status is not UNSET:
            field_dict["resultStatus"] = result_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        case_id = d.pop("caseId")

        status = check_case_status(d.pop("status"))

        def _parse_result_status(data: object) -> None | ResultStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                result_status_type_1 = check_result_status(data)

                return result_status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ResultStatus | Unset, data)

        result_status = _parse_result_status(d.pop("resultStatus", UNSET))

        envelope_cancelled_data = cls(
            case_id=case_id,
            status=status,
            result_status=result_status,
        )

        envelope_cancelled_data.additional_properties = d
        return envelope_cancelled_data

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
