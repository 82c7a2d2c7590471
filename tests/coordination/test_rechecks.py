"""Open cases checked again when a denial comes after their dossier ran (Art 16(5))."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from typer.testing import CliRunner

from licentia.accounts.models import Organisation
from licentia.cases import services
from licentia.cases.models import Case, RestrictiveKind
from licentia.cases.restrictive import record_restrictive_decision
from licentia.cli import app
from licentia.coordination import denials, rechecks, tick
from licentia.coordination.incoming import apply_incoming
from licentia.coordination.models import DenialNotice, OutgoingMessage
from licentia.notifications.models import Notification
from tests.coordination.conftest import MakeCase, refuse

pytestmark = pytest.mark.django_db


def dossier_matches(case: Case) -> list[str]:
    """The uids of the other states' denials that the case's latest dossier lists."""
    dossier = services.latest_dossier(case)
    assert dossier is not None
    return [d["notice"] for d in dossier.prior_denials["denials"] if "score" in d]


def dossier_count(case: Case) -> int:
    return case.dossiers.count()


def test_a_later_denial_refreshes_the_matching_open_cases_once(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    waiting = make_case("DE", end_user="Gulf Telecom Operations LLC")
    services.assign(waiting, to=officer_de, actor=officer_de)
    unassigned = make_case("DE", end_user="Gulf Telecom Operation L.L.C.", entry="5A001.j.1")
    head_entry = make_case("DE", end_user="Gulf Telecom Operations", entry="5A001")
    other_item = make_case("DE", end_user="Gulf Telecom Operations", entry="3A001.a.1")
    unrelated = make_case("DE", end_user="Oslo Harbour Authority", destinations=("NO",))
    own_state = make_case("FR", end_user="Gulf Telecom Operations")
    assert dossier_matches(waiting) == []

    notice = refuse(make_case("FR", end_user="Gulf Telecom Operations"), officer_fr)
    done = rechecks.check_open_cases()

    assert done.notices == 1
    assert {c.pk for c in done.cases} == {waiting.pk, unassigned.pk, head_entry.pk}
    assert dossier_count(other_item) == 1
    assert dossier_matches(waiting) == [str(notice.uid)]
    assert dossier_matches(unassigned) == [str(notice.uid)]
    assert services.latest_dossier(waiting).trigger.startswith("denial notified later")  # type: ignore[union-attr]
    assert (dossier_count(unrelated), dossier_count(own_state)) == (1, 1)
    # The assigned officer is told; for the unassigned case, every member of the authority.
    told = Notification.objects.filter(text__contains="essentially identical transaction")
    assert told.filter(user=officer_de, link=f"/cases/{waiting.pk}/").count() == 1
    assert told.filter(user=officer_de, link=f"/cases/{unassigned.pk}/").count() == 1
    assert not told.filter(user=officer_fr).exists()
    notice.refresh_from_db()
    assert notice.cases_checked_version == notice.version == 1

    # Checked once per version: nothing more to do, no second dossier.
    assert rechecks.check_open_cases().notices == 0
    assert dossier_count(waiting) == 2
    # A renewal is a new version: checked again, but the dossier already lists the denial.
    denials.renew(notice, reason="Unchanged.", actor=officer_fr)
    again = rechecks.check_open_cases()
    assert (again.notices, again.cases) == (1, [])
    assert dossier_count(waiting) == 2


def test_a_case_opened_after_the_denial_is_not_refreshed(
    make_case: MakeCase, officer_fr: AbstractBaseUser, de: Organisation
) -> None:
    notice = refuse(make_case("FR"), officer_fr)
    later = make_case("DE")
    assert dossier_matches(later) == [str(notice.uid)]
    assert rechecks.check_open_cases().cases == []
    assert dossier_count(later) == 1


def test_decided_cases_and_revoked_denials_are_left_alone(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    decided = make_case("DE")
    Case.objects.filter(pk=decided.pk).update(state="decided")
    notice = refuse(make_case("FR"), officer_fr)
    denials.revoke(notice, reason="End user dissolved.", actor=officer_fr)
    opened = make_case("DE")
    assert rechecks.check_open_cases().notices == 0
    assert (dossier_count(decided), dossier_count(opened)) == (1, 1)


def test_from_the_refusal_signal_after_commit(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    waiting = make_case("DE")
    refused = make_case("FR")
    with django_capture_on_commit_callbacks(execute=True):
        record_restrictive_decision(
            kind=RestrictiveKind.REFUSAL,
            case=refused,
            reason="Clear risk.",
            criteria=["cp-2"],
            actor=officer_fr,
        )
    notice = DenialNotice.objects.get(decision__case=refused)
    assert dossier_matches(waiting) == [str(notice.uid)]


def test_a_received_notice_and_a_received_amendment_refresh_cases(
    make_case: MakeCase,
    officer_fr: AbstractBaseUser,
    de: Organisation,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """Another deployment's FR notifies a denial of another end user, then amends it to the
    end user of DE's open case here."""
    notice = refuse(make_case("FR", end_user="Harbour Logistics BV"), officer_fr)
    gulf = {"name": "Gulf Telecom Operations", "country": "AE", "type": "telecom-operator"}
    denials.amend(notice, changes={"end_users": [gulf]}, reason="Corrected", actor=officer_fr)
    first, update = (
        json.loads(json.dumps(m.payload)) for m in OutgoingMessage.objects.order_by("pk")
    )
    DenialNotice.objects.filter(pk=notice.pk).update(decision=None, authority=None)
    DenialNotice.objects.all().delete()  # as if FR were on another deployment
    Case.objects.all().update(state="closed")
    waiting = make_case("DE")

    with django_capture_on_commit_callbacks(execute=True):
        apply_incoming("denial-notice", first, sender="FR")
    assert dossier_count(waiting) == 1  # Harbour Logistics: no match
    with django_capture_on_commit_callbacks(execute=True):
        apply_incoming("denial-update", update, sender="FR")
    assert dossier_matches(waiting) == [first["notice"]["id"]]
    assert dossier_count(waiting) == 2


def test_one_failing_dossier_leaves_the_notice_for_the_next_run(
    make_case: MakeCase,
    officer_fr: AbstractBaseUser,
    de: Organisation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = make_case("DE"), make_case("DE")
    notice = refuse(make_case("FR"), officer_fr)
    real = services.run_dossier

    def fails_for_first(case: Case, **kwargs: Any) -> Any:
        if case.pk == first.pk:
            raise RuntimeError("screening index unavailable")
        return real(case, **kwargs)

    monkeypatch.setattr(services, "run_dossier", fails_for_first)
    done = rechecks.check_open_cases()
    assert (done.failed, [c.pk for c in done.cases]) == (1, [second.pk])
    notice.refresh_from_db()
    assert notice.cases_checked_version == 0  # left for the next run
    monkeypatch.setattr(services, "run_dossier", real)
    done = tick.tick()
    assert done.cases_refreshed == 1
    assert dossier_matches(first) == [str(notice.uid)]
    assert dossier_count(second) == 2  # not refreshed twice
    notice.refresh_from_db()
    assert notice.cases_checked_version == 1


def test_the_scheduled_job_reports_the_refreshed_cases(
    make_case: MakeCase, officer_fr: AbstractBaseUser, de: Organisation
) -> None:
    make_case("DE")
    refuse(make_case("FR"), officer_fr)
    result = CliRunner().invoke(app, ["coordination", "tick"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "1 open case(s) matching a later denial given a new dossier" in said
