from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_redelivery_accepted import EnvelopeRedeliveryAccepted
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    id: UUID,
    event_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/cases/{id}/webhooks/{event_id}/redeliver".format(
            id=quote(str(id), safe=""),
            event_id=quote(str(event_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EnvelopeRedeliveryAccepted | ErrorEnvelope | None:
    if response.status_code == 202:
        response_202 = EnvelopeRedeliveryAccepted.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

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
) -> Response[EnvelopeRedeliveryAccepted | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[EnvelopeRedeliveryAccepted | ErrorEnvelope]:
    """Deliver a past webhook event of the case again: the same body and `event_id`, a fresh
    `webhook-timestamp` and signature, through the same retrying path (each attempt on the
    timeline). Events delivered by this version of the service can be redelivered: a case that
    goes on queues it behind its own events; a finished case delivers it apart, at most 100
    times.

    Args:
        id (UUID):
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeRedeliveryAccepted | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
        event_id=event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> EnvelopeRedeliveryAccepted | ErrorEnvelope | None:
    """Deliver a past webhook event of the case again: the same body and `event_id`, a fresh
    `webhook-timestamp` and signature, through the same retrying path (each attempt on the
    timeline). Events delivered by this version of the service can be redelivered: a case that
    goes on queues it behind its own events; a finished case delivers it apart, at most 100
    times.

    Args:
        id (UUID):
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeRedeliveryAccepted | ErrorEnvelope
    """

    return sync_detailed(
        id=id,
        event_id=event_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[EnvelopeRedeliveryAccepted | ErrorEnvelope]:
    """Deliver a past webhook event of the case again: the same body and `event_id`, a fresh
    `webhook-timestamp` and signature, through the same retrying path (each attempt on the
    timeline). Events delivered by this version of the service can be redelivered: a case that
    goes on queues it behind its own events; a finished case delivers it apart, at most 100
    times.

    Args:
        id (UUID):
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeRedeliveryAccepted | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
        event_id=event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> EnvelopeRedeliveryAccepted | ErrorEnvelope | None:
    """Deliver a past webhook event of the case again: the same body and `event_id`, a fresh
    `webhook-timestamp` and signature, through the same retrying path (each attempt on the
    timeline). Events delivered by this version of the service can be redelivered: a case that
    goes on queues it behind its own events; a finished case delivers it apart, at most 100
    times.

    Args:
        id (UUID):
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeRedeliveryAccepted | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            id=id,
            event_id=event_id,
            client=client,
        )
    ).parsed
