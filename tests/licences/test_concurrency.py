"""Two people at once, on PostgreSQL (row locks): numbers never repeat, and two shipments
against the last units cannot both pass."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from licentia.errors import InvalidInput
from licentia.licences import services
from licentia.licences.models import Licence, Shipment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
]


def at_once(work: list[Callable[[], object]]) -> list[object]:
    """Run each callable in its own thread and connection, released together."""
    start = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work[index]()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_licences_issued_at_once_get_different_numbers(
    make_grant: Any, officer: AbstractBaseUser
) -> None:
    decisions = [make_grant() for _ in range(6)]
    start = date(2026, 5, 1)
    results = at_once(
        [lambda d=d: services.issue_licence(d, actor=officer, valid_from=start) for d in decisions]
    )
    assert all(isinstance(r, Licence) for r in results), results
    numbers = sorted(Licence.objects.values_list("number", flat=True))
    assert numbers == [f"DE-IEA-2026-{n:06d}" for n in range(1, 7)]


def test_two_shipments_of_the_last_units_cannot_both_pass(
    make_grant: Any, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    licence = services.issue_licence(
        make_grant(), actor=officer, valid_from=date.today() - timedelta(days=10)
    )

    def ship() -> Shipment:
        return services.record_shipment(
            Licence.objects.get(pk=licence.pk),
            actor=exporter_user,
            position=1,
            quantity=Decimal("6"),
            value_eur=Decimal("1000"),
            shipped_on=date.today(),
            consignee="Import Ltda",
            destination="BR",
        )

    results = at_once([ship, ship])
    assert sorted(type(r).__name__ for r in results) == ["InvalidInput", "Shipment"]
    assert any(isinstance(r, InvalidInput) and "left" in str(r) for r in results)
    assert Shipment.objects.count() == 1
