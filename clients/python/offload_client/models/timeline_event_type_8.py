from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_event_type_8_type import TimelineEventType8Type, check_timeline_event_type_8_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEventType8")


@_attrs_define
class TimelineEventType8:
    """One delivery attempt of a webhook event: the receiver's HTTP status, or why there was
    none. `redelivery` is set on attempts of a redelivery the client asked for.

        Attributes:
            event_id (str):
            attempt (int):
            type_ (TimelineEventType8Type):
            http_status (int | None | Unset):
            error (None | str | Unset):
            redelivery (bool | Unset):
    """

    event_id: str
    attempt: int
    type_: TimelineEventType8Type
    http_status: int | None | Unset = UNSET
    error: None | str | Unset = UNSET
    redelivery: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        attempt = self.attempt

        type_: str = self.type_

        http_status: int | None | Unset
        if isinstance(self.http_status, Unset):
            http_status = UNSET
        else:
            http_status = self.http_status

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        redelivery = self.redelivery

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventId": event_id,
                "attempt": attempt,
                "type": type_,
            }
        )
        if http_status is not UNSET:
            field_dict["httpStatus"] = http_status
        if error is not UNSET:
            field_dict["error"] = error
        if redelivery is not UNSET:
            field_dict["redelivery"] = redelivery

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = d.pop("eventId")

        attempt = d.pop("attempt")

        type_ = check_timeline_event_type_8_type(d.pop("type"))

        def _parse_http_status(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        http_status = _parse_http_status(d.pop("httpStatus", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        redelivery = d.pop("redelivery", UNSET)

        timeline_event_type_8 = cls(
            event_id=event_id,
            attempt=attempt,
            type_=type_,
            http_status=http_status,
            error=error,
            redelivery=redelivery,
        )

        timeline_event_type_8.additional_properties = d
        return timeline_event_type_8

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
