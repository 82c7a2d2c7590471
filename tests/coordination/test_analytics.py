"""Consistency analytics: rates per destination, category and state; grants of what another
state refused, with the time between."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from licentia.cases import services
from licentia.cases.models import Case, Decision, Outcome
from licentia.coordination import analytics, consultations, denials, rechecks
from licentia.coordination.models import ConsultationKind
from licentia.errors import InvalidInput
from tests.coordination.conftest import MakeCase, ready_to_grant, refuse

pytestmark = pytest.mark.django_db


def decided(case, officer, outcome: str) -> None:  # type: ignore[no-untyped-def]
    Decision.objects.create(case=case, outcome=outcome, reasoning="x", decided_by=officer)


def test_rates_and_divergences(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    refused = make_case("FR")
    decided(refused, officer_fr, Outcome.REFUSE)
    denial = refuse(refused, officer_fr)
    decided(make_case("FR", end_user="Other Buyer"), officer_fr, Outcome.GRANT)
    case = make_case("DE", end_user="Gulf Telecom Operations LLC")
    ready_to_grant(case, officer_de)
    consultation = consultations.request(
        case,
        kind=ConsultationKind.IDENTICAL_TRANSACTION,
        consulted_member_state="FR",
        question="?",
        denials=[denial],
        actor=officer_de,
    )
    consultations.reply(consultation, outcome="comments", text="Your call.", actor=officer_fr)
    services.decide(case, actor=officer_de)
    decided(make_case("DE", entry="", destinations=("QA",)), officer_de, Outcome.REFUSE)
    report = analytics.report()
    rows = {(r["destination"], r["category"], r["member_state"]): r for r in report.rates}
    assert (rows[("AE", "5", "FR")]["granted"], rows[("AE", "5", "FR")]["refused"]) == (1, 1)
    assert rows[("AE", "5", "FR")]["approval_rate"] == 0.5
    assert rows[("AE", "5", "DE")]["approval_rate"] == 1.0
    assert rows[("QA", "not listed", "DE")]["denial_rate"] == 1.0
    [pair] = report.divergences
    assert (pair["granted_by"], pair["refused_by"], pair["days_between"]) == ("DE", "FR", 0)
    assert pair["denial"] == str(denial.uid)
    assert pair["score"] > 0.7
    assert analytics.report(destination="QA").divergences == []
    assert {r["destination"] for r in analytics.report(destination="ae").rates} == {"AE"}
    assert {r["category"] for r in analytics.report(category_filter="not listed").rates} == {
        "not listed"
    }
    with pytest.raises(InvalidInput):
        analytics.report(destination="Arabia")


def test_a_grant_that_a_later_refusal_matches(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    """DE granted; 40 days later FR refuses an essentially identical transaction: recorded
    once when FR's notice is checked, and shown with negative days."""
    granted = make_case("DE", end_user="Gulf Telecom Operations LLC")
    too_old = make_case("DE", end_user="Gulf Telecom Operations")
    own_state = make_case("FR", end_user="Gulf Telecom Operations")
    for case, days in ((granted, 40), (too_old, 3 * 365 + 30), (own_state, 10)):
        decided(case, officer_de, Outcome.GRANT)
        Case.objects.filter(pk=case.pk).update(state="decided")
        Decision.objects.filter(case=case).update(decided_at=timezone.now() - timedelta(days=days))
    denial = refuse(make_case("FR"), officer_fr)

    assert rechecks.check_open_cases().earlier_grants == 1
    [pair] = analytics.report().divergences
    assert (pair["granted_by"], pair["refused_by"], pair["days_between"]) == ("DE", "FR", -40)
    assert (pair["denial"], pair["case"]) == (str(denial.uid), str(granted.application))
    assert pair["score"] > 0.7
    denials.renew(denial, reason="Unchanged.", actor=officer_fr)
    assert rechecks.check_open_cases().earlier_grants == 0  # recorded once
    assert len(analytics.report().divergences) == 1
