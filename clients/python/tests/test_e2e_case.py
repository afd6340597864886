"""One case end to end through the generated Python client, against a live stack (a Temporal dev
server, offload-worker and offload-api, as scripts/client-e2e.sh starts them):

    create → outreach → the counterparty asks → INPUT_NEEDED → the client answers → the answer is
    relayed → the counterparty sends the form → COMPLETED with a result valid against the schema

Every call the API's client makes goes through offload_client. The counterparty is played the way
a mail system delivers its replies: raw RFC 822 messages to POST /inbound/email (with the inbound
secret), answering the messages the service wrote to the local outbox.

Environment: OFFLOAD_URL, OFFLOAD_API_KEY, OFFLOAD_INBOUND_SECRET, OFFLOAD_OUTBOX_DIR.
"""

import email
import email.policy
import email.utils
import json
import os
import time
import urllib.error
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path
from uuid import UUID

import jsonschema
import pytest

if "OFFLOAD_URL" not in os.environ:
    pytest.skip("needs a live stack: run scripts/client-e2e.sh", allow_module_level=True)

from offload_client import AuthenticatedClient
from offload_client.api.cases import case_events, create_case, get_case, list_cases, provide_input
from offload_client.models import (
    CounterpartyBody,
    CreateCaseBody,
    EnvelopeCasePage,
    EnvelopeCaseView,
    EnvelopeCreatedCase,
    EnvelopeEventPage,
    EnvelopeInputAccepted,
    GoalBody,
    InputBody,
    InputRequest,
    JsonSchema,
    SenderPersonaBody,
)
from offload_client.types import Unset

URL = os.environ["OFFLOAD_URL"]
OUTBOX = Path(os.environ["OFFLOAD_OUTBOX_DIR"])
INBOUND_SECRET = os.environ["OFFLOAD_INBOUND_SECRET"]
COUNTERPARTY = "ap@northstar.example"
RESULT_SCHEMA = {
    "type": "object",
    "properties": {"w9Received": {"type": "boolean"}, "taxYear": {"type": "string"}},
    "required": ["w9Received", "taxYear"],
}
QUESTION = "Happy to help. Which tax year should the form cover?"
ANSWER = "Tax year 2025, please."
EVIDENCE = "Here is the signed form.\r\nTax year: 2025"


@pytest.fixture
def client():
    with AuthenticatedClient(
        base_url=URL,
        token=os.environ["OFFLOAD_API_KEY"],
        auth_header_name="x-api-key",
        prefix="",
        raise_on_unexpected_status=True,
    ) as client:
        yield client


def read(client, case_id):
    answer = get_case.sync_detailed(case_id, client=client)
    assert answer.status_code == 200 and isinstance(answer.parsed, EnvelopeCaseView), (
        f"GET /cases/{case_id}: {answer.status_code} {answer.content[:500]!r}"
    )
    return answer.parsed.data


def timeline(client, case_id):
    answer = case_events.sync_detailed(case_id, client=client, limit=200)
    assert answer.status_code == 200 and isinstance(answer.parsed, EnvelopeEventPage), (
        f"GET /cases/{case_id}/events: {answer.status_code} {answer.content[:500]!r}"
    )
    return answer.parsed.data.events


def seen(client, case_id, view):
    """What the case looked like, for a failure message."""
    request = view.input_request
    said = {
        "status": view.status,
        "resultStatus": view.result_status,
        "attemptCount": view.attempt_count,
        "inputRequest": request.to_dict() if isinstance(request, InputRequest) else None,
        "humanInputs": [h.to_dict() for h in view.human_inputs],
        "result": view.result,
        "outbox": sorted(p.name for p in OUTBOX.glob(f"{case_id}-*.eml")),
    }
    try:
        said["timeline"] = [event.type_ for event in timeline(client, case_id)]
    except Exception as error:  # the timeline is only for the message
        said["timeline"] = f"unreadable: {error}"
    return json.dumps({k: (None if isinstance(v, Unset) else v) for k, v in said.items()}, indent=2)


def wait_for(client, case_id, what, condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    view = read(client, case_id)
    while not condition(view):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{case_id}: no {what} within {seconds:.0f} s; last seen:\n{seen(client, case_id, view)}"
            )
        time.sleep(0.2)
        view = read(client, case_id)
    return view


def sent(case_id, n):
    """The `n`th message the service sent on the case, from the local outbox."""
    path = OUTBOX / f"{case_id}-{n:03}.eml"
    assert path.exists(), f"no {path.name} in the outbox: {sorted(p.name for p in OUTBOX.glob(f'{case_id}-*'))}"
    with path.open("rb") as file:
        return email.message_from_binary_file(file, policy=email.policy.default)


def reply(message, text):
    """The counterparty answers `message` in its thread, to its Reply-To, through the mail route."""
    answer = EmailMessage()
    answer["From"] = f"Maya Chen <{COUNTERPARTY}>"
    answer["To"] = email.utils.parseaddr(str(message["Reply-To"]))[1]
    answer["Subject"] = f"Re: {message['Subject']}"
    answer["Message-ID"] = f"<{uuid.uuid4()}@northstar.example>"
    answer["In-Reply-To"] = str(message["Message-ID"]).strip()
    answer["References"] = str(message["Message-ID"]).strip()
    answer.set_content(text)
    request = urllib.request.Request(
        f"{URL}/inbound/email",
        data=answer.as_bytes(policy=email.policy.SMTP),
        method="POST",
        headers={"content-type": "message/rfc822", "x-offload-inbound-secret": INBOUND_SECRET},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    assert status == 202, f"POST /inbound/email: {status} {body[:500]!r}"


def test_a_case_goes_from_creation_through_a_question_and_an_answer_to_completed(client):
    # Create, with an idempotency key (a header parameter of the generated operation).
    body = CreateCaseBody(
        channel="EMAIL",
        goal=GoalBody(objective="Get the signed W-9 form for Northstar Supplies."),
        counterparty=CounterpartyBody(address=COUNTERPARTY, name="Maya Chen"),
        sender_persona=SenderPersonaBody(name="Avery", role="Accounts Payable", company="Acme"),
        client_reference_id="client-e2e",
        result_schema=JsonSchema.from_dict(RESULT_SCHEMA),
    )
    created = create_case.sync_detailed(client=client, body=body, idempotency_key=str(uuid.uuid4()))
    assert created.status_code == 201 and isinstance(created.parsed, EnvelopeCreatedCase), (
        f"POST /cases: {created.status_code} {created.content[:500]!r}"
    )
    case_id = UUID(created.parsed.data.case_id)
    assert created.parsed.data.status == "CREATED"
    assert created.headers["location"] == f"/cases/{case_id}"

    # Outreach: the first message goes to the counterparty.
    view = wait_for(client, case_id, "outreach", lambda v: v.attempt_count >= 1)
    assert view.status == "RUNNING", seen(client, case_id, view)
    first = sent(case_id, 1)
    assert email.utils.parseaddr(str(first["To"]))[1] == COUNTERPARTY
    assert view.result_schema == RESULT_SCHEMA

    # The counterparty asks a question: the case asks its client.
    reply(first, QUESTION)
    view = wait_for(client, case_id, "input request", lambda v: v.status == "INPUT_NEEDED")
    request = view.input_request
    assert isinstance(request, InputRequest), seen(client, case_id, view)
    assert request.status == "PENDING"
    assert request.question == 'Maya Chen asked: "Which tax year should the form cover?"'

    # The listing finds it by status (visibility follows within moments).
    deadline = time.monotonic() + 15
    while True:
        page = list_cases.sync_detailed(client=client, status="INPUT_NEEDED", client_reference_id="client-e2e")
        assert page.status_code == 200 and isinstance(page.parsed, EnvelopeCasePage), page.content[:500]
        if str(case_id) in [summary.case_id for summary in page.parsed.data.cases]:
            break
        assert time.monotonic() < deadline, f"GET /cases?status=INPUT_NEEDED never listed {case_id}"
        time.sleep(0.3)

    # The client answers the pending request.
    accepted = provide_input.sync_detailed(
        case_id, client=client, body=InputBody(input_request_id=request.id, provided_context=ANSWER)
    )
    assert accepted.status_code == 202 and isinstance(accepted.parsed, EnvelopeInputAccepted), (
        f"POST /cases/{case_id}/input: {accepted.status_code} {accepted.content[:500]!r}"
    )
    assert accepted.parsed.data.accepted is True
    assert accepted.parsed.data.input_request_id == request.id

    # The answer is relayed to the counterparty, and the case runs again.
    view = wait_for(client, case_id, "relayed answer", lambda v: v.attempt_count == 2 and v.status == "RUNNING")
    assert isinstance(view.input_request, InputRequest) and view.input_request.status == "RESOLVED"
    assert [h.provided_context for h in view.human_inputs] == [ANSWER]
    relayed = sent(case_id, 2)
    assert ANSWER in relayed.get_body(("plain",)).get_content(), relayed

    # The counterparty sends the form: the case completes with a result that fits the schema.
    reply(relayed, EVIDENCE)
    view = wait_for(client, case_id, "completion", lambda v: v.status in ("COMPLETED", "FAILED"))
    assert view.status == "COMPLETED" and view.result_status == "goal_achieved", seen(client, case_id, view)
    jsonschema.validate(view.result, view.result_schema)
    assert view.result == {"w9Received": True, "taxYear": "2025"}, seen(client, case_id, view)

    # The timeline, read through the generated union of event types, tells the same story.
    kinds = [event.type_ for event in timeline(client, case_id)]
    story = [
        "email.sent",
        "email.received",
        "input.requested",
        "input.provided",
        "email.sent",
        "email.received",
        "case.finished",
    ]
    steps = iter(kinds)
    assert all(kind in steps for kind in story), f"timeline {kinds} lacks the steps {story} in order"
