from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_entry_type_1_type import TimelineEntryType1Type, check_timeline_entry_type_1_type

T = TypeVar("T", bound="TimelineEntryType1")


@_attrs_define
class TimelineEntryType1:
    """A reply from the counterparty was recorded.

    Attributes:
        message_id (str):
        from_ (str):
        subject (str):
        attachments (int):
        type_ (TimelineEntryType1Type):
        at (int): When it happened (Unix epoch milliseconds).
    """

    message_id: str
    from_: str
    subject: str
    attachments: int
    type_: TimelineEntryType1Type
    at: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        from_ = self.from_

        subject = self.subject

        attachments = self.attachments

        type_: str = self.type_

        at = self.at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messageId": message_id,
                "from": from_,
                "subject": subject,
                "attachments": attachments,
                "type": type_,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message_id = d.pop("messageId")

        from_ = d.pop("from")

        subject = d.pop("subject")

        attachments = d.pop("attachments")

        type_ = check_timeline_entry_type_1_type(d.pop("type"))

        at = d.pop("at")

        timeline_entry_type_1 = cls(
            message_id=message_id,
            from_=from_,
            subject=subject,
            attachments=attachments,
            type_=type_,
            at=at,
        )

        timeline_entry_type_1.additional_properties = d
        return timeline_entry_type_1

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
