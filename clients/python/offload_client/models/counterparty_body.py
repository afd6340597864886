from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.counterparty_body_timezone_type_1 import (
    CounterpartyBodyTimezoneType1,
    check_counterparty_body_timezone_type_1,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.counterparty_body_custom_data_type_0 import CounterpartyBodyCustomDataType0


T = TypeVar("T", bound="CounterpartyBody")


@_attrs_define
class CounterpartyBody:
    """
    Attributes:
        address (str): A valid email address (a dot-atom addr-spec), at most 254 characters.
        name (str): 1..200 characters after trimming.
        company (None | str | Unset): At most 200 characters after trimming.
        timezone (CounterpartyBodyTimezoneType1 | None | Unset): An IANA time zone name such as `Europe/Berlin`.
        custom_data (CounterpartyBodyCustomDataType0 | None | Unset): String values only; at most 4 KiB.
        allow_domain_replies (bool | None | Unset): Whether replies from other addresses of the counterparty's domain
            count as theirs
            (default `true`; never for public mail domains such as gmail.com). Other senders' mail is
            kept as untrusted and the client is asked about it.
    """

    address: str
    name: str
    company: None | str | Unset = UNSET
    timezone: CounterpartyBodyTimezoneType1 | None | Unset = UNSET
    custom_data: CounterpartyBodyCustomDataType0 | None | Unset = UNSET
    allow_domain_replies: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.counterparty_body_custom_data_type_0 import CounterpartyBodyCustomDataType0  # noqa: PLC0415

        address: str
        address = self.address

        name: str
        name = self.name

        company: None | str | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        else:
            company = self.company

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        elif isinstance(self.timezone, str):
            timezone = self.timezone
        else:
            timezone = self.timezone

        custom_data: dict[str, Any] | None | Unset
        if isinstance(self.custom_data, Unset):
            custom_data = UNSET
        elif isinstance(self.custom_data, CounterpartyBodyCustomDataType0):
            custom_data = self.custom_data.to_dict()
        else:
            custom_data = self.custom_data

        allow_domain_replies: bool | None | Unset
        if isinstance(self.allow_domain_replies, Unset):
            allow_domain_replies = UNSET
        else:
            allow_domain_replies = self.allow_domain_replies

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "address": address,
                "name": name,
            }
        )
        if company is not UNSET:
            field_dict["company"] = company
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if custom_data is not UNSET:
            field_dict["customData"] = custom_data
        if allow_domain_replies is not UNSET:
            field_dict["allowDomainReplies"] = allow_domain_replies

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.counterparty_body_custom_data_type_0 import CounterpartyBodyCustomDataType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_address(data: object) -> str:
            return cast(str, data)

        address = _parse_address(d.pop("address"))

        def _parse_name(data: object) -> str:
            return cast(str, data)

        name = _parse_name(d.pop("name"))

        def _parse_company(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        company = _parse_company(d.pop("company", UNSET))

        def _parse_timezone(data: object) -> CounterpartyBodyTimezoneType1 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                timezone_type_1 = check_counterparty_body_timezone_type_1(data)

                return timezone_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CounterpartyBodyTimezoneType1 | None | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        def _parse_custom_data(data: object) -> CounterpartyBodyCustomDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                custom_data_type_0 = CounterpartyBodyCustomDataType0.from_dict(data)

                return custom_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CounterpartyBodyCustomDataType0 | None | Unset, data)

        custom_data = _parse_custom_data(d.pop("customData", UNSET))

        def _parse_allow_domain_replies(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        allow_domain_replies = _parse_allow_domain_replies(d.pop("allowDomainReplies", UNSET))

        counterparty_body = cls(
            address=address,
            name=name,
            company=company,
            timezone=timezone,
            custom_data=custom_data,
            allow_domain_replies=allow_domain_replies,
        )

        return counterparty_body
