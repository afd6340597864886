from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.timeline_entry_type_4_type import TimelineEntryType4Type, check_timeline_entry_type_4_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEntryType4")


@_attrs_define
class TimelineEntryType4:
    """A received file was read for the agent: how much text it gave and how it starts, or
    why it gave none.

        Attributes:
            attachment_id (str):
            name (str):
            status (str): `text` or `no_text`.
            chars (int):
            type_ (TimelineEntryType4Type):
            at (int): When it happened (Unix epoch milliseconds).
            note (None | str | Unset):
            preview (str | Unset): The text's first 200 bytes.
    """

    attachment_id: str
    name: str
    status: str
    chars: int
    type_: TimelineEntryType4Type
    at: int
    note: None | str | Unset = UNSET
    preview: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attachment_id = self.attachment_id

        name = self.name

        status = self.status

        chars = self.chars

        type_: str = self.type_

        at = self.at

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        preview = self.preview

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attachmentId": attachment_id,
                "name": name,
                "status": status,
                "chars": chars,
                "type": type_,
                "at": at,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if preview is not UNSET:
            field_dict["preview"] = preview

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attachment_id = d.pop("attachmentId")

        name = d.pop("name")

        status = d.pop("status")

        chars = d.pop("chars")

        type_ = check_timeline_entry_type_4_type(d.pop("type"))

        at = d.pop("at")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        preview = d.pop("preview", UNSET)

        timeline_entry_type_4 = cls(
            attachment_id=attachment_id,
            name=name,
            status=status,
            chars=chars,
            type_=type_,
            at=at,
            note=note,
            preview=preview,
        )

        timeline_entry_type_4.additional_properties = d
        return timeline_entry_type_4

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
