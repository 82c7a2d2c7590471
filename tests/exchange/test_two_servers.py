"""Two Licentia servers on loopback, each with its own database and key, the other as its peer.

Server A (deployment `de-a`, for DE) and server B (`fr-b`, for FR) run under gunicorn; the test
drives them as an operator would (the `licentia` command with each server's environment) and as a
peer would (signed HTTP requests), and reads each server's database to check what was applied.

Covered: push right after commit, both directions; a resend of the same envelope (applied once);
a tampered envelope (refused, audited); a lost connection recovered by B pulling, and by A pushing
again; out-of-order arrival (held, then applied in order); the coordination message types when
the coordination app is installed. The variant matches the suite's database: two SQLite files,
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
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from licentia.exchange.envelope import AUTH_HEADER, SigningKey, sign_request
from tests.exchange import coordination_messages

PROJECT = Path(__file__).resolve().parents[2]
STANDALONE_KINDS = {"denial-notice", "denial-update", "consultation-request", "catch-all-notice"}


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

    # 8. Coordination messages, applied by the coordination app on the receiving side (when that
    #    app is installed). Replies, extensions, reviews and grants answer objects the receiver
    #    made through its own workflow, so they are left to a test that drives that workflow.
    if not apps.is_installed("licentia.coordination"):
        return
    by_state = {"DE": (a, b), "FR": (b, a)}
    for server, name in ((a, "BAFA"), (b, "SBDU")):
        server.execute(
            "INSERT INTO accounts_organisation (name, kind, member_state, eori) VALUES (%s, %s, %s, %s)",
            name,
            "authority",
            server.member_state,
            "",
        )
    sent: list[str] = []
    for state, kind, payload in coordination_messages.messages(date.today()):
        if kind not in STANDALONE_KINDS:
            continue
        sender, receiver = by_state[state]
        line = {"kind": kind, "payload": payload, "from": state, "to": [receiver.member_state]}
        (sender.root / "coordination.jsonl").write_text(json.dumps(line))
        sender.run("exchange", "publish", "--file", str(sender.root / "coordination.jsonl"))
        applied = receiver.rows(
            "SELECT kind FROM coordination_incomingmessage WHERE message_id = %s",
            payload["message_id"]
            if receiver.database_url.startswith("postgres")
            else payload["message_id"].replace("-", ""),
        )
        assert applied == [(kind,)], (
            kind,
            receiver.rows(
                "SELECT state, last_error FROM exchange_inboxmessage ORDER BY id DESC LIMIT 1"
            ),
        )
        sent.append(kind)
    assert sent == sorted(STANDALONE_KINDS, key=sent.index)
    assert len(sent) == len(STANDALONE_KINDS)
