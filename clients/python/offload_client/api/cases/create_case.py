from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_case_body import CreateCaseBody
from ...models.envelope_created_case import EnvelopeCreatedCase
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateCaseBody,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/cases",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EnvelopeCreatedCase | ErrorEnvelope | None:
    if response.status_code == 201:
        response_201 = EnvelopeCreatedCase.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EnvelopeCreatedCase | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateCaseBody,
    idempotency_key: str | Unset = UNSET,
) -> Response[EnvelopeCreatedCase | ErrorEnvelope]:
    """Create a case. It is durably recorded when the answer is sent; no email has gone out yet.

    Args:
        idempotency_key (str | Unset):
        body (CreateCaseBody): The body of `POST /cases`. Unknown fields are refused. Example:
            {'channel': 'EMAIL', 'goal': {'objective': 'Get the signed W-9 form for Northstar
            Supplies.', 'knowledge': {'vendorId': 'V-1042'}, 'privateKnowledge': {'paymentHold':
            'Payments stay on hold until the W-9 arrives.'}}, 'counterparty': {'address':
            'ap@northstar.example', 'name': 'Maya Chen', 'company': 'Northstar Supplies'},
            'senderPersona': {'name': 'Avery', 'role': 'Accounts Payable', 'company': 'Acme', 'tone':
            'friendly'}, 'clientReferenceId': 'vendor-1042', 'constraints': ['Do not offer to pay any
            fee.'], 'maxAttempts': 3, 'followUpDelayHours': 72, 'resultSchema': {'type': 'object',
            'properties': {'w9Received': {'type': 'boolean'}, 'taxYear': {'type': 'string'}},
            'required': ['w9Received']}, 'clientWebhookUrl': 'https://hooks.acme.example/offload',
            'metadata': {'ticket': 7}, 'inputTimeoutHours': 168, 'inputReminderHours': 24,
            'sendWindow': {'start': '09:00', 'end': '17:00', 'days': ['MON', 'TUE', 'WED', 'THU',
            'FRI']}, 'waitForOpenCases': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeCreatedCase | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateCaseBody,
    idempotency_key: str | Unset = UNSET,
) -> EnvelopeCreatedCase | ErrorEnvelope | None:
    """Create a case. It is durably recorded when the answer is sent; no email has gone out yet.

    Args:
        idempotency_key (str | Unset):
        body (CreateCaseBody): The body of `POST /cases`. Unknown fields are refused. Example:
            {'channel': 'EMAIL', 'goal': {'objective': 'Get the signed W-9 form for Northstar
            Supplies.', 'knowledge': {'vendorId': 'V-1042'}, 'privateKnowledge': {'paymentHold':
            'Payments stay on hold until the W-9 arrives.'}}, 'counterparty': {'address':
            'ap@northstar.example', 'name': 'Maya Chen', 'company': 'Northstar Supplies'},
            'senderPersona': {'name': 'Avery', 'role': 'Accounts Payable', 'company': 'Acme', 'tone':
            'friendly'}, 'clientReferenceId': 'vendor-1042', 'constraints': ['Do not offer to pay any
            fee.'], 'maxAttempts': 3, 'followUpDelayHours': 72, 'resultSchema': {'type': 'object',
            'properties': {'w9Received': {'type': 'boolean'}, 'taxYear': {'type': 'string'}},
            'required': ['w9Received']}, 'clientWebhookUrl': 'https://hooks.acme.example/offload',
            'metadata': {'ticket': 7}, 'inputTimeoutHours': 168, 'inputReminderHours': 24,
            'sendWindow': {'start': '09:00', 'end': '17:00', 'days': ['MON', 'TUE', 'WED', 'THU',
            'FRI']}, 'waitForOpenCases': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeCreatedCase | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateCaseBody,
    idempotency_key: str | Unset = UNSET,
) -> Response[EnvelopeCreatedCase | ErrorEnvelope]:
    """Create a case. It is durably recorded when the answer is sent; no email has gone out yet.

    Args:
        idempotency_key (str | Unset):
        body (CreateCaseBody): The body of `POST /cases`. Unknown fields are refused. Example:
            {'channel': 'EMAIL', 'goal': {'objective': 'Get the signed W-9 form for Northstar
            Supplies.', 'knowledge': {'vendorId': 'V-1042'}, 'privateKnowledge': {'paymentHold':
            'Payments stay on hold until the W-9 arrives.'}}, 'counterparty': {'address':
            'ap@northstar.example', 'name': 'Maya Chen', 'company': 'Northstar Supplies'},
            'senderPersona': {'name': 'Avery', 'role': 'Accounts Payable', 'company': 'Acme', 'tone':
            'friendly'}, 'clientReferenceId': 'vendor-1042', 'constraints': ['Do not offer to pay any
            fee.'], 'maxAttempts': 3, 'followUpDelayHours': 72, 'resultSchema': {'type': 'object',
            'properties': {'w9Received': {'type': 'boolean'}, 'taxYear': {'type': 'string'}},
            'required': ['w9Received']}, 'clientWebhookUrl': 'https://hooks.acme.example/offload',
            'metadata': {'ticket': 7}, 'inputTimeoutHours': 168, 'inputReminderHours': 24,
            'sendWindow': {'start': '09:00', 'end': '17:00', 'days': ['MON', 'TUE', 'WED', 'THU',
            'FRI']}, 'waitForOpenCases': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeCreatedCase | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateCaseBody,
    idempotency_key: str | Unset = UNSET,
) -> EnvelopeCreatedCase | ErrorEnvelope | None:
    """Create a case. It is durably recorded when the answer is sent; no email has gone out yet.

    Args:
        idempotency_key (str | Unset):
        body (CreateCaseBody): The body of `POST /cases`. Unknown fields are refused. Example:
            {'channel': 'EMAIL', 'goal': {'objective': 'Get the signed W-9 form for Northstar
            Supplies.', 'knowledge': {'vendorId': 'V-1042'}, 'privateKnowledge': {'paymentHold':
            'Payments stay on hold until the W-9 arrives.'}}, 'counterparty': {'address':
            'ap@northstar.example', 'name': 'Maya Chen', 'company': 'Northstar Supplies'},
            'senderPersona': {'name': 'Avery', 'role': 'Accounts Payable', 'company': 'Acme', 'tone':
            'friendly'}, 'clientReferenceId': 'vendor-1042', 'constraints': ['Do not offer to pay any
            fee.'], 'maxAttempts': 3, 'followUpDelayHours': 72, 'resultSchema': {'type': 'object',
            'properties': {'w9Received': {'type': 'boolean'}, 'taxYear': {'type': 'string'}},
            'required': ['w9Received']}, 'clientWebhookUrl': 'https://hooks.acme.example/offload',
            'metadata': {'ticket': 7}, 'inputTimeoutHours': 168, 'inputReminderHours': 24,
            'sendWindow': {'start': '09:00', 'end': '17:00', 'days': ['MON', 'TUE', 'WED', 'THU',
            'FRI']}, 'waitForOpenCases': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeCreatedCase | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
