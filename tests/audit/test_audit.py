from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from licentia.accounts.models import Organisation
from licentia.audit import services
from licentia.audit.models import AuditEvent
from licentia.cli import app
from licentia.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject() -> Organisation:
    return Organisation.objects.create(name="Acme", kind="exporter", member_state="DE")


def _append(subject: Organisation, n: int) -> list[AuditEvent]:
    user = get_user_model().objects.create_user("officer", password="x" * 12)
    return [
        services.record(actor=user, action="test.touch", obj=subject, payload={"n": i})
        for i in range(n)
    ]


def test_events_chain_and_verify(subject: Organisation) -> None:
    events = _append(subject, 3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].previous_hash == events[0].hash
    assert events[0].actor == "officer"
    result = services.verify()
    assert result.intact
    assert result.events == 3
    assert result.head == events[-1].hash
    assert services.history(subject) == events


def test_the_model_refuses_changes_and_deletion(subject: Organisation) -> None:
    event = _append(subject, 1)[0]
    event.reason = "rewritten"
    with pytest.raises(Conflict):
        event.save()
    with pytest.raises(Conflict):
        event.delete()


def test_the_database_refuses_changes_and_deletion(subject: Organisation) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL, the production database, carries the append-only trigger")
    _append(subject, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize("tamper", ["edit", "delete-middle", "delete-last"])
def test_verify_detects_tampering_behind_the_triggers(subject: Organisation, tamper: str) -> None:
    _append(subject, 3)
    with _triggers_off():
        if tamper == "edit":
            AuditEvent.objects.filter(sequence=2).update(reason="rewritten")
        elif tamper == "delete-middle":
            AuditEvent.objects.filter(sequence=2).delete()
        else:
            AuditEvent.objects.filter(sequence=3).delete()
    result = services.verify()
    assert not result.intact
    expected = {
        "edit": "event 2 was changed",
        "delete-middle": "events 2 to 2 are missing",
        "delete-last": "the chain head records event 3",
    }[tamper]
    assert any(expected in problem for problem in result.problems), result.problems
    outcome = CliRunner().invoke(app, ["audit", "verify"])
    assert outcome.exit_code == 1


def test_cli_reports_an_intact_log(subject: Organisation) -> None:
    _append(subject, 2)
    outcome = CliRunner().invoke(app, ["audit", "verify"])
    assert outcome.exit_code == 0, outcome.output
    assert "intact: 2 events" in outcome.output


class _triggers_off:
    """Simulates an attacker with direct database access."""

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
