from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.timeline_entry_type_0 import TimelineEntryType0
    from ..models.timeline_entry_type_1 import TimelineEntryType1
    from ..models.timeline_entry_type_2 import TimelineEntryType2
    from ..models.timeline_entry_type_3 import TimelineEntryType3
    from ..models.timeline_entry_type_4 import TimelineEntryType4
    from ..models.timeline_entry_type_5 import TimelineEntryType5
    from ..models.timeline_entry_type_6 import TimelineEntryType6
    from ..models.timeline_entry_type_7 import TimelineEntryType7
    from ..models.timeline_entry_type_8 import TimelineEntryType8
    from ..models.timeline_entry_type_9 import TimelineEntryType9
    from ..models.timeline_entry_type_10 import TimelineEntryType10
    from ..models.timeline_entry_type_11 import TimelineEntryType11
    from ..models.timeline_entry_type_12 import TimelineEntryType12
    from ..models.timeline_entry_type_13 import TimelineEntryType13


T = TypeVar("T", bound="EventPage")


@_attrs_define
class EventPage:
    """
    Attributes:
        events (list[TimelineEntryType0 | TimelineEntryType1 | TimelineEntryType10 | TimelineEntryType11 |
            TimelineEntryType12 | TimelineEntryType13 | TimelineEntryType2 | TimelineEntryType3 | TimelineEntryType4 |
            TimelineEntryType5 | TimelineEntryType6 | TimelineEntryType7 | TimelineEntryType8 | TimelineEntryType9]): Oldest
            first.
        next_cursor (None | str | Unset): Pass as `cursor` for the next page; `null` when there is nothing more yet.
    """

    events: list[
        TimelineEntryType0
        | TimelineEntryType1
        | TimelineEntryType10
        | TimelineEntryType11
        | TimelineEntryType12
        | TimelineEntryType13
        | TimelineEntryType2
        | TimelineEntryType3
        | TimelineEntryType4
        | TimelineEntryType5
        | TimelineEntryType6
        | TimelineEntryType7
        | TimelineEntryType8
        | TimelineEntryType9
    ]
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.timeline_entry_type_0 import TimelineEntryType0  # noqa: PLC0415
        from ..models.timeline_entry_type_1 import TimelineEntryType1  # noqa: PLC0415
        from ..models.timeline_entry_type_2 import TimelineEntryType2  # noqa: PLC0415
        from ..models.timeline_entry_type_3 import TimelineEntryType3  # noqa: PLC0415
        from ..models.timeline_entry_type_4 import TimelineEntryType4  # noqa: PLC0415
        from ..models.timeline_entry_type_5 import TimelineEntryType5  # noqa: PLC0415
        from ..models.timeline_entry_type_6 import TimelineEntryType6  # noqa: PLC0415
        from ..models.timeline_entry_type_7 import TimelineEntryType7  # noqa: PLC0415
        from ..models.timeline_entry_type_8 import TimelineEntryType8  # noqa: PLC0415
        from ..models.timeline_entry_type_9 import TimelineEntryType9  # noqa: PLC0415
        from ..models.timeline_entry_type_10 import TimelineEntryType10  # noqa: PLC0415
        from ..models.timeline_entry_type_11 import TimelineEntryType11  # noqa: PLC0415
        from ..models.timeline_entry_type_12 import TimelineEntryType12  # noqa: PLC0415

        events = []
        for events_item_data in self.events:
            events_item: dict[str, Any]
            if isinstance(events_item_data, TimelineEntryType0):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType1):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType2):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType3):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType4):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType5):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType6):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType7):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType8):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType9):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType10):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType11):
                events_item = events_item_data.to_dict()
            elif isinstance(events_item_data, TimelineEntryType12):
                events_item = events_item_data.to_dict()
            else:
                events_item = events_item_data.to_dict()

            events.append(events_item)

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
            }
        )
        if next_cursor is not UNSET:
            field_dict["nextCursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeline_entry_type_0 import TimelineEntryType0  # noqa: PLC0415
        from ..models.timeline_entry_type_1 import TimelineEntryType1  # noqa: PLC0415
        from ..models.timeline_entry_type_2 import TimelineEntryType2  # noqa: PLC0415
        from ..models.timeline_entry_type_3 import TimelineEntryType3  # noqa: PLC0415
        from ..models.timeline_entry_type_4 import TimelineEntryType4  # noqa: PLC0415
        from ..models.timeline_entry_type_5 import TimelineEntryType5  # noqa: PLC0415
        from ..models.timeline_entry_type_6 import TimelineEntryType6  # noqa: PLC0415
        from ..models.timeline_entry_type_7 import TimelineEntryType7  # noqa: PLC0415
        from ..models.timeline_entry_type_8 import TimelineEntryType8  # noqa: PLC0415
        from ..models.timeline_entry_type_9 import TimelineEntryType9  # noqa: PLC0415
        from ..models.timeline_entry_type_10 import TimelineEntryType10  # noqa: PLC0415
        from ..models.timeline_entry_type_11 import TimelineEntryType11  # noqa: PLC0415
        from ..models.timeline_entry_type_12 import TimelineEntryType12  # noqa: PLC0415
        from ..models.timeline_entry_type_13 import TimelineEntryType13  # noqa: PLC0415

        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:

            def _parse_events_item(
                data: object,
            ) -> (
                TimelineEntryType0
                | TimelineEntryType1
                | TimelineEntryType10
                | TimelineEntryType11
                | TimelineEntryType12
                | TimelineEntryType13
                | TimelineEntryType2
                | TimelineEntryType3
                | TimelineEntryType4
                | TimelineEntryType5
                | TimelineEntryType6
                | TimelineEntryType7
                | TimelineEntryType8
                | TimelineEntryType9
            ):
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_0 = TimelineEntryType0.from_dict(data)

                    return componentsschemas_timeline_entry_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_1 = TimelineEntryType1.from_dict(data)

                    return componentsschemas_timeline_entry_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_2 = TimelineEntryType2.from_dict(data)

                    return componentsschemas_timeline_entry_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_3 = TimelineEntryType3.from_dict(data)

                    return componentsschemas_timeline_entry_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_4 = TimelineEntryType4.from_dict(data)

                    return componentsschemas_timeline_entry_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_5 = TimelineEntryType5.from_dict(data)

                    return componentsschemas_timeline_entry_type_5
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_6 = TimelineEntryType6.from_dict(data)

                    return componentsschemas_timeline_entry_type_6
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_7 = TimelineEntryType7.from_dict(data)

                    return componentsschemas_timeline_entry_type_7
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_8 = TimelineEntryType8.from_dict(data)

                    return componentsschemas_timeline_entry_type_8
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_9 = TimelineEntryType9.from_dict(data)

                    return componentsschemas_timeline_entry_type_9
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_10 = TimelineEntryType10.from_dict(data)

                    return componentsschemas_timeline_entry_type_10
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_11 = TimelineEntryType11.from_dict(data)

                    return componentsschemas_timeline_entry_type_11
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_timeline_entry_type_12 = TimelineEntryType12.from_dict(data)

                    return componentsschemas_timeline_entry_type_12
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_timeline_entry_type_13 = TimelineEntryType13.from_dict(data)

                return componentsschemas_timeline_entry_type_13

            events_item = _parse_events_item(events_item_data)

            events.append(events_item)

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor", UNSET))

        event_page = cls(
            events=events,
            next_cursor=next_cursor,
        )

        event_page.additional_properties = d
        return event_page

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
