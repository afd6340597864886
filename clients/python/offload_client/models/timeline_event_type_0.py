from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_event_type_0_type import TimelineEventType0Type, check_timeline_event_type_0_type

T = TypeVar("T", bound="TimelineEventType0")


@_attrs_define
class TimelineEventType0:
    """A message went to the counterparty.

    Attributes:
        message_id (str):
        kind (str): `outreach`, `follow_up` or `reply`.
        to (str):
        subject (str):
        type_ (TimelineEventType0Type):
    """

    message_id: str
    kind: str
    to: str
    subject: str
    type_: TimelineEventType0Type
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        kind = self.kind

        to = self.to

        subject = self.subject

        type_: str = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messageId": message_id,
                "kind": kind,
                "to": to,
                "subject": subject,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message_id = d.pop("messageId")

        kind = d.pop("kind")

        to = d.pop("to")

        subject = d.pop("subject")

        type_ = check_timeline_event_type_0_type(d.pop("type"))

        timeline_event_type_0 = cls(
            message_id=message_id,
            kind=kind,
            to=to,
            subject=subject,
            type_=type_,
        )

        timeline_event_type_0.additional_properties = d
        return timeline_event_type_0

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
