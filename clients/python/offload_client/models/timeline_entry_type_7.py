from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_entry_type_7_type import TimelineEntryType7Type, check_timeline_entry_type_7_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEntryType7")


@_attrs_define
class TimelineEntryType7:
    """The client answered (the answer itself is in `humanInputs`). `ignored` says why an
    answer was not applied (a stale or repeated one).

        Attributes:
            input_request_id (str):
            type_ (TimelineEntryType7Type):
            at (int): When it happened (Unix epoch milliseconds).
            ignored (None | str | Unset):
    """

    input_request_id: str
    type_: TimelineEntryType7Type
    at: int
    ignored: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_request_id = self.input_request_id

        type_: str = self.type_

        at = self.at

        ignored: None | str | Unset
        if isinstance(self.ignored, Unset):
            ignored = UNSET
        else:
            ignored = self.ignored

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "inputRequestId": input_request_id,
                "type": type_,
                "at": at,
            }
        )
        if ignored is not UNSET:
            field_dict["ignored"] = ignored

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        input_request_id = d.pop("inputRequestId")

        type_ = check_timeline_entry_type_7_type(d.pop("type"))

        at = d.pop("at")

        def _parse_ignored(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ignored = _parse_ignored(d.pop("ignored", UNSET))

        timeline_entry_type_7 = cls(
            input_request_id=input_request_id,
            type_=type_,
            at=at,
            ignored=ignored,
        )

        timeline_entry_type_7.additional_properties = d
        return timeline_entry_type_7

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
