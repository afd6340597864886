from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HumanInput")


@_attrs_define
class HumanInput:
    """An answered input request.

    Attributes:
        input_request_id (str):
        question (str):
        provided_context (str):
        provided_at (int):
    """

    input_request_id: str
    question: str
    provided_context: str
    provided_at: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_request_id = self.input_request_id

        question = self.question

        provided_context = self.provided_context

        provided_at = self.provided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "inputRequestId": input_request_id,
                "question": question,
                "providedContext": provided_context,
                "providedAt": provided_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        input_request_id = d.pop("inputRequestId")

        question = d.pop("question")

        provided_context = d.pop("providedContext")

        provided_at = d.pop("providedAt")

        human_input = cls(
            input_request_id=input_request_id,
            question=question,
            provided_context=provided_context,
            provided_at=provided_at,
        )

        human_input.additional_properties = d
        return human_input

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
