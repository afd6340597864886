from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.counterparty_custom_data_type_0 import CounterpartyCustomDataType0


T = TypeVar("T", bound="Counterparty")


@_attrs_define
class Counterparty:
    """The person the service writes to.

    Attributes:
        address (str):
        name (str):
        company (None | str | Unset):
        timezone (None | str | Unset):
        custom_data (CounterpartyCustomDataType0 | None | Unset):
        allow_domain_replies (bool | None | Unset): Whether a reply from another address of the counterparty's domain
            counts as theirs
            (absent: yes).
    """

    address: str
    name: str
    company: None | str | Unset = UNSET
    timezone: None | str | Unset = UNSET
    custom_data: CounterpartyCustomDataType0 | None | Unset = UNSET
    allow_domain_replies: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.counterparty_custom_data_type_0 import CounterpartyCustomDataType0  # noqa: PLC0415

        address = self.address

        name = self.name

        company: None | str | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        else:
            company = self.company

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        custom_data: dict[str, Any] | None | Unset
        if isinstance(self.custom_data, Unset):
            custom_data = UNSET
        elif isinstance(self.custom_data, CounterpartyCustomDataType0):
            custom_data = self.custom_data.to_dict()
        else:
            custom_data = self.custom_data

        allow_domain_replies: bool | None | Unset
        if isinstance(self.allow_domain_replies, Unset):
            allow_domain_replies = UNSET
        else:
            allow_domain_replies = self.allow_domain_replies

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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
        from ..models.counterparty_custom_data_type_0 import CounterpartyCustomDataType0  # noqa: PLC0415

        d = dict(src_dict)
        address = d.pop("address")

        name = d.pop("name")

        def _parse_company(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        company = _parse_company(d.pop("company", UNSET))

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        def _parse_custom_data(data: object) -> CounterpartyCustomDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                custom_data_type_0 = CounterpartyCustomDataType0.from_dict(data)

                return custom_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CounterpartyCustomDataType0 | None | Unset, data)

        custom_data = _parse_custom_data(d.pop("customData", UNSET))

        def _parse_allow_domain_replies(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        allow_domain_replies = _parse_allow_domain_replies(d.pop("allowDomainReplies", UNSET))

        counterparty = cls(
            address=address,
            name=name,
            company=company,
            timezone=timezone,
            custom_data=custom_data,
            allow_domain_replies=allow_domain_replies,
        )

        counterparty.additional_properties = d
        return counterparty

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
