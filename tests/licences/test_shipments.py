"""Licence use: shipments within what remains, validity and destinations; exhaustion."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.access import Forbidden
from licentia.audit.services import history
from licentia.errors import Conflict, InvalidInput, StaleObject
from licentia.licences import services
from licentia.licences.models import Licence, Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(make_grant: Any, officer: AbstractBaseUser) -> Licence:
    """A licence that started 60 days ago: lines of 10 units / EUR 50,000 and 2 / EUR 8,000."""
    return services.issue_licence(
        make_grant(), actor=officer, valid_from=date.today() - timedelta(days=60)
    )


def ship(licence: Licence, actor: AbstractBaseUser, **changes: Any) -> Shipment:
    values: dict[str, Any] = {
        "position": 1,
        "quantity": Decimal("4"),
        "value_eur": Decimal("20000.00"),
        "shipped_on": date.today() - timedelta(days=10),
        "consignee": "Import Ltda",
        "destination": "BR",
        "customs_reference": "26DE123456789012A1",
    }
    values.update(changes)
    return services.record_shipment(licence, actor=actor, **values)


def test_a_shipment_is_recorded_kept_and_counted(
    started: Licence, exporter_user: AbstractBaseUser
) -> None:
    shipment = ship(started, exporter_user, shipped_on=started.valid_from)
    assert shipment.keep_until == date(started.valid_from.year + 5, 12, 31)
    first = services.line_usage(started)[0]
    assert (first.used_quantity, first.remaining_quantity) == (Decimal("4"), Decimal("6"))
    assert (first.used_value, first.remaining_value) == (Decimal("20000"), Decimal("30000"))
    assert history(started)[-1].action == "licence.shipment"


def test_keep_until_is_five_years_from_the_end_of_the_year() -> None:
    assert services.keep_until(date(2026, 1, 1)) == date(2031, 12, 31)
    assert services.keep_until(date(2026, 12, 31)) == date(2031, 12, 31)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": Decimal("11")}, "quantity"),
        ({"value_eur": Decimal("50000.01")}, "value_eur"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"value_eur": Decimal("-1")}, "value_eur"),
        ({"destination": "CN"}, "destination"),
        ({"shipped_on": date.today() - timedelta(days=61)}, "shipped_on"),
        ({"shipped_on": date.today() + timedelta(days=1)}, "shipped_on"),
        ({"position": 3}, "line"),
        ({"consignee": "  "}, "consignee"),
    ],
)
def test_refused_shipments_name_the_field(
    started: Licence, exporter_user: AbstractBaseUser, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        ship(started, exporter_user, **changes)
    assert refused.value.details["field"] == field
    assert not Shipment.objects.exists()


def test_over_use_over_several_shipments_is_refused(
    started: Licence, exporter_user: AbstractBaseUser
) -> None:
    ship(started, exporter_user, quantity=Decimal("6"), value_eur=Decimal("10000"))
    with pytest.raises(InvalidInput, match=r"has 4\.000 units left"):
        ship(started, exporter_user, quantity=Decimal("5"), value_eur=Decimal("100"))
    with pytest.raises(InvalidInput, match=r"EUR 40000\.00 left"):
        ship(started, exporter_user, quantity=Decimal("1"), value_eur=Decimal("40000.01"))


def test_using_up_every_line_exhausts_the_licence(
    started: Licence, exporter_user: AbstractBaseUser
) -> None:
    ship(started, exporter_user, quantity=Decimal("10"), value_eur=Decimal("45000"))
    assert Licence.objects.get(pk=started.pk).state == "active"  # line 2 remains
    ship(started, exporter_user, position=2, quantity=Decimal("1"), value_eur=Decimal("8000"))
    started.refresh_from_db()
    assert started.state == "exhausted"
    assert history(started)[-1].action == "licence.exhaust"
    with pytest.raises(Conflict, match="exhausted"):
        ship(started, exporter_user, position=2, quantity=Decimal("1"), value_eur=Decimal("0"))


def test_no_shipment_under_a_suspended_licence(
    started: Licence, exporter_user: AbstractBaseUser, officer: AbstractBaseUser
) -> None:
    services.suspend_licence(started, actor=officer, reason="Inquiry")
    with pytest.raises(Conflict, match="suspended"):
        ship(started, exporter_user)


def test_a_form_opened_before_a_change_is_stale(
    started: Licence, exporter_user: AbstractBaseUser, officer: AbstractBaseUser
) -> None:
    seen = started.version
    services.amend_licence(
        Licence.objects.get(pk=started.pk), actor=officer, reason="x", conditions="New."
    )
    with pytest.raises(StaleObject):
        ship(started, exporter_user, version=seen)
    assert ship(started, exporter_user, version=seen + 1).quantity == Decimal("4")


def test_only_the_holder_records(started: Licence, officer: AbstractBaseUser) -> None:
    with pytest.raises(Forbidden):
        ship(started, officer)


def test_an_amendment_cannot_go_below_what_was_shipped(
    started: Licence, exporter_user: AbstractBaseUser, officer: AbstractBaseUser
) -> None:
    ship(started, exporter_user)
    with pytest.raises(InvalidInput, match="less than what was shipped"):
        services.amend_licence(
            started,
            actor=officer,
            reason="cut",
            lines=[services.LineChange(1, Decimal("3"), Decimal("50000"))],
        )
    with pytest.raises(InvalidInput, match="covering every shipment"):
        services.amend_licence(
            started,
            actor=officer,
            reason="cut",
            valid_until=date.today() - timedelta(days=11),
        )


def test_cutting_lines_to_what_was_shipped_exhausts(
    started: Licence, exporter_user: AbstractBaseUser, officer: AbstractBaseUser
) -> None:
    ship(started, exporter_user)
    services.amend_licence(
        started,
        actor=officer,
        reason="no more",
        lines=[
            services.LineChange(1, Decimal("4"), Decimal("20000")),
            services.LineChange(2, Decimal("0.001"), Decimal("0")),
        ],
    )
    assert Licence.objects.get(pk=started.pk).state == "active"  # 0.001 of line 2 remains
    ship(started, exporter_user, position=2, quantity=Decimal("0.001"), value_eur=Decimal(0))
    assert Licence.objects.get(pk=started.pk).state == "exhausted"
