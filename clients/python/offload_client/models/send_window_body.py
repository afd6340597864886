from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.send_window_body_days_item import SendWindowBodyDaysItem, check_send_window_body_days_item
from ..types import UNSET, Unset

T = TypeVar("T", bound="SendWindowBody")


@_attrs_define
class SendWindowBody:
    """When the case may write to the counterparty: outreach and follow-ups that fall outside wait
    for the next start (and `nextActionAt` shows it); replies too when `strict`. Read in
    `counterparty.timezone` (UTC when absent), daylight-saving changes included.

        Example:
            {'start': '09:00', 'end': '17:00', 'days': ['MON', 'TUE', 'WED', 'THU', 'FRI'], 'strict': False}

        Attributes:
            start (str): Local time the window opens, `HH:MM`.
            end (str): Local time the window closes, `HH:MM`: later than `start` the same day, else the next
                day (`22:00`–`06:00` spans midnight; equal times: a whole day from `start`).
            days (list[SendWindowBodyDaysItem]):
            strict (bool | None | Unset): Replies to the counterparty wait for the window too (default `false`: they go at
                once).
    """

    start: str
    end: str
    days: list[SendWindowBodyDaysItem]
    strict: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        start: str
        start = self.start

        end: str
        end = self.end

        days = []
        for days_item_data in self.days:
            days_item: str = days_item_data
            days.append(days_item)

        strict: bool | None | Unset
        if isinstance(self.strict, Unset):
            strict = UNSET
        else:
            strict = self.strict

        field_dict: dict[str, Any] = {}

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

        def _parse_start(data: object) -> str:
            return cast(str, data)

        start = _parse_start(d.pop("start"))

        def _parse_end(data: object) -> str:
            return cast(str, data)

        end = _parse_end(d.pop("end"))

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = check_send_window_body_days_item(days_item_data)

            days.append(days_item)

        def _parse_strict(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        strict = _parse_strict(d.pop("strict", UNSET))

        send_window_body = cls(
            start=start,
            end=end,
            days=days,
            strict=strict,
        )

        return send_window_body
