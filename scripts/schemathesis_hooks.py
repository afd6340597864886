"""Schemathesis hooks for Offload's contract fuzzing (loaded through SCHEMATHESIS_HOOKS).

- `POST /inbound/email` takes a raw RFC 822 message: generated strings are sent as text.
- The counterparty: for the first cases the stateful phase creates, the hook reads the message the
  service sent (the outbox), replies to it from the counterparty's address with a question (the
  case asks its client: `INPUT_NEEDED`), then with an attachment. The links from `GET
  /cases/{id}` (answer the input request, fetch the attachment, cancel) then reach live cases
  instead of 404s.
- Cursors are opaque: a schema cannot tell an issued cursor from any other base64url string, so
  valid-data requests carry only cursors the API issued (for the same filters, or the same
  case's events) or none.
"""

import email
import email.policy
import email.utils
import json
import os
import sys
import threading
import time
import urllib.request
import uuid
from email.message import EmailMessage

import schemathesis

schemathesis.serializer.alias("message/rfc822", "text/plain")

API = f"http://{os.environ['OFFLOAD_API_ADDR']}"
OUTBOX = os.environ["OFFLOAD_OUTBOX_DIR"]
KEY = os.environ["OFFLOAD_FUZZ_KEY"]
INBOUND_SECRET = os.environ["OFFLOAD_INBOUND_SECRET"]
# How many created cases the counterparty answers (each costs a few seconds of waiting).
PLAYED_CASES = int(os.environ.get("OFFLOAD_FUZZ_PLAYED_CASES", "10"))

_lock = threading.Lock()
_played: list[str] = []
_issued_cursors: dict[tuple, set[str]] = {}
# What the counterparty did, printed by fuzz-api.sh from this file.
_REPORT = os.environ.get("OFFLOAD_FUZZ_REPORT")


def _request(method, path, body=None, headers=None):
    request = urllib.request.Request(API + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _case(case_id):
    status, body = _request("GET", f"/cases/{case_id}", headers={"x-api-key": KEY})
    return body["data"] if status == 200 else None


def _until(what, condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"counterparty: timed out waiting for {what}")


def _reply(sent, build):
    """A reply to `sent` from its recipient, to its Reply-To address, in its thread."""
    reply = EmailMessage()
    # Addresses only, read from the raw headers: generated names may hold line breaks (sent
    # encoded), which Python's structured headers refuse.
    reply["From"] = email.utils.parseaddr(str(sent["To"]))[1]
    reply["To"] = email.utils.parseaddr(str(sent["Reply-To"]))[1]
    reply["Subject"] = "Re: your message"
    reply["Message-ID"] = f"<{uuid.uuid4()}@counterparty.example>"
    reply["In-Reply-To"] = str(sent["Message-ID"]).strip()
    reply["References"] = str(sent["Message-ID"]).strip()
    build(reply)
    status, body = _request(
        "POST",
        "/inbound/email",
        body=reply.as_bytes(policy=email.policy.SMTP),
        headers={"content-type": "message/rfc822", "x-offload-inbound-secret": INBOUND_SECRET},
    )
    if status != 202:
        raise AssertionError(f"counterparty: reply refused with {status}: {body}")


def _play_counterparty(case_id):
    path = os.path.join(OUTBOX, f"{case_id}-001.eml")
    _until(f"the first message of {case_id}", lambda: os.path.exists(path))
    with open(path, "rb") as file:
        sent = email.message_from_binary_file(file, policy=email.policy.compat32)
    _reply(sent, lambda m: m.set_content("Thanks. Which tax year should the form cover?"))
    _until(
        f"{case_id} to ask its client",
        lambda: (_case(case_id) or {}).get("status") == "INPUT_NEEDED",
    )

    def with_attachment(message):
        message.set_content("A draft of the form is attached.")
        message.add_attachment(b"W-9 draft\n", maintype="text", subtype="plain", filename="w9-draft.txt")

    _reply(sent, with_attachment)
    _until(f"{case_id}'s attachment", lambda: (_case(case_id) or {}).get("attachments"))
    if _REPORT:
        with _lock, open(_REPORT, "a", encoding="utf-8") as report:
            report.write(f"answered {case_id}\n")


def _cursor_scope(case):
    """What an issued cursor is bound to: the listing's filters, or the case whose events it
    pages; `None` for operations without cursors."""
    label = case.operation.label
    if label == "GET /cases":
        query = case.query or {}
        return tuple((name, str(query.get(name))) for name in ("status", "clientReferenceId"))
    if label == "GET /cases/{id}/events":
        return ("events", str((case.path_parameters or {}).get("id")))
    if label == "GET /suppressions":
        return ("suppressions",)
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    scope = _cursor_scope(case)
    if scope is None or not case.query or "cursor" not in case.query:
        return
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    with _lock:
        issued = sorted(_issued_cursors.get(scope, ()))
    if case.query["cursor"] not in issued:
        if issued:
            case.query["cursor"] = issued[0]
        else:
            del case.query["cursor"]


@schemathesis.hook
def after_call(context, case, response):
    label = case.operation.label
    if os.environ.get("OFFLOAD_FUZZ_DEBUG"):
        phase = case.meta.phase.name if case.meta else None
        detail = response.text[:200] if "input" in label and response.status_code != 202 else ""
        print(f"[hook] {label} {response.status_code} phase={phase!r} {case.body!r:.200} {detail}", flush=True)
    scope = _cursor_scope(case)
    if scope is not None and response.status_code == 200:
        cursor = (response.json().get("data") or {}).get("nextCursor")
        if cursor:
            with _lock:
                _issued_cursors.setdefault(scope, set()).add(cursor)
        if label == "GET /cases":
            return
    case_id = (case.path_parameters or {}).get("id")
    if case_id in _played and _REPORT:
        # A call that met a case the counterparty answered (fuzz-api.sh prints the tally).
        with _lock, open(_REPORT, "a", encoding="utf-8") as report:
            report.write(f"call {label} {response.status_code}\n")
            if os.environ.get("OFFLOAD_FUZZ_DEBUG"):
                print(f"[live] {label} {response.status_code} {case.body!r:.300} {response.text[:300]}", flush=True)
    if label != "POST /cases" or response.status_code != 201:
        return
    if case.meta is None or case.meta.phase.name != "stateful":
        return
    # A generated sending window may hold the outreach for days, and a case queued behind an
    # earlier one for the same address waits for it: nothing to answer yet.
    if isinstance(case.body, dict) and case.body.get("sendWindow"):
        return
    if response.json()["data"].get("queuedBehind"):
        return
    with _lock:
        if len(_played) >= PLAYED_CASES:
            return
        case_id = response.json()["data"]["caseId"]
        _played.append(case_id)
    try:
        _play_counterparty(case_id)
    except Exception as error:
        # Said where the run's log shows it (schemathesis reports a hook's error only as one),
        # and failed on by fuzz-api.sh: the service let its counterparty down.
        print(f"[counterparty] {case_id}: {error}", file=sys.stderr, flush=True)
        if _REPORT:
            with _lock, open(_REPORT, "a", encoding="utf-8") as report:
                report.write(f"failed {case_id}: {error}\n")
        raise
