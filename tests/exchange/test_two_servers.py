"""Two Licentia servers on loopback, each with its own database and key, the other as its peer.

Server A (deployment `de-a`, for DE) and server B (`fr-b`, for FR) run under gunicorn; the test
drives them as an operator would (the `licentia` command with each server's environment) and as a
peer would (signed HTTP requests), and reads each server's database to check what was applied.

Covered: push right after commit, both directions; a resend of the same envelope (applied once);
a tampered envelope (refused, audited); a lost connection recovered by B pulling, and by A pushing
again; out-of-order arrival (held, then applied in order). Then, with the coordination app
installed, its workflow on both servers through each authority's API, which sends every
coordination message type, one of them through an outage. The variant matches the suite's database: two SQLite files,
or two PostgreSQL databases created and dropped on the suite's server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from licentia.exchange.envelope import AUTH_HEADER, SigningKey, sign_request

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Server:
    name: str
    deployment: str
    member_state: str
    root: Path
    database_url: str
    key: SigningKey
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    operator: subprocess.Popen[str] | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def prepare(self) -> None:
        key_file = self.root / "exchange" / "signing-key.pem"
        key_file.parent.mkdir(mode=0o700, parents=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(self.key.to_pem())
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("LICENTIA_", "DJANGO_")) and name != "DATABASE_URL"
        }
        self.env = inherited | {
            "PYTHONPATH": str(PROJECT),
            "DJANGO_SETTINGS_MODULE": "licentia.web.settings",
            "DATABASE_URL": self.database_url,
            "LICENTIA_DATA_DIR": str(self.root),
            "LICENTIA_SECRET_KEY": f"two-server-test-{self.name}-{uuid.uuid4()}",
            "LICENTIA_ALLOWED_HOSTS": "127.0.0.1",
            "LICENTIA_EXCHANGE_DEPLOYMENT": self.deployment,
            "LICENTIA_EXCHANGE_KEY_FILE": str(key_file),
            "LICENTIA_EXCHANGE_HANDLERS": "tests.exchange.handlers",
            "LICENTIA_EXCHANGE_TIMEOUT": "5",
            "COLUMNS": "500",  # one line per report
        }

    def run(self, *args: str, check: bool = True, **env: str) -> Result:
        """`licentia ...` with this server's environment (in its operator process)."""
        assert self.operator is not None
        assert self.operator.stdin
        assert self.operator.stdout
        self.operator.stdin.write(json.dumps({"args": list(args), "env": env}) + "\n")
        self.operator.stdin.flush()
        answer = json.loads(self.operator.stdout.readline() or "{}")
        result = Result(
            answer.get("exit_code", -1), answer.get("stdout", ""), answer.get("stderr", "")
        )
        if check and result.exit_code != 0:
            raise AssertionError(
                f"{self.name}: licentia {' '.join(args)} failed ({result.exit_code}):\n"
                f"{result.stdout}{result.stderr}{self.log('operator.log')}"
            )
        return result

    def start_operator(self) -> None:
        with open(self.root / "operator.log", "ab") as log:
            self.operator = subprocess.Popen(
                [sys.executable, "-m", "tests.exchange.operator"],
                env=self.env,
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )

    def wait_for_operator(self) -> None:
        assert self.operator is not None
        assert self.operator.stdout
        line = self.operator.stdout.readline()
        assert line.strip() == '{"ready": true}', f"{self.name}: {self.log('operator.log')}"

    def stop_operator(self) -> None:
        if self.operator is not None:
            assert self.operator.stdin
            assert self.operator.stdout
            self.operator.stdin.close()
            try:
                self.operator.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.operator.kill()
                self.operator.wait()
            self.operator.stdout.close()
            self.operator = None

    def start(self) -> None:
        self.spawn()
        self.wait_until_up()

    def spawn(self) -> None:
        with open(self.root / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "licentia.web.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                ],
                env=self.env,
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} stopped: {self.log()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "api/v1/exchange/key", timeout=5) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not start: {self.log()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def log(self, name: str = "server.log") -> str:
        path = self.root / name
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # -- reading this server's database --------------------------------------------------

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        if self.database_url.startswith("sqlite"):
            with contextlib.closing(sqlite3.connect(urlsplit(self.database_url).path)) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def execute(self, sql: str, *params: object) -> None:
        if self.database_url.startswith("sqlite"):
            with contextlib.closing(sqlite3.connect(urlsplit(self.database_url).path)) as db:
                db.execute(sql.replace("%s", "?"), params)
                db.commit()
            return
        import psycopg

        with psycopg.connect(self.database_url) as db:
            db.execute(sql, params)  # type: ignore[arg-type]

    def applied_notes(self) -> list[str]:
        rows = self.rows(
            "SELECT payload FROM audit_auditevent WHERE action = %s ORDER BY sequence",
            "exchange.test.applied",
        )
        return [(json.loads(p) if isinstance(p, str) else p)["note"] for (p,) in rows]

    def channel(self) -> tuple[int, int, int]:
        """(last sent, received through, applied through) with the one peer."""
        ((sent, received, applied),) = self.rows(
            "SELECT last_sent_sequence, received_through, applied_through FROM exchange_peer"
        )
        return sent, received, applied

    def outbox(self) -> dict[int, tuple[str, str, int]]:
        rows = self.rows(
            "SELECT sequence, state, delivered_by, attempts FROM exchange_outboxmessage"
        )
        return {seq: (state, by, attempts) for seq, state, by, attempts in rows}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def call(
    server: Server,
    method: str,
    path: str,
    *,
    as_server: Server,
    body: bytes = b"",
) -> tuple[int, dict[str, Any]]:
    """A request to `server` signed as `as_server` would sign it."""
    auth = sign_request(
        key=as_server.key,
        deployment=as_server.deployment,
        method=method,
        path="/" + path,
        body=body,
        now=timezone.now(),
    )
    request = urllib.request.Request(
        server.url + path,
        data=body or None,
        method=method,
        headers={AUTH_HEADER: auth.header(), "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def publish(server: Server, *notes: str, to: str, push: bool = True) -> None:
    lines = "\n".join(
        json.dumps(
            {"kind": "test.note", "payload": {"note": n}, "from": server.member_state, "to": [to]}
        )
        for n in notes
    )
    path = server.root / "publish.jsonl"
    path.write_text(lines)
    server.run(
        "exchange",
        "publish",
        "--file",
        str(path),
        LICENTIA_EXCHANGE_PUSH_ON_COMMIT="1" if push else "0",
    )


# -- the databases -----------------------------------------------------------------------------


def _postgres_admin_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/postgres"


@contextlib.contextmanager
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two database URLs of the suite's kind (A created empty, B made by `copy_database`);
    PostgreSQL ones are dropped afterwards."""
    if connection.vendor == "sqlite":
        yield (
            f"sqlite:///{tmp_path / 'a' / 'db.sqlite3'}",
            f"sqlite:///{tmp_path / 'b' / 'db.sqlite3'}",
        )
        return
    import psycopg

    admin = _postgres_admin_url()
    names = [f"licentia_exchange_{side}_{uuid.uuid4().hex[:10]}" for side in "ab"]
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{names[0]}"')  # type: ignore[arg-type]
    try:
        parts = urlsplit(admin)
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)  # type: ignore[misc]
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            for name in names:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def copy_database(source: str, target: str) -> None:
    if source.startswith("sqlite"):
        Path(urlsplit(target).path).write_bytes(Path(urlsplit(source).path).read_bytes())
        return
    import psycopg

    admin = _postgres_admin_url()
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(
            f'CREATE DATABASE "{urlsplit(target).path[1:]}" TEMPLATE "{urlsplit(source).path[1:]}"'  # type: ignore[arg-type]
        )


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    if connection.vendor not in {"sqlite", "postgresql"}:
        pytest.skip(f"two-server test runs on SQLite or PostgreSQL, not {connection.vendor}")
    with databases(tmp_path) as (url_a, url_b):
        a = Server("A", "de-a", "DE", tmp_path / "a", url_a, SigningKey.generate())
        b = Server("B", "fr-b", "FR", tmp_path / "b", url_b, SigningKey.generate())
        for server in (a, b):
            server.root.mkdir()
            server.prepare()
            server.port = free_port()
        try:
            for server in (a, b):
                server.start_operator()
            # Migrate A's database, then give B a copy: both start empty and identical.
            migrate = subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"],
                env=a.env,
                cwd=a.root,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert migrate.returncode == 0, migrate.stderr
            copy_database(url_a, url_b)
            for server in (a, b):
                server.spawn()
            for server, other in ((a, b), (b, a)):
                server.wait_for_operator()
                server.run(
                    "exchange", "peers", "add", other.deployment,
                    "--url", other.url,
                    "--key", other.key.public_text,
                    "--member-states", other.member_state,
                )  # fmt: skip
            for server in (a, b):
                server.wait_until_up()
            yield a, b
        finally:
            for server in (a, b):
                server.stop()
                server.stop_operator()


def test_two_servers_exchange_with_outage_resend_tampering_and_reordering(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers

    # 1. Published on A, pushed to B right after commit, applied once; and B to A.
    publish(a, "n1", "n2", to="FR")
    assert b.applied_notes() == ["n1", "n2"]
    assert a.outbox() == {1: ("delivered", "push", 1), 2: ("delivered", "push", 1)}
    publish(b, "b1", to="DE")
    assert a.applied_notes() == ["b1"]

    # 2. A resend of the same envelope: accepted as a duplicate, applied once.
    status, page = call(a, "GET", "api/v1/exchange/outbox?after=0", as_server=b)
    assert status == 200
    envelopes = page["envelopes"]
    assert [e["sequence"] for e in envelopes] == [1, 2]
    body = json.dumps(envelopes[0]).encode()
    status, receipt = call(b, "POST", "api/v1/exchange/inbox", as_server=a, body=body)
    assert (status, receipt["status"]) == (200, "duplicate")
    assert b.applied_notes() == ["n1", "n2"]

    # 3. A tampered envelope: refused with a clear error and an audit event; nothing applied.
    forged = dict(envelopes[1], payload={"note": "forged"})
    status, error = call(
        b, "POST", "api/v1/exchange/inbox", as_server=a, body=json.dumps(forged).encode()
    )
    assert (status, error["code"]) == (401, "bad_signature")
    assert b.rows("SELECT code FROM exchange_rejection") == [("bad_signature",)]
    assert b.rows("SELECT count(*) FROM audit_auditevent WHERE action = 'exchange.rejected'") == [
        (1,)
    ]
    assert b.applied_notes() == ["n1", "n2"]

    # 4. Lost connection, recovered by B pulling: B stops, A publishes (the push fails and
    #    backs off), B starts again and its sync pulls the message.
    b.stop()
    publish(a, "n3", to="FR")
    state, _, attempts = a.outbox()[3]
    assert (state, attempts) == ("pending", 1)
    assert (
        "cannot reach peer fr-b"
        in a.rows("SELECT last_error FROM exchange_outboxmessage WHERE sequence = 3")[0][0]
    )
    b.start()
    done = b.run("exchange", "sync")
    assert "pulled 1" in done.stdout, done.stdout + done.stderr
    assert b.applied_notes() == ["n1", "n2", "n3"]
    assert a.outbox()[3][:2] == ("pending", "")  # acknowledged by B's next pull
    b.run("exchange", "sync")
    assert a.outbox()[3][:2] == ("delivered", "pull")

    # 5. Lost connection, recovered by A pushing again (forced past the backoff).
    b.stop()
    publish(a, "n4", to="FR")
    deferred = a.run("exchange", "sync", check=False)
    assert deferred.exit_code == 1
    assert "cannot reach peer fr-b" in deferred.stderr + deferred.stdout
    b.start()
    assert "push deferred" in a.run("exchange", "sync").stdout  # still backing off
    assert "pushed 1" in a.run("exchange", "sync", "--force").stdout
    assert b.applied_notes() == ["n1", "n2", "n3", "n4"]
    assert a.outbox()[4][:2] == ("delivered", "push")

    # 6. Out-of-order arrival: 6 before 5 is held; 5 applies both, in order.
    publish(a, "n5", "n6", to="FR", push=False)
    status, page = call(a, "GET", "api/v1/exchange/outbox?after=4", as_server=b)
    five, six = page["envelopes"]
    status, receipt = call(
        b, "POST", "api/v1/exchange/inbox", as_server=a, body=json.dumps(six).encode()
    )
    assert (status, receipt["status"], receipt["applied_through"]) == (200, "held", 4)
    assert b.applied_notes() == ["n1", "n2", "n3", "n4"]
    status, receipt = call(
        b, "POST", "api/v1/exchange/inbox", as_server=a, body=json.dumps(five).encode()
    )
    assert (status, receipt["status"], receipt["applied_through"]) == (200, "applied", 6)
    assert b.applied_notes() == ["n1", "n2", "n3", "n4", "n5", "n6"]
    # A still has 5 and 6 pending: its sync sends them again, B takes them as duplicates.
    assert "pushed 2" in a.run("exchange", "sync").stdout
    assert b.applied_notes() == ["n1", "n2", "n3", "n4", "n5", "n6"]

    # 7. Both sides agree; nothing held or failed; both audit chains intact.
    assert a.channel() == (6, 1, 1)
    assert b.channel() == (1, 6, 6)
    status_b = json.loads(b.run("exchange", "status", "--json").stdout)
    assert status_b[0] | {"held": 0, "failed": 0, "pending": 0} == status_b[0]
    for server in (a, b):
        assert "intact" in server.run("audit", "verify").stdout


# -- the coordination workflow across the two deployments ------------------------------------

END_USER = {"name": "Okhrana Systems LLC", "country": "RU", "address": "Ulitsa Lenina 5, Moscow"}


@dataclass(frozen=True)
class Authority:
    """One Member State's licensing authority on its server, as its officer reaches it."""

    server: Server
    token: str
    case: int
    criteria: list[str]

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The officer's request to /api/v1/coordination/... or /api/v1/cases/...; fails on
        anything but 2xx."""
        status, answer = self.try_api(method, path, body)
        assert 200 <= status < 300, (method, path, status, answer)
        return answer

    def try_api(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.server.url + "api/v1/" + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read())

    def recommend(self, outcome: str, *, refusal_criteria: tuple[str, ...] = ()) -> None:
        """Assign the case, assess every criterion, recommend."""
        self.api("POST", f"cases/{self.case}/assign", {})
        for criterion in (*self.criteria, *refusal_criteria):
            ground = criterion in refusal_criteria
            self.api(
                "PUT",
                f"cases/{self.case}/assessments",
                {
                    "criterion": criterion,
                    "finding": "refusal-ground" if ground else "no-concern",
                    "reasoning": "Risk of use for internal repression."
                    if ground
                    else "Checked against the dossier.",
                },
            )
        self.api(
            "POST",
            f"cases/{self.case}/recommendation",
            {
                "outcome": outcome,
                "reasoning": "The operator's lawful-interception safeguards were verified on site."
                if outcome == "grant"
                else "Clear risk of use for internal repression.",
                "refusal_criteria": list(refusal_criteria),
                "validity_months": 12 if outcome == "grant" else None,
            },
        )


def set_up(server: Server, **kwargs: Any) -> Authority:
    assert server.operator is not None
    assert server.operator.stdin
    assert server.operator.stdout
    request = {"call": "tests.exchange.authorities:authority_with_case", "kwargs": kwargs}
    server.operator.stdin.write(json.dumps(request) + "\n")
    server.operator.stdin.flush()
    answer = json.loads(server.operator.stdout.readline() or "{}")
    assert "result" in answer, answer.get("error", answer)
    made = answer["result"]
    return Authority(server, made["token"], made["case"], made["criteria"])


def received(server: Server) -> list[tuple[str, str]]:
    """(kind, sender) of each coordination message the server applied, in order."""
    rows = server.rows("SELECT kind, sender FROM coordination_incomingmessage ORDER BY id")
    return [(kind, sender) for kind, sender in rows]


def test_two_servers_run_the_coordination_workflow(servers: tuple[Server, Server]) -> None:
    """Every coordination message type, each made by an authority's own workflow on its server
    (through the API) and applied by the coordination app of the other: DE refuses and amends
    its denial; FR finds the essentially identical transaction, is stopped from granting, and
    consults DE; DE extends and (after a lost connection) replies; FR grants despite the denial;
    DE imposes a catch-all requirement and FR agrees with it; at the month's end each side
    sends its decision statistics."""
    if not apps.is_installed("licentia.coordination"):
        pytest.skip("the coordination app is not installed")
    a, b = servers
    bafa = set_up(a, member_state="DE", authority="BAFA", exporter="Acme Surveillance GmbH",
                  end_user=END_USER)  # fmt: skip
    sbdu = set_up(b, member_state="FR", authority="SBDU", exporter="Vision Sécurité SAS",
                  end_user=END_USER | {"name": "OKHRANA SYSTEMS, LLC"})  # fmt: skip

    # 1. DE refuses: the refusal is notified as a denial, pushed to FR and applied there.
    bafa.recommend("refuse", refusal_criteria=("cp-2",))
    bafa.api("POST", f"cases/{bafa.case}/decision", {})
    (own,) = bafa.api("GET", "coordination/denials")["denials"]
    assert (own["member_state"], own["kind"], own["criteria"]) == ("DE", "refusal", ["cp-2"])
    assert received(b) == [("denial-notice", "DE")]
    (notice,) = sbdu.api("GET", "coordination/denials")["denials"]
    assert (notice["uid"], notice["local"], notice["authority"]) == (own["uid"], False, "BAFA")
    assert notice["items"][0]["entry"] == "5A001.j"
    assert notice["end_users"][0]["name"] == "Okhrana Systems LLC"
    # FR's case, opened before, was checked against the received denial: a new dossier shows
    # the match, and FR's officer is told.
    latest, first = sbdu.api("GET", f"cases/{sbdu.case}/dossiers")
    assert (latest["number"], first["number"]) == (2, 1)
    assert latest["trigger"].startswith("denial notified later")
    assert [d["notice"] for d in latest["prior_denials"]["denials"]] == [own["uid"]]
    assert b.rows(
        "SELECT count(*) FROM notifications_notification WHERE text LIKE %s",
        "%essentially identical transaction%",
    ) == [(1,)]

    # 2. DE amends its denial (Art 16(3)); FR holds the amended notice.
    bafa.api(
        "POST",
        f"coordination/denials/{own['id']}/review",
        {"outcome": "amend", "reason": "Reasoning completed", "changes": {
            "reasoning": "Clear risk of use for internal repression of journalists."}},
    )  # fmt: skip
    assert received(b)[-1] == ("denial-update", "DE")
    notice = sbdu.api("GET", f"coordination/denials/{notice['id']}")
    assert notice["reasoning"] == "Clear risk of use for internal repression of journalists."
    assert notice["state"] == "amended"

    # 3. FR's case is essentially identical (same end user written differently, same entry):
    #    the match shows with its evidence, and a grant is refused until DE is consulted.
    matches = sbdu.api("GET", f"coordination/cases/{sbdu.case}/matches")
    (match,) = matches["matches"]
    assert (match["notice"], match["member_state"]) == (own["uid"], "DE")
    assert match["score"] > 0.8, match
    assert matches["consultations_needed"] == [
        {"member_state": "DE", "denials": [own["uid"]], "consultation": None, "completed": False}
    ]
    sbdu.recommend("grant")
    status, stopped = sbdu.try_api("POST", f"cases/{sbdu.case}/decision", {})
    assert (status, stopped["code"]) == (409, "consultation_required"), stopped

    # 4. FR consults DE (Art 16(5)); DE receives it with its own denial attached.
    asked = sbdu.api(
        "POST",
        "coordination/consultations",
        {"case": sbdu.case, "kind": "art16-5", "consulted_member_state": "DE",
         "question": "Is this essentially identical to your refusal?",
         "denials": [notice["id"]]},
    )  # fmt: skip
    assert received(a) == [("consultation-request", "FR")]
    (incoming,) = bafa.api("GET", "coordination/consultations")
    assert (incoming["uid"], incoming["denials"], incoming["deadline"]) == (
        asked["uid"],
        [own["uid"]],
        asked["deadline"],
    )
    assert incoming["subject"]["end_users"][0]["name"] == "OKHRANA SYSTEMS, LLC"

    # 5. DE takes 5 more working days; FR's deadline moves with it.
    extended = bafa.api(
        "POST",
        f"coordination/consultations/{incoming['id']}/extend",
        {"working_days": 5, "reason": "Technical assessment of the probe pending"},
    )
    assert received(b)[-1] == ("consultation-extension", "DE")
    mine = sbdu.api("GET", f"coordination/consultations/{asked['id']}")
    assert (mine["extended_by"], mine["deadline"]) == (5, extended["deadline"])
    assert mine["deadline"] > asked["deadline"]

    # 6. FR's server is down when DE replies: the reply waits in DE's outbox and is sent
    #    again once FR is back; FR applies it once.
    b.stop()
    bafa.api(
        "POST",
        f"coordination/consultations/{incoming['id']}/reply",
        {"outcome": "objection", "reply": "Same end user as our refusal; we object."},
    )
    assert a.outbox()[max(a.outbox())][:2] == ("pending", "")
    b.start()
    assert "pushed 1" in a.run("exchange", "sync", "--force").stdout
    assert a.run("exchange", "sync", "--force").exit_code == 0
    assert received(b)[-1] == ("consultation-reply", "DE")
    mine = sbdu.api("GET", f"coordination/consultations/{asked['id']}")
    assert (mine["state"], mine["outcome"]) == ("replied", "objection")

    # 7. The Art 16(5) objection does not bind: FR grants, and DE hears of the grant despite
    #    its denial, with the reasons and the consultation.
    sbdu.api("POST", f"cases/{sbdu.case}/decision", {})
    assert received(a)[-1] == ("grant-despite-denial", "FR")
    (grant,) = bafa.api("GET", "coordination/grants-despite-denial")["grants"]
    assert (grant["member_state"], grant["denials"], grant["consultations"]) == (
        "FR",
        [own["uid"]],
        [asked["uid"]],
    )
    assert "verified on site" in grant["reasons"]
    (divergence,) = bafa.api("GET", "coordination/analytics")["divergences"]
    assert (divergence["granted_by"], divergence["refused_by"], divergence["denial"]) == (
        "FR",
        "DE",
        own["uid"],
    )

    # 8. DE imposes a catch-all requirement on a non-listed item (Art 5(1)); FR reviews it
    #    (Art 5(5)) and agrees; DE records FR's answer.
    imposed = bafa.api(
        "POST",
        "coordination/catch-alls",
        {"basis": "art5-1", "destinations": ["RU"], "end_users": [END_USER],
         "items": [{"description": "Facial recognition software for city cameras"}],
         "reasoning": "Intended for the repression of protesters"},
    )  # fmt: skip
    assert received(b)[-1] == ("catch-all-notice", "DE")
    (catch_all,) = sbdu.api("GET", "coordination/catch-alls")["catch_alls"]
    assert catch_all["uid"] == imposed["uid"]
    (review,) = [r for r in catch_all["reviews"] if r["member_state"] == "FR"]
    assert review["state"] == "pending"
    sbdu.api("POST", f"coordination/catch-alls/{catch_all['id']}/review", {"agree": True})
    assert received(a)[-1] == ("catch-all-review", "FR")
    reviews = bafa.api("GET", f"coordination/catch-alls/{imposed['id']}")["reviews"]
    assert [r["state"] for r in reviews if r["member_state"] == "FR"] == ["agreed"]

    # 9. Once the month has ended, each side's scheduled job counts it and sends it: each
    #    server then has the other state's grants and refusals, not only its denials.
    decided = date.fromisoformat(own["decided_on"])
    next_month = (decided.replace(day=28) + timedelta(days=4)).replace(day=1)
    for server in (a, b):
        ran = server.run("coordination", "tick", "--today", next_month.isoformat())
        assert "1 month(s) of decision statistics sent" in " ".join(ran.stdout.split())
    assert (received(a)[-1], received(b)[-1]) == (
        ("decision-statistics", "FR"),
        ("decision-statistics", "DE"),
    )
    for authority, other, outcome in ((bafa, "FR", "granted"), (sbdu, "DE", "refused")):
        rates = authority.api("GET", "coordination/analytics?destination=RU")["rates"]
        (counted,) = [r for r in rates if r["member_state"] == other]
        assert (counted[outcome], counted["partial"]) == (1, False), rates

    # Every message type crossed, each applied once; nothing held or failed; chains intact.
    kinds = {kind for kind, _ in received(a) + received(b)}
    assert kinds == {
        "denial-notice",
        "denial-update",
        "consultation-request",
        "consultation-extension",
        "consultation-reply",
        "grant-despite-denial",
        "catch-all-notice",
        "catch-all-review",
        "decision-statistics",
    }
    assert len(received(a)) == 4
    assert len(received(b)) == 6
    for server in (a, b):
        (status,) = json.loads(server.run("exchange", "status", "--json").stdout)
        assert status | {"held": 0, "failed": 0, "pending": 0} == status, status
        assert "intact" in server.run("audit", "verify").stdout
