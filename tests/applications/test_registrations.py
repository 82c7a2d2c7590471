"""Union general export authorisations: registration once while live, validated usage reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.applications import registrations
from licentia.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(exporter_org, alice, control_list):
    return registrations.register(organisation=exporter_org, code="eu001", user=alice)


def line(**changes: str) -> dict[str, str]:
    return {
        "item": "Network probe",
        "entry": "5A001.j",
        "quantity": "2",
        "value_eur": "50000",
        "consignee": "Telco Inc",
        "destination": "US",
    } | changes


def report(registration, alice, lines, *, start: date | None = None, end: date | None = None):
    today = timezone.localdate()
    return registrations.submit_report(
        registration=registration,
        period_start=start or today,
        period_end=end or today,
        lines=lines,
        user=alice,
    )


def test_register_once_while_live(registration, exporter_org, alice) -> None:
    assert registration.code == "EU001"
    assert registration.acknowledged_at is not None
    with pytest.raises(Conflict, match="already registered"):
        registrations.register(organisation=exporter_org, code="EU001", user=alice)
    registrations.withdraw_registration(registration=registration, user=alice)
    with pytest.raises(Conflict, match="already withdrawn"):
        registrations.withdraw_registration(registration=registration, user=alice)
    again = registrations.register(organisation=exporter_org, code="EU001", user=alice)
    assert again.pk != registration.pk


def test_only_exporters_established_in_the_union_register(alice) -> None:
    foreign = Organisation.objects.create(
        name="US", kind=OrganisationKind.EXPORTER, member_state="US"
    )
    with pytest.raises(InvalidInput, match="established in a Member State"):
        registrations.register(organisation=foreign, code="EU001", user=alice)
    with pytest.raises(InvalidInput, match="unknown general authorisation"):
        registrations.register(organisation=foreign, code="EU010", user=alice)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"item": ""}, "item", "describe the item"),
        ({"entry": "5A001.zz"}, "entry", "5A001.zz"),
        ({"destination": "CN"}, "destination", "not a destination of EU001"),
        ({"destination": "ZZ"}, "destination", "Unknown country code"),
        ({"quantity": "-1"}, "quantity", "above 0"),
        ({"value_eur": "1e13"}, "value_eur", "typing error"),
        ({"consignee": ""}, "consignee", "name the consignee"),
    ],
)
def test_report_lines_are_validated(registration, alice, changes, field, words) -> None:
    with pytest.raises(InvalidInput, match=words) as refused:
        report(registration, alice, [line(), line(**changes)])
    assert refused.value.details["field"] == f"lines[2].{field}"
    assert not registration.reports.exists()


def test_report_periods(registration, alice) -> None:
    today = timezone.localdate()
    with pytest.raises(InvalidInput, match="ends before it starts"):
        report(registration, alice, [], start=today, end=today - timedelta(days=1))
    with pytest.raises(InvalidInput, match="future"):
        report(registration, alice, [], end=today + timedelta(days=1))
    nil = report(registration, alice, [])
    assert nil.lines == []
    with pytest.raises(Conflict, match="overlaps"):
        report(registration, alice, [line()])
    registrations.withdraw_registration(registration=registration, user=alice)
    registration.withdrawn_at = timezone.now() - timedelta(days=3)
    registration.registered_at = timezone.now() - timedelta(days=30)
    registration.save()
    with pytest.raises(InvalidInput, match="withdrawn"):
        report(
            registration, alice, [], start=today - timedelta(days=1), end=today - timedelta(days=1)
        )
