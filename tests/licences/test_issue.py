"""Issuing a licence on a grant: number, code, validity, lines and parties copied, audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.audit.services import history
from licentia.cases.models import Outcome, Recommendation
from licentia.errors import Conflict, InvalidInput
from licentia.licences import services
from licentia.licences.models import Licence
from licentia.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_grant_issues_a_licence_with_everything_copied(licence: Licence) -> None:
    assert licence.number == f"DE-IEA-{licence.valid_from.year}-000001"
    assert licence.state == "active"
    assert len(licence.verification_code) == 14
    assert set(licence.verification_code) - {"-"} <= set(services.CODE_ALPHABET)
    assert [(line.position, line.quantity, line.value_eur) for line in licence.lines.all()] == [
        (1, Decimal("10.000"), Decimal("50000.00")),
        (2, Decimal("2.000"), Decimal("8000.00")),
    ]
    assert licence.destinations == ["BR", "IN"]
    assert licence.end_users == [
        {"name": "Operadora Exemplo", "country": "BR", "type": "telecom-operator"}
    ]
    assert licence.conditions == "No re-export without prior consent."
    assert [e.action for e in history(licence)] == ["licence.issue"]


def test_numbers_follow_each_other_per_state_kind_and_year(
    make_grant: Any, officer: AbstractBaseUser
) -> None:
    start = date(2026, 3, 1)
    numbers = [
        services.issue_licence(make_grant(kind=kind), actor=officer, valid_from=start).number
        for kind in ("individual", "individual", "global", "large-project")
    ]
    assert numbers == [
        "DE-IEA-2026-000001",
        "DE-IEA-2026-000002",
        "DE-GEA-2026-000001",
        "DE-LPA-2026-000001",
    ]
    assert len(set(Licence.objects.values_list("verification_code", flat=True))) == 4


def test_validity_defaults_to_two_years(make_grant: Any, officer: AbstractBaseUser) -> None:
    licence = services.issue_licence(make_grant(), actor=officer, valid_from=date(2026, 2, 1))
    assert (licence.valid_from, licence.valid_until) == (date(2026, 2, 1), date(2028, 1, 31))


@pytest.mark.parametrize(
    ("kind", "months", "allowed"),
    [
        ("individual", 24, True),
        ("individual", 25, False),
        ("individual", 0, False),
        ("global", 30, False),
        ("large-project", 48, True),
        ("large-project", 49, False),
    ],
)
def test_validity_limits(
    make_grant: Any, officer: AbstractBaseUser, kind: str, months: int, allowed: bool
) -> None:
    decision = make_grant(kind=kind)
    if allowed:
        licence = services.issue_licence(decision, actor=officer, validity_months=months)
        last_day = services.add_months(licence.valid_from, months) - timedelta(days=1)
        assert licence.valid_until == last_day
    else:
        with pytest.raises(InvalidInput, match="months"):
            services.issue_licence(decision, actor=officer, validity_months=months)
        assert not Licence.objects.exists()


def test_validity_comes_from_the_granting_recommendation_then_the_request(
    make_grant: Any, officer: AbstractBaseUser
) -> None:
    requested = make_grant(requested_validity_months=6)
    assert services.issue_licence(
        requested, actor=officer, valid_from=date(2026, 1, 1)
    ).valid_until == date(2026, 6, 30)
    recommended = make_grant(requested_validity_months=6)
    Recommendation.objects.create(
        case=recommended.case, outcome=Outcome.GRANT, reasoning="fine", validity_months=12
    )
    assert services.issue_licence(
        recommended, actor=officer, valid_from=date(2026, 1, 1)
    ).valid_until == date(2026, 12, 31)


def test_only_a_grant_issues_and_only_once(make_grant: Any, officer: AbstractBaseUser) -> None:
    decision = make_grant()
    services.issue_licence(decision, actor=officer)
    with pytest.raises(Conflict):
        services.issue_licence(decision, actor=officer)
    refusal = make_grant()
    refusal.outcome = Outcome.REFUSE
    refusal.save()
    with pytest.raises(InvalidInput, match="only on a grant"):
        services.issue_licence(refusal, actor=officer)


def test_add_months_keeps_to_the_end_of_short_months() -> None:
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_the_holders_people_are_told(
    make_grant: Any, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    licence = services.issue_licence(make_grant(), actor=officer)
    services.suspend_licence(licence, actor=officer, reason="Inquiry opened")
    told = list(Notification.objects.filter(user=exporter_user).order_by("pk"))
    assert [n.link for n in told] == [f"/licences/{licence.pk}/"] * 2
    assert licence.number in told[0].text
    assert "suspended by the authority: Inquiry opened" in told[1].text
    assert not Notification.objects.filter(user=officer).exists()
