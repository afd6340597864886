from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Goal")


@_attrs_define
class Goal:
    """What the case should achieve and what the agent may draw on.

    Attributes:
        objective (str):
        knowledge (Any | Unset):
        private_knowledge (Any | Unset): Facts that may inform decisions but must never reach the counterparty.
    """

    objective: str
    knowledge: Any | Unset = UNSET
    private_knowledge: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        objective = self.objective

        knowledge = self.knowledge

        private_knowledge = self.private_knowledge

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "objective": objective,
            }
        )
        if knowledge is not UNSET:
            field_dict["knowledge"] = knowledge
        if private_knowledge is not UNSET:
            field_dict["privateKnowledge"] = private_knowledge

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        objective = d.pop("objective")

        knowledge = d.pop("knowledge", UNSET)

        private_knowledge = d.pop("privateKnowledge", UNSET)

        goal = cls(
            objective=objective,
            knowledge=knowledge,
            private_knowledge=private_knowledge,
        )

        goal.additional_properties = d
        return goal

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
