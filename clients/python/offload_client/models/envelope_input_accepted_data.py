from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EnvelopeInputAcceptedData")


@_attrs_define
class EnvelopeInputAcceptedData:
    """
    Attributes:
        case_id (str):
        input_request_id (str):
        accepted (bool):
    """

    case_id: str
    input_request_id: str
    accepted: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        case_id = self.case_id

        input_request_id = self.input_request_id

        accepted = self.accepted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caseId": case_id,
                "inputRequestId": input_request_id,
                "accepted": accepted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        case_id = d.pop("caseId")

        input_request_id = d.pop("inputRequestId")

        accepted = d.pop("accepted")

        envelope_input_accepted_data = cls(
            case_id=case_id,
            input_request_id=input_request_id,
            accepted=accepted,
        )

        envelope_input_accepted_data.additional_properties = d
        return envelope_input_accepted_data

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
