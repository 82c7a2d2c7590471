"""Submission runs the automatic checks before it takes the locks every submission waits for
(the reference counter and the audit chain), and stores exactly what they found."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.applications import services
from licentia.audit import services as audit
from licentia.cases import dossier as checks
from licentia.cases import services as cases
from tests.applications.conftest import MakeDraft


@pytest.mark.django_db
def test_checks_run_before_the_reference_and_the_audit_chain_are_locked(
    make_draft: MakeDraft, alice: AbstractBaseUser, authority: object
) -> None:
    draft = make_draft()
    calls: list[str] = []

    def spy(name: str, real: object) -> object:
        def called(*args: object, **kwargs: object) -> object:
            calls.append(name)
            return real(*args, **kwargs)  # type: ignore[operator]

        return called

    with (
        mock.patch.object(checks, "build", spy("checks", checks.build)),
        mock.patch.object(services, "next_reference", spy("reference", services.next_reference)),
        mock.patch.object(services, "apply_transition", spy("audit", audit.apply_transition)),
    ):
        submitted = services.submit(application=draft, version=draft.version, user=alice)
    assert calls == ["checks", "reference", "audit"]
    stored = cases.latest_dossier(submitted.case)
    assert stored is not None
    assert (stored.number, stored.trigger) == (1, "submission")
    again = checks.build(submitted.case)
    assert stored.determination == again.determination
    assert stored.screening == again.screening
    assert stored.classification == again.classification
    assert stored.related_cases == again.related_cases
    assert submitted.case.risk_rating == again.risk_rating


@pytest.mark.django_db
def test_an_incomplete_draft_runs_no_check(
    make_draft: MakeDraft, alice: AbstractBaseUser, authority: object
) -> None:
    draft = make_draft(statement=False)
    with (
        mock.patch.object(checks, "build") as build,
        pytest.raises(services.Incomplete),
    ):
        services.submit(application=draft, version=draft.version, user=alice)
    build.assert_not_called()
