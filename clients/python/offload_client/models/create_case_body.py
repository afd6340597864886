from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.channel_name import ChannelName, check_channel_name
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.counterparty_body import CounterpartyBody
    from ..models.create_case_body_metadata_type_0 import CreateCaseBodyMetadataType0
    from ..models.goal_body import GoalBody
    from ..models.json_schema import JsonSchema
    from ..models.send_window_body import SendWindowBody
    from ..models.sender_persona_body import SenderPersonaBody


T = TypeVar("T", bound="CreateCaseBody")


@_attrs_define
class CreateCaseBody:
    """The body of `POST /cases`. Unknown fields are refused.

    Example:
        {'channel': 'EMAIL', 'goal': {'objective': 'Get the signed W-9 form for Northstar Supplies.', 'knowledge':
            {'vendorId': 'V-1042'}, 'privateKnowledge': {'paymentHold': 'Payments stay on hold until the W-9 arrives.'}},
            'counterparty': {'address': 'ap@northstar.example', 'name': 'Maya Chen', 'company': 'Northstar Supplies'},
            'senderPersona': {'name': 'Avery', 'role': 'Accounts Payable', 'company': 'Acme', 'tone': 'friendly'},
            'clientReferenceId': 'vendor-1042', 'constraints': ['Do not offer to pay any fee.'], 'maxAttempts': 3,
            'followUpDelayHours': 72, 'resultSchema': {'type': 'object', 'properties': {'w9Received': {'type': 'boolean'},
            'taxYear': {'type': 'string'}}, 'required': ['w9Received']}, 'clientWebhookUrl':
            'https://hooks.acme.example/offload', 'metadata': {'ticket': 7}, 'inputTimeoutHours': 168, 'inputReminderHours':
            24, 'sendWindow': {'start': '09:00', 'end': '17:00', 'days': ['MON', 'TUE', 'WED', 'THU', 'FRI']},
            'waitForOpenCases': True}

    Attributes:
        channel (ChannelName): The channel; only `EMAIL` is implemented.
        goal (GoalBody):
        counterparty (CounterpartyBody):
        sender_persona (SenderPersonaBody):
        client_reference_id (None | str | Unset): Your reference; not unique. At most 200 characters after trimming, one
            line (no control
            characters).
        constraints (list[str] | None | Unset):
        max_attempts (int | None | Unset): Automated follow-ups after the first message (default 3). Default: 3.
        follow_up_delay_hours (int | None | Unset): Hours between follow-ups (default 72). Default: 72.
        result_schema (JsonSchema | None | Unset): A JSON Schema (draft 2020-12) whose root accepts an object; the
            result is validated against it. No references (`$ref`, `$id`, …); at most 16 KiB serialized and 32 levels deep.
        client_webhook_url (None | str | Unset): Where events are POSTed: an absolute `https` URL naming its host by a
            domain name.
            Deployments that allow plain `http` (`OFFLOAD_WEBHOOK_ALLOW_HTTP`) or private targets
            (`OFFLOAD_WEBHOOK_ALLOW_CIDRS`) also accept `http` and literal addresses; a host that
            is local or resolves only to private addresses is refused.
        metadata (CreateCaseBodyMetadataType0 | None | Unset): Opaque, echoed in webhooks, never returned by GET. At
            most 16 KiB.
        input_timeout_hours (int | None | Unset): Hours an input request may stay unanswered before the case fails with
            `input_timeout`.
        input_reminder_hours (int | None | Unset): While an input request waits, `case.input_needed` is sent again every
            this many hours
            (event id suffix `_reminder_<n>`), at most 3 times.
        send_window (None | SendWindowBody | Unset):
        wait_for_open_cases (bool | None | Unset): One case at a time: the case stays `CREATED` (showing `queuedBehind`)
            until your
            earlier open cases for the same counterparty address have ended, then starts.
    """

    channel: ChannelName
    goal: GoalBody
    counterparty: CounterpartyBody
    sender_persona: SenderPersonaBody
    client_reference_id: None | str | Unset = UNSET
    constraints: list[str] | None | Unset = UNSET
    max_attempts: int | None | Unset = 3
    follow_up_delay_hours: int | None | Unset = 72
    result_schema: JsonSchema | None | Unset = UNSET
    client_webhook_url: None | str | Unset = UNSET
    metadata: CreateCaseBodyMetadataType0 | None | Unset = UNSET
    input_timeout_hours: int | None | Unset = UNSET
    input_reminder_hours: int | None | Unset = UNSET
    send_window: None | SendWindowBody | Unset = UNSET
    wait_for_open_cases: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.create_case_body_metadata_type_0 import CreateCaseBodyMetadataType0  # noqa: PLC0415
        from ..models.json_schema import JsonSchema  # noqa: PLC0415
        from ..models.send_window_body import SendWindowBody  # noqa: PLC0415

        channel: str = self.channel

        goal = self.goal.to_dict()

        counterparty = self.counterparty.to_dict()

        sender_persona = self.sender_persona.to_dict()

        client_reference_id: None | str | Unset
        if isinstance(self.client_reference_id, Unset):
            client_reference_id = UNSET
        else:
            client_reference_id = self.client_reference_id

        constraints: list[str] | None | Unset
        if isinstance(self.constraints, Unset):
            constraints = UNSET
        elif isinstance(self.constraints, list):
            constraints = self.constraints

        else:
            constraints = self.constraints

        max_attempts: int | None | Unset
        if isinstance(self.max_attempts, Unset):
            max_attempts = UNSET
        else:
            max_attempts = self.max_attempts

        follow_up_delay_hours: int | None | Unset
        if isinstance(self.follow_up_delay_hours, Unset):
            follow_up_delay_hours = UNSET
        else:
            follow_up_delay_hours = self.follow_up_delay_hours

        result_schema: dict[str, Any] | None | Unset
        if isinstance(self.result_schema, Unset):
            result_schema = UNSET
        elif isinstance(self.result_schema, JsonSchema):
            result_schema = self.result_schema.to_dict()
        else:
            result_schema = self.result_schema

        client_webhook_url: None | str | Unset
        if isinstance(self.client_webhook_url, Unset):
            client_webhook_url = UNSET
        else:
            client_webhook_url = self.client_webhook_url

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, CreateCaseBodyMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        input_timeout_hours: int | None | Unset
        if isinstance(self.input_timeout_hours, Unset):
            input_timeout_hours = UNSET
        else:
            input_timeout_hours = self.input_timeout_hours

        input_reminder_hours: int | None | Unset
        if isinstance(self.input_reminder_hours, Unset):
            input_reminder_hours = UNSET
        else:
            input_reminder_hours = self.input_reminder_hours

        send_window: dict[str, Any] | None | Unset
        if isinstance(self.send_window, Unset):
            send_window = UNSET
        elif isinstance(self.send_window, SendWindowBody):
            send_window = self.send_window.to_dict()
        else:
            send_window = self.send_window

        wait_for_open_cases: bool | None | Unset
        if isinstance(self.wait_for_open_cases, Unset):
            wait_for_open_cases = UNSET
        else:
            wait_for_open_cases = self.wait_for_open_cases

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "goal": goal,
                "counterparty": counterparty,
                "senderPersona": sender_persona,
            }
        )
        if client_reference_id is not UNSET:
            field_dict["clientReferenceId"] = client_reference_id
        if constraints is not UNSET:
            field_dict["constraints"] = constraints
        if max_attempts is not UNSET:
            field_dict["maxAttempts"] = max_attempts
        if follow_up_delay_hours is not UNSET:
            field_dict["followUpDelayHours"] = follow_up_delay_hours
        if result_schema is not UNSET:
            field_dict["resultSchema"] = result_schema
        if client_webhook_url is not UNSET:
            field_dict["clientWebhookUrl"] = client_webhook_url
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if input_timeout_hours is not UNSET:
            field_dict["inputTimeoutHours"] = input_timeout_hours
        if input_reminder_hours is not UNSET:
            field_dict["inputReminderHours"] = input_reminder_hours
        if send_window is not UNSET:
            field_dict["sendWindow"] = send_window
        if wait_for_open_cases is not UNSET:
            field_dict["waitForOpenCases"] = wait_for_open_cases

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.counterparty_body import CounterpartyBody  # noqa: PLC0415
        from ..models.create_case_body_metadata_type_0 import CreateCaseBodyMetadataType0  # noqa: PLC0415
        from ..models.goal_body import GoalBody  # noqa: PLC0415
        from ..models.json_schema import JsonSchema  # noqa: PLC0415
        from ..models.send_window_body import SendWindowBody  # noqa: PLC0415
        from ..models.sender_persona_body import SenderPersonaBody  # noqa: PLC0415

        d = dict(src_dict)
        channel = check_channel_name(d.pop("channel"))

        goal = GoalBody.from_dict(d.pop("goal"))

        counterparty = CounterpartyBody.from_dict(d.pop("counterparty"))

        sender_persona = SenderPersonaBody.from_dict(d.pop("senderPersona"))

        def _parse_client_reference_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_reference_id = _parse_client_reference_id(d.pop("clientReferenceId", UNSET))

        def _parse_constraints(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                constraints_type_1 = cast(list[str], data)

                return constraints_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        constraints = _parse_constraints(d.pop("constraints", UNSET))

        def _parse_max_attempts(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_attempts = _parse_max_attempts(d.pop("maxAttempts", UNSET))

        def _parse_follow_up_delay_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        follow_up_delay_hours = _parse_follow_up_delay_hours(d.pop("followUpDelayHours", UNSET))

        def _parse_result_schema(data: object) -> JsonSchema | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_schema_type_1 = JsonSchema.from_dict(data)

                return result_schema_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JsonSchema | None | Unset, data)

        result_schema = _parse_result_schema(d.pop("resultSchema", UNSET))

        def _parse_client_webhook_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_webhook_url = _parse_client_webhook_url(d.pop("clientWebhookUrl", UNSET))

        def _parse_metadata(data: object) -> CreateCaseBodyMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = CreateCaseBodyMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateCaseBodyMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_input_timeout_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_timeout_hours = _parse_input_timeout_hours(d.pop("inputTimeoutHours", UNSET))

        def _parse_input_reminder_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_reminder_hours = _parse_input_reminder_hours(d.pop("inputReminderHours", UNSET))

        def _parse_send_window(data: object) -> None | SendWindowBody | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                send_window_type_1 = SendWindowBody.from_dict(data)

                return send_window_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SendWindowBody | Unset, data)

        send_window = _parse_send_window(d.pop("sendWindow", UNSET))

        def _parse_wait_for_open_cases(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        wait_for_open_cases = _parse_wait_for_open_cases(d.pop("waitForOpenCases", UNSET))

        create_case_body = cls(
            channel=channel,
            goal=goal,
            counterparty=counterparty,
            sender_persona=sender_persona,
            client_reference_id=client_reference_id,
            constraints=constraints,
            max_attempts=max_attempts,
            follow_up_delay_hours=follow_up_delay_hours,
            result_schema=result_schema,
            client_webhook_url=client_webhook_url,
            metadata=metadata,
            input_timeout_hours=input_timeout_hours,
            input_reminder_hours=input_reminder_hours,
            send_window=send_window,
            wait_for_open_cases=wait_for_open_cases,
        )

        return create_case_body
