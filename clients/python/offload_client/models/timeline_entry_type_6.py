from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_entry_type_6_type import TimelineEntryType6Type, check_timeline_entry_type_6_type

T = TypeVar("T", bound="TimelineEntryType6")


@_attrs_define
class TimelineEntryType6:
    """A question for the client.

    Attributes:
        input_request_id (str):
        question (str):
        type_ (TimelineEntryType6Type):
        at (int): When it happened (Unix epoch milliseconds).
    """

    input_request_id: str
    question: str
    type_: TimelineEntryType6Type
    at: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_request_id = self.input_request_id

        question = self.question

        type_: str = self.type_

        at = self.at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "inputRequestId": input_request_id,
                "question": question,
                "type": type_,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        input_request_id = d.pop("inputRequestId")

        question = d.pop("question")

        type_ = check_timeline_entry_type_6_type(d.pop("type"))

        at = d.pop("at")

        timeline_entry_type_6 = cls(
            input_request_id=input_request_id,
            question=question,
            type_=type_,
            at=at,
        )

        timeline_entry_type_6.additional_properties = d
        return timeline_entry_type_6

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
