from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.suppression_reason import SuppressionReason, check_suppression_reason
from ..types import UNSET, Unset

T = TypeVar("T", bound="Suppression")


@_attrs_define
class Suppression:
    """One suppressed address.

    Attributes:
        address (str): Lowercased.
        reason (SuppressionReason): Why an address is suppressed.
        since (int): When (Unix epoch milliseconds).
        case_id (None | str | Unset): The case that learned it, if any.
    """

    address: str
    reason: SuppressionReason
    since: int
    case_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        reason: str = self.reason

        since = self.since

        case_id: None | str | Unset
        if isinstance(self.case_id, Unset):
            case_id = UNSET
        else:
            case_id = self.case_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "reason": reason,
                "since": since,
            }
        )
        if case_id is not UNSET:
            field_dict["caseId"] = case_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        reason = check_suppression_reason(d.pop("reason"))

        since = d.pop("since")

        def _parse_case_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        case_id = _parse_case_id(d.pop("caseId", UNSET))

        suppression = cls(
            address=address,
            reason=reason,
            since=since,
            case_id=case_id,
        )

        suppression.additional_properties = d
        return suppression

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
