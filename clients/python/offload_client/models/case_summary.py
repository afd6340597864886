from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CaseSummary")


@_attrs_define
class CaseSummary:
    """A line of `GET /cases`.

    Attributes:
        case_id (str):
        status (str): `CREATED`, `RUNNING`, `INPUT_NEEDED`, `COMPLETED` or `FAILED`.
        created_at (int): Unix epoch milliseconds.
        client_reference_id (None | str | Unset):
    """

    case_id: str
    status: str
    created_at: int
    client_reference_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        case_id = self.case_id

        status = self.status

        created_at = self.created_at

        client_reference_id: None | str | Unset
        if isinstance(self.client_reference_id, Unset):
            client_reference_id = UNSET
        else:
            client_reference_id = self.client_reference_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caseId": case_id,
                "status": status,
                "createdAt": created_at,
            }
        )
        if client_reference_id is not UNSET:
            field_dict["clientReferenceId"] = client_reference_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        case_id = d.pop("caseId")

        status = d.pop("status")

        created_at = d.pop("createdAt")

        def _parse_client_reference_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_reference_id = _parse_client_reference_id(d.pop("clientReferenceId", UNSET))

        case_summary = cls(
            case_id=case_id,
            status=status,
            created_at=created_at,
            client_reference_id=client_reference_id,
        )

        case_summary.additional_properties = d
        return case_summary

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
