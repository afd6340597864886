from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EnvelopeCreatedCaseData")


@_attrs_define
class EnvelopeCreatedCaseData:
    """
    Attributes:
        case_id (str):
        status (str): Always `CREATED`.
        queued_behind (None | str | Unset): With `waitForOpenCases`: the earlier open case it waits for, if any.
    """

    case_id: str
    status: str
    queued_behind: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        case_id = self.case_id

        status = self.status

        queued_behind: None | str | Unset
        if isinstance(self.queued_behind, Unset):
            queued_behind = UNSET
        else:
            queued_behind = self.queued_behind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caseId": case_id,
                "status": status,
            }
        )
        if queued_behind is not UNSET:
            field_dict["queuedBehind"] = queued_behind

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        case_id = d.pop("caseId")

        status = d.pop("status")

        def _parse_queued_behind(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queued_behind = _parse_queued_behind(d.pop("queuedBehind", UNSET))

        envelope_created_case_data = cls(
            case_id=case_id,
            status=status,
            queued_behind=queued_behind,
        )

        envelope_created_case_data.additional_properties = d
        return envelope_created_case_data

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
