from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_event_type_2_type import TimelineEventType2Type, check_timeline_event_type_2_type

T = TypeVar("T", bound="TimelineEventType2")


@_attrs_define
class TimelineEventType2:
    """Mail that cannot be taken as the counterparty's was kept aside.

    Attributes:
        message_id (str):
        from_ (str):
        subject (str):
        reason (str):
        type_ (TimelineEventType2Type):
    """

    message_id: str
    from_: str
    subject: str
    reason: str
    type_: TimelineEventType2Type
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        from_ = self.from_

        subject = self.subject

        reason = self.reason

        type_: str = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messageId": message_id,
                "from": from_,
                "subject": subject,
                "reason": reason,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message_id = d.pop("messageId")

        from_ = d.pop("from")

        subject = d.pop("subject")

        reason = d.pop("reason")

        type_ = check_timeline_event_type_2_type(d.pop("type"))

        timeline_event_type_2 = cls(
            message_id=message_id,
            from_=from_,
            subject=subject,
            reason=reason,
            type_=type_,
        )

        timeline_event_type_2.additional_properties = d
        return timeline_event_type_2

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
