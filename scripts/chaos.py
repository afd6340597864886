#!/usr/bin/env python3
"""The chaos suite: cases driven through every path while their parts are killed.

Runs a Temporal dev server (SQLite file), offload-api and offload-worker (the built binaries), a
scripted SES endpoint (the worker's mailer) and a webhook receiver that fails every other
request. Creates cases of six kinds, plays the counterparty and the client through the public API
only, and meanwhile kills the worker with SIGKILL at random moments, restarts the Temporal server
(same database file) and kills the API. Then it checks, and prints:

- every case ends in its expected state;
- 0 lost replies, 0 lost inputs (each exactly once in the case);
- 0 duplicate messages at SES (per Message-ID), and none missing that the case calls delivered;
- every expected webhook delivered at least once, in order per case.

Exit status 0 only when all of that holds. Standard library only. See scripts/chaos.sh.
"""

import argparse
import base64
import email
import email.policy
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ["evidence", "question", "refusal", "silence", "cancel", "automatic"]
EXPECTED = {
    "evidence": ("COMPLETED", "goal_achieved", ["case.completed"]),
    "question": ("COMPLETED", "goal_achieved", ["case.input_needed", "case.completed"]),
    "refusal": ("FAILED", "failed_rejected", ["case.failed"]),
    "silence": ("FAILED", "max_retries", ["case.failed"]),
    "cancel": ("FAILED", "cancelled", ["case.failed"]),
    "automatic": ("COMPLETED", "goal_achieved", ["case.completed"]),
}
COUNTERPARTY = "ap@northstar.example"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class Recorder:
    """What the scripted SES endpoint and the webhook receiver saw (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ses = {}  # Message-ID -> {"count": n, "case": id, "reply_to": addr}
        self.webhooks = {}  # caseId -> [event_type of each successful delivery, in order]
        self.webhook_requests = 0
        self.webhook_tries = {}  # event_id -> attempts seen
        self.webhook_log = {}  # caseId -> lines, for a failing check

    def ses_message(self, raw):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = str(message.get("Message-ID", "")).strip("<> ")
        case_id = str(message.get("X-Offload-Case", "") or "")
        reply_to = str(message.get("Reply-To", ""))
        if "<" in reply_to:
            reply_to = reply_to.split("<", 1)[1].split(">", 1)[0]
        with self.lock:
            entry = self.ses.setdefault(message_id, {"count": 0, "case": case_id, "reply_to": reply_to})
            entry["count"] += 1

    def reply_address(self, case_id):
        with self.lock:
            for entry in self.ses.values():
                if entry["case"] == case_id and entry["reply_to"]:
                    return entry["reply_to"]
        return None


def serve_ses(recorder, port):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            raw = base64.b64decode(json.loads(body)["Content"]["Raw"]["Data"])
            recorder.ses_message(raw)
            # Widen the window in which a killed worker leaves SES with the message.
            time.sleep(random.uniform(0, 0.3))
            answer = json.dumps({"MessageId": f"scripted-{random.getrandbits(64):016x}"}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = QuietServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def serve_webhooks(recorder, port):
    """Fails every other request for each event (the first, third, ... attempt)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            event = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            case_id = event["data"]["caseId"]
            with recorder.lock:
                recorder.webhook_requests += 1
                tries = recorder.webhook_tries.setdefault(event["event_id"], 0) + 1
                recorder.webhook_tries[event["event_id"]] = tries
                fail = tries % 2 == 1
                recorder.webhook_log.setdefault(case_id, []).append(
                    f"{time.strftime('%H:%M:%S')} {event['event_type']} try {tries} -> {500 if fail else 200}")
                if not fail:
                    recorder.webhooks.setdefault(case_id, []).append(event["event_type"])
            self.send_response(500 if fail else 200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = QuietServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


class QuietServer(ThreadingHTTPServer):
    """A killed worker leaves its requests half-done; that is the point, not an error."""

    def handle_error(self, request, client_address):
        pass


class Parts:
    """The processes under test, restartable."""

    def __init__(self, args, work, env):
        self.args, self.work, self.env = args, work, env
        self.procs = {}
        self.lock = threading.Lock()
        # Parts a restart has in hand: keep_alive leaves them alone, so a part killed on purpose
        # is not started twice (the second copy would run on untracked, past the end).
        self.restarting = set()
        self.kills = {"worker": 0, "temporal": 0, "api": 0}

    def command(self, name):
        if name == "temporal":
            return [self.args.temporal, "server", "start-dev", "--headless", "--ip", "127.0.0.1",
                    "--port", str(self.env["TEMPORAL_PORT"]), "--db-filename",
                    os.path.join(self.work, "temporal.db"), "--log-level", "error"]
        return [os.path.join(self.args.bin, f"offload-{name}")]

    def start(self, name):
        out = open(os.path.join(self.work, f"{name}.log"), "ab")
        with self.lock:
            self.procs[name] = subprocess.Popen(self.command(name), env=self.env, stdout=out,
                                                stderr=out, start_new_session=True)

    def stop(self, name, sig):
        with self.lock:
            proc = self.procs.get(name)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait()

    def restart(self, name, sig=signal.SIGKILL, pause=0.0):
        with self.lock:
            self.restarting.add(name)
        try:
            self.stop(name, sig)
            self.kills[name] += 1
            time.sleep(pause)
            self.start(name)
        finally:
            with self.lock:
                self.restarting.discard(name)

    def keep_alive(self):
        """Restarts a part that died on its own (e.g. the API while Temporal was down)."""
        with self.lock:
            dead = [n for n, p in self.procs.items()
                    if n not in self.restarting and p.poll() is not None]
        for name in dead:
            log(f"{name} exited on its own; restarting")
            self.start(name)

    def stop_all(self):
        for name in list(self.procs):
            self.stop(name, signal.SIGTERM)


class Api:
    def __init__(self, base, key, secret):
        self.base, self.key, self.secret = base, key, secret

    def call(self, method, path, body=None, headers=None, raw=None, patience=120):
        """Retries through outages (connection refused, 5xx) until `patience` seconds pass."""
        deadline = time.time() + patience
        while True:
            data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
            request = urllib.request.Request(self.base + path, data=data, method=method)
            request.add_header("x-api-key", self.key)
            if body is not None:
                request.add_header("content-type", "application/json")
            for k, v in (headers or {}).items():
                request.add_header(k, v)
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    return response.status, json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                payload = error.read()
                if error.code < 500 and error.code != 429:
                    return error.code, json.loads(payload or b"null")
            except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
                pass
            if time.time() > deadline:
                raise RuntimeError(f"{method} {path}: no answer within {patience} s")
            time.sleep(0.5)

    def view(self, case_id, transcript=False):
        suffix = "?includeTranscript=true" if transcript else ""
        status, body = self.call("GET", f"/cases/{case_id}{suffix}")
        return body["data"] if status == 200 else None

    def reply(self, case_id, reply_to, message_id, text, automatic=False):
        extra = "Auto-Submitted: auto-replied\r\n" if automatic else ""
        raw = (f"From: Maya Chen <{COUNTERPARTY}>\r\nTo: <{reply_to}>\r\nSubject: Re: W-9\r\n"
               f"Message-ID: <{message_id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n")
        status, body = self.call("POST", "/inbound/email", raw=raw.encode(), headers={
            "content-type": "message/rfc822", "x-offload-inbound-secret": self.secret})
        if status not in (200, 202):
            raise RuntimeError(f"reply to {case_id}: {status} {body}")


class Case:
    def __init__(self, n, kind, case_id):
        self.n, self.kind, self.case_id = n, kind, case_id
        self.step = 0
        self.replies = []  # unique tokens of the replies sent (each must appear once)
        self.answers = []  # unique tokens of the inputs given
        self.done = False
        self.view = None


def drive(api, recorder, case):
    """Advances one case by at most one step; the step's action is idempotent on retry."""
    view = api.view(case.case_id)
    if view is None:
        return
    case.view = view
    if view["status"] in ("COMPLETED", "FAILED"):
        case.done = True
        return
    reply_to = recorder.reply_address(case.case_id)
    token = f"tok-{case.n}-{case.step}"

    def reply(text, automatic=False):
        case.replies.append(token)
        api.reply(case.case_id, reply_to, f"{token}@northstar.example", f"{text} [{token}]", automatic)
        case.step += 1

    evidence = "Here is the signed W-9, attached and confirmed."
    if not reply_to or view["attemptCount"] < 1:
        return
    kind, step = case.kind, case.step
    if kind == "evidence" and step == 0:
        reply(evidence)
    elif kind == "refusal" and step == 0:
        reply("Sorry, we are not interested.")
    elif kind == "cancel" and step == 0:
        status, body = api.call("POST", f"/cases/{case.case_id}/cancel")
        # 200: ended; 202: queued on the case (no worker answered in time); 409: already ended.
        if status not in (200, 202, 409):
            raise RuntimeError(f"cancel {case.case_id}: {status} {body}")
        case.step += 1
    elif kind == "automatic" and step == 0:
        reply("I am out of office until Monday.", automatic=True)
    elif kind == "automatic" and step == 1:
        reply(evidence)
    elif kind == "question" and step == 0:
        reply("Which tax year do you need?")
    elif kind == "question" and step == 1 and view["status"] == "INPUT_NEEDED":
        request = view["inputRequest"]
        if request and request["status"] == "PENDING":
            case.answers.append(token)
            status, body = api.call("POST", f"/cases/{case.case_id}/input", {
                "inputRequestId": request["id"], "providedContext": f"Tax year 2025 [{token}]"})
            if status not in (202, 409):
                raise RuntimeError(f"input {case.case_id}: {status} {body}")
            case.step += 1
    elif kind == "question" and step == 2 and view["attemptCount"] >= 2:
        reply(evidence)


def chaos(parts, args, stop):
    """Kills and restarts parts on a schedule spread over the run."""
    rng = random.Random(args.seed + 1)
    temporal_at = {args.kills // 3, (2 * args.kills) // 3} if args.temporal_restarts >= 2 else {args.kills // 2}
    api_at = args.kills // 2 + 1
    done = 0
    while not stop.is_set() and done < args.kills:
        time.sleep(rng.uniform(0.3, 2.5))
        if stop.is_set():
            break
        parts.restart("worker", signal.SIGKILL, pause=rng.uniform(0, 0.5))
        done += 1
        if done in temporal_at and parts.kills["temporal"] < args.temporal_restarts:
            log("restarting the Temporal server (same database file)")
            parts.restart("temporal", signal.SIGTERM, pause=0.5)
        if done == api_at and args.api_restarts:
            log("killing the API")
            parts.restart("api", signal.SIGKILL, pause=0.3)
    log(f"chaos done: {parts.kills}")


def check(api, recorder, cases):
    problems = []
    lost_replies = lost_inputs = duplicates = missing = 0
    unconfirmed = 0
    for case in cases:
        expected_status, expected_result, expected_events = EXPECTED[case.kind]
        view = api.view(case.case_id, transcript=True)
        if view["status"] != expected_status or view.get("resultStatus") != expected_result:
            problems.append(f"case {case.n} ({case.kind}): {view['status']}/{view.get('resultStatus')}, "
                            f"expected {expected_status}/{expected_result}")
        thread = view.get("conversationThread") or ""
        for token in case.replies:
            seen = thread.count(f"[{token}]")
            if seen != 1:
                lost_replies += seen == 0
                problems.append(f"case {case.n} ({case.kind}): reply {token} appears {seen} times")
        answers = [h["providedContext"] for h in view.get("humanInputs", [])]
        for token in case.answers:
            seen = sum(f"[{token}]" in a for a in answers)
            if seen != 1:
                lost_inputs += seen == 0
                problems.append(f"case {case.n} ({case.kind}): input {token} applied {seen} times")
        with recorder.lock:
            sent = [e for e in recorder.ses.values() if e["case"] == case.case_id]
            events = list(recorder.webhooks.get(case.case_id, []))
        doubled = [e for e in sent if e["count"] > 1]
        duplicates += len(doubled)
        if doubled:
            problems.append(f"case {case.n} ({case.kind}): {len(doubled)} message(s) sent twice")
        uncertain = thread.count("· delivery unconfirmed")
        unconfirmed += uncertain
        confirmed = view["attemptCount"] - uncertain
        if not confirmed <= len(sent) <= view["attemptCount"]:
            missing += 1
            problems.append(f"case {case.n} ({case.kind}): SES has {len(sent)} message(s), the case "
                            f"{view['attemptCount']} ({uncertain} unconfirmed)")
        first_seen = []
        for event in events:
            if event not in first_seen:
                first_seen.append(event)
        if first_seen != expected_events:
            with recorder.lock:
                tries = "; ".join(recorder.webhook_log.get(case.case_id, [])) or "no request"
            problems.append(f"case {case.n} ({case.kind}) {case.case_id}: webhooks {first_seen}, "
                            f"expected {expected_events} ({tries})")
    return problems, lost_replies, lost_inputs, duplicates, missing, unconfirmed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory with offload-api and offload-worker")
    parser.add_argument("--temporal", required=True, help="the temporal CLI")
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--kills", type=int, default=20, help="worker SIGKILLs")
    parser.add_argument("--temporal-restarts", type=int, default=2)
    parser.add_argument("--api-restarts", type=int, default=1)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--timeout", type=int, default=600, help="seconds for every case to end")
    parser.add_argument("--work", default=None, help="directory for the run's data and logs")
    args = parser.parse_args()
    random.seed(args.seed)
    work = args.work or f"/tmp/offload-chaos-{os.getpid()}"
    os.makedirs(work, exist_ok=True)
    log(f"chaos: {args.cases} cases, {args.kills} worker kills, {args.temporal_restarts} Temporal "
        f"restarts, {args.api_restarts} API restarts, seed {args.seed}, logs in {work}")

    recorder = Recorder()
    ses_port, hook_port, api_port, temporal_port = free_port(), free_port(), free_port(), free_port()
    serve_ses(recorder, ses_port)
    serve_webhooks(recorder, hook_port)
    secret = "chaos-inbound-secret"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TEMPORAL_PORT": str(temporal_port),
        "OFFLOAD_TEMPORAL_ADDRESS": f"http://127.0.0.1:{temporal_port}",
        "OFFLOAD_API_ADDR": f"127.0.0.1:{api_port}",
        "OFFLOAD_PUBLIC_URL": f"http://127.0.0.1:{api_port}",
        "OFFLOAD_DATA_DIR": os.path.join(work, "data"),
        "OFFLOAD_KEYS_FILE": os.path.join(work, "data", "keys.toml"),
        "OFFLOAD_TASK_QUEUE": "chaos",
        "OFFLOAD_HOUR_SECONDS": "1",
        "OFFLOAD_MAILER": "ses",
        "OFFLOAD_AWS_ENDPOINT_URL": f"http://127.0.0.1:{ses_port}",
        "OFFLOAD_MAIL_FROM": "Offload Chaos <chaos@mail.test>",
        "OFFLOAD_REPLY_DOMAIN": "reply.mail.test",
        "OFFLOAD_REPLY_SIGNING_KEY": "chaos reply signing key, long enough to be real",
        "OFFLOAD_INBOUND_SECRET": secret,
        "OFFLOAD_WEBHOOK_ALLOW_HTTP": "true",
        "OFFLOAD_WEBHOOK_ALLOW_CIDRS": "127.0.0.1/32",
        "OFFLOAD_RATE_LIMIT_PER_MINUTE": "100000",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
    }
    os.makedirs(env["OFFLOAD_DATA_DIR"], exist_ok=True)
    minted = subprocess.run([os.path.join(args.bin, "offload-api"), "mint-key", "--tenant", "chaos",
                             "--append"], env=env, capture_output=True, text=True, check=True)
    key = minted.stdout.splitlines()[1].strip()

    parts = Parts(args, work, env)
    parts.start("temporal")
    time.sleep(2)
    parts.start("worker")
    parts.start("api")
    api = Api(f"http://127.0.0.1:{api_port}", key, secret)
    status, _ = api.call("GET", "/healthz", patience=60)
    stop = threading.Event()
    try:
        cases = []
        hooks = f"http://127.0.0.1:{hook_port}/hooks"
        for n in range(args.cases):
            kind = KINDS[n % len(KINDS)]
            body = {
                "channel": "EMAIL",
                "goal": {"objective": "Collect the signed W-9"},
                "counterparty": {"address": COUNTERPARTY, "name": "Maya Chen"},
                "senderPersona": {"name": "Avery"},
                "clientWebhookUrl": hooks,
                "maxAttempts": 1 if kind == "silence" else 3,
                "followUpDelayHours": 3 if kind == "silence" else 600,
            }
            status, created = api.call("POST", "/cases", body, headers={"idempotency-key": f"chaos-{args.seed}-{n}"})
            if status not in (200, 201):
                raise RuntimeError(f"create: {status} {created}")
            cases.append(Case(n, kind, created["data"]["caseId"]))
        log(f"{len(cases)} cases created")
        chaos_thread = threading.Thread(target=chaos, args=(parts, args, stop), daemon=True)
        chaos_thread.start()
        deadline = time.time() + args.timeout
        while not all(c.done for c in cases):
            if time.time() > deadline:
                raise RuntimeError("not every case ended: " + ", ".join(
                    f"{c.n} {c.kind} step {c.step} {c.view and c.view['status']}" for c in cases if not c.done))
            parts.keep_alive()
            for case in cases:
                if not case.done:
                    drive(api, recorder, case)
            time.sleep(0.2)
        stop.set()
        chaos_thread.join()
        parts.keep_alive()
        log("every case ended; waiting for the last webhooks")
        expected_total = sum(len(EXPECTED[c.kind][2]) for c in cases)
        settle = time.time() + 90
        while time.time() < settle:
            with recorder.lock:
                delivered = sum(len(set(v)) for v in recorder.webhooks.values())
            if delivered >= expected_total:
                break
            time.sleep(0.5)
        problems, lost_replies, lost_inputs, duplicates, missing, unconfirmed = check(api, recorder, cases)
        replies = sum(len(c.replies) for c in cases)
        inputs = sum(len(c.answers) for c in cases)
        with recorder.lock:
            messages = len(recorder.ses)
            hook_requests = recorder.webhook_requests
            hook_failures = sum((t + 1) // 2 for t in recorder.webhook_tries.values())
        print()
        print(f"cases                 {len(cases)} ({', '.join(f'{k} {sum(c.kind == k for c in cases)}' for k in KINDS)})")
        print(f"faults                worker SIGKILL {parts.kills['worker']}, Temporal restarts "
              f"{parts.kills['temporal']}, API SIGKILL {parts.kills['api']}, webhook requests failed "
              f"{hook_failures} of {hook_requests}")
        print(f"cases as expected     {len(cases) - sum(1 for p in problems if 'expected' in p and 'webhooks' not in p)}/{len(cases)}")
        print(f"replies               {replies} sent, {lost_replies} lost")
        print(f"inputs                {inputs} given, {lost_inputs} lost")
        print(f"messages at SES       {messages}, {duplicates} duplicate, {missing} case(s) missing one, "
              f"{unconfirmed} recorded as delivery unconfirmed")
        print(f"webhooks              {expected_total} expected events, all delivered in order: "
              f"{'yes' if not any('webhooks' in p for p in problems) else 'no'}")
        print(f"seed                  {args.seed}")
        if problems:
            print("\nPROBLEMS:")
            for problem in problems:
                print("  " + problem)
            sys.exit(1)
        print("\nchaos: nothing lost, nothing doubled")
    finally:
        stop.set()
        parts.stop_all()


if __name__ == "__main__":
    main()
