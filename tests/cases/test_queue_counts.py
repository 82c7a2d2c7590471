"""The queue's counts come from one query and count only the authority's own cases."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licentia.accounts.models import Organisation
from licentia.cases import services
from licentia.cases.models import Case
from licentia.cases.states import CaseState
from tests.cases.conftest import MakeCase


@pytest.mark.django_db
def test_counts_per_state_mine_and_unassigned_in_one_query(
    make_case: MakeCase,
    officer: AbstractBaseUser,
    second_officer: AbstractBaseUser,
    other_authority: Organisation,
) -> None:
    cases = [make_case() for _ in range(6)]
    Case.objects.filter(pk=cases[0].pk).update(state="under-review", assigned_to=officer)
    Case.objects.filter(pk=cases[1].pk).update(state="under-review", assigned_to=second_officer)
    Case.objects.filter(pk=cases[2].pk).update(state="decided", assigned_to=officer)
    Case.objects.filter(pk=cases[3].pk).update(state="closed")
    Case.objects.filter(pk=cases[4].pk).update(authority=other_authority)
    with CaptureQueriesContext(connection) as captured:
        counts = services.queue_counts(officer)
    assert len([q for q in captured.captured_queries if "cases_case" in q["sql"]]) == 1
    expected = dict.fromkeys((s.value for s in CaseState), 0)
    expected |= {"open": 1, "under-review": 2, "decided": 1, "closed": 1}
    assert counts == expected | {"mine": 1, "unassigned": 1}
    assert services.queue(officer).count() == sum(counts[s.value] for s in CaseState)


@pytest.mark.django_db
def test_no_case_counts_zero(officer: AbstractBaseUser, coordinator: AbstractBaseUser) -> None:
    zero = dict.fromkeys((s.value for s in CaseState), 0) | {"mine": 0, "unassigned": 0}
    assert services.queue_counts(officer) == zero
    assert services.queue_counts(coordinator) == zero


@pytest.mark.django_db
def test_destination_filter_finds_any_listed_destination(
    make_case: MakeCase, officer: AbstractBaseUser
) -> None:
    """On PostgreSQL by jsonb containment (GIN index), elsewhere by text; same answers."""
    only_ae = make_case(destinations=("AE",))
    both = make_case(destinations=("CN", "AE"))
    make_case(destinations=("SA",))

    def found(code: str) -> set[int]:
        chosen = services.QueueFilter(destination=code)
        return set(services.queue(officer, filters=chosen).values_list("pk", flat=True))

    assert found("ae") == {only_ae.pk, both.pk}
    assert found("CN") == {both.pk}
    assert found("US") == set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'application_destinations'")
            assert cursor.fetchone() is not None
