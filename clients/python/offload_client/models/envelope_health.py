from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.envelope_health_data import EnvelopeHealthData


T = TypeVar("T", bound="EnvelopeHealth")


@_attrs_define
class EnvelopeHealth:
    """Every success: `{"ok": true, "data": ...}`.

    Attributes:
        ok (bool): Always `true`.
        data (EnvelopeHealthData):
    """

    ok: bool
    data: EnvelopeHealthData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.envelope_health_data import EnvelopeHealthData  # noqa: PLC0415

        d = dict(src_dict)
        ok = d.pop("ok")

        data = EnvelopeHealthData.from_dict(d.pop("data"))

        envelope_health = cls(
            ok=ok,
            data=data,
        )

        envelope_health.additional_properties = d
        return envelope_health

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
