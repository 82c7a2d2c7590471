"""Deadlines in working days of the CONSULTED state, with a controllable clock."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Organisation
from licentia.coordination import consultations, tick
from licentia.coordination.models import ConsultationKind
from licentia.errors import InvalidInput
from licentia.notifications.models import Notification
from tests.coordination.conftest import MakeCase

pytestmark = pytest.mark.django_db


def consult(case, officer, state: str, day: date, kind: str = ConsultationKind.ITEMS_ELSEWHERE):  # type: ignore[no-untyped-def]
    return consultations.request(
        case,
        kind=kind,
        consulted_member_state=state,
        question="Do you object?",
        actor=officer,
        today=day,
    )


@pytest.mark.parametrize(
    ("state", "requested", "deadline"),
    [
        # Wed 16 Dec 2026 in Germany: two weekends, 25 and 26 December (Saturday) skipped.
        ("DE", date(2026, 12, 16), date(2026, 12, 31)),
        # Thu 30 Apr 2026 in France: 1 May, 8 May, Ascension (14 May), three weekends.
        ("FR", date(2026, 4, 30), date(2026, 5, 19)),
        # The same day in the Netherlands: King's Day is 27 April, before; Ascension counts.
        ("NL", date(2026, 4, 30), date(2026, 5, 15)),
        # Friday to Friday over two plain weekends.
        ("NL", date(2026, 3, 6), date(2026, 3, 20)),
    ],
)
def test_ten_working_days_of_the_consulted_state(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    de: Organisation,
    fr: Organisation,
    nl: Organisation,
    state: str,
    requested: date,
    deadline: date,
) -> None:
    case, officer = (
        (make_case("FR"), officer_fr) if state == "DE" else (make_case("DE"), officer_de)
    )
    consultation = consult(case, officer, state, requested)
    assert consultation.deadline == deadline
    assert consultations.working_days_left(consultation, today=requested) == 10
    assert consultations.working_days_left(consultation, today=deadline) == 0


def test_extension_up_to_thirty_working_days_in_all(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    fr: Organisation,
) -> None:
    consultation = consult(make_case("DE"), officer_de, "FR", date(2026, 4, 30))
    with pytest.raises(InvalidInput, match="from 1 to 20 working days"):
        consultations.extend(consultation, working_days=21, reason="More checks", actor=officer_fr)
    consultations.extend(consultation, working_days=20, reason="More checks", actor=officer_fr)
    assert consultation.state == "extended"
    # 30 French working days from 30 April 2026 (Whit Monday 25 May and 14 July are later).
    assert consultation.deadline == date(2026, 6, 17)


def test_essential_security_consultations_end_within_ten_working_days(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    fr: Organisation,
) -> None:
    consultation = consult(
        make_case("DE"), officer_de, "FR", date(2026, 3, 2), ConsultationKind.ESSENTIAL_SECURITY
    )
    assert not consultation.binding
    with pytest.raises(InvalidInput, match="none"):
        consultations.extend(consultation, working_days=1, reason="x", actor=officer_fr)


def test_reminder_then_lapse_with_escalation_and_idempotent_ticks(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    fr: Organisation,
) -> None:
    consultation = consult(make_case("DE"), officer_de, "FR", date(2026, 4, 30))  # due 19 May
    assert tick.tick(today=date(2026, 5, 14)).consultation_reminders == 0  # 3 working days left
    first = tick.tick(today=date(2026, 5, 15))  # Friday: 2 working days left (18, 19 May)
    assert first.consultation_reminders == 1
    assert tick.tick(today=date(2026, 5, 15)).consultation_reminders == 0
    assert (
        Notification.objects.filter(user=officer_fr, text__startswith="Reply to the").count() == 1
    )
    assert tick.tick(today=date(2026, 5, 19)).consultations_lapsed == 0  # the last day counts
    lapsed = tick.tick(today=date(2026, 5, 20))
    assert lapsed.consultations_lapsed == 1
    consultation.refresh_from_db()
    assert consultation.state == "lapsed"
    assert consultation.escalated_on == date(2026, 5, 20)
    for user in (officer_de, officer_fr):
        assert Notification.objects.filter(user=user, text__contains="without a reply").exists()
    assert tick.tick(today=date(2026, 5, 21)).consultations_lapsed == 0


def test_only_member_states_other_than_ones_own_are_consulted(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    case = make_case("DE")
    for state, message in (("DE", "another Member State"), ("CH", "not a Member State")):
        with pytest.raises(InvalidInput, match=message):
            consult(case, officer_de, state, date(2026, 3, 2))


def test_the_scheduled_job_from_the_command_line(
    make_case: MakeCase, officer_de: AbstractBaseUser, fr: Organisation
) -> None:
    from typer.testing import CliRunner

    from licentia.cli import app

    consult(make_case("DE"), officer_de, "FR", date(2026, 4, 30))
    runner = CliRunner()
    result = runner.invoke(app, ["coordination", "tick", "--today", "2026-05-20"])
    assert result.exit_code == 0, result.output
    assert "1 consultation(s) past their deadline" in result.output
    again = runner.invoke(app, ["coordination", "tick", "--today", "2026-05-20"])
    assert "0 consultation(s) past their deadline" in again.output
    wrong = runner.invoke(app, ["coordination", "tick", "--today", "20 May"])
    assert wrong.exit_code == 2
    assert "not a date" in wrong.output
