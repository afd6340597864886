from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_entry_type_9_type import TimelineEntryType9Type, check_timeline_entry_type_9_type

T = TypeVar("T", bound="TimelineEntryType9")


@_attrs_define
class TimelineEntryType9:
    """The client asked for a past event to be delivered again.

    Attributes:
        event_id (str):
        type_ (TimelineEntryType9Type):
        at (int): When it happened (Unix epoch milliseconds).
    """

    event_id: str
    type_: TimelineEntryType9Type
    at: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        type_: str = self.type_

        at = self.at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventId": event_id,
                "type": type_,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = d.pop("eventId")

        type_ = check_timeline_entry_type_9_type(d.pop("type"))

        at = d.pop("at")

        timeline_entry_type_9 = cls(
            event_id=event_id,
            type_=type_,
            at=at,
        )

        timeline_entry_type_9.additional_properties = d
        return timeline_entry_type_9

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
