"""Create a case, read it, answer its input request: the Offload API through the generated client.

    export OFFLOAD_URL=http://127.0.0.1:8080 OFFLOAD_API_KEY=ofk_…
    python examples/create_case.py                  # create a case, print its id
    python examples/create_case.py CASE_ID          # read it (status, pending question)
    python examples/create_case.py CASE_ID "2025"   # answer its pending input request
"""

import os
import sys
from uuid import UUID

from offload_client import AuthenticatedClient
from offload_client.api.cases import create_case, get_case, provide_input
from offload_client.models import (
    CounterpartyBody,
    CreateCaseBody,
    ErrorEnvelope,
    GoalBody,
    InputBody,
    InputRequest,
    JsonSchema,
    SenderPersonaBody,
)


def connect() -> AuthenticatedClient:
    # The API key goes in `x-api-key`, as is (no "Bearer").
    return AuthenticatedClient(
        base_url=os.environ.get("OFFLOAD_URL", "http://127.0.0.1:8080"),
        token=os.environ["OFFLOAD_API_KEY"],
        auth_header_name="x-api-key",
        prefix="",
        raise_on_unexpected_status=True,
    )


def ok(answer):
    """The `data` of a success, or exit with the error's code and message."""
    if isinstance(answer, ErrorEnvelope):
        sys.exit(f"{answer.error.code}: {answer.error.message}")
    return answer.data


def main(args: list[str]) -> None:
    with connect() as client:
        if not args:
            body = CreateCaseBody(
                channel="EMAIL",
                goal=GoalBody(objective="Get the signed W-9 form for Northstar Supplies."),
                counterparty=CounterpartyBody(address="ap@northstar.example", name="Maya Chen"),
                sender_persona=SenderPersonaBody(name="Avery", role="Accounts Payable", company="Acme"),
                result_schema=JsonSchema.from_dict(
                    {
                        "type": "object",
                        "properties": {"w9Received": {"type": "boolean"}, "taxYear": {"type": "string"}},
                        "required": ["w9Received"],
                    }
                ),
            )
            print(ok(create_case.sync(client=client, body=body)).case_id)
            return
        case_id = UUID(args[0])
        view = ok(get_case.sync(case_id, client=client))
        request = view.input_request
        pending = isinstance(request, InputRequest) and request.status == "PENDING"
        print(view.status, view.result_status or "", request.question if pending else "")
        if len(args) > 1:
            if not pending:
                sys.exit(f"{case_id} is not waiting for input")
            body = InputBody(input_request_id=request.id, provided_context=args[1])
            print("answered", ok(provide_input.sync(case_id, client=client, body=body)).input_request_id)


if __name__ == "__main__":
    main(sys.argv[1:])
