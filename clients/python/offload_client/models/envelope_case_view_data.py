from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.case_status import CaseStatus, check_case_status
from ..models.channel import Channel, check_channel
from ..models.result_status import ResultStatus, check_result_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment import Attachment
    from ..models.counterparty import Counterparty
    from ..models.goal import Goal
    from ..models.human_input import HumanInput
    from ..models.input_request import InputRequest
    from ..models.send_window import SendWindow
    from ..models.sender_persona import SenderPersona


T = TypeVar("T", bound="EnvelopeCaseViewData")


@_attrs_define
class EnvelopeCaseViewData:
    """The `data` of `GET /cases/{id}`.

    Attributes:
        case_id (str):
        status (CaseStatus):
        channel (Channel): The only channel this service implements.
        created_at (int): Unix epoch milliseconds.
        updated_at (int):
        next_action_at (int): `253402300799999` when nothing is scheduled (and while the case is paused).
        attempt_count (int):
        max_attempts (int):
        follow_up_delay_hours (int):
        counterparty (Counterparty): The person the service writes to.
        goal (Goal): What the case should achieve and what the agent may draw on.
        sender_persona (SenderPersona): Who the service writes as.
        attachments (list[Attachment]):
        human_inputs (list[HumanInput]):
        client_reference_id (None | str | Unset):
        paused (bool | Unset): The client paused the case (`POST /cases/{id}/pause`): it sends nothing until resumed.
        queued_behind (None | str | Unset): With `waitForOpenCases`: the earlier open case of the tenant for the same
            address this
            `CREATED` case waits for before it writes.
        constraints (list[str] | None | Unset):
        result_schema (Any | Unset):
        send_window (None | SendWindow | Unset):
        wait_for_open_cases (bool | None | Unset): As given at creation.
        result_status (None | ResultStatus | Unset):
        result (Any | Unset):
        input_request (InputRequest | None | Unset):
        conversation_thread (None | str | Unset): Only with `includeTranscript=true`: `null` before the first message,
            otherwise the whole
            conversation as plain text.
    """

    case_id: str
    status: CaseStatus
    channel: Channel
    created_at: int
    updated_at: int
    next_action_at: int
    attempt_count: int
    max_attempts: int
    follow_up_delay_hours: int
    counterparty: Counterparty
    goal: Goal
    sender_persona: SenderPersona
    attachments: list[Attachment]
    human_inputs: list[HumanInput]
    client_reference_id: None | str | Unset = UNSET
    paused: bool | Unset = UNSET
    queued_behind: None | str | Unset = UNSET
    constraints: list[str] | None | Unset = UNSET
    result_schema: Any | Unset = UNSET
    send_window: None | SendWindow | Unset = UNSET
    wait_for_open_cases: bool | None | Unset = UNSET
    result_status: None | ResultStatus | Unset = UNSET
    result: Any | Unset = UNSET
    input_request: InputRequest | None | Unset = UNSET
    conversation_thread: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.input_request import InputRequest  # noqa: PLC0415
        from ..models.send_window import SendWindow  # noqa: PLC0415

        case_id = self.case_id

        status: str = self.status

        channel: str = self.channel

        created_at = self.created_at

        updated_at = self.updated_at

        next_action_at = self.next_action_at

        attempt_count = self.attempt_count

        max_attempts = self.max_attempts

        follow_up_delay_hours = self.follow_up_delay_hours

        counterparty = self.counterparty.to_dict()

        goal = self.goal.to_dict()

        sender_persona = self.sender_persona.to_dict()

        attachments = []
        for attachments_item_data in self.attachments:
            attachments_item = attachments_item_data.to_dict()
            attachments.append(attachments_item)

        human_inputs = []
        for human_inputs_item_data in self.human_inputs:
            human_inputs_item = human_inputs_item_data.to_dict()
            human_inputs.append(human_inputs_item)

        client_reference_id: None | str | Unset
        if isinstance(self.client_reference_id, Unset):
            client_reference_id = UNSET
        else:
            client_reference_id = self.client_reference_id

        paused = self.paused

        queued_behind: None | str | Unset
        if isinstance(self.queued_behind, Unset):
            queued_behind = UNSET
        else:
            queued_behind = self.queued_behind

        constraints: list[str] | None | Unset
        if isinstance(self.constraints, Unset):
            constraints = UNSET
        elif isinstance(self.constraints, list):
            constraints = self.constraints

        else:
            constraints = self.constraints

        result_schema = self.result_schema

        send_window: dict[str, Any] | None | Unset
        if isinstance(self.send_window, Unset):
            send_window = UNSET
        elif isinstance(self.send_window, SendWindow):
            send_window = self.send_window.to_dict()
        else:
            send_window = self.send_window

        wait_for_open_cases: bool | None | Unset
        if isinstance(self.wait_for_open_cases, Unset):
            wait_for_open_cases = UNSET
        else:
            wait_for_open_cases = self.wait_for_open_cases

        result_status: None | str | Unset
        if isinstance(self.result_status, Unset):
            result_status = UNSET
        elif isinstance(self.result_status, str):
            result_status = self.result_status
        else:
            result_status = self.result_status

        result = self.result

        input_request: dict[str, Any] | None | Unset
        if isinstance(self.input_request, Unset):
            input_request = UNSET
        elif isinstance(self.input_request, InputRequest):
            input_request = self.input_request.to_dict()
        else:
            input_request = self.input_request

        conversation_thread: None | str | Unset
        if isinstance(self.conversation_thread, Unset):
            conversation_thread = UNSET
        else:
            conversation_thread = self.conversation_thread

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caseId": case_id,
                "status": status,
                "channel": channel,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "nextActionAt": next_action_at,
                "attemptCount": attempt_count,
                "maxAttempts": max_attempts,
                "followUpDelayHours": follow_up_delay_hours,
                "counterparty": counterparty,
                "goal": goal,
                "senderPersona": sender_persona,
                "attachments": attachments,
                "humanInputs": human_inputs,
            }
        )
        if client_reference_id is not UNSET:
            field_dict["clientReferenceId"] = client_reference_id
        if paused is not UNSET:
            field_dict["paused"] = paused
        if queued_behind is not UNSET:
            field_dict["queuedBehind"] = queued_behind
        if constraints is not UNSET:
            field_dict["constraints"] = constraints
        if result_schema is not UNSET:
            field_dict["resultSchema"] = result_schema
        if send_window is not UNSET:
            field_dict["sendWindow"] = send_window
        if wait_for_open_cases is not UNSET:
            field_dict["waitForOpenCases"] = wait_for_open_cases
        if result_status is not UNSET:
            field_dict["resultStatus"] = result_status
        if result is not UNSET:
            field_dict["result"] = result
        if input_request is not UNSET:
            field_dict["inputRequest"] = input_request
        if conversation_thread is not UNSET:
            field_dict["conversationThread"] = conversation_thread

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment import Attachment  # noqa: PLC0415
        from ..models.counterparty import Counterparty  # noqa: PLC0415
        from ..models.goal import Goal  # noqa: PLC0415
        from ..models.human_input import HumanInput  # noqa: PLC0415
        from ..models.input_request import InputRequest  # noqa: PLC0415
        from ..models.send_window import SendWindow  # noqa: PLC0415
        from ..models.sender_persona import SenderPersona  # noqa: PLC0415

        d = dict(src_dict)
        case_id = d.pop("caseId")

        status = check_case_status(d.pop("status"))

        channel = check_channel(d.pop("channel"))

        created_at = d.pop("createdAt")

        updated_at = d.pop("updatedAt")

        next_action_at = d.pop("nextActionAt")

        attempt_count = d.pop("attemptCount")

        max_attempts = d.pop("maxAttempts")

        follow_up_delay_hours = d.pop("followUpDelayHours")

        counterparty = Counterparty.from_dict(d.pop("counterparty"))

        goal = Goal.from_dict(d.pop("goal"))

        sender_persona = SenderPersona.from_dict(d.pop("senderPersona"))

        attachments = []
        _attachments = d.pop("attachments")
        for attachments_item_data in _attachments:
            attachments_item = Attachment.from_dict(attachments_item_data)

            attachments.append(attachments_item)

        human_inputs = []
        _human_inputs = d.pop("humanInputs")
        for human_inputs_item_data in _human_inputs:
            human_inputs_item = HumanInput.from_dict(human_inputs_item_data)

            human_inputs.append(human_inputs_item)

        def _parse_client_reference_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_reference_id = _parse_client_reference_id(d.pop("clientReferenceId", UNSET))

        paused = d.pop("paused", UNSET)

        def _parse_queued_behind(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queued_behind = _parse_queued_behind(d.pop("queuedBehind", UNSET))

        def _parse_constraints(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                constraints_type_0 = cast(list[str], data)

                return constraints_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        constraints = _parse_constraints(d.pop("constraints", UNSET))

        result_schema = d.pop("resultSchema", UNSET)

        def _parse_send_window(data: object) -> None | SendWindow | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                send_window_type_1 = SendWindow.from_dict(data)

                return send_window_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SendWindow | Unset, data)

        send_window = _parse_send_window(d.pop("sendWindow", UNSET))

        def _parse_wait_for_open_cases(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        wait_for_open_cases = _parse_wait_for_open_cases(d.pop("waitForOpenCases", UNSET))

        def _parse_result_status(data: object) -> None | ResultStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                result_status_type_1 = check_result_status(data)

                return result_status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ResultStatus | Unset, data)

        result_status = _parse_result_status(d.pop("resultStatus", UNSET))

        result = d.pop("result", UNSET)

        def _parse_input_request(data: object) -> InputRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_request_type_1 = InputRequest.from_dict(data)

                return input_request_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InputRequest | None | Unset, data)

        input_request = _parse_input_request(d.pop("inputRequest", UNSET))

        def _parse_conversation_thread(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        conversation_thread = _parse_conversation_thread(d.pop("conversationThread", UNSET))

        envelope_case_view_data = cls(
            case_id=case_id,
            status=status,
            channel=channel,
            created_at=created_at,
            updated_at=updated_at,
            next_action_at=next_action_at,
            attempt_count=attempt_count,
            max_attempts=max_attempts,
            follow_up_delay_hours=follow_up_delay_hours,
            counterparty=counterparty,
            goal=goal,
            sender_persona=sender_persona,
            attachments=attachments,
            human_inputs=human_inputs,
            client_reference_id=client_reference_id,
            paused=paused,
            queued_behind=queued_behind,
            constraints=constraints,
            result_schema=result_schema,
            send_window=send_window,
            wait_for_open_cases=wait_for_open_cases,
            result_status=result_status,
            result=result,
            input_request=input_request,
            conversation_thread=conversation_thread,
        )

        envelope_case_view_data.additional_properties = d
        return envelope_case_view_data

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
