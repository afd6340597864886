from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_event_type_5_type import TimelineEventType5Type, check_timeline_event_type_5_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEventType5")


@_attrs_define
class TimelineEventType5:
    """What the agent decided about the thread, why, and the counterparty's words it rests on.

    Attributes:
        outcome (str): `goal_achieved`, `rejected`, `reply` or `needs_input`.
        reason (str):
        evidence (list[str]):
        type_ (TimelineEventType5Type):
        model (None | str | Unset): The model that decided (absent for the rules agent).
    """

    outcome: str
    reason: str
    evidence: list[str]
    type_: TimelineEventType5Type
    model: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome

        reason = self.reason

        evidence = self.evidence

        type_: str = self.type_

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
                "reason": reason,
                "evidence": evidence,
                "type": type_,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = d.pop("outcome")

        reason = d.pop("reason")

        evidence = cast(list[str], d.pop("evidence"))

        type_ = check_timeline_event_type_5_type(d.pop("type"))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        timeline_event_type_5 = cls(
            outcome=outcome,
            reason=reason,
            evidence=evidence,
            type_=type_,
            model=model,
        )

        timeline_event_type_5.additional_properties = d
        return timeline_event_type_5

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
