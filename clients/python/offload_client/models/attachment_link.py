from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AttachmentLink")


@_attrs_define
class AttachmentLink:
    """
    Attributes:
        attachment_id (str):
        name (str):
        size (int):
        type_ (str):
        message_id (str): `Message-ID` of the mail that carried it.
        inbox_id (str): The per-case reply address the mail arrived at.
        received_at (int):
        download_url (str): A URL that downloads the file until `expiresAt`.
        expires_at (str): ISO 8601 UTC, e.g. `2026-03-21T15:57:00Z`.
    """

    attachment_id: str
    name: str
    size: int
    type_: str
    message_id: str
    inbox_id: str
    received_at: int
    download_url: str
    expires_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attachment_id = self.attachment_id

        name = self.name

        size = self.size

        type_ = self.type_

        message_id = self.message_id

        inbox_id = self.inbox_id

        received_at = self.received_at

        download_url = self.download_url

        expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attachmentId": attachment_id,
                "name": name,
                "size": size,
                "type": type_,
                "messageId": message_id,
                "inboxId": inbox_id,
                "receivedAt": received_at,
                "downloadUrl": download_url,
                "expiresAt": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attachment_id = d.pop("attachmentId")

        name = d.pop("name")

        size = d.pop("size")

        type_ = d.pop("type")

        message_id = d.pop("messageId")

        inbox_id = d.pop("inboxId")

        received_at = d.pop("receivedAt")

        download_url = d.pop("downloadUrl")

        expires_at = d.pop("expiresAt")

        attachment_link = cls(
            attachment_id=attachment_id,
            name=name,
            size=size,
            type_=type_,
            message_id=message_id,
            inbox_id=inbox_id,
            received_at=received_at,
            download_url=download_url,
            expires_at=expires_at,
        )

        attachment_link.additional_properties = d
        return attachment_link

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
