from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_event_type_10_type import TimelineEventType10Type, check_timeline_event_type_10_type

T = TypeVar("T", bound="TimelineEventType10")


@_attrs_define
class TimelineEventType10:
    """The case waits for an earlier open case of the tenant for the same address to end
    (`waitForOpenCases`); a later entry names the next one it waits for, if any.

        Attributes:
            queued_behind (str):
            type_ (TimelineEventType10Type):
    """

    queued_behind: str
    type_: TimelineEventType10Type
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        queued_behind = self.queued_behind

        type_: str = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "queuedBehind": queued_behind,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        queued_behind = d.pop("queuedBehind")

        type_ = check_timeline_event_type_10_type(d.pop("type"))

        timeline_event_type_10 = cls(
            queued_behind=queued_behind,
            type_=type_,
        )

        timeline_event_type_10.additional_properties = d
        return timeline_event_type_10

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
