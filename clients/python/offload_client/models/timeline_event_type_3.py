from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_event_type_3_type import TimelineEventType3Type, check_timeline_event_type_3_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEventType3")


@_attrs_define
class TimelineEventType3:
    """An automatic reply (out-of-office, auto-responder): the schedule goes on.

    Attributes:
        message_id (str):
        from_ (str):
        subject (str):
        reason (str):
        type_ (TimelineEventType3Type):
        returns_on (None | str | Unset): The day the sender says they are back (`YYYY-MM-DD`): the next follow-up waits
            for
            it.
    """

    message_id: str
    from_: str
    subject: str
    reason: str
    type_: TimelineEventType3Type
    returns_on: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        from_ = self.from_

        subject = self.subject

        reason = self.reason

        type_: str = self.type_

        returns_on: None | str | Unset
        if isinstance(self.returns_on, Unset):
            returns_on = UNSET
        else:
            returns_on = self.returns_on

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
        if returns_on is not UNSET:
            field_dict["returnsOn"] = returns_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message_id = d.pop("messageId")

        from_ = d.pop("from")

        subject = d.pop("subject")

        reason = d.pop("reason")

        type_ = check_timeline_event_type_3_type(d.pop("type"))

        def _parse_returns_on(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        returns_on = _parse_returns_on(d.pop("returnsOn", UNSET))

        timeline_event_type_3 = cls(
            message_id=message_id,
            from_=from_,
            subject=subject,
            reason=reason,
            type_=type_,
            returns_on=returns_on,
        )

        timeline_event_type_3.additional_properties = d
        return timeline_event_type_3

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
