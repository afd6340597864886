from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.input_request_status import InputRequestStatus, check_input_request_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="InputRequest")


@_attrs_define
class InputRequest:
    """A question for the client.

    Attributes:
        id (str):
        question (str):
        status (InputRequestStatus):
        requested_at (int):
        answer_url (None | str | Unset): A page where the client's staff answer without an API key (spec §7), while the
            request
            is pending. Added by the API when it shows the request; the case never stores it.
        reminders_sent (int | Unset): Reminders sent for this request (`inputReminderHours`).
    """

    id: str
    question: str
    status: InputRequestStatus
    requested_at: int
    answer_url: None | str | Unset = UNSET
    reminders_sent: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        question = self.question

        status: str = self.status

        requested_at = self.requested_at

        answer_url: None | str | Unset
        if isinstance(self.answer_url, Unset):
            answer_url = UNSET
        else:
            answer_url = self.answer_url

        reminders_sent = self.reminders_sent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "question": question,
                "status": status,
                "requestedAt": requested_at,
            }
        )
        if answer_url is not UNSET:
            field_dict["answerUrl"] = answer_url
        if reminders_sent is not UNSET:
            field_dict["remindersSent"] = reminders_sent

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        question = d.pop("question")

        status = check_input_request_status(d.pop("status"))

        requested_at = d.pop("requestedAt")

        def _parse_answer_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        answer_url = _parse_answer_url(d.pop("answerUrl", UNSET))

        reminders_sent = d.pop("remindersSent", UNSET)

        input_request = cls(
            id=id,
            question=question,
            status=status,
            requested_at=requested_at,
            answer_url=answer_url,
            reminders_sent=reminders_sent,
        )

        input_request.additional_properties = d
        return input_request

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
