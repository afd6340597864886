from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="InputBody")


@_attrs_define
class InputBody:
    """The body of `POST /cases/{id}/input`.

    Example:
        {'inputRequestId': '3f2b8e2e-6d1a-4c55-9d5e-0c8f7a1b2c3d', 'providedContext': 'Tax year 2025, please.'}

    Attributes:
        input_request_id (str): The id of the pending input request (trimmed).
        provided_context (str): The answer; 1..8000 characters after trimming.
    """

    input_request_id: str
    provided_context: str

    def to_dict(self) -> dict[str, Any]:
        input_request_id: str
        input_request_id = self.input_request_id

        provided_context: str
        provided_context = self.provided_context

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "inputRequestId": input_request_id,
                "providedContext": provided_context,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_input_request_id(data: object) -> str:
            return cast(str, data)

        input_request_id = _parse_input_request_id(d.pop("inputRequestId"))

        def _parse_provided_context(data: object) -> str:
            return cast(str, data)

        provided_context = _parse_provided_context(d.pop("providedContext"))

        input_body = cls(
            input_request_id=input_request_id,
            provided_context=provided_context,
        )

        return input_body
