"""The dossier's related cases read a bounded number of queries, however many cases are
related, and name the latest decision of each (performance fixes of the load benchmark)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licentia.cases import dossier, services
from licentia.cases.models import Case, Decision, RestrictiveKind
from licentia.cases.restrictive import record_restrictive_decision
from licentia.screenings import services as screenings
from tests.cases.conftest import MakeCase


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(DATA_DIR=tmp_path):
        screenings.rebuild_index()
        yield tmp_path


def related_queries(case: Case) -> tuple[int, list[dict[str, object]]]:
    parties = list(case.application.parties.all())
    with CaptureQueriesContext(connection) as captured:
        found = dossier.related_cases(case, parties)
    return len(captured.captured_queries), found


@pytest.mark.django_db
def test_related_cases_take_the_same_queries_for_2_or_12_cases(make_case: MakeCase) -> None:
    for _ in range(2):
        make_case(end_user="Gulf Telecom Operations")
    few, found = related_queries(make_case(end_user="Gulf Telecom Operations"))
    assert len(found) == 2
    for _ in range(10):
        make_case(end_user="Gulf Telecom Operations")
    many, found = related_queries(make_case(end_user="Gulf Telecom Operations"))
    assert len(found) == 13
    assert many == few


@pytest.mark.django_db
def test_related_cases_newest_first_with_the_latest_decision(
    make_case: MakeCase, officer: AbstractBaseUser
) -> None:
    first = make_case(end_user="Gulf Telecom Operations")
    second = make_case(end_user="Other End User")
    now = timezone.now()
    Decision.objects.create(case=first, outcome="refuse", reasoning="earlier")
    Decision.objects.create(case=first, outcome="grant", reasoning="on appeal")
    Decision.objects.filter(case=first, reasoning="earlier").update(
        decided_at=now - timezone.timedelta(days=3)
    )
    Case.objects.filter(pk=second.pk).update(opened_at=now + timezone.timedelta(minutes=1))
    third = make_case(end_user="gulf telecom operations")
    _, found = related_queries(third)
    assert [r["case"] for r in found] == [second.pk, first.pk]
    assert found[1]["outcome"] == "grant"
    assert found[1]["relation"] == ["same exporter", "same end user"]
    assert found[0]["relation"] == ["same exporter"]


@pytest.mark.django_db
def test_a_case_about_to_open_sees_prior_decisions_and_related_cases(
    make_case: MakeCase, officer: AbstractBaseUser
) -> None:
    """`prepare_dossier` builds on a case not saved yet: nothing is excluded by its id."""
    refused = make_case(end_user="Gulf Telecom Operations")
    record_restrictive_decision(
        kind=RestrictiveKind.REFUSAL,
        case=refused,
        reason="Clear risk.",
        criteria=["cp-2"],
        actor=officer,
    )
    later = make_case(end_user="Gulf Telecom Operations")
    built = dossier.build(Case(application=later.application, authority=later.authority))
    assert [d["case"] for d in built.prior_denials["denials"]] == [refused.pk]
    assert {r["case"] for r in built.related_cases} == {refused.pk, later.pk}
    stored = services.latest_dossier(later)
    assert stored is not None
    assert [r["case"] for r in stored.related_cases] == [refused.pk]
