"""The world of the access tests: the demo data (`licentia.demo`), built once for the package
through the services inside a transaction that is rolled back at the end; each test runs in a
savepoint of it, so its writes vanish too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.test.utils import override_settings

from licentia import demo
from licentia.accounts import tokens
from licentia.accounts.models import ApiToken
from licentia.applications.models import Application, ApplicationDocument, Party
from licentia.applications.models import GeneralAuthorisationRegistration as Registration
from licentia.cases import services as cases
from licentia.cases.models import Case, Criterion, Finding
from licentia.controllists import services as controls
from licentia.licences.models import Licence
from licentia.notifications.models import Notification

# Who acts, by the demo login they use (None: nobody signed in).
ROLES: dict[str, str | None] = {
    "exporter-admin-A": "exporter-admin",
    "exporter-member-A": "exporter-member",
    "exporter-B": "exporter-fr",
    "officer": "officer-de",
    "senior": "senior-de",
    "authority-admin": "admin-de",
    "other-officer": "officer-fr",
    "coordination": "coordination-de",
    "anonymous": None,
}
EXPORTER_ROLES = ("exporter-admin-A", "exporter-member-A", "exporter-B")

# Written into the authority's records of exporter A's cases; never in an exporter's response.
NOTE_MARKER = "Internal note 5c1e: the end user's director is under investigation."
ASSESSMENT_MARKER = "Assessment 9d2b: intelligence reports link the consignee to the service."
INTERNAL_MARKERS = (
    NOTE_MARKER,
    ASSESSMENT_MARKER,
    # the demo's own notes and assessments
    "is known from earlier applications",
    "Reports of surveillance of journalists",
    # the dossier and the authority's workflow
    "prior_denials",
    "related_cases",
    "Prior denials",
    "Related cases",
    "dossier",
    "countersign",
)


@dataclass
class World:
    users: dict[str, AbstractBaseUser]
    tokens: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    def user(self, role: str) -> AbstractBaseUser | None:
        login = ROLES[role]
        return self.users[login] if login else None


def _application(title: str) -> Application:
    return Application.objects.get(title=title)


@pytest.fixture(scope="package")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    private = tmp_path_factory.mktemp("private")
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO=True, MEDIA_ROOT=private),
        transaction.atomic(),
    ):
        controls.import_curated()
        demo.load_demo_data(password="access-matrix")
        from django.contrib.auth import get_user_model

        users = {
            u.get_username(): u
            for u in get_user_model().objects.filter(username__in=[r for r in ROLES.values() if r])
        }
        made = {
            login: tokens.create_token(user=users[login], name="matrix", days=7)[1]
            for login in users
        }
        granted = _application("Monitoring probes for Gulf Telecom (pilot)")
        review = _application("Probes for Gulf Telecom")
        waiting = _application("IMSI catchers for Abu Dhabi")
        draft = _application("Face recognition for Brazil (draft)")
        granted_case, review_case = Case.objects.get(application=granted), review.case
        officer = users["officer-de"]
        cases.add_note(granted_case, text=NOTE_MARKER, actor=officer)
        cases.add_note(review_case, text=NOTE_MARKER, actor=officer)
        for criterion in cases.REQUIRED_CRITERIA:
            cases.assess_criterion(
                review_case,
                criterion=criterion.value,
                finding=Finding.NO_CONCERN,
                reasoning=ASSESSMENT_MARKER,
                actor=officer,
            )
        cases.assess_criterion(
            review_case,
            criterion=Criterion.CP2.value,
            finding=Finding.CONCERN,
            reasoning=ASSESSMENT_MARKER,
            actor=officer,
        )
        exporter_a = users["exporter-admin"]
        ids = {
            "granted_app": granted.pk,
            "waiting_app": waiting.pk,
            "draft_app": draft.pk,
            "draft_version": draft.version,
            "waiting_version": waiting.version,
            "document": ApplicationDocument.objects.filter(application=granted).first().pk,  # type: ignore[union-attr]
            "party": Party.objects.filter(organisation=granted.organisation).first().pk,  # type: ignore[union-attr]
            "granted_case": granted_case.pk,
            "review_case": review_case.pk,
            "countersign_case": _application(
                "Monitoring probes for Gulf Telecom (phase 2)"
            ).case.pk,
            "ready_case": _application("Encryption modules for Bengaluru").case.pk,
            "shipped_licence": Licence.objects.get(decision__case=granted_case).pk,
            "active_licence": Licence.objects.get(
                decision__case__application__title="DPI for Operadora Exemplo (2026)"
            ).pk,
            "notification": Notification.objects.filter(user=exporter_a).first().pk,  # type: ignore[union-attr]
            "registration": Registration.objects.get(
                organisation=granted.organisation, code="EU001"
            ).pk,
            "token": ApiToken.objects.get(user=exporter_a).pk,
        }
        yield World(users, made, ids)
        transaction.set_rollback(True)
