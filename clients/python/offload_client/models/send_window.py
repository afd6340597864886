from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.day import Day, check_day
from ..types import UNSET, Unset

T = TypeVar("T", bound="SendWindow")


@_attrs_define
class SendWindow:
    """When the case may write to the counterparty, in their time zone. Validated by the API:
    `HH:MM` (24-hour) times, 1..7 distinct days.

        Attributes:
            start (str): Local time the window opens, `HH:MM`.
            end (str): Local time the window closes, `HH:MM` (not after `start`: the next day).
            days (list[Day]):
            strict (bool | Unset): Replies to the counterparty wait for the window too (otherwise they go out at once).
    """

    start: str
    end: str
    days: list[Day]
    strict: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start = self.start

        end = self.end

        days = []
        for days_item_data in self.days:
            days_item: str = days_item_data
            days.append(days_item)

        strict = self.strict

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start": start,
                "end": end,
                "days": days,
            }
        )
        if strict is not UNSET:
            field_dict["strict"] = strict

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        start = d.pop("start")

        end = d.pop("end")

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = check_day(days_item_data)

            days.append(days_item)

        strict = d.pop("strict", UNSET)

        send_window = cls(
            start=start,
            end=end,
            days=days,
            strict=strict,
        )

        send_window.additional_properties = d
        return send_window

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
